using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Ddos;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Ddos;

/// <summary>
/// The scanner against moto, each test in an account of its own (moto keeps an assumed role's account apart): the entry
/// points are made with boto3 and read back through AwsGuard's wire clients and AWSSDK.EC2.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class DdosReadinessScannerTests
{
    private readonly LocalAws _aws;

    public DdosReadinessScannerTests(LocalAws aws) => _aws = aws;

    /// <summary>boto3 in a new account: the script's clients come from c(service); it fills made, returned as JSON with the account's keys.</summary>
    private async Task<(JsonElement Made, AWSCredentials Keys, string Account)> InNewAccount(string script)
    {
        var (keys, account, output) = await Tools.PythonInOwnAccount(_aws.Endpoint, $@"
def c(service):
    return boto3.client(service, region_name='us-east-1', **kw)
made = {{}}
{script}
print(json.dumps(made))
");
        return (JsonDocument.Parse(output.Split('\n').Last()).RootElement.Clone(), keys, account);
    }

    private DdosReadinessScanner Scanner(AWSCredentials keys, string account) => new(new DdosClients
    {
        ElasticLoadBalancing = region => new ElasticLoadBalancingClient(keys, region, _aws.Endpoint),
        Wafv2 = region => new Wafv2Client(keys, region, _aws.Endpoint),
        Ec2 = region => AwsClients.Ec2(keys, region, _aws.Endpoint),
        CloudWatch = region => new CloudWatchClient(keys, region, _aws.Endpoint),
        CloudFront = new CloudFrontClient(keys, LocalAws.Region, _aws.Endpoint),
        Route53 = new Route53Client(keys, LocalAws.Region, _aws.Endpoint),
        Shield = new ShieldClient(keys, LocalAws.Region, _aws.Endpoint),
        GlobalRegion = LocalAws.Region,
        AccountId = _ => Task.FromResult(account),
    });

    private static async Task<List<DdosReadiness>> ScanAll(DdosReadinessScanner scanner)
    {
        var found = new List<DdosReadiness>();
        await scanner.ScanLoadBalancersAsync(LocalAws.Region, found.Add, CancellationToken.None);
        await scanner.ScanElasticIpsAsync(LocalAws.Region, found.Add, CancellationToken.None);
        await scanner.ScanDistributionsAsync(found.Add, CancellationToken.None);
        await scanner.ScanHostedZonesAsync(found.Add, CancellationToken.None);
        return found;
    }

    /// <summary>A VPC with two subnets, and helpers to make load balancers, web ACLs and distributions in it.</summary>
    private const string Network = @"
ec2, elb, waf, cf = c('ec2'), c('elbv2'), c('wafv2'), c('cloudfront')
vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock='10.0.%d.0/24' % i, AvailabilityZone='us-east-1' + z)['Subnet']['SubnetId'] for i, z in ((1, 'a'), (2, 'b'))]
prefix_list = ec2.describe_managed_prefix_lists(Filters=[{'Name': 'prefix-list-name', 'Values': ['com.amazonaws.global.cloudfront.origin-facing']}])['PrefixLists'][0]['PrefixListId']
made['PrefixList'] = prefix_list
def group(name, open_to_all):
    g = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)['GroupId']
    source = {'IpRanges': [{'CidrIp': '0.0.0.0/0'}]} if open_to_all else {'PrefixListIds': [{'PrefixListId': prefix_list}]}
    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[dict(IpProtocol='tcp', FromPort=443, ToPort=443, **source)])
    return g
target = elb.create_target_group(Name='targets', Protocol='HTTP', Port=80, VpcId=vpc)['TargetGroups'][0]['TargetGroupArn']
def balancer(name, kind='application', scheme='internet-facing', groups=()):
    extra = {'SecurityGroups': list(groups)} if groups else {}
    b = elb.create_load_balancer(Name=name, Subnets=subnets, Type=kind, Scheme=scheme, **extra)['LoadBalancers'][0]
    elb.create_listener(LoadBalancerArn=b['LoadBalancerArn'], Protocol='HTTPS' if kind == 'application' else 'TCP', Port=443,
        DefaultActions=[{'Type': 'forward', 'TargetGroupArn': target}])
    made[name] = b['LoadBalancerArn']
    made[name + '-dns'] = b['DNSName']
    return b
seen = {'SampledRequestsEnabled': True, 'CloudWatchMetricsEnabled': True, 'MetricName': 'm'}
def rule(name, priority, statement, action=None, override=None):
    r = {'Name': name, 'Priority': priority, 'Statement': statement, 'VisibilityConfig': seen}
    if action: r['Action'] = {action: {}}
    if override: r['OverrideAction'] = {override: {}}
    return r
def managed(name, overrides=()):
    return {'ManagedRuleGroupStatement': {'VendorName': 'AWS', 'Name': name,
        'RuleActionOverrides': [{'Name': o, 'ActionToUse': {'Count': {}}} for o in overrides]}}
def acl(name, scope, rules, logging):
    a = waf.create_web_acl(Name=name, Scope=scope, DefaultAction={'Allow': {}}, VisibilityConfig=seen, Rules=rules)['Summary']['ARN']
    if logging:
        waf.put_logging_configuration(LoggingConfiguration={'ResourceArn': a, 'LogDestinationConfigs': ['arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-t']})
    made[name] = a
    return a
def distribution(name, origin, web_acl=''):
    config = {'CallerReference': name, 'Comment': name, 'Enabled': True, 'WebACLId': web_acl,
        'Origins': {'Quantity': 1, 'Items': [{'Id': 'o', 'DomainName': origin, 'CustomOriginConfig': {'HTTPPort': 80, 'HTTPSPort': 443, 'OriginProtocolPolicy': 'https-only'}}]},
        'DefaultCacheBehavior': {'TargetOriginId': 'o', 'ViewerProtocolPolicy': 'https-only', 'MinTTL': 0,
            'ForwardedValues': {'QueryString': False, 'Cookies': {'Forward': 'none'}}}}
    made[name] = cf.create_distribution(DistributionConfig=config)['Distribution']['ARN']
";

    [Fact]
    public async Task Finds_each_entry_point_and_judges_it()
    {
        var (made, keys, account) = await InNewAccount(Network + @"
xss_rule = rule('own-xss', 3, {'XssMatchStatement': {'FieldToMatch': {'Body': {}}, 'TextTransformations': [{'Priority': 0, 'Type': 'NONE'}]}}, action='Block')
full = acl('full', 'REGIONAL', [rule('rate', 1, {'RateBasedStatement': {'Limit': 1000, 'AggregateKeyType': 'IP'}}, action='Block'),
    rule('sqli', 2, managed('AWSManagedRulesSQLiRuleSet'), override='None'), rule('common', 3, managed('AWSManagedRulesCommonRuleSet'), override='None')], True)
counting = acl('counting', 'REGIONAL', [rule('rate', 1, {'RateBasedStatement': {'Limit': 300, 'AggregateKeyType': 'IP'}}, action='Count'),
    rule('sqli', 2, managed('AWSManagedRulesSQLiRuleSet', ['SQLi_BODY']), override='None')], False)
edge = acl('edge', 'CLOUDFRONT', [rule('sqli', 1, managed('AWSManagedRulesSQLiRuleSet'), override='Count'), xss_rule], False)
open_alb = balancer('open-alb', groups=[group('open', True)])
closed_alb = balancer('closed-alb', groups=[group('closed', False)])
balancer('inside-alb', scheme='internal', groups=[group('inside', True)])
balancer('edge-nlb', kind='network')
waf.associate_web_acl(WebACLArn=full, ResourceArn=made['open-alb'])
waf.associate_web_acl(WebACLArn=counting, ResourceArn=made['closed-alb'])
distribution('cf-open-origin', made['open-alb-dns'], edge)
distribution('cf-closed-origin', made['closed-alb-dns'])
made['eip'] = ec2.allocate_address(Domain='vpc')['AllocationId']
r53 = c('route53')
zone = r53.create_hosted_zone(Name='shop.example.com', CallerReference='z')['HostedZone']['Id'].split('/')[-1]
made['zone'] = zone
r53.create_hosted_zone(Name='inside.example.com', CallerReference='p', VPC={'VPCRegion': 'us-east-1', 'VPCId': vpc}, HostedZoneConfig={'PrivateZone': True})
check = r53.create_health_check(CallerReference='h', HealthCheckConfig={'Type': 'HTTPS', 'FullyQualifiedDomainName': 'a.shop.example.com', 'Port': 443})['HealthCheck']['Id']
r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={'Changes': [{'Action': 'CREATE', 'ResourceRecordSet': {'Name': 'www.shop.example.com', 'Type': 'A',
    'SetIdentifier': role, 'Failover': role.upper(), 'TTL': 60, 'HealthCheckId': check, 'ResourceRecords': [{'Value': ip}]}} for role, ip in (('primary', '192.0.2.1'), ('secondary', '192.0.2.2'))]})
shield = c('shield')
shield.create_subscription()
shield.create_protection(Name='open', ResourceArn=made['open-alb'])
c('cloudwatch').put_metric_alarm(AlarmName='ddos', Namespace='AWS/DDoSProtection', MetricName='DDoSDetected', Statistic='Sum', Period=60,
    EvaluationPeriods=1, Threshold=1, ComparisonOperator='GreaterThanOrEqualToThreshold', Dimensions=[{'Name': 'ResourceArn', 'Value': made['open-alb']}])
");
        string Made(string name) => made.GetProperty(name).GetString()!;
        var found = (await ScanAll(Scanner(keys, account))).ToDictionary(r => r.ResourceArn);
        var zoneArn = "arn:aws:route53:::hostedzone/" + Made("zone");
        var eipArn = $"arn:aws:ec2:us-east-1:{account}:elastic-ip/{Made("eip")}";
        Assert.Equal(new[] { Made("open-alb"), Made("closed-alb"), Made("edge-nlb"), eipArn, Made("cf-open-origin"), Made("cf-closed-origin"), zoneArn }.OrderBy(a => a),
            found.Keys.OrderBy(a => a));
        Assert.All(found.Values, r => Assert.Equal(account, r.AccountId));
        Assert.All(found.Values, r => Assert.Equal("us-east-1", r.Region));

        var open = found[Made("open-alb")];
        Assert.Equal((DdosResourceType.ApplicationLoadBalancer, Made("open-alb-dns"), Made("full")), (open.ResourceType, open.Name, open.WebAcl));
        Assert.Equal(1000, open.RateLimit);
        Assert.Equal((WafRuleCoverage.Blocking, WafRuleCoverage.Blocking, true), (open.SqlInjection, open.CrossSiteScripting, open.WafLogging));
        Assert.Equal((ShieldAdvancedState.Protected, false, true), (open.ShieldAdvanced, open.HealthCheckAssociated, open.DdosAlarm));
        Assert.True(open.OriginExposed);
        Assert.Equal(DdosReadinessState.Exposed, open.Readiness);
        Assert.Equal(new[] { "OriginExposed", "NoHealthCheck" }, open.Findings.Select(f => f.Code));
        Assert.Contains($"com.amazonaws.global.cloudfront.origin-facing ({Made("PrefixList")})", open.Findings[0].Message);

        var closed = found[Made("closed-alb")];
        Assert.Equal(Made("counting"), closed.WebAcl);
        Assert.Null(closed.RateLimit);
        Assert.Equal((WafRuleCoverage.CountOnly, WafRuleCoverage.Missing, false), (closed.SqlInjection, closed.CrossSiteScripting, closed.WafLogging));
        Assert.Equal(ShieldAdvancedState.Unprotected, closed.ShieldAdvanced);
        Assert.Null(closed.HealthCheckAssociated);
        Assert.False(closed.OriginExposed);
        Assert.Equal(DdosReadinessState.Partial, closed.Readiness);
        Assert.Equal(new[] { "NoRateLimit", "SqlInjectionCountOnly", "CrossSiteScriptingMissing", "WafLoggingOff", "ShieldUnprotected" }, closed.Findings.Select(f => f.Code));

        var nlb = found[Made("edge-nlb")];
        Assert.Equal((DdosResourceType.NetworkLoadBalancer, false), (nlb.ResourceType, nlb.WafApplicable));
        Assert.Null(nlb.SqlInjection);
        Assert.Null(nlb.OriginExposed);
        Assert.Equal(new[] { "ShieldUnprotected" }, nlb.Findings.Select(f => f.Code));

        var edge = found[Made("cf-open-origin")];
        Assert.Equal((DdosResourceType.CloudFrontDistribution, Made("edge")), (edge.ResourceType, edge.WebAcl));
        Assert.Equal((WafRuleCoverage.CountOnly, WafRuleCoverage.Blocking, false), (edge.SqlInjection, edge.CrossSiteScripting, edge.WafLogging));
        Assert.Equal(DdosReadinessState.Partial, edge.Readiness);
        Assert.Equal(new[] { "NoRateLimit", "SqlInjectionCountOnly", "WafLoggingOff", "ShieldUnprotected" }, edge.Findings.Select(f => f.Code));

        var bare = found[Made("cf-closed-origin")];
        Assert.Null(bare.WebAcl);
        Assert.Equal(DdosReadinessState.Exposed, bare.Readiness);
        Assert.Equal("NoWebAcl", bare.Findings[0].Code);

        var zone = found[zoneArn];
        Assert.Equal((DdosResourceType.HostedZone, "shop.example.com.", false), (zone.ResourceType, zone.Name, zone.WafApplicable));
        Assert.Equal((2, 2), (zone.HealthCheckedRecords, zone.FailoverRecords));

        var eip = found[eipArn];
        Assert.Equal((DdosResourceType.ElasticIp, false, DdosReadinessState.Partial), (eip.ResourceType, eip.WafApplicable, eip.Readiness));

        // By ARN: the same judgement as the scan's.
        var byArn = await Scanner(keys, account).EvaluateAsync(Made("closed-alb"), CancellationToken.None);
        Assert.Equal(closed.Findings.Select(f => f.Code), byArn.Findings.Select(f => f.Code));
        var missing = await Assert.ThrowsAsync<AwsGuardException>(() => Scanner(keys, account).EvaluateAsync(eipArn.Replace(Made("eip"), "eipalloc-0000"), CancellationToken.None));
        Assert.True(missing.Kind is ErrorKind.ObjectNotFound or ErrorKind.InvalidArgument, missing.Message);
    }

    [Fact]
    public async Task Without_Shield_Advanced_a_fully_covered_load_balancer_is_protected()
    {
        var (made, keys, account) = await InNewAccount(Network + @"
full = acl('full', 'REGIONAL', [rule('rate', 1, {'RateBasedStatement': {'Limit': 2000, 'AggregateKeyType': 'IP'}}, action='Block'),
    rule('sqli', 2, managed('AWSManagedRulesSQLiRuleSet'), override='None'), rule('common', 3, managed('AWSManagedRulesCommonRuleSet'), override='None')], True)
balancer('alb', groups=[group('closed', False)])
waf.associate_web_acl(WebACLArn=full, ResourceArn=made['alb'])
distribution('cf', made['alb-dns'], acl('edge', 'CLOUDFRONT', [rule('rate', 1, {'RateBasedStatement': {'Limit': 100, 'AggregateKeyType': 'IP'}}, action='Block'),
    rule('sqli', 2, managed('AWSManagedRulesSQLiRuleSet'), override='None'), rule('common', 3, managed('AWSManagedRulesCommonRuleSet'), override='None')], True))
");
        var found = await ScanAll(Scanner(keys, account));
        Assert.Equal(2, found.Count);
        Assert.All(found, r =>
        {
            Assert.Equal(ShieldAdvancedState.NotSubscribed, r.ShieldAdvanced);
            Assert.Equal(DdosReadinessState.Protected, r.Readiness);
            Assert.Empty(r.Findings);
        });
        Assert.False(found.Single(r => r.ResourceType == DdosResourceType.ApplicationLoadBalancer).OriginExposed);
        Assert.Equal(100, found.Single(r => r.ResourceType == DdosResourceType.CloudFrontDistribution).RateLimit);
    }

    [Fact]
    public async Task An_arn_of_another_kind_is_refused_before_any_call()
    {
        var scanner = new DdosReadinessScanner(new DdosClients { AccountId = _ => throw new InvalidOperationException("no call expected") });
        foreach (var arn in new[] { "arn:aws:s3:::bucket", "arn:aws:elasticloadbalancing:nowhere-1:1:loadbalancer/app/a/b", "not-an-arn", "" })
        {
            var error = await Assert.ThrowsAsync<AwsGuardException>(() => scanner.EvaluateAsync(arn, CancellationToken.None));
            Assert.Equal(("InvalidResourceArn", ErrorKind.InvalidArgument), (error.ErrorId, error.Kind));
        }
    }

    [Fact]
    public void Shield_protections_read_health_checks_as_botocore_shapes_them()
    {
        // moto's ListProtections leaves HealthCheckIds out and its AssociateHealthCheck fails: the reading of the field is checked on the documented shape.
        using var answer = JsonDocument.Parse(@"{""Protections"":[{""Id"":""p1"",""ResourceArn"":""arn:a"",""HealthCheckIds"":[""hc-1""]},{""Id"":""p2"",""ResourceArn"":""arn:b""}],""NextToken"":""t""}");
        var page = ShieldClient.ReadProtections(answer.RootElement);
        Assert.Equal(new[] { 1, 0 }, page.Items.Select(p => p.HealthCheckIds.Count));
        Assert.Equal(("arn:a", "t"), (page.Items[0].ResourceArn, page.NextToken));
    }
}
