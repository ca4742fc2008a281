using System;

namespace AwsGuard;

/// <summary>Whether a region's public bucket guard is complete.</summary>
public enum GuardStatus
{
    /// <summary>Every piece is there and as AwsGuard set it up.</summary>
    Installed,
    /// <summary>Some pieces are missing or altered: <see cref="PublicBucketGuard.Missing"/> names each.</summary>
    Partial,
    /// <summary>None of the guard's pieces is in the region.</summary>
    NotInstalled,
}

/// <summary>The automatic fix: AWS's runbook and the two roles it runs under.</summary>
public sealed class GuardRemediation
{
    public string DocumentName { get; set; } = "";
    /// <summary>The role EventBridge starts the automation with (ssm:StartAutomationExecution, iam:PassRole).</summary>
    public string EventsRoleArn { get; set; } = "";
    /// <summary>The role the runbook runs under (s3:GetBucketPublicAccessBlock, s3:PutBucketPublicAccessBlock).</summary>
    public string AutomationRoleArn { get; set; } = "";

    public override string ToString() => DocumentName;
}

/// <summary>One region's EventBridge watch for buckets and objects made public, its SNS topic and optional automatic fix.</summary>
public sealed class PublicBucketGuard
{
    public string AccountId { get; set; } = "";
    public string Region { get; set; } = "";
    public string RuleName { get; set; } = "";
    /// <summary>Null when the rule does not exist.</summary>
    public string? RuleArn { get; set; }
    /// <summary>The topic the rule notifies; null when there is no notification target.</summary>
    public string? TopicArn { get; set; }
    /// <summary>The automatic fix; null when the guard only notifies.</summary>
    public GuardRemediation? Remediation { get; set; }
    /// <summary>The trails that log S3 object writes in this region (object-level detection needs one).</summary>
    public string[] ObjectLogging { get; set; } = Array.Empty<string>();
    public GuardStatus Status { get; set; }
    /// <summary>Each missing or altered piece, in words; empty when Installed or NotInstalled.</summary>
    public string[] Missing { get; set; } = Array.Empty<string>();
    /// <summary>What this command changed in the region; empty when nothing needed changing (and always for Get-PublicBucketGuard).</summary>
    public string[] Changes { get; set; } = Array.Empty<string>();
}
