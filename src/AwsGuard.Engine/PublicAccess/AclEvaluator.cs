using System;
using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>One ACL grant, as S3 returns it: a group URI, or another grantee with its id.</summary>
public sealed class AclGrant
{
    public AclGrant(string? groupUri, string? granteeId, string permission)
    {
        GroupUri = groupUri;
        GranteeId = granteeId;
        Permission = permission;
    }

    public string? GroupUri { get; }
    public string? GranteeId { get; }
    public string Permission { get; }
}

/// <summary>
/// AWS's rule for ACLs: an ACL is public when it grants any permission to the AllUsers or AuthenticatedUsers group
/// (AuthenticatedUsers is any AWS account in the world). READ and READ_ACP expose reads; WRITE and WRITE_ACP expose writes;
/// FULL_CONTROL both. Grants to canonical users, e-mail addresses and the LogDelivery group are not public.
/// </summary>
public static class AclEvaluator
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>One reason per public grantee, with its permissions; empty when the ACL is not public.</summary>
    public static IReadOnlyList<ExposureReason> Evaluate(IEnumerable<AclGrant> grants, ExposureSource source)
    {
        var reasons = new List<ExposureReason>();
        foreach (var group in grants.Where(g => PublicGroup(g.GroupUri) is not null).GroupBy(g => PublicGroup(g.GroupUri)!))
        {
            var permissions = group.Select(g => g.Permission.ToUpperInvariant()).Distinct().ToArray();
            var read = permissions.Any(p => p is "READ" or "READ_ACP" or "FULL_CONTROL");
            var write = permissions.Any(p => p is "WRITE" or "WRITE_ACP" or "FULL_CONTROL");
            var who = group.Key == "AllUsers" ? "everyone (AllUsers)" : "any AWS account (AuthenticatedUsers)";
            var what = source == ExposureSource.ObjectAcl ? "the object ACL" : "the bucket ACL";
            reasons.Add(new ExposureReason
            {
                Source = source,
                Principal = group.Key,
                Permissions = permissions,
                Read = read,
                Write = write,
                Detail = $"{what} grants {string.Join(", ", permissions)} to {who}",
            });
        }
        return reasons;
    }

    /// <summary>"AllUsers" or "AuthenticatedUsers" for the public groups (http or https, any case), else null.</summary>
    public static string? PublicGroup(string? uri)
    {
        if (string.IsNullOrEmpty(uri)) return null;
        var trimmed = uri!.TrimEnd('/');
        if (trimmed.EndsWith("/groups/global/AllUsers", StringComparison.OrdinalIgnoreCase)) return "AllUsers";
        if (trimmed.EndsWith("/groups/global/AuthenticatedUsers", StringComparison.OrdinalIgnoreCase)) return "AuthenticatedUsers";
        return null;
    }
}
