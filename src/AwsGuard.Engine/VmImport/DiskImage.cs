using System;
using System.Text;

namespace AwsGuard.Engine.VmImport;

/// <summary>The disk formats VM Import takes (ImportImage's DiskContainer.Format), and what is not one.</summary>
public enum DiskFormat { Unknown, Ova, Vmdk, Vhd, Vhdx, Raw }

/// <summary>What a disk image's bytes say it is.</summary>
public sealed class DiskFacts(DiskFormat format, string description, string? problem)
{
    public DiskFormat Format { get; } = format;

    /// <summary>"stream-optimized VMDK", "dynamic VHD", ...</summary>
    public string Description { get; } = description;

    /// <summary>Why VM Import would refuse it, when it would; null when it is a format VM Import takes.</summary>
    public string? Problem { get; } = problem;

    /// <summary>ImportImage's Format value: ova, vmdk, vhd, vhdx or raw.</summary>
    public string FormatName => Format.ToString().ToLowerInvariant();
}

/// <summary>
/// Recognises a disk image by its content, not its name: a VMDK's sparse header ("KDMV") or text descriptor, a VHD's
/// "conectix" footer, a VHDX's "vhdxfile" signature, an OVA's tar header whose first entry is the .ovf descriptor;
/// anything else is raw, which must be whole 512-byte sectors.
/// </summary>
public static class DiskImage
{
    /// <summary>How many bytes of the start and of the end <see cref="Detect"/> needs.</summary>
    public const int HeadLength = 1024;
    public const int TailLength = 512;

    private const uint StreamOptimizedFlags = (1u << 16) | (1u << 17); // compressed grains, markers
    private const int SectorSize = 512;

    public static DiskFacts Detect(byte[] head, byte[] tail, long size)
    {
        if (size == 0) return new(DiskFormat.Unknown, "empty file", "The file is empty.");
        if (Ascii(head, 0, 4) == "KDMV") return Vmdk(head);
        if (Ascii(head, 0, 8) == "vhdxfile") return new(DiskFormat.Vhdx, "VHDX", null);
        if (tail.Length >= 512 && Ascii(tail, tail.Length - 512, 8) == "conectix") return Vhd(tail, tail.Length - 512);
        // A VHD copied without its last sector keeps the copy of the footer a dynamic VHD has at its start.
        if (Ascii(head, 0, 8) == "conectix")
            return new(DiskFormat.Unknown, "truncated VHD", "The VHD has no footer in its last 512 bytes: the file is incomplete.");
        if (Ascii(head, 0, 21) == "# Disk DescriptorFile")
            return new(DiskFormat.Unknown, "VMDK descriptor",
                "This is a VMDK's text descriptor without its data: export the VM as OVA or as a stream-optimized VMDK.");
        if (IsTar(head)) return Ova(head);
        if (size % SectorSize != 0)
            return new(DiskFormat.Unknown, "unrecognised file",
                $"It is no VMDK, VHD, VHDX or OVA, and as a raw disk its size ({size} bytes) is not a whole number of 512-byte sectors.");
        var table = HasGpt(head) ? "GPT" : HasMbr(head) ? "MBR" : null;
        return table is null
            ? new(DiskFormat.Raw, "raw disk without a partition table",
                "It has no MBR or GPT partition table in its first sectors, so it would not boot; export the VM's disk again.")
            : new(DiskFormat.Raw, $"raw disk ({table})", null);
    }

    private static DiskFacts Vmdk(byte[] head)
    {
        // SparseExtentHeader: magic, version (4), flags (8), ... compressAlgorithm (77, 2 bytes).
        var flags = head.Length >= 12 ? BitConverter.ToUInt32(head, 8) : 0;
        var compression = head.Length >= 79 ? BitConverter.ToUInt16(head, 77) : 0;
        return (flags & StreamOptimizedFlags) == StreamOptimizedFlags && compression == 1
            ? new(DiskFormat.Vmdk, "stream-optimized VMDK", null)
            : new(DiskFormat.Vmdk, "monolithic sparse VMDK",
                "VM Import takes only stream-optimized VMDKs: export the VM as OVA (or with ovftool), or convert the disk with "
                + "'vmware-vdiskmanager -r disk.vmdk -t 5 out.vmdk'.");
    }

    private static DiskFacts Vhd(byte[] data, int footer)
    {
        // Footer: cookie, ..., disk type at 60 (big-endian): 2 fixed, 3 dynamic, 4 differencing.
        var type = (data[footer + 60] << 24) | (data[footer + 61] << 16) | (data[footer + 62] << 8) | data[footer + 63];
        return type switch
        {
            2 => new(DiskFormat.Vhd, "fixed VHD", null),
            3 => new(DiskFormat.Vhd, "dynamic VHD", null),
            4 => new(DiskFormat.Vhd, "differencing VHD",
                "A differencing VHD holds only changes to its parent: merge it (Hyper-V's Edit Disk, or Merge-VHD) and import the result."),
            _ => new(DiskFormat.Vhd, $"VHD of unknown type {type}", $"The VHD footer names disk type {type}, which is none of fixed, dynamic or differencing."),
        };
    }

    private static bool IsTar(byte[] head) => head.Length >= 263 && Ascii(head, 257, 5) == "ustar";

    private static DiskFacts Ova(byte[] head)
    {
        var first = Ascii(head, 0, 100);
        return first.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase)
            ? new(DiskFormat.Ova, "OVA", null)
            : new(DiskFormat.Unknown, "tar archive",
                $"It is a tar archive whose first entry is '{first}', not an .ovf descriptor as an OVA's must be: export the VM as OVA again.");
    }

    private static bool HasMbr(byte[] head) => head.Length >= 512 && head[510] == 0x55 && head[511] == 0xAA;

    private static bool HasGpt(byte[] head) => head.Length >= 520 && Ascii(head, 512, 8) == "EFI PART";

    /// <summary>The bytes as ASCII up to the first NUL; empty when the range lies outside.</summary>
    private static string Ascii(byte[] data, int offset, int count)
    {
        if (offset + count > data.Length) return "";
        var text = Encoding.ASCII.GetString(data, offset, count);
        var end = text.IndexOf('\0');
        return end < 0 ? text : text.Substring(0, end);
    }
}
