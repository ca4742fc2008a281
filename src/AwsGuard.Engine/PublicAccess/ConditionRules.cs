using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.Policies;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>
/// Which policy conditions make a statement with a wildcard principal non-public, after "The meaning of public" in the
/// S3 user guide: a condition restricts when it pins fixed values of one of the keys AWS lists. How an operator, IfExists,
/// ForAnyValue/ForAllValues, a wildcard, a policy variable or a CIDR pins a value is IAM's (<see cref="PolicyCondition"/>);
/// the S3 decisions here, where that text is not explicit (each one is tested):
/// <list type="bullet">
/// <item>Keys: aws:SourceIp, aws:SourceVpc, aws:SourceVpce, aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:PrincipalOrgID,
/// aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgPaths, aws:userid, s3:DataAccessPointArn, s3:DataAccessPointAccount,
/// s3:x-amz-server-side-encryption-aws-kms-key-id. Any other key (aws:SecureTransport, aws:Referer, s3:prefix ...) never restricts:
/// a caller chooses its value.</item>
/// <item>aws:SourceIp restricts only under IpAddress, with every range /8 or narrower (IPv4) or /32 or narrower (IPv6).
/// Public and private ranges are treated alike.</item>
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

    /// <summary>The condition keys whose fixed values can make a statement non-public.</summary>
    public static IEnumerable<string> RestrictingKeys => FixedValueKeys.Concat(new[] { "aws:SourceIp" });

    /// <summary>True when the condition pins the statement to fixed sources; <paramref name="why"/> says why or why not.</summary>
    public static bool Restricts(PolicyCondition condition, out string why)
    {
        if (!condition.Binds(out why)) return false;
        if (string.Equals(condition.Key, "aws:SourceIp", StringComparison.OrdinalIgnoreCase)) return condition.PinsAddressRanges(out why);
        if (!FixedValueKeys.Contains(condition.Key))
        {
            why = $"{condition.Key} is not a key that limits who can reach the bucket";
            return false;
        }
        return condition.PinsFixedValues(value => AllowedWildcard(condition.Key, value), out why);
    }

    private static bool AllowedWildcard(string key, string value)
    {
        if (string.Equals(key, "s3:DataAccessPointArn", StringComparison.OrdinalIgnoreCase))
        {
            // arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME: the account pins the owner.
            var parts = value.Split(new[] { ':' }, 6);
            return parts.Length == 6 && parts[0] == "arn" && !PolicyPattern.HasWildcard(parts[1]) && parts[1].Length > 0
                   && parts[2] == "s3" && parts[4].Length == 12 && parts[4].All(c => c >= '0' && c <= '9');
        }
        if (string.Equals(key, "aws:PrincipalOrgPaths", StringComparison.OrdinalIgnoreCase))
        {
            var slash = value.IndexOf('/');
            var org = slash < 0 ? value : value.Substring(0, slash);
            return org.StartsWith("o-", StringComparison.Ordinal) && org.Length > 2 && !PolicyPattern.HasWildcard(org);
        }
        if (string.Equals(key, "aws:userid", StringComparison.OrdinalIgnoreCase))
        {
            // "ROLEID:*": every session of one role.
            return value.EndsWith(":*", StringComparison.Ordinal) && value.Length > 2 && !PolicyPattern.HasWildcard(value.Substring(0, value.Length - 2));
        }
        return false;
    }
}
