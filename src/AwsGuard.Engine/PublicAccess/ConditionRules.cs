using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>
/// Which policy conditions make a statement with a wildcard principal non-public, after "The meaning of public" in the
/// S3 user guide: a condition restricts when it pins fixed values of one of the keys AWS lists. Decisions where that text
/// is not explicit (each one is tested):
/// <list type="bullet">
/// <item>Keys: aws:SourceIp, aws:SourceVpc, aws:SourceVpce, aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:PrincipalOrgID,
/// aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgPaths, aws:userid, s3:DataAccessPointArn, s3:DataAccessPointAccount,
/// s3:x-amz-server-side-encryption-aws-kms-key-id. Any other key (aws:SecureTransport, aws:Referer, s3:prefix ...) never restricts:
/// a caller chooses its value.</item>
/// <item>Operators: StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike (and IpAddress for aws:SourceIp) restrict.
/// Negated operators (StringNotEquals, NotIpAddress, ArnNotLike ...), Null, Bool, Numeric and Date operators never do.</item>
/// <item>An operator ending in IfExists never restricts: a request from the internet may lack the key, and then the condition passes.</item>
/// <item>ForAllValues: never restricts (it passes when the request has no value); ForAnyValue: counts as the plain operator.</item>
/// <item>Wildcards (* and ?) unpin a value only under the operators that honour them (StringLike, ArnLike, ArnEquals); under
/// StringEquals a * is a literal character, so the value is still fixed.</item>
/// <item>A policy variable (any "${") unpins a value under every operator, even the escapes ${*}, ${?}, ${$}.</item>
/// <item>aws:SourceIp: every CIDR must be /8 or narrower for IPv4 and /32 or narrower for IPv6 (a bare address is /32 or /128);
/// one wider range, or a value that is not an address, unpins the condition. Public and private ranges are treated alike.</item>
/// <item>s3:DataAccessPointArn may wildcard the region and the access point name when the partition, service and 12-digit
/// account are fixed.</item>
/// <item>aws:PrincipalOrgPaths may wildcard what follows a fixed organisation id (o-xxxx/...).</item>
/// <item>aws:userid is pinned by fixed ids and also by "ROLEID:*" with a fixed role id (any session of one role); other wildcards unpin it.</item>
/// <item>Every value of the condition must be pinned; an empty value list does not restrict.</item>
/// </list>
/// </summary>
public static class ConditionRules
{
    private static readonly HashSet<string> FixedValueKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceVpc", "aws:SourceVpce", "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner",
        "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgPaths", "aws:userid",
        "s3:DataAccessPointArn", "s3:DataAccessPointAccount", "s3:x-amz-server-side-encryption-aws-kms-key-id",
    };

    private static readonly HashSet<string> StringOperators = new(StringComparer.OrdinalIgnoreCase)
    {
        "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    };

    private static readonly HashSet<string> WildcardOperators = new(StringComparer.OrdinalIgnoreCase)
    {
        "StringLike", "ArnEquals", "ArnLike",
    };

    /// <summary>The condition keys whose fixed values can make a statement non-public.</summary>
    public static IEnumerable<string> RestrictingKeys => FixedValueKeys.Concat(new[] { "aws:SourceIp" });

    /// <summary>True when the condition (operator, key, values) pins the statement to fixed sources; <paramref name="why"/> says why or why not.</summary>
    public static bool Restricts(string op, string key, IReadOnlyList<string> values, out string why)
    {
        var baseOp = op;
        if (baseOp.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase))
        {
            why = $"{op} {key} passes when the request has no value";
            return false;
        }
        if (baseOp.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase)) baseOp = baseOp.Substring("ForAnyValue:".Length);
        if (baseOp.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase))
        {
            why = $"{op} {key} passes when the request lacks the key";
            return false;
        }
        if (values.Count == 0)
        {
            why = $"{op} {key} has no value";
            return false;
        }

        if (string.Equals(key, "aws:SourceIp", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.Equals(baseOp, "IpAddress", StringComparison.OrdinalIgnoreCase))
            {
                why = $"{op} does not limit aws:SourceIp to address ranges";
                return false;
            }
            foreach (var value in values)
                if (!NarrowCidr(value, out var problem))
                {
                    why = $"{op} aws:SourceIp '{value}' {problem}";
                    return false;
                }
            why = $"{op} aws:SourceIp {string.Join(", ", values)}";
            return true;
        }

        if (!FixedValueKeys.Contains(key))
        {
            why = $"{key} is not a key that limits who can reach the bucket";
            return false;
        }
        if (!StringOperators.Contains(baseOp))
        {
            why = $"{op} does not pin {key} to fixed values";
            return false;
        }
        var wildcards = WildcardOperators.Contains(baseOp);
        foreach (var value in values)
        {
            if (value.IndexOf("${", StringComparison.Ordinal) >= 0)
            {
                why = $"{op} {key} '{value}' uses a policy variable";
                return false;
            }
            if (wildcards && HasWildcard(value) && !AllowedWildcard(key, value))
            {
                why = $"{op} {key} '{value}' uses a wildcard";
                return false;
            }
        }
        why = $"{op} {key} {string.Join(", ", values)}";
        return true;
    }

    private static bool HasWildcard(string value) => value.IndexOfAny(new[] { '*', '?' }) >= 0;

    private static bool AllowedWildcard(string key, string value)
    {
        if (string.Equals(key, "s3:DataAccessPointArn", StringComparison.OrdinalIgnoreCase))
        {
            // arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME: the account pins the owner.
            var parts = value.Split(new[] { ':' }, 6);
            return parts.Length == 6 && parts[0] == "arn" && !HasWildcard(parts[1]) && parts[1].Length > 0
                   && parts[2] == "s3" && parts[4].Length == 12 && parts[4].All(c => c >= '0' && c <= '9');
        }
        if (string.Equals(key, "aws:PrincipalOrgPaths", StringComparison.OrdinalIgnoreCase))
        {
            var slash = value.IndexOf('/');
            var org = slash < 0 ? value : value.Substring(0, slash);
            return org.StartsWith("o-", StringComparison.Ordinal) && org.Length > 2 && !HasWildcard(org);
        }
        if (string.Equals(key, "aws:userid", StringComparison.OrdinalIgnoreCase))
        {
            // "ROLEID:*": every session of one role.
            return value.EndsWith(":*", StringComparison.Ordinal) && value.Length > 2 && !HasWildcard(value.Substring(0, value.Length - 2));
        }
        return false;
    }

    /// <summary>A CIDR (or bare address) no wider than /8 (IPv4) or /32 (IPv6).</summary>
    public static bool NarrowCidr(string value, out string problem)
    {
        var text = value.Trim();
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text.Substring(0, slash);
        if (!IPAddress.TryParse(address, out var ip))
        {
            problem = "is not an IP address or CIDR";
            return false;
        }
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        var full = v4 ? 32 : 128;
        var prefix = full;
        if (slash >= 0 && (!int.TryParse(text.Substring(slash + 1), out prefix) || prefix < 0 || prefix > full))
        {
            problem = "has an invalid prefix length";
            return false;
        }
        var limit = v4 ? 8 : 32;
        if (prefix < limit)
        {
            problem = $"is wider than /{limit} ({(v4 ? "IPv4" : "IPv6")})";
            return false;
        }
        problem = "";
        return true;
    }
}
