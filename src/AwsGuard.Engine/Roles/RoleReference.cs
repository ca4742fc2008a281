using System;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Roles;

/// <summary>
/// A role as the user named it: a plain name, a role ARN (arn:aws:iam::123456789012:role/path/Name) or an assumed-role
/// session ARN (arn:aws:sts::123456789012:assumed-role/Name/session), as CloudTrail records carry it.
/// </summary>
public sealed class RoleReference(string input, string name, string? account, string? path)
{
    // IAM's RoleName pattern and length (botocore's iam model: roleNameType).
    private static readonly Regex NamePattern = new(@"^[\w+=,.@-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly Regex RoleArn = new(@"^arn:(?<partition>[a-z-]+):iam::(?<account>\d{12}):role(?<path>/(?:[^/]+/)*)(?<name>[^/]+)$", RegexOptions.CultureInvariant);
    private static readonly Regex SessionArn = new(@"^arn:(?<partition>[a-z-]+):sts::(?<account>\d{12}):assumed-role/(?<name>[^/]+)/[^/]+$", RegexOptions.CultureInvariant);

    /// <summary>What the user gave, for error targets.</summary>
    public string Input { get; } = input;
    public string Name { get; } = name;
    /// <summary>The account the ARN names; null for a plain name (the caller's account).</summary>
    public string? Account { get; } = account;
    /// <summary>The role's path from a role ARN; null when the input does not say (a name or a session ARN).</summary>
    public string? Path { get; } = path;

    /// <summary>The account field of an ARN (arn:aws:iam::123456789012:role/Name is 123456789012); empty when there is none.</summary>
    public static string AccountOfArn(string? arn) => arn?.Split(':') is { Length: > 4 } parts ? parts[4] : "";

    /// <summary>Parses a name or either ARN form; <paramref name="requireArn"/> refuses plain names. Throws InvalidArgument.</summary>
    public static RoleReference Parse(string input, bool requireArn = false)
    {
        var text = (input ?? "").Trim();
        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            var match = RoleArn.Match(text);
            if (!match.Success) match = SessionArn.Match(text);
            if (match.Success && NamePattern.IsMatch(match.Groups["name"].Value))
                return new RoleReference(input!, match.Groups["name"].Value, match.Groups["account"].Value,
                    match.Groups["path"].Success ? match.Groups["path"].Value : null);
        }
        else if (!requireArn && NamePattern.IsMatch(text))
        {
            return new RoleReference(input!, text, null, null);
        }
        throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRoleReference",
            $"'{input}' is not a role {(requireArn ? "" : "name or ")}ARN: expected " +
            (requireArn ? "" : "a name of 1 to 64 letters, digits and +=,.@_- or ") +
            "arn:aws:iam::123456789012:role/Name or arn:aws:sts::123456789012:assumed-role/Name/session.", input);
    }
}
