using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// S3's SHA-256 checksums as its headers carry them (base64): a part's, and a multipart object's composite, the
/// SHA-256 of the parts' SHA-256s followed by "-N". SHA-256 rather than the AWS CLI's CRC32: .NET computes it in
/// hardware, where the CRC32 of System.IO.Hashing's netstandard build (the one net8.0 gets) runs at a quarter the speed.
/// </summary>
internal static class Sha256Checksum
{
    public static async Task<byte[]> OfRangeAsync(string path, long offset, long length, CancellationToken cancel)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await FileRange.ReadAsync(path, offset, length, (buffer, count) => sha.AppendData(buffer, 0, count), cancel).ConfigureAwait(false);
        return sha.GetHashAndReset();
    }

    public static string Composite(IReadOnlyList<byte[]> partHashes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var hash in partHashes) sha.AppendData(hash);
        return Convert.ToBase64String(sha.GetHashAndReset()) + "-" + partHashes.Count;
    }
}
