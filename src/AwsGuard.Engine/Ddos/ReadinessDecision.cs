using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Ddos;

/// <summary>
/// Judges one entry point from its facts, without calling AWS: Exposed when nothing stands in front of it at layer 7
/// or attackers can skip CloudFront to reach it; else Unknown when a call failed; else Partial for gaps that weaken the
/// protection; else Protected. Shield Standard covers every resource, so no Shield Advanced subscription is no gap.
/// </summary>
public static class ReadinessDecision
{
    public const string SqliGroup = "AWSManagedRulesSQLiRuleSet";
    public const string CommonGroup = "AWSManagedRulesCommonRuleSet";
    public const string OriginFacingPrefixList = "com.amazonaws.global.cloudfront.origin-facing";
    private const string XssRulePrefix = "CrossSiteScripting_";

    public static DdosReadiness Decide(DdosFacts facts)
    {
        var entry = facts.Entry;
        var exposed = new List<DdosFinding>();
        var partial = new List<DdosFinding>();
        var unknown = new List<DdosFinding>();
        var result = new DdosReadiness
        {
            ResourceArn = entry.Arn,
            ResourceType = entry.Type,
            Name = entry.Name,
            Region = entry.Region,
            AccountId = entry.AccountId,
            WafApplicable = entry.WafApplicable,
        };

        if (facts.WebAcl is { } webAcl) JudgeWaf(entry, webAcl, facts.WafLogging, result, exposed, partial, unknown);
        JudgeShield(facts, result, partial, unknown);
        if (facts.Origin is { } origin) JudgeOrigin(origin, result, exposed, unknown);
        if (facts.Zone is { } zone)
        {
            if (zone.Known)
            {
                result.HealthCheckedRecords = zone.Value.HealthCheckedRecords;
                result.FailoverRecords = zone.Value.FailoverRecords;
            }
            else unknown.Add(Failed(zone, "HealthCheckedRecords and FailoverRecords"));
        }

        result.Readiness = exposed.Count > 0 ? DdosReadinessState.Exposed
            : unknown.Count > 0 ? DdosReadinessState.Unknown
            : partial.Count > 0 ? DdosReadinessState.Partial
            : DdosReadinessState.Protected;
        result.Findings = exposed.Concat(unknown).Concat(partial).ToArray();
        return result;
    }

    private static void JudgeWaf(EntryPoint entry, Observed<WebAcl?> webAcl, Observed<bool>? logging, DdosReadiness result,
        List<DdosFinding> exposed, List<DdosFinding> partial, List<DdosFinding> unknown)
    {
        if (!webAcl.Known)
        {
            result.SqlInjection = result.CrossSiteScripting = WafRuleCoverage.Unknown;
            unknown.Add(Failed(webAcl, "WebAcl, RateLimit, SqlInjection, CrossSiteScripting and WafLogging"));
            return;
        }
        if (webAcl.Value is not { } acl)
        {
            result.SqlInjection = result.CrossSiteScripting = WafRuleCoverage.Missing;
            exposed.Add(new("NoWebAcl", entry.Type == DdosResourceType.CloudFrontDistribution
                ? "No AWS WAF web ACL protects the distribution: create a CLOUDFRONT-scope web ACL in us-east-1 and set it as the distribution's web ACL."
                : "No AWS WAF web ACL protects the load balancer: associate a REGIONAL web ACL (aws wafv2 associate-web-acl)."));
            return;
        }

        result.WebAcl = acl.Arn;
        result.RateLimit = acl.Rules.Where(r => r.RateLimit is not null && r.Action == "Block").Min(r => r.RateLimit);
        if (result.RateLimit is null)
            partial.Add(new("NoRateLimit", $"Web ACL '{acl.Name}' has no rate-based rule that blocks: add one with action Block (for example a limit of 2000 requests per 5 minutes per IP)."));

        var (sqli, sqliDetail) = Coverage(acl, SqliGroup, _ => true, r => r.MatchesSqli);
        result.SqlInjection = sqli;
        AddCoverage(partial, sqli, "SqlInjection", "SQL injection", acl.Name, sqliDetail, SqliGroup);
        var (xss, xssDetail) = Coverage(acl, CommonGroup, rule => rule.StartsWith(XssRulePrefix, StringComparison.Ordinal), r => r.MatchesXss);
        result.CrossSiteScripting = xss;
        AddCoverage(partial, xss, "CrossSiteScripting", "cross-site scripting", acl.Name, xssDetail, CommonGroup);

        if (logging is null) return;
        if (!logging.Known) unknown.Add(Failed(logging, "WafLogging"));
        else
        {
            result.WafLogging = logging.Value;
            if (!logging.Value)
                partial.Add(new("WafLoggingOff", $"Web ACL '{acl.Name}' does not log: send its logs to a destination named aws-waf-logs-* (aws wafv2 put-logging-configuration)."));
        }
    }

    /// <summary>
    /// The best a web ACL does against one kind of attack: the AWS managed group for it (its relevant rules), or rules
    /// with a matching statement of their own. A group overridden to Count, or any of its relevant rules overridden to
    /// anything but Block, lets such requests through: CountOnly, naming the override.
    /// </summary>
    internal static (WafRuleCoverage Coverage, string? Detail) Coverage(WebAcl acl, string managedGroup, Func<string, bool> relevantRule,
        Func<WafRule, bool> matchesItself)
    {
        var counting = new List<string>();
        foreach (var rule in acl.Rules)
        {
            if (rule.ManagedGroup == "AWS/" + managedGroup)
            {
                var overridden = rule.RuleOverrides.Where(o => relevantRule(o.Key) && o.Value != "Block").Select(o => $"{o.Key} to {o.Value}").ToList();
                if (rule.OverrideAction == "Count") counting.Add($"rule '{rule.Name}' ({managedGroup}) has its override action set to Count");
                else if (overridden.Count > 0) counting.Add($"rule '{rule.Name}' ({managedGroup}) overrides {string.Join(", ", overridden)}");
                else return (WafRuleCoverage.Blocking, null);
            }
            else if (matchesItself(rule))
            {
                if (rule.Action == "Block") return (WafRuleCoverage.Blocking, null);
                if (rule.Action == "Count") counting.Add($"rule '{rule.Name}' only counts");
            }
        }
        return counting.Count > 0 ? (WafRuleCoverage.CountOnly, string.Join("; ", counting)) : (WafRuleCoverage.Missing, null);
    }

    private static void AddCoverage(List<DdosFinding> partial, WafRuleCoverage coverage, string code, string attack, string aclName, string? detail, string group)
    {
        if (coverage == WafRuleCoverage.Missing)
            partial.Add(new(code + "Missing", $"Web ACL '{aclName}' has no {attack} rule: add the AWS managed rule group {group} with override action None."));
        else if (coverage == WafRuleCoverage.CountOnly)
            partial.Add(new(code + "CountOnly", $"Web ACL '{aclName}' only counts {attack}: {detail}; set it to Block."));
    }

    private static void JudgeShield(DdosFacts facts, DdosReadiness result, List<DdosFinding> partial, List<DdosFinding> unknown)
    {
        var shield = facts.Shield;
        if (!shield.Known)
        {
            result.ShieldAdvanced = ShieldAdvancedState.Unknown;
            unknown.Add(Failed(shield, "ShieldAdvanced"));
            return;
        }
        result.ShieldAdvanced = shield.Value;
        var arn = facts.Entry.Arn;
        if (shield.Value == ShieldAdvancedState.Unprotected)
            partial.Add(new("ShieldUnprotected", $"The account subscribes to Shield Advanced but this resource has no protection: aws shield create-protection --resource-arn {arn}."));
        if (shield.Value != ShieldAdvancedState.Protected) return;

        result.HealthCheckAssociated = facts.HealthCheckAssociated;
        if (facts.HealthCheckAssociated == false)
            partial.Add(new("NoHealthCheck", "The Shield Advanced protection has no Route 53 health check, which makes detection faster and more accurate: aws shield associate-health-check."));
        if (facts.DdosAlarm is not { } alarm) return;
        if (!alarm.Known) unknown.Add(Failed(alarm, "DdosAlarm"));
        else
        {
            result.DdosAlarm = alarm.Value;
            if (!alarm.Value)
                partial.Add(new("NoDdosAlarm", $"No CloudWatch alarm watches DDoSDetected: create one on namespace AWS/DDoSProtection, metric DDoSDetected, dimension ResourceArn={arn}."));
        }
    }

    private static void JudgeOrigin(Observed<OriginFacts?> origin, DdosReadiness result, List<DdosFinding> exposed, List<DdosFinding> unknown)
    {
        if (!origin.Known)
        {
            unknown.Add(Failed(origin, "OriginExposed"));
            return;
        }
        if (origin.Value is not { } facts) return; // not a CloudFront origin
        result.OriginExposed = facts.OpenRules.Count > 0;
        if (facts.OpenRules.Count == 0) return;
        var list = facts.PrefixListId is null ? OriginFacingPrefixList : $"{OriginFacingPrefixList} ({facts.PrefixListId})";
        exposed.Add(new("OriginExposed", $"The load balancer is a CloudFront origin, but anyone can reach it directly and skip CloudFront and its WAF ({string.Join("; ", facts.OpenRules)}): admit only the managed prefix list {list} on the listener ports."));
    }

    private static DdosFinding Failed<T>(Observed<T> observed, string fields) =>
        new("CallFailed", $"{observed.FailedCall} failed ({observed.ErrorId}): {fields} unknown.");
}
