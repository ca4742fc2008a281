using System;
using System.Collections;
using System.Collections.Generic;

namespace AwsGuard;

/// <summary>One CloudWatch Logs event, with real times instead of epoch milliseconds.</summary>
public class LogEvent
{
    /// <summary>When the event happened (Kind Utc).</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>When CloudWatch Logs received it (Kind Utc).</summary>
    public DateTime IngestionTime { get; set; }

    /// <summary>The message, without its trailing newline.</summary>
    public string Message { get; set; } = "";

    public string LogGroupName { get; set; } = "";

    /// <summary>The account and region of the log group (the session's); AccountId null when the account could not be read.</summary>
    public string? AccountId { get; set; }
    public string? Region { get; set; }
    public string? LogStreamName { get; set; }

    /// <summary>FilterLogEvents' event id; null for events read with GetLogEvents, which gives none.</summary>
    public string? EventId { get; set; }

    /// <summary>The message parsed as JSON (objects as dictionaries, arrays as object[]) when -ParseJson asked for it.</summary>
    public object? Data { get; set; }
}

/// <summary>A log event whose message is a CloudTrail record; the properties other cmdlets bind by name are lifted out.</summary>
public sealed class CloudTrailEvent : LogEvent
{
    public string EventName { get; set; } = "";
    public string EventSource { get; set; } = "";
    public DateTime? EventTime { get; set; }
    public string? AwsRegion { get; set; }
    public string? SourceIpAddress { get; set; }

    /// <summary>userIdentity.arn.</summary>
    public string? UserArn { get; set; }

    /// <summary>requestParameters.bucketName.</summary>
    public string? BucketName { get; set; }

    /// <summary>requestParameters.key.</summary>
    public string? ObjectKey { get; set; }

    /// <summary>requestParameters.x-amz-acl (a canned ACL such as public-read).</summary>
    public string? AclHeader { get; set; }

    /// <summary>The role assumed by an AssumeRole* event (requestParameters.roleArn), else the role an assumed-role caller's session was issued from.</summary>
    public string? RoleArn { get; set; }

    /// <summary>
    /// The whole record: objects as case-insensitive dictionaries, arrays as object[]; as text, the record's JSON.
    /// Typed as IDictionary so a test can give a hashtable ([AwsGuard.CloudTrailEvent]@{ Record = @{...} }).
    /// </summary>
    public IDictionary Record { get; set; } = new Dictionary<string, object?>();
}
