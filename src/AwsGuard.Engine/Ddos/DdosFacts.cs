using System.Collections.Generic;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Ddos;

/// <summary>A fact as a call found it, or the call (as IAM names its permission) and the error that kept it unknown.</summary>
public sealed class Observed<T>
{
    private Observed(T value, string? failedCall, string? errorId)
    {
        Value = value;
        FailedCall = failedCall;
        ErrorId = errorId;
    }

    public T Value { get; }
    public string? FailedCall { get; }
    public string? ErrorId { get; }
    public bool Known => FailedCall is null;

    public static Observed<T> Of(T value) => new(value, null, null);
    public static Observed<T> Failed(string call, string errorId) => new(default!, call, errorId);
}

/// <summary>One internet-facing entry point as its listing found it.</summary>
public sealed class EntryPoint(string arn, DdosResourceType type, string name, string region, string accountId)
{
    public string Arn { get; } = arn;
    public DdosResourceType Type { get; } = type;
    public string Name { get; } = name;
    public string Region { get; } = region;
    public string AccountId { get; } = accountId;

    /// <summary>The load balancer's security groups (empty for other types).</summary>
    public IReadOnlyList<string> SecurityGroups { get; set; } = new string[0];

    /// <summary>WAF protects Application Load Balancers and CloudFront distributions only.</summary>
    public bool WafApplicable => Type is DdosResourceType.ApplicationLoadBalancer or DdosResourceType.CloudFrontDistribution;

    public bool IsLoadBalancer => Type is DdosResourceType.ApplicationLoadBalancer or DdosResourceType.NetworkLoadBalancer;
}

/// <summary>How a load balancer that is a CloudFront origin admits traffic: the rules that let anyone in on a listener port.</summary>
public sealed class OriginFacts(IReadOnlyList<string> openRules, string? prefixListId)
{
    /// <summary>"sg-1 tcp 443 from 0.0.0.0/0", or "no security group"; empty when only narrower sources are admitted.</summary>
    public IReadOnlyList<string> OpenRules { get; } = openRules;

    /// <summary>The id of com.amazonaws.global.cloudfront.origin-facing in the load balancer's region, when it could be read.</summary>
    public string? PrefixListId { get; } = prefixListId;
}

/// <summary>A hosted zone's records that health checks and failover steer.</summary>
public sealed class ZoneFacts(int healthCheckedRecords, int failoverRecords)
{
    public int HealthCheckedRecords { get; } = healthCheckedRecords;
    public int FailoverRecords { get; } = failoverRecords;
}

/// <summary>Everything read about one entry point; <see cref="ReadinessDecision"/> judges it without calling AWS. Null: does not apply.</summary>
public sealed class DdosFacts(EntryPoint entry)
{
    public EntryPoint Entry { get; } = entry;

    /// <summary>The web ACL (Value null: none); null where WAF does not apply.</summary>
    public Observed<WebAcl?>? WebAcl { get; set; }

    /// <summary>Whether the web ACL logs; null without a web ACL.</summary>
    public Observed<bool>? WafLogging { get; set; }

    public Observed<ShieldAdvancedState> Shield { get; set; } = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.NotSubscribed);

    /// <summary>For a protected resource: a health check is associated with its protection.</summary>
    public bool? HealthCheckAssociated { get; set; }

    /// <summary>For a protected resource: an alarm on its DDoSDetected metric.</summary>
    public Observed<bool>? DdosAlarm { get; set; }

    /// <summary>For a load balancer: null when it is no CloudFront origin (or unknown whether it is: see FailedCall).</summary>
    public Observed<OriginFacts?>? Origin { get; set; }

    public Observed<ZoneFacts>? Zone { get; set; }
}
