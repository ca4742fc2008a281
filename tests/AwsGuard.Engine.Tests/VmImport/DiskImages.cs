using System;
using System.IO;
using System.Text;

namespace AwsGuard.Engine.Tests.VmImport;

/// <summary>Real disk image headers and footers, as the tools that write them lay them out, around zeroed data.</summary>
internal static class DiskImages
{
    /// <summary>A VMDK sparse extent header; stream-optimized sets flags bits 16 and 17 and compressAlgorithm 1 (deflate).</summary>
    public static byte[] Vmdk(bool streamOptimized, int size = 64 * 1024)
    {
        var data = new byte[size];
        Ascii("KDMV", data, 0);
        BitConverter.GetBytes(streamOptimized ? 3u : 1u).CopyTo(data, 4);             // version
        BitConverter.GetBytes(streamOptimized ? 0x30001u : 0x3u).CopyTo(data, 8);      // flags
        BitConverter.GetBytes((ulong)(size / 512)).CopyTo(data, 12);                    // capacity in sectors
        BitConverter.GetBytes((ushort)(streamOptimized ? 1 : 0)).CopyTo(data, 77);     // compressAlgorithm
        Ascii("# Disk DescriptorFile\ncreateType=\"" + (streamOptimized ? "streamOptimized" : "monolithicSparse") + "\"\n", data, 512);
        return data;
    }

    /// <summary>A VHD: data, then the 512-byte "conectix" footer with the disk type at offset 60 (2 fixed, 3 dynamic, 4 differencing).</summary>
    public static byte[] Vhd(int diskType, int dataSize = 64 * 1024)
    {
        var data = new byte[dataSize + 512];
        var footer = dataSize;
        Ascii("conectix", data, footer);
        data[footer + 63] = (byte)diskType;
        if (diskType != 2) Ascii("conectix", data, 0); // a dynamic disk keeps a copy of the footer at its start
        WriteMbr(data, diskType == 2 ? 0 : -1);
        return data;
    }

    public static byte[] Vhdx(int size = 64 * 1024)
    {
        var data = new byte[size];
        Ascii("vhdxfile", data, 0);
        Encoding.Unicode.GetBytes("Microsoft Windows").CopyTo(data, 8);
        return data;
    }

    /// <summary>A ustar archive whose first entry is <paramref name="firstEntry"/> (an OVA's is its .ovf).</summary>
    public static byte[] Tar(string firstEntry, int size = 10 * 1024)
    {
        var data = new byte[size];
        Ascii(firstEntry, data, 0);
        Ascii("0000644", data, 100);
        Ascii("ustar", data, 257);
        Ascii("00", data, 263);
        Ascii("<?xml version=\"1.0\"?><Envelope/>", data, 512);
        return data;
    }

    /// <summary>A raw disk with an MBR (boot signature 55 AA), a GPT ("EFI PART" in LBA 1), or neither.</summary>
    public static byte[] Raw(string table, int size = 64 * 1024)
    {
        var data = new byte[size];
        if (table is "mbr" or "gpt") WriteMbr(data, 0);
        if (table == "gpt") Ascii("EFI PART", data, 512);
        return data;
    }

    public static string Write(byte[] data, string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "awsguard-vmimport-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    public static byte[] Head(byte[] data) => data.AsSpan(0, Math.Min(data.Length, 1024)).ToArray();
    public static byte[] Tail(byte[] data) => data.AsSpan(Math.Max(0, data.Length - 512)).ToArray();

    private static void WriteMbr(byte[] data, int offset)
    {
        if (offset < 0) return;
        data[offset + 510] = 0x55;
        data[offset + 511] = 0xAA;
    }

    private static void Ascii(string text, byte[] data, int offset) => Encoding.ASCII.GetBytes(text).CopyTo(data, offset);
}
