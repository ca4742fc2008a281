using System;

namespace AwsGuard;

/// <summary>What happened to one file of a Copy-S3Quiet run (written only with -PassThru).</summary>
public sealed class CopyResult
{
    /// <summary>A local path or s3://bucket/key.</summary>
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    /// <summary>The account the copy acted in (its session's).</summary>
    public string? AccountId { get; set; }
    public long Bytes { get; set; }
    /// <summary>The S3 ETag of the object written or read (quotes removed).</summary>
    public string? ETag { get; set; }
    /// <summary>How the content was verified: "md5:&lt;hex&gt;" (S3's ETag; "-N" for the MD5 of a multipart download's parts), "sha256:&lt;base64&gt;-N" (a multipart upload's composite checksum), "content-md5:&lt;hex&gt;" (an SSE-KMS or SSE-C upload in one request: S3 checked the body against this MD5; its ETag is no MD5), "size" where only the length could be checked.</summary>
    public string? Checksum { get; set; }
    public TimeSpan Duration { get; set; }
    public CopyStatus Status { get; set; }
}

public enum CopyStatus
{
    Copied,
    /// <summary>-SkipUnchanged found the destination already identical.</summary>
    Skipped,
}
