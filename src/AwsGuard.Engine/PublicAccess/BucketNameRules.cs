using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>
/// The names an S3 bucket can have, checked before any call so that a mistyped name fails fast and clearly. The loosest
/// rules S3 ever applied decide, since ListBuckets still lists what they allowed: buckets created in us-east-1 before
/// March 1, 2018 have up to 255 characters, capitals and underscores. Today's stricter rules (lower case, 3 to 63
/// characters, reserved prefixes) bind only new buckets, so a name that breaks only them goes to S3, which answers
/// NoSuchBucket when there is none. The same bounds as the AWS SDKs' own client-side check (botocore's VALID_BUCKET).
/// </summary>
public static class BucketNameRules
{
    public const int MaxLength = 255;

    /// <summary>Each rule the name breaks, or null when S3 can have a bucket of that name.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "a bucket name is required";
        var problems = new List<string>();
        if (name!.Length > MaxLength) problems.Add($"it has {name.Length} characters, and bucket names have at most {MaxLength}");
        var forbidden = name.Where(c => !IsAllowed(c)).Distinct().Select(Show).ToList();
        if (forbidden.Count > 0)
            problems.Add($"it contains {string.Join(", ", forbidden)}, and bucket names use only letters, digits, '.', '-' and '_'");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// Throws an InvalidArgument <see cref="AwsGuardException"/> when S3 can have no bucket of that name; its target is
    /// <paramref name="target"/> when given (the s3:// URL the name came from), else the name.
    /// </summary>
    public static void Validate(string? name, object? target = null)
    {
        if (Problem(name) is { } problem)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidBucketName",
                $"'{name}' is not a valid S3 bucket name: {problem}.", target ?? name);
    }

    private static bool IsAllowed(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or '_';

    /// <summary>A character as the user can read it in a message: invisible ones (a newline from a file) by code point.</summary>
    private static string Show(char c) => c is > ' ' and < '\u007f' ? $"'{c}'" : $"U+{(int)c:X4}";
}
