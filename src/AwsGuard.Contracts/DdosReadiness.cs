namespace AwsGuard;

/// <summary>How one internet-facing entry point stands against a flood: WAF (layer 7), Shield Advanced, and origin exposure.</summary>
public sealed class DdosReadiness
{
    public string ResourceArn { get; set; } = "";

    public DdosResourceType ResourceType { get; set; }

    /// <summary>The DNS name: the load balancer's or distribution's, the zone's name, the Elastic IP's address.</summary>
    public string? Name { get; set; }

    /// <summary>The resource's region; us-east-1 for the global CloudFront and Route 53.</summary>
    public string? Region { get; set; }

    public string? AccountId { get; set; }

    /// <summary>Whether AWS WAF can protect this type (Application Load Balancers and CloudFront distributions).</summary>
    public bool WafApplicable { get; set; }

    /// <summary>The ARN of the web ACL protecting the resource; null when none (or unknown: see Findings).</summary>
    public string? WebAcl { get; set; }

    /// <summary>The lowest limit among the web ACL's rate-based rules whose action is Block; null when none.</summary>
    public long? RateLimit { get; set; }

    /// <summary>SQL injection rules (AWSManagedRulesSQLiRuleSet or SqliMatch statements); null where WAF does not apply.</summary>
    public WafRuleCoverage? SqlInjection { get; set; }

    /// <summary>Cross-site scripting rules (AWSManagedRulesCommonRuleSet's XSS rules or XssMatch statements); null where WAF does not apply.</summary>
    public WafRuleCoverage? CrossSiteScripting { get; set; }

    /// <summary>Whether the web ACL logs; null without a web ACL or when unknown.</summary>
    public bool? WafLogging { get; set; }

    public ShieldAdvancedState ShieldAdvanced { get; set; }

    /// <summary>For a Shield Advanced protected resource: a Route 53 health check is associated with the protection.</summary>
    public bool? HealthCheckAssociated { get; set; }

    /// <summary>For a Shield Advanced protected resource: a CloudWatch alarm watches its DDoSDetected metric (AWS/DDoSProtection).</summary>
    public bool? DdosAlarm { get; set; }

    /// <summary>For a load balancer that is a CloudFront origin: its security groups admit anyone on a listener port.</summary>
    public bool? OriginExposed { get; set; }

    /// <summary>For a hosted zone: the record sets that carry a health check.</summary>
    public int? HealthCheckedRecords { get; set; }

    /// <summary>For a hosted zone: the failover record sets (PRIMARY or SECONDARY).</summary>
    public int? FailoverRecords { get; set; }

    public DdosReadinessState Readiness { get; set; }

    /// <summary>Every gap, each naming its fix; as text (Export-Csv) "Code: Message" joined by "; ".</summary>
    public JoinedList<DdosFinding> Findings { get; set; } = new DdosFinding[0];

    public override string ToString() => $"{ResourceArn}: {Readiness}";
}

/// <summary>One gap behind a <see cref="DdosReadiness"/>, or a call that failed; the message names the fix.</summary>
public sealed class DdosFinding
{
    public DdosFinding() { }

    public DdosFinding(string code, string message)
    {
        Code = code;
        Message = message;
    }

    public string Code { get; set; } = "";
    public string Message { get; set; } = "";

    public override string ToString() => $"{Code}: {Message}";
}

public enum DdosResourceType
{
    ApplicationLoadBalancer,
    NetworkLoadBalancer,
    CloudFrontDistribution,
    HostedZone,
    ElasticIp,
}

/// <summary>How a web ACL treats one kind of attack (SQL injection, cross-site scripting).</summary>
public enum WafRuleCoverage
{
    /// <summary>A rule for it blocks.</summary>
    Blocking,

    /// <summary>Rules for it exist but only count (an override to Count on the group or on its rules, or a Count action).</summary>
    CountOnly,

    /// <summary>No rule for it.</summary>
    Missing,

    /// <summary>The web ACL could not be read; a finding names the call.</summary>
    Unknown,
}

public enum ShieldAdvancedState
{
    /// <summary>The account has no Shield Advanced subscription: Shield Standard (layers 3 and 4) only.</summary>
    NotSubscribed,

    /// <summary>The account subscribes, but this resource has no protection.</summary>
    Unprotected,

    Protected,

    /// <summary>A Shield call failed; a finding names it.</summary>
    Unknown,
}

public enum DdosReadinessState
{
    /// <summary>No gap found.</summary>
    Protected,

    /// <summary>Protected, with gaps that weaken it (no rate limit, counting rules, no logging, no health check, no alarm).</summary>
    Partial,

    /// <summary>Nothing stands in front of it at layer 7, or attackers can skip CloudFront to reach the origin.</summary>
    Exposed,

    /// <summary>A call failed, so some fields could not be decided and no Exposed gap was found in the rest.</summary>
    Unknown,
}
