using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.Policies;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>What the local analysis of a bucket policy found.</summary>
public sealed class PolicyAnalysis
{
    public bool IsPublic => Reasons.Count > 0;
    public bool PublicRead => Reasons.Any(r => r.Read);
    public bool PublicWrite => Reasons.Any(r => r.Write);

    /// <summary>One reason per public statement.</summary>
    public IReadOnlyList<ExposureReason> Reasons { get; internal set; } = Array.Empty<ExposureReason>();

    /// <summary>Read access of the Allow statements that reach a wildcard principal, conditions ignored (used when AWS says public and the local analysis does not).</summary>
    public bool WildcardRead { get; internal set; }

    /// <summary>Write access of the Allow statements that reach a wildcard principal, conditions ignored.</summary>
    public bool WildcardWrite { get; internal set; }
}

/// <summary>
/// AWS's rule for bucket policies ("The meaning of public"), over the statement facts of <see cref="PolicyDocument"/>: a policy
/// is public when an Allow statement reaches a wildcard principal and no condition pins it to fixed values of a key AWS lists
/// (see <see cref="ConditionRules"/>).
/// Decisions: a wildcard principal is "*", {"AWS": "*"}, any principal value with * or ? (arn:aws:iam::*:root), any Federated
/// principal, and NotPrincipal (which reaches everyone it does not name); fixed account, ARN, canonical-user and service principals
/// are not public. Deny statements never make a bucket public. Resources are not considered (AWS's definition does not).
/// Read versus write: s3 actions whose name starts with Get or List are reads; every other action is a write; wildcards are matched
/// against S3's action list (s3:*, * and s3:*Object are both); NotAction with Allow is both.
/// </summary>
public static class PolicyEvaluator
{
    // A representative list of S3 actions: wildcard actions are matched against it to tell reads from writes.
    private static readonly string[] KnownActions =
    {
        "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectTagging", "GetObjectAttributes",
        "GetObjectRetention", "GetObjectLegalHold", "GetObjectTorrent", "GetBucketAcl", "GetBucketPolicy", "GetBucketPolicyStatus",
        "GetBucketLocation", "GetBucketVersioning", "GetBucketWebsite", "GetBucketCORS", "GetBucketLogging", "GetBucketTagging",
        "GetBucketPublicAccessBlock", "GetBucketOwnershipControls", "GetEncryptionConfiguration", "GetLifecycleConfiguration",
        "GetReplicationConfiguration", "GetAccelerateConfiguration", "GetBucketNotification", "GetInventoryConfiguration",
        "GetAnalyticsConfiguration", "GetMetricsConfiguration", "GetIntelligentTieringConfiguration", "GetBucketObjectLockConfiguration",
        "ListBucket", "ListBucketVersions", "ListBucketMultipartUploads", "ListMultipartUploadParts", "ListAllMyBuckets",
        "PutObject", "PutObjectAcl", "PutObjectVersionAcl", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold",
        "DeleteObject", "DeleteObjectVersion", "DeleteObjectTagging", "AbortMultipartUpload", "RestoreObject", "ReplicateObject",
        "ReplicateDelete", "BypassGovernanceRetention", "PutBucketAcl", "PutBucketPolicy", "DeleteBucketPolicy", "DeleteBucket",
        "PutBucketVersioning", "PutBucketWebsite", "DeleteBucketWebsite", "PutBucketCORS", "PutBucketLogging", "PutBucketTagging",
        "PutBucketPublicAccessBlock", "PutBucketOwnershipControls", "PutEncryptionConfiguration", "PutLifecycleConfiguration",
        "PutReplicationConfiguration", "PutAccelerateConfiguration", "PutBucketNotification", "PutBucketObjectLockConfiguration",
        "CreateBucket",
    };

    /// <summary>Analyses a policy document; a document that is not a JSON policy is an InvalidArgument <see cref="AwsGuardException"/> (MalformedPolicy).</summary>
    public static PolicyAnalysis Evaluate(string policyJson)
    {
        var analysis = new PolicyAnalysis();
        analysis.Reasons = PolicyDocument.Parse(policyJson, "bucket policy").Statements
            .Select(statement => EvaluateStatement(statement, analysis)).OfType<ExposureReason>().ToList();
        return analysis;
    }

    private static ExposureReason? EvaluateStatement(PolicyStatement statement, PolicyAnalysis analysis)
    {
        if (!statement.IsAllow) return null; // Deny never makes a bucket public
        if (statement.Principal is not { ReachesWildcard: true } principal || statement.Actions is not { } actions) return null;

        var (read, write) = statement.IsNotAction ? (true, true) : Classify(actions);
        var permissions = statement.IsNotAction ? actions.Select(a => "NotAction " + a).ToArray() : actions.ToArray();
        analysis.WildcardRead |= read;
        analysis.WildcardWrite |= write;

        var notRestricting = new List<string>();
        foreach (var condition in statement.Conditions)
        {
            if (ConditionRules.Restricts(condition, out var why))
                return null; // conditions are ANDed: one pinning condition makes the statement non-public
            notRestricting.Add(why);
        }

        var access = read && write ? "read and write" : write ? "write" : "read";
        var conditionText = notRestricting.Count == 0
            ? "with no condition"
            : "and no condition pins it (" + string.Join("; ", notRestricting) + ")";
        return new ExposureReason
        {
            Source = ExposureSource.Policy,
            Principal = principal.Text,
            Permissions = permissions,
            Read = read,
            Write = write,
            StatementId = statement.Sid,
            Detail = $"bucket policy {statement.Label} allows {access} ({string.Join(", ", permissions)}) to {principal.Text} {conditionText}",
        };
    }

    /// <summary>(read, write) exposure of a list of actions.</summary>
    public static (bool Read, bool Write) Classify(IEnumerable<string> actions)
    {
        bool read = false, write = false;
        foreach (var action in actions)
        {
            var (service, name) = PolicyPattern.SplitAction(action);
            if (action.Trim() == "*" || (string.Equals(service, "s3", StringComparison.OrdinalIgnoreCase) && name == "*"))
            {
                read = write = true;
                continue;
            }
            if (!string.Equals(service, "s3", StringComparison.OrdinalIgnoreCase) && !PolicyPattern.HasWildcard(service)) continue; // another service's action
            if (PolicyPattern.HasWildcard(name))
            {
                var matched = KnownActions.Where(a => PolicyPattern.Matches(name, a, ignoreCase: true)).ToList();
                if (matched.Count == 0) { read = true; continue; }
                foreach (var m in matched)
                    if (IsRead(m)) read = true; else write = true;
            }
            else if (IsRead(name)) read = true;
            else write = true;
        }
        return (read, write);
    }

    private static bool IsRead(string actionName) =>
        actionName.StartsWith("Get", StringComparison.OrdinalIgnoreCase) || actionName.StartsWith("List", StringComparison.OrdinalIgnoreCase);
}
