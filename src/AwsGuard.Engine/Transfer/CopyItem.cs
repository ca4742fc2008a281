namespace AwsGuard.Engine.Transfer;

public enum CopyKind { Upload, Download, ServerCopy }

/// <summary>One file of a plan: where it comes from and goes, and what the listing already told about it.</summary>
public sealed class CopyItem
{
    public CopyKind Kind { get; set; }
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    /// <summary>Relative to the source folder or prefix, with / separators; include and exclude match it.</summary>
    public string RelativePath { get; set; } = "";
    public long Size { get; set; }
    public string? LocalPath { get; set; }
    public string? SourceBucket { get; set; }
    public string? SourceKey { get; set; }
    /// <summary>As S3 sends it, quotes included (If-Match wants them).</summary>
    public string? SourceETag { get; set; }
    public string? DestinationBucket { get; set; }
    public string? DestinationKey { get; set; }
    /// <summary>What the destination listing showed for this key (with -SkipUnchanged), else null.</summary>
    public S3Entry? ExistingDestination { get; set; }
    /// <summary>Why this file must not be copied (reported as its error when its turn comes), else null.</summary>
    public string? Refusal { get; set; }
}

/// <summary>An object as a listing or HEAD shows it.</summary>
public sealed class S3Entry(string key, long size, string? eTag)
{
    public string Key { get; } = key;
    public long Size { get; } = size;
    public string? ETag { get; } = eTag;
}
