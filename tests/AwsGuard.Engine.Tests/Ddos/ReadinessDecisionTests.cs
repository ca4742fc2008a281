using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.Ddos;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Ddos;

/// <summary>The readiness decision over facts, case by case: what each fact makes of the fields, the findings and the readiness.</summary>
public sealed class ReadinessDecisionTests
{
    private const string AlbArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/shop/1";
    private static readonly IReadOnlyDictionary<string, string> NoOverrides = new Dictionary<string, string>();

    private static WafRule Rate(long limit, string action = "Block") => new("rate-" + limit, action, null, limit, null, NoOverrides, false, false);
    private static WafRule Group(string group, string overrideAction = "None", params (string Rule, string Action)[] overrides) =>
        new("group-" + group, null, overrideAction, null, "AWS/" + group, overrides.ToDictionary(o => o.Rule, o => o.Action), false, false);
    private static WafRule Sqli(string action) => new("own-sqli", action, null, null, null, NoOverrides, true, false);
    private static WafRule Xss(string action) => new("own-xss", action, null, null, null, NoOverrides, false, true);
    private static WafRule Full(string name) => name == "sqli" ? Group(ReadinessDecision.SqliGroup) : Group(ReadinessDecision.CommonGroup);

    private static DdosFacts Alb(params WafRule[] rules) => new(new EntryPoint(AlbArn, DdosResourceType.ApplicationLoadBalancer, "shop.elb", "us-east-1", "111122223333"))
    {
        WebAcl = Observed<WebAcl?>.Of(new WebAcl("arn:acl", "shop-acl", rules)),
        WafLogging = Observed<bool>.Of(true),
    };

    private static DdosFacts FullAlb() => Alb(Rate(2000), Full("sqli"), Full("xss"));

    private static DdosFacts Other(DdosResourceType type) =>
        new(new EntryPoint("arn:other", type, "other", "us-east-1", "111122223333"));

    private static DdosFacts With(DdosFacts facts, Action<DdosFacts> change)
    {
        change(facts);
        return facts;
    }

    /// <summary>Case: the facts, the readiness, the finding codes in order, and field checks.</summary>
    private static readonly Dictionary<string, (Func<DdosFacts> Facts, DdosReadinessState Readiness, string[] Codes, Action<DdosReadiness> Check)> Cases = new()
    {
        ["full ACL, logging, no Shield Advanced: protected"] = (FullAlb, DdosReadinessState.Protected, new string[0], r =>
        {
            Assert.Equal("arn:acl", r.WebAcl);
            Assert.Equal(2000, r.RateLimit);
            Assert.Equal(WafRuleCoverage.Blocking, r.SqlInjection);
            Assert.Equal(WafRuleCoverage.Blocking, r.CrossSiteScripting);
            Assert.True(r.WafLogging);
            Assert.Equal(ShieldAdvancedState.NotSubscribed, r.ShieldAdvanced);
            Assert.Null(r.HealthCheckAssociated);
            Assert.Null(r.OriginExposed);
            Assert.Equal("111122223333", r.AccountId);
        }),
        ["no web ACL: exposed"] = (() => With(Alb(), f => { f.WebAcl = Observed<WebAcl?>.Of(null); f.WafLogging = null; }), DdosReadinessState.Exposed,
            new[] { "NoWebAcl" }, r =>
            {
                Assert.Null(r.WebAcl);
                Assert.Equal(WafRuleCoverage.Missing, r.SqlInjection);
                Assert.Contains("associate a REGIONAL web ACL", r.Findings[0].Message);
            }),
        ["the lowest blocking rate limit; a counting one is no limit"] = (() => Alb(Rate(500, "Count"), Rate(3000), Rate(1000), Full("sqli"), Full("xss")),
            DdosReadinessState.Protected, new string[0], r => Assert.Equal(1000, r.RateLimit)),
        ["only a counting rate-based rule: no rate limit"] = (() => Alb(Rate(500, "Count"), Full("sqli"), Full("xss")), DdosReadinessState.Partial,
            new[] { "NoRateLimit" }, r => Assert.Null(r.RateLimit)),
        ["SQLi group overridden to Count"] = (() => Alb(Rate(2000), Group(ReadinessDecision.SqliGroup, "Count"), Full("xss")), DdosReadinessState.Partial,
            new[] { "SqlInjectionCountOnly" }, r =>
            {
                Assert.Equal(WafRuleCoverage.CountOnly, r.SqlInjection);
                Assert.Contains("override action set to Count", r.Findings[0].Message);
            }),
        ["one SQLi rule overridden to Count"] = (() => Alb(Rate(2000), Group(ReadinessDecision.SqliGroup, "None", ("SQLi_BODY", "Count")), Full("xss")),
            DdosReadinessState.Partial, new[] { "SqlInjectionCountOnly" }, r => Assert.Contains("SQLi_BODY to Count", r.Findings[0].Message)),
        ["a non-XSS rule of the common group counting leaves XSS blocking"] = (() =>
                Alb(Rate(2000), Full("sqli"), Group(ReadinessDecision.CommonGroup, "None", ("SizeRestrictions_BODY", "Count"))),
            DdosReadinessState.Protected, new string[0], r => Assert.Equal(WafRuleCoverage.Blocking, r.CrossSiteScripting)),
        ["an XSS rule of the common group counting"] = (() =>
                Alb(Rate(2000), Full("sqli"), Group(ReadinessDecision.CommonGroup, "None", ("CrossSiteScripting_BODY", "Count"))),
            DdosReadinessState.Partial, new[] { "CrossSiteScriptingCountOnly" }, r => Assert.Equal(WafRuleCoverage.CountOnly, r.CrossSiteScripting)),
        ["custom XSS statement that blocks"] = (() => Alb(Rate(2000), Full("sqli"), Xss("Block")), DdosReadinessState.Protected, new string[0],
            r => Assert.Equal(WafRuleCoverage.Blocking, r.CrossSiteScripting)),
        ["custom XSS statement that counts, custom SQLi missing"] = (() => Alb(Rate(2000), Xss("Count")), DdosReadinessState.Partial,
            new[] { "SqlInjectionMissing", "CrossSiteScriptingCountOnly" }, r =>
            {
                Assert.Equal(WafRuleCoverage.Missing, r.SqlInjection);
                Assert.Contains("AWSManagedRulesSQLiRuleSet", r.Findings[0].Message);
                Assert.Contains("rule 'own-xss' only counts", r.Findings[1].Message);
            }),
        ["a blocking rule wins over a counting one"] = (() => Alb(Rate(2000), Sqli("Count"), Full("sqli"), Full("xss")), DdosReadinessState.Protected,
            new string[0], r => Assert.Equal(WafRuleCoverage.Blocking, r.SqlInjection)),
        ["logging off"] = (() => With(FullAlb(), f => f.WafLogging = Observed<bool>.Of(false)), DdosReadinessState.Partial, new[] { "WafLoggingOff" },
            r => Assert.False(r.WafLogging)),
        ["web ACL denied: unknown, naming the call"] = (() => With(FullAlb(), f =>
            {
                f.WebAcl = Observed<WebAcl?>.Failed("wafv2:GetWebACLForResource", "AccessDeniedException");
                f.WafLogging = null;
            }), DdosReadinessState.Unknown, new[] { "CallFailed" }, r =>
            {
                Assert.Equal(WafRuleCoverage.Unknown, r.SqlInjection);
                Assert.Equal(WafRuleCoverage.Unknown, r.CrossSiteScripting);
                Assert.Null(r.WebAcl);
                Assert.Equal("wafv2:GetWebACLForResource failed (AccessDeniedException): WebAcl, RateLimit, SqlInjection, CrossSiteScripting and WafLogging unknown.",
                    r.Findings[0].Message);
            }),
        ["logging denied"] = (() => With(FullAlb(), f => f.WafLogging = Observed<bool>.Failed("wafv2:GetLoggingConfiguration", "AccessDeniedException")),
            DdosReadinessState.Unknown, new[] { "CallFailed" }, r => Assert.Null(r.WafLogging)),
        ["protected without health check or alarm"] = (() => With(FullAlb(), f =>
            {
                f.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Protected);
                f.HealthCheckAssociated = false;
                f.DdosAlarm = Observed<bool>.Of(false);
            }), DdosReadinessState.Partial, new[] { "NoHealthCheck", "NoDdosAlarm" }, r =>
            {
                Assert.False(r.HealthCheckAssociated);
                Assert.False(r.DdosAlarm);
                Assert.Contains("dimension ResourceArn=" + AlbArn, r.Findings[1].Message);
            }),
        ["protected with health check and alarm"] = (() => With(FullAlb(), f =>
            {
                f.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Protected);
                f.HealthCheckAssociated = true;
                f.DdosAlarm = Observed<bool>.Of(true);
            }), DdosReadinessState.Protected, new string[0], r =>
            {
                Assert.Equal(ShieldAdvancedState.Protected, r.ShieldAdvanced);
                Assert.True(r.HealthCheckAssociated);
                Assert.True(r.DdosAlarm);
            }),
        ["alarm lookup denied"] = (() => With(FullAlb(), f =>
            {
                f.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Protected);
                f.HealthCheckAssociated = true;
                f.DdosAlarm = Observed<bool>.Failed("cloudwatch:DescribeAlarmsForMetric", "AccessDenied");
            }), DdosReadinessState.Unknown, new[] { "CallFailed" }, r => Assert.Null(r.DdosAlarm)),
        ["subscribed, not protected"] = (() => With(FullAlb(), f => f.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Unprotected)),
            DdosReadinessState.Partial, new[] { "ShieldUnprotected" }, r => Assert.Contains("create-protection --resource-arn " + AlbArn, r.Findings[0].Message)),
        ["Shield denied"] = (() => With(FullAlb(), f => f.Shield = Observed<ShieldAdvancedState>.Failed("shield:DescribeSubscription", "AccessDeniedException")),
            DdosReadinessState.Unknown, new[] { "CallFailed" }, r => Assert.Equal(ShieldAdvancedState.Unknown, r.ShieldAdvanced)),
        ["origin open to the internet: exposed, naming the prefix list"] = (() => With(FullAlb(), f =>
                f.Origin = Observed<OriginFacts?>.Of(new OriginFacts(new[] { "sg-1 tcp 443 from 0.0.0.0/0" }, "pl-3b927c52"))),
            DdosReadinessState.Exposed, new[] { "OriginExposed" }, r =>
            {
                Assert.True(r.OriginExposed);
                Assert.Contains("sg-1 tcp 443 from 0.0.0.0/0", r.Findings[0].Message);
                Assert.Contains("com.amazonaws.global.cloudfront.origin-facing (pl-3b927c52)", r.Findings[0].Message);
            }),
        ["origin restricted to the prefix list"] = (() => With(FullAlb(), f => f.Origin = Observed<OriginFacts?>.Of(new OriginFacts(new string[0], "pl-1"))),
            DdosReadinessState.Protected, new string[0], r => Assert.False(r.OriginExposed)),
        ["no CloudFront origin"] = (() => With(FullAlb(), f => f.Origin = Observed<OriginFacts?>.Of(null)), DdosReadinessState.Protected, new string[0],
            r => Assert.Null(r.OriginExposed)),
        ["exposed wins over unknown"] = (() => With(Alb(), f =>
            {
                f.WebAcl = Observed<WebAcl?>.Of(null);
                f.WafLogging = null;
                f.Origin = Observed<OriginFacts?>.Failed("ec2:DescribeSecurityGroups", "UnauthorizedOperation");
            }), DdosReadinessState.Exposed, new[] { "NoWebAcl", "CallFailed" }, r => Assert.Null(r.OriginExposed)),
        ["CloudFront without a web ACL names the CLOUDFRONT scope"] = (() => new DdosFacts(new EntryPoint("arn:cf", DdosResourceType.CloudFrontDistribution, "d1.cloudfront.net", "us-east-1", "1"))
            {
                WebAcl = Observed<WebAcl?>.Of(null),
            }, DdosReadinessState.Exposed, new[] { "NoWebAcl" }, r => Assert.Contains("CLOUDFRONT-scope", r.Findings[0].Message)),
        ["NLB: WAF does not apply"] = (() => Other(DdosResourceType.NetworkLoadBalancer), DdosReadinessState.Protected, new string[0], r =>
        {
            Assert.False(r.WafApplicable);
            Assert.Null(r.SqlInjection);
            Assert.Null(r.WafLogging);
        }),
        ["Elastic IP, subscribed but unprotected"] = (() => With(Other(DdosResourceType.ElasticIp), f => f.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Unprotected)),
            DdosReadinessState.Partial, new[] { "ShieldUnprotected" }, r => Assert.False(r.WafApplicable)),
        ["hosted zone reports health checks and failover, no gap"] = (() => With(Other(DdosResourceType.HostedZone), f => f.Zone = Observed<ZoneFacts>.Of(new ZoneFacts(2, 2))),
            DdosReadinessState.Protected, new string[0], r =>
            {
                Assert.Equal(2, r.HealthCheckedRecords);
                Assert.Equal(2, r.FailoverRecords);
            }),
        ["hosted zone records denied"] = (() => With(Other(DdosResourceType.HostedZone), f => f.Zone = Observed<ZoneFacts>.Failed("route53:ListResourceRecordSets", "AccessDenied")),
            DdosReadinessState.Unknown, new[] { "CallFailed" }, r => Assert.Null(r.FailoverRecords)),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decides(string name)
    {
        var (facts, readiness, codes, check) = Cases[name];
        var result = ReadinessDecision.Decide(facts());
        Assert.Equal(readiness, result.Readiness);
        Assert.Equal(codes, result.Findings.Select(f => f.Code).ToArray());
        check(result);
    }
}
