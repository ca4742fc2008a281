using System;
using AwsGuard.Engine.PublicAccess;

namespace AwsGuard.Engine.Transfer;

/// <summary>One side of a copy: a local path, or s3://bucket/key (a key that is empty or ends in / is a prefix).</summary>
public sealed class TransferLocation(string text, string? localPath, string? bucket, string key)
{
    public string Text { get; } = text;
    public string? LocalPath { get; } = localPath;
    public string? Bucket { get; } = bucket;
    public string Key { get; } = key;
    public bool IsS3 => Bucket is not null;
    public bool IsPrefix => IsS3 && (Key.Length == 0 || Key.EndsWith("/", StringComparison.Ordinal));

    public static TransferLocation Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "EmptyPath", "A source or destination is empty.", text);
        if (!text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            return new TransferLocation(text, text, null, "");
        var rest = text.Substring(5);
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest.Substring(0, slash);
        if (bucket.Length == 0)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "NoBucket",
                $"'{text}' names no bucket: write s3://bucket/key or s3://bucket/prefix/.", text);
        BucketNameRules.Validate(bucket, text);
        return new TransferLocation(text, null, bucket, slash < 0 ? "" : rest.Substring(slash + 1));
    }

    public static string Url(string bucket, string key) => $"s3://{bucket}/{key}";

    /// <summary>The prefix a recursive copy lists or writes under: "" or ending in "/", so "logs" never matches "logs2/".</summary>
    public string FolderPrefix => Key.Length == 0 || Key.EndsWith("/", StringComparison.Ordinal) ? Key : Key + "/";
}
