using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.Remediation;

/// <summary>What Block-PublicBucket does with one bucket.</summary>
public enum BlockOutcome
{
    /// <summary>Public: <see cref="BlockPlan.After"/> is the state to write.</summary>
    Change,

    /// <summary>Not public (NotPublic or Blocked): nothing to write.</summary>
    NothingToDo,

    /// <summary>Public on purpose (the allow tag) and -IgnoreAllowTag not given: skipped with a warning.</summary>
    AllowTagged,

    /// <summary>Whether it is public is not known (a call failed): refused.</summary>
    Unknown,

    /// <summary>S3 calls the policy public but no single statement is: RemovePublicGrants cannot tell what to remove.</summary>
    NoPublicStatement,
}

/// <summary>Everything Block-PublicBucket read about one bucket.</summary>
public sealed class BlockFacts
{
    public BlockFacts(BucketAccessMethod method, BucketExposure exposure, BucketAccessState state, bool allowTagged, bool ignoreAllowTag)
    {
        Method = method;
        Exposure = exposure;
        State = state;
        AllowTagged = allowTagged;
        IgnoreAllowTag = ignoreAllowTag;
    }

    public BucketAccessMethod Method { get; }
    public BucketExposure Exposure { get; }
    public BucketAccessState State { get; }
    public bool AllowTagged { get; }
    public bool IgnoreAllowTag { get; }
}

/// <summary>The decision for one bucket: the outcome, the state to write, and the reasons it acts on.</summary>
public sealed class BlockPlan
{
    public BlockPlan(BlockOutcome outcome, BucketAccessState after, IReadOnlyList<string> reasons)
    {
        Outcome = outcome;
        After = after;
        Reasons = reasons;
    }

    public BlockOutcome Outcome { get; }
    public BucketAccessState After { get; }

    /// <summary>For Change, the exposures it closes; for Unknown, the calls that failed.</summary>
    public IReadOnlyList<string> Reasons { get; }
}

/// <summary>
/// Decides how to close a public bucket from what was read, without calling AWS.
/// BlockPublicAccess turns on BlockPublicAcls and IgnorePublicAcls for a public bucket or object ACL, BlockPublicPolicy and
/// RestrictPublicBuckets for a public policy, and keeps every flag already on. RemovePublicGrants removes the grants to
/// AllUsers and AuthenticatedUsers from the ACLs that are public and the public statements from the policy (none left: the
/// policy is deleted). Only exposures in effect count: one already neutralised is left alone.
/// </summary>
public static class BlockDecision
{
    /// <summary>The account-level change: all four flags on (none is ever turned off, since all end up on).</summary>
    public static BucketAccessState DecideAccount(BucketAccessState before) =>
        new() { BlockPublicAccess = new BlockPublicAccessFlags(true, true, true, true) };

    public static BlockPlan Decide(BlockFacts facts)
    {
        var before = facts.State;
        var exposure = facts.Exposure;
        if (exposure.Status == ExposureStatus.Unknown)
            return new BlockPlan(BlockOutcome.Unknown, before, exposure.Reasons.Where(r => r.FailedCall is not null).Select(r => r.Detail).ToList());
        if (exposure.Status != ExposureStatus.Public)
            return new BlockPlan(BlockOutcome.NothingToDo, before, new string[0]);
        if (facts.AllowTagged && !facts.IgnoreAllowTag)
            return new BlockPlan(BlockOutcome.AllowTagged, before, new string[0]);

        var inEffect = exposure.Reasons.Where(r => !r.Neutralised && (r.Read || r.Write)).ToList();
        var bucketAcl = inEffect.Any(r => r.Source == ExposureSource.Acl);
        var objectAcl = inEffect.Any(r => r.Source == ExposureSource.ObjectAcl);
        var policy = inEffect.Any(r => r.Source is ExposureSource.Policy or ExposureSource.PolicyStatus);
        var reasons = inEffect.Select(r => r.Detail).ToList();
        var after = new BucketAccessState
        {
            BlockPublicAccess = before.BlockPublicAccess, Acl = before.Acl, AclOwner = before.AclOwner, Policy = before.Policy,
            ObjectOwnership = before.ObjectOwnership, ObjectAcl = before.ObjectAcl, ObjectAclOwner = before.ObjectAclOwner,
        };

        if (facts.Method == BucketAccessMethod.BlockPublicAccess)
        {
            var kept = before.BlockPublicAccess ?? new BlockPublicAccessFlags();
            var acls = bucketAcl || objectAcl;
            after.BlockPublicAccess = new BlockPublicAccessFlags(kept.BlockPublicAcls || acls, kept.IgnorePublicAcls || acls,
                kept.BlockPublicPolicy || policy, kept.RestrictPublicBuckets || policy);
            return new BlockPlan(BlockOutcome.Change, after, reasons);
        }

        if (bucketAcl) after.Acl = WithoutPublicGrants(before.Acl, before.AclOwner);
        if (objectAcl && before.ObjectAcl is not null) after.ObjectAcl = WithoutPublicGrants(before.ObjectAcl, before.ObjectAclOwner);
        if (policy && before.Policy is not null)
        {
            var remaining = PolicyStatements.WithoutPublic(before.Policy);
            if (remaining == before.Policy)
                return new BlockPlan(BlockOutcome.NoPublicStatement, before, reasons);
            after.Policy = remaining;
        }
        return new BlockPlan(BlockOutcome.Change, after, reasons);
    }

    /// <summary>
    /// The grants that are not public. When none would be left the owner gets FULL_CONTROL (what the canned ACL private
    /// gives): S3's grant headers cannot write an ACL without grants.
    /// </summary>
    private static string[] WithoutPublicGrants(string[] grants, string? owner)
    {
        var kept = grants.Where(g => !AccessStates.IsPublicGrant(g)).ToArray();
        return kept.Length == 0 && owner is not null ? new[] { AccessStates.Grant("FULL_CONTROL", null, owner, null) } : kept;
    }
}
