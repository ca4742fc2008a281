using System;
using System.IO;
using System.Net;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Transfer;

/// <summary>How Copy-S3Quiet transfers: part size, concurrency, encryption, skipping.</summary>
public sealed class CopyOptions
{
    public const long MiB = 1024 * 1024;
    /// <summary>S3's smallest part (but the last); also the smallest -PartSize.</summary>
    public const long MinPartSize = 5 * MiB;
    public const long MaxPartSize = 5L * 1024 * MiB;
    public const int MaxParts = 10000;

    /// <summary>Files up to this size go in one request; larger ones in parts of this size, several at once.</summary>
    public long PartSize { get; set; } = 8 * MiB;

    /// <summary>
    /// Requests in flight at once, across files and parts. Measured (bench/Measure-Copy.ps1, 2,000 x 4 KB on loopback moto):
    /// 8, 16, 32 and 64 all within 15% there (moto is the bottleneck); 64 was fastest both ways, and against AWS, where
    /// each request waits tens of ms, more requests in flight is what makes many small files fast.
    /// </summary>
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;
    public const int DefaultThrottleLimit = 64;

    /// <summary>AES256 or aws:kms; null leaves the bucket's default encryption in charge.</summary>
    public string? ServerSideEncryption { get; set; }
    public string? KmsKeyId { get; set; }
    public SseCustomerKey? CustomerKey { get; set; }
    /// <summary>The key of an SSE-C source in an S3-to-S3 copy.</summary>
    public SseCustomerKey? SourceCustomerKey { get; set; }
    public bool SkipUnchanged { get; set; }

    /// <summary>Retries of a body cut off mid-transfer (the SDK retries whole requests itself).</summary>
    public AwsRetry Retry { get; set; } = AwsRetry.Default;

    /// <summary>S3's CopyObject limit: larger objects are copied with UploadPartCopy. Settable for tests.</summary>
    internal bool UnsignedPayload { get; set; }

    internal long CopyObjectLimit { get; set; } = 5L * 1024 * MiB;

    /// <summary>
    /// Opens a download's temporary file for writing: the one place a download writes to disk, settable so that tests can
    /// fail it (permission denied, which root never meets). Unbuffered: every write reaches the disk (and fails) where it is made.
    /// </summary>
    internal Func<string, FileMode, Stream> OpenWrite { get; set; } = (path, mode) => new FileStream(path, mode, FileAccess.Write, FileShare.Write, bufferSize: 1);

    /// <summary>The key that reads the S3 source: -SseCustomerKey for a download, -SourceSseCustomerKey for an S3-to-S3 copy.</summary>
    internal SseCustomerKey? SourceReadKey(bool download) => download ? CustomerKey : SourceCustomerKey;

    /// <summary>Whether S3's ETag of what we write is the MD5 of the content (not with SSE-C or SSE-KMS).</summary>
    internal bool DestinationETagIsMd5 => CustomerKey is null && !IsKms;
    /// <summary>
    /// Whether -SkipUnchanged may skip an object this copy writes: only where its ETag is the content's MD5. With SSE-KMS or
    /// SSE-C asked, an object whose ETag is the content's MD5 was written without that encryption, and one written with it
    /// cannot be compared: neither is unchanged.
    /// </summary>
    internal bool SkipsUnchangedWrites => SkipUnchanged && DestinationETagIsMd5;

    internal bool IsKms => KmsKeyId is not null || string.Equals(ServerSideEncryption, "aws:kms", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks everything that needs no AWS call; throws InvalidArgument.</summary>
    public void Validate(Uri? endpoint)
    {
        if (PartSize < MinPartSize || PartSize > MaxPartSize)
            throw Invalid("InvalidPartSize", $"-PartSize must be between 5 MB and 5 GB (S3's part limits); got {PartSize} bytes.");
        if (ThrottleLimit < 1) throw Invalid("InvalidThrottleLimit", "-ThrottleLimit must be at least 1.");
        if (ServerSideEncryption is not null && ServerSideEncryption != "AES256" && ServerSideEncryption != "aws:kms")
            throw Invalid("InvalidServerSideEncryption", "-ServerSideEncryption is AES256 or aws:kms.");
        if (KmsKeyId is not null && ServerSideEncryption == "AES256")
            throw Invalid("KmsKeyWithAes256", "-KmsKeyId goes with -ServerSideEncryption aws:kms, not AES256.");
        if (CustomerKey is not null && (ServerSideEncryption is not null || KmsKeyId is not null))
            throw Invalid("SseConflict", "-SseCustomerKey excludes -ServerSideEncryption and -KmsKeyId: an object has one kind of encryption.");
        // S3 refuses SSE-C over plain HTTP; sending the key in clear text to anything but this machine would leak it.
        if ((CustomerKey ?? SourceCustomerKey) is not null && endpoint is not null
            && endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
            throw Invalid("SseCustomerKeyOverHttp",
                $"SSE-C sends the key with every request, so it needs HTTPS; {endpoint.Host} is reached over http://. Use an https:// endpoint.");
    }

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static AwsGuardException Invalid(string id, string message) => new(ErrorKind.InvalidArgument, id, message);
}
