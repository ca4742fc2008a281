using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

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
/// AWS's rule for bucket policies ("The meaning of public"): a policy is public when an Allow statement reaches a wildcard
/// principal and no condition pins it to fixed values of a key AWS lists (see <see cref="ConditionRules"/>).
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
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policyJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", "The bucket policy is not valid JSON: " + e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !TryGet(document.RootElement, "Statement", out var statementElement))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", "The bucket policy has no Statement.");

            var analysis = new PolicyAnalysis();
            var reasons = new List<ExposureReason>();
            var index = 0;
            foreach (var statement in Items(statementElement))
            {
                index++;
                if (statement.ValueKind != JsonValueKind.Object) continue;
                var reason = EvaluateStatement(statement, index, analysis);
                if (reason is not null) reasons.Add(reason);
            }
            analysis.Reasons = reasons;
            return analysis;
        }
    }

    private static ExposureReason? EvaluateStatement(JsonElement statement, int index, PolicyAnalysis analysis)
    {
        var effect = TryGet(statement, "Effect", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (!string.Equals(effect, "Allow", StringComparison.OrdinalIgnoreCase)) return null; // Deny never makes a bucket public

        var sid = TryGet(statement, "Sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var label = string.IsNullOrEmpty(sid) ? $"statement {index}" : $"statement '{sid}'";

        string principalText;
        if (TryGet(statement, "NotPrincipal", out var notPrincipal))
        {
            principalText = "NotPrincipal " + Compact(notPrincipal);
        }
        else if (TryGet(statement, "Principal", out var principal) && ReachesWildcard(principal))
        {
            principalText = Compact(principal);
        }
        else
        {
            return null;
        }

        bool read, write;
        string[] actions;
        if (TryGet(statement, "NotAction", out var notAction))
        {
            actions = Strings(notAction).Select(a => "NotAction " + a).ToArray();
            read = write = true;
        }
        else if (TryGet(statement, "Action", out var action))
        {
            actions = Strings(action).ToArray();
            (read, write) = Classify(actions);
        }
        else
        {
            return null;
        }
        analysis.WildcardRead |= read;
        analysis.WildcardWrite |= write;

        var notRestricting = new List<string>();
        if (TryGet(statement, "Condition", out var condition) && condition.ValueKind == JsonValueKind.Object)
        {
            foreach (var op in condition.EnumerateObject())
            {
                if (op.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var key in op.Value.EnumerateObject())
                {
                    if (ConditionRules.Restricts(op.Name, key.Name, Strings(key.Value).ToList(), out var why))
                        return null; // conditions are ANDed: one pinning condition makes the statement non-public
                    notRestricting.Add(why);
                }
            }
        }

        var access = read && write ? "read and write" : write ? "write" : "read";
        var conditionText = notRestricting.Count == 0
            ? "with no condition"
            : "and no condition pins it (" + string.Join("; ", notRestricting) + ")";
        return new ExposureReason
        {
            Source = ExposureSource.Policy,
            Principal = principalText,
            Permissions = actions,
            Read = read,
            Write = write,
            StatementId = sid,
            Detail = $"bucket policy {label} allows {access} ({string.Join(", ", actions)}) to {principalText} {conditionText}",
        };
    }

    /// <summary>True for "*", {"AWS": "*"}, any principal value with a wildcard, and any Federated principal.</summary>
    public static bool ReachesWildcard(JsonElement principal)
    {
        if (principal.ValueKind == JsonValueKind.String) return HasWildcard(principal.GetString());
        if (principal.ValueKind != JsonValueKind.Object) return false;
        foreach (var type in principal.EnumerateObject())
        {
            if (string.Equals(type.Name, "Federated", StringComparison.OrdinalIgnoreCase)) return true;
            if (Strings(type.Value).Any(HasWildcard)) return true;
        }
        return false;
    }

    /// <summary>(read, write) exposure of a list of actions.</summary>
    public static (bool Read, bool Write) Classify(IEnumerable<string> actions)
    {
        bool read = false, write = false;
        foreach (var raw in actions)
        {
            var action = raw.Trim();
            string service, name;
            var colon = action.IndexOf(':');
            if (colon < 0) { service = action; name = action; }
            else { service = action.Substring(0, colon); name = action.Substring(colon + 1); }
            if (action == "*" || (string.Equals(service, "s3", StringComparison.OrdinalIgnoreCase) && name == "*"))
            {
                read = write = true;
                continue;
            }
            if (!string.Equals(service, "s3", StringComparison.OrdinalIgnoreCase) && !HasWildcard(service)) continue; // another service's action
            if (HasWildcard(name))
            {
                var pattern = new Regex("^" + Regex.Escape(name).Replace("\\*", ".*").Replace("\\?", ".") + "$",
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
                var matched = KnownActions.Where(a => pattern.IsMatch(a)).ToList();
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

    private static bool HasWildcard(string? value) => value is not null && value.IndexOfAny(new[] { '*', '?' }) >= 0;

    /// <summary>A policy element's values as strings: a string, an array, a bool or a number all count.</summary>
    internal static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var s in Strings(item)) yield return s;
                break;
            case JsonValueKind.String:
                yield return element.GetString() ?? "";
                break;
            case JsonValueKind.True:
                yield return "true";
                break;
            case JsonValueKind.False:
                yield return "false";
                break;
            case JsonValueKind.Number:
                yield return element.GetRawText();
                break;
            case JsonValueKind.Object:
                yield return element.GetRawText();
                break;
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) yield return item;
        else
            yield return element;
    }

    /// <summary>Element names are case-sensitive in IAM, but a lenient match costs nothing here.</summary>
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
        value = default;
        return false;
    }

    private static string Compact(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText();
}
