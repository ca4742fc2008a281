using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.PublicAccess;

namespace AwsGuard.Engine.Remediation;

/// <summary>The parts of a <see cref="BucketAccessState"/> that a change writes, one call each.</summary>
public enum StatePart
{
    BlockPublicAccess,
    Policy,
    Acl,
    ObjectAcl,
}

/// <summary>Comparing two <see cref="BucketAccessState"/>s and describing the calls that turn one into the other; no AWS call.</summary>
public static class AccessStates
{
    /// <summary>The parts that differ, in the order to write them: Block Public Access first when it is being relaxed (S3 refuses
    /// a public ACL or policy while BlockPublicAcls or BlockPublicPolicy is on), last when it is being tightened.</summary>
    public static IReadOnlyList<StatePart> Diff(BucketAccessState from, BucketAccessState to)
    {
        var parts = new List<StatePart>();
        if (!SamePolicy(from.Policy, to.Policy)) parts.Add(StatePart.Policy);
        if (!SameGrants(from.Acl, to.Acl)) parts.Add(StatePart.Acl);
        if (to.ObjectAcl is not null && !SameGrants(from.ObjectAcl, to.ObjectAcl)) parts.Add(StatePart.ObjectAcl);
        if (!SameFlags(from.BlockPublicAccess, to.BlockPublicAccess))
        {
            if (Relaxes(from.BlockPublicAccess, to.BlockPublicAccess)) parts.Insert(0, StatePart.BlockPublicAccess);
            else parts.Add(StatePart.BlockPublicAccess);
        }
        return parts;
    }

    /// <summary>The call that writes <paramref name="part"/> of <paramref name="to"/> over <paramref name="from"/>, in words.</summary>
    public static string Describe(StatePart part, BucketAccessState from, BucketAccessState to) => part switch
    {
        StatePart.BlockPublicAccess => to.BlockPublicAccess is { } flags
            ? $"PutPublicAccessBlock: {Flags(flags)}" + (Flags(from.BlockPublicAccess) is var before ? $" (was {before})" : "")
            : $"DeletePublicAccessBlock (was {Flags(from.BlockPublicAccess)})",
        StatePart.Policy => to.Policy is null
            ? $"DeleteBucketPolicy: {Statements(from.Policy, to.Policy)}"
            : $"PutBucketPolicy: {Statements(from.Policy, to.Policy)}",
        StatePart.Acl => "PutBucketAcl: " + Grants(from.Acl, to.Acl),
        _ => "PutObjectAcl: " + Grants(from.ObjectAcl, to.ObjectAcl!),
    };

    /// <summary>Every call of the change, described.</summary>
    public static string[] DescribeAll(BucketAccessState from, BucketAccessState to) =>
        Diff(from, to).Select(p => Describe(p, from, to)).ToArray();

    /// <summary>The IAM permission of the call that writes <paramref name="part"/> to <paramref name="to"/>.</summary>
    public static string Permission(StatePart part, BucketAccessState to, bool accountLevel = false) => part switch
    {
        StatePart.BlockPublicAccess => accountLevel ? "s3:PutAccountPublicAccessBlock" : "s3:PutBucketPublicAccessBlock", // Delete uses the same permission
        StatePart.Policy => to.Policy is null ? "s3:DeleteBucketPolicy" : "s3:PutBucketPolicy",
        StatePart.Acl => "s3:PutBucketAcl",
        _ => "s3:PutObjectAcl",
    };

    /// <summary>One grant as text, "PERMISSION grantee" (the x-amz-grant-* header's grantee form).</summary>
    public static string Grant(string permission, string? groupUri, string? canonicalUser, string? email) =>
        $"{permission} " + (!string.IsNullOrEmpty(groupUri) ? "uri=" + groupUri : !string.IsNullOrEmpty(canonicalUser) ? "id=" + canonicalUser : "emailAddress=" + email);

    /// <summary>Splits "PERMISSION grantee" back; a text of another form is an InvalidArgument error (a hand-edited record).</summary>
    public static (string Permission, string Grantee) SplitGrant(string grant)
    {
        var space = grant.IndexOf(' ');
        var grantee = space > 0 ? grant.Substring(space + 1) : "";
        if (space <= 0 || !(grantee.StartsWith("uri=", StringComparison.Ordinal) || grantee.StartsWith("id=", StringComparison.Ordinal)
                            || grantee.StartsWith("emailAddress=", StringComparison.Ordinal)))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidGrant",
                $"'{grant}' is not a grant: grants are written \"PERMISSION uri=...\", \"PERMISSION id=...\" or \"PERMISSION emailAddress=...\".", grant);
        return (grant.Substring(0, space), grantee);
    }

    /// <summary>Whether a grant goes to AllUsers or AuthenticatedUsers.</summary>
    public static bool IsPublicGrant(string grant) =>
        SplitGrant(grant).Grantee is var grantee && grantee.StartsWith("uri=", StringComparison.Ordinal) && AclEvaluator.PublicGroup(grantee.Substring(4)) is not null;

    /// <summary>What differs between the recorded state and the one found, part by part, in words; empty when they are the same.</summary>
    public static IReadOnlyList<string> Differences(BucketAccessState expected, BucketAccessState found)
    {
        return Diff(expected, found).Select(part => part switch
        {
            StatePart.BlockPublicAccess => $"Block Public Access is {Flags(found.BlockPublicAccess)}, recorded {Flags(expected.BlockPublicAccess)}",
            StatePart.Policy => found.Policy is null ? "the bucket policy was deleted" : expected.Policy is null ? "a bucket policy was added"
                : $"the bucket policy differs (since then: {Statements(expected.Policy, found.Policy)})",
            StatePart.Acl => $"the bucket ACL differs (since then: {Grants(expected.Acl, found.Acl)})",
            _ => $"the object ACL differs (since then: {Grants(expected.ObjectAcl, found.ObjectAcl ?? new string[0])})",
        }).ToList();
    }

    private static bool SameGrants(string[]? a, string[]? b) =>
        (a ?? new string[0]).OrderBy(g => g, StringComparer.Ordinal).SequenceEqual((b ?? new string[0]).OrderBy(g => g, StringComparer.Ordinal), StringComparer.Ordinal);

    private static bool SamePolicy(string? a, string? b)
    {
        if (a is null || b is null) return a == b;
        if (a == b) return true;
        try
        {
            return PolicyStatements.Labelled(a).Select(s => s.Text).SequenceEqual(PolicyStatements.Labelled(b).Select(s => s.Text), StringComparer.Ordinal);
        }
        catch (AwsGuardException)
        {
            return false;
        }
    }

    private static bool SameFlags(BlockPublicAccessFlags? a, BlockPublicAccessFlags? b) =>
        a is null || b is null ? a is null && b is null : a.ToString() == b.ToString();

    private static bool Relaxes(BlockPublicAccessFlags? from, BlockPublicAccessFlags? to)
    {
        if (from is null) return false;
        if (to is null) return from.BlockPublicAcls || from.IgnorePublicAcls || from.BlockPublicPolicy || from.RestrictPublicBuckets;
        return (from.BlockPublicAcls && !to.BlockPublicAcls) || (from.IgnorePublicAcls && !to.IgnorePublicAcls)
               || (from.BlockPublicPolicy && !to.BlockPublicPolicy) || (from.RestrictPublicBuckets && !to.RestrictPublicBuckets);
    }

    private static string Flags(BlockPublicAccessFlags? flags)
    {
        if (flags is null) return "not configured";
        var on = new[]
        {
            flags.BlockPublicAcls ? "BlockPublicAcls" : null, flags.IgnorePublicAcls ? "IgnorePublicAcls" : null,
            flags.BlockPublicPolicy ? "BlockPublicPolicy" : null, flags.RestrictPublicBuckets ? "RestrictPublicBuckets" : null,
        }.Where(f => f is not null).ToList();
        return on.Count == 0 ? "configured with every flag off" : string.Join(", ", on) + " on";
    }

    private static string Grants(string[]? from, string[] to)
    {
        var removed = (from ?? new string[0]).Except(to, StringComparer.Ordinal).ToList();
        var added = to.Except(from ?? new string[0], StringComparer.Ordinal).ToList();
        return string.Join("; ", new[]
        {
            removed.Count > 0 ? "remove " + string.Join(", ", removed) : null,
            added.Count > 0 ? "add " + string.Join(", ", added) : null,
        }.Where(t => t is not null));
    }

    private static string Statements(string? from, string? to)
    {
        IReadOnlyList<(string Label, string Text)> fromStatements, toStatements;
        try
        {
            fromStatements = from is null ? Array.Empty<(string, string)>() : PolicyStatements.Labelled(from);
            toStatements = to is null ? Array.Empty<(string, string)>() : PolicyStatements.Labelled(to);
        }
        catch (AwsGuardException)
        {
            return "a text that is not a policy"; // a malformed policy has no statements to name
        }
        var removed = fromStatements.Where(s => toStatements.All(t => t.Text != s.Text)).Select(s => s.Label).ToList();
        var added = toStatements.Where(t => fromStatements.All(s => s.Text != t.Text)).Select(t => t.Label).ToList();
        if (removed.Count == 0 && added.Count == 0) return "statements changed in place";
        return string.Join("; ", new[]
        {
            removed.Count > 0 ? "remove statement(s) " + string.Join(", ", removed) : null,
            added.Count > 0 ? "add statement(s) " + string.Join(", ", added) : null,
        }.Where(t => t is not null));
    }
}
