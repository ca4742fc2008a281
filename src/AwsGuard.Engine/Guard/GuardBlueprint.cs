using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Guard;

/// <summary>
/// What a region's public bucket guard consists of, as pure values: the rule's event pattern, the two input transformers,
/// the topic policy statement and the roles' policies. Install writes these, Get compares what it finds with them.
/// </summary>
public sealed class GuardBlueprint
{
    public const string RuleName = "AwsGuard-PublicBucketGuard";
    public const string DefaultTopicName = "AwsGuard-PublicBucket";
    public const string TagKey = "AwsGuard:Guard";
    public const string TagValue = "PublicBucketGuard";
    public const string NotifyTargetId = "AwsGuard-Notify";
    public const string RemediateTargetId = "AwsGuard-Remediate";
    public const string TopicStatementId = "AwsGuardPublicBucketGuard";
    public const string RolePolicyName = "AwsGuard-PublicBucketGuard";
    /// <summary>AWS's managed runbook: turns on the bucket's four Block Public Access flags.</summary>
    public const string DocumentName = "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock";

    /// <summary>Bucket-level calls (CloudTrail's names, not always the API's) and the account-level ones: any of them may open access.</summary>
    public static readonly IReadOnlyList<string> AnyCallEvents = new[]
    {
        "PutBucketAcl", "PutBucketPolicy", "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock",
        "PutBucketOwnershipControls", "DeleteBucketOwnershipControls", "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock",
    };

    /// <summary>Object-level calls: matched only when the request carries a public ACL (else every upload would match).</summary>
    public static readonly IReadOnlyList<string> ObjectAclEvents = new[] { "PutObject", "PutObjectAcl", "CopyObject", "CreateMultipartUpload" };

    /// <summary>The canned ACLs that grant the AllUsers or AuthenticatedUsers group.</summary>
    public static readonly IReadOnlyList<string> PublicCannedAcls = new[] { "public-read", "public-read-write", "authenticated-read" };

    /// <summary>The grant headers an object request may carry (x-amz-grant-write exists only for buckets).</summary>
    public static readonly IReadOnlyList<string> ObjectGrantHeaders = new[]
    {
        "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control",
    };

    public static readonly IReadOnlyList<string> PublicGroupUris = new[]
    {
        "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    };

    public GuardBlueprint(string partition, string region, string accountId, string topicArn)
    {
        Partition = partition;
        Region = region;
        AccountId = accountId;
        TopicArn = topicArn;
    }

    public string Partition { get; }
    public string Region { get; }
    public string AccountId { get; }
    public string TopicArn { get; }

    public string RuleArn => $"arn:{Partition}:events:{Region}:{AccountId}:rule/{RuleName}";

    /// <summary>Per region, so each region's guard installs and uninstalls on its own and its role names only its document.</summary>
    public string AutomationRoleName => $"AwsGuard-PublicBucketGuard-Automation-{Region}";
    public string EventsRoleName => $"AwsGuard-PublicBucketGuard-Events-{Region}";
    public string AutomationRoleArn => $"arn:{Partition}:iam::{AccountId}:role/{AutomationRoleName}";
    public string EventsRoleArn => $"arn:{Partition}:iam::{AccountId}:role/{EventsRoleName}";

    /// <summary>The runbook as an EventBridge target: the automation definition at its default version.</summary>
    public string DocumentTargetArn => $"arn:{Partition}:ssm:{Region}:{AccountId}:automation-definition/{DocumentName}:$DEFAULT";

    public static IReadOnlyDictionary<string, string> Tags => new Dictionary<string, string> { [TagKey] = TagValue };

    public static string TopicArnFor(string partition, string region, string accountId, string topicName) =>
        $"arn:{partition}:sns:{region}:{accountId}:{topicName}";

    /// <summary>
    /// The rule's pattern: CloudTrail's "AWS API Call via CloudTrail" events of S3 that can make a bucket or object public.
    /// EventBridge matches a pattern value against every element of an array in the event, so one pattern serves a header
    /// recorded as "public-read" and as ["public-read"], and a Grant list as well as a single Grant object.
    /// </summary>
    public static string EventPattern() => Json(w =>
    {
        w.WriteStartObject();
        Strings(w, "source", "aws.s3");
        Strings(w, "detail-type", "AWS API Call via CloudTrail");
        w.WriteStartObject("detail");
        Strings(w, "eventSource", "s3.amazonaws.com");
        w.WriteStartArray("$or");

        w.WriteStartObject();
        Strings(w, "eventName", AnyCallEvents.ToArray());
        w.WriteEndObject();

        // A canned ACL header: case as S3 accepts it.
        ObjectCall(w, ObjectAclEvents, "x-amz-acl", () =>
        {
            foreach (var acl in PublicCannedAcls) Filter(w, "equals-ignore-case", acl);
        });
        // A grant header lists grantees as uri="...", id="...", emailAddress="..." (the URI quoted or not).
        foreach (var header in ObjectGrantHeaders)
            ObjectCall(w, ObjectAclEvents, header, () =>
            {
                foreach (var uri in PublicGroupUris) Filter(w, "wildcard", "*" + uri.Substring("http://".Length) + "*");
            });

        // PutObjectAcl with a body: requestParameters.AccessControlPolicy.AccessControlList.Grant[].Grantee.URI.
        w.WriteStartObject();
        Strings(w, "eventName", "PutObjectAcl");
        w.WriteStartObject("requestParameters");
        w.WriteStartObject("AccessControlPolicy");
        w.WriteStartObject("AccessControlList");
        w.WriteStartObject("Grant");
        w.WriteStartObject("Grantee");
        Strings(w, "URI", PublicGroupUris.ToArray());
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// The SNS message: one sentence of who did what to which bucket and key, from where, when, and how to check it. A quoted
    /// template makes a text message (as EventBridge's examples do); the text avoids the word "time", which moto takes for the event's field.
    /// </summary>
    public static EventInputTransformer Notification { get; } = new(
        new Dictionary<string, string>
        {
            ["who"] = "$.detail.userIdentity.arn",
            ["action"] = "$.detail.eventName",
            ["bucket"] = "$.detail.requestParameters.bucketName",
            ["key"] = "$.detail.requestParameters.key",
            ["ip"] = "$.detail.sourceIPAddress",
            ["time"] = "$.detail.eventTime",
            ["account"] = "$.account",
            ["region"] = "$.region",
        },
        "\"AwsGuard: <who> called <action> on s3://<bucket>/<key> from <ip> at <time> in account <account>, region <region>; " +
        "the bucket or object may be public now. Check it: Get-PublicBucket <bucket>\"");

    /// <summary>The runbook's parameters (string lists, as Automation takes them): the event's bucket and the automation role.</summary>
    public EventInputTransformer Remediation => new(
        new Dictionary<string, string> { ["bucket"] = "$.detail.requestParameters.bucketName" },
        "{\"BucketName\":[<bucket>],\"AutomationAssumeRole\":[\"" + AutomationRoleArn + "\"]}");

    /// <summary>The topic policy statement: EventBridge may publish, and only for this region's guard rule.</summary>
    public string TopicStatement() => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("Sid", TopicStatementId);
        w.WriteString("Effect", "Allow");
        w.WriteStartObject("Principal");
        w.WriteString("Service", "events.amazonaws.com");
        w.WriteEndObject();
        w.WriteString("Action", "sns:Publish");
        w.WriteString("Resource", TopicArn);
        w.WriteStartObject("Condition");
        w.WriteStartObject("ArnEquals");
        w.WriteString("aws:SourceArn", RuleArn);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static string TrustPolicy(string service) => Policy(w =>
    {
        w.WriteStartObject();
        w.WriteString("Effect", "Allow");
        w.WriteStartObject("Principal");
        w.WriteString("Service", service);
        w.WriteEndObject();
        w.WriteString("Action", "sts:AssumeRole");
        w.WriteEndObject();
    });

    public static string AutomationTrust => TrustPolicy("ssm.amazonaws.com");
    public static string EventsTrust => TrustPolicy("events.amazonaws.com");

    /// <summary>The runbook reads and sets a bucket's Block Public Access: nothing more.</summary>
    public string AutomationPolicy() => Policy(w => Allow(w, new[] { "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock" },
        $"arn:{Partition}:s3:::*"));

    /// <summary>EventBridge starts this one runbook and hands it the automation role: nothing more.</summary>
    public string EventsPolicy() => Policy(w =>
    {
        Allow(w, new[] { "ssm:StartAutomationExecution" },
            $"arn:{Partition}:ssm:{Region}:{AccountId}:automation-definition/{DocumentName}:*");
        Allow(w, new[] { "iam:PassRole" }, AutomationRoleArn);
    });

    private static void ObjectCall(Utf8JsonWriter w, IEnumerable<string> events, string parameter, System.Action writeFilters)
    {
        w.WriteStartObject();
        Strings(w, "eventName", events.ToArray());
        w.WriteStartObject("requestParameters");
        w.WriteStartArray(parameter);
        writeFilters();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Filter(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString(name, value);
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, params string[] values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void Allow(Utf8JsonWriter w, string[] actions, string resource)
    {
        w.WriteStartObject();
        w.WriteString("Effect", "Allow");
        Strings(w, "Action", actions);
        w.WriteString("Resource", resource);
        w.WriteEndObject();
    }

    private static string Policy(System.Action<Utf8JsonWriter> statements) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("Version", "2012-10-17");
        w.WriteStartArray("Statement");
        statements(w);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Json(System.Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
