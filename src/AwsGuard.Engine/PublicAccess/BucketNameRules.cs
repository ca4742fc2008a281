using System;
using System.Net;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>
/// S3's naming rules for general purpose buckets, checked before any call so that a mistyped name fails fast and clearly.
/// Decision: the rules of today apply to names a user types; legacy us-east-1 names (capitals, underscores) are not accepted
/// here, but names that ListBuckets returns are never checked, so such buckets are still scanned with the whole account.
/// </summary>
public static class BucketNameRules
{
    private static readonly Regex Shape = new("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant);
    private static readonly string[] ReservedPrefixes = { "xn--", "sthree-", "amzn-s3-demo-" };
    private static readonly string[] ReservedSuffixes = { "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3" };

    /// <summary>Why the name breaks S3's rules, or null when it is valid.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "a bucket name is required";
        if (name!.Length < 3 || name.Length > 63) return $"it has {name.Length} characters; S3 bucket names have 3 to 63";
        if (!Shape.IsMatch(name))
            return "S3 bucket names use only lower-case letters, digits, dots and hyphens, and begin and end with a letter or digit";
        if (name.Contains("..")) return "S3 bucket names have no two adjacent dots";
        if (Regex.IsMatch(name, @"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$") && IPAddress.TryParse(name, out _))
            return "S3 bucket names are not formatted as IP addresses";
        foreach (var prefix in ReservedPrefixes)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return $"the prefix '{prefix}' is reserved by S3";
        foreach (var suffix in ReservedSuffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return $"the suffix '{suffix}' is reserved by S3";
        return null;
    }

    /// <summary>Throws an InvalidArgument <see cref="AwsGuardException"/> naming the bucket when the name is invalid.</summary>
    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidBucketName",
                $"'{name}' is not a valid S3 bucket name: {problem}.", name);
    }
}
