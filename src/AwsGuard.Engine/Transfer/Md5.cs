using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// The hashes S3's ETags are made of: MD5 of the content for a single PUT, MD5 of the parts' MD5s plus "-N" for
/// multipart (both only without SSE-KMS or SSE-C). They verify transfers and let -SkipUnchanged compare.
/// </summary>
internal static class Md5
{
    public static string Hex(byte[] hash) => BitConverter.ToString(hash).Replace("-", "").ToLowerInvariant();

    public static string Trim(string? eTag) => (eTag ?? "").Trim('"');

    public static bool IsMultipart(string? eTag) => Trim(eTag).IndexOf('-') >= 0;

    public static int PartCount(string? eTag)
    {
        var text = Trim(eTag);
        var dash = text.IndexOf('-');
        return dash >= 0 && int.TryParse(text.Substring(dash + 1), out var count) ? count : 1;
    }

    /// <summary>The multipart ETag S3 computes from the parts' MD5s.</summary>
    public static string OfParts(IReadOnlyList<byte[]> partHashes)
    {
        using var md5 = MD5.Create();
        var all = new byte[partHashes.Count * 16];
        for (var i = 0; i < partHashes.Count; i++) Buffer.BlockCopy(partHashes[i], 0, all, i * 16, 16);
        return Hex(md5.ComputeHash(all)) + "-" + partHashes.Count;
    }

    public static async Task<byte[]> OfRangeAsync(string path, long offset, long length, CancellationToken cancel)
    {
        using var md5 = MD5.Create();
        await FileRange.ReadAsync(path, offset, length, (buffer, count) => md5.TransformBlock(buffer, 0, count, null, 0), cancel).ConfigureAwait(false);
        md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return md5.Hash!;
    }

    /// <summary>
    /// The ETag a file would have in S3 if uploaded like <paramref name="eTag"/> was: whole, or in parts of
    /// <paramref name="partSize"/>. Null when that cannot match (another part count), so the caller treats it as changed.
    /// </summary>
    public static async Task<string?> LocalETagAsync(string path, long size, string eTag, long partSize, CancellationToken cancel)
    {
        if (!IsMultipart(eTag)) return Hex(await OfRangeAsync(path, 0, size, cancel).ConfigureAwait(false));
        var count = PartCount(eTag);
        if (count != (int)((size + partSize - 1) / partSize)) return null;
        var hashes = new List<byte[]>();
        for (long offset = 0; offset < size; offset += partSize)
            hashes.Add(await OfRangeAsync(path, offset, Math.Min(partSize, size - offset), cancel).ConfigureAwait(false));
        return OfParts(hashes);
    }
}
