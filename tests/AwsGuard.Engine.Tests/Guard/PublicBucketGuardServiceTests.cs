using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Guard;

/// <summary>Install, Get, re-Install and Uninstall of the guard against moto, read back through the wire clients.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicBucketGuardServiceTests
{
    private const string Account = "123456789012";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly LocalAws _aws;

    public PublicBucketGuardServiceTests(LocalAws aws) => _aws = aws;

    internal static PublicBucketGuardService Service(LocalAws aws)
    {
        var provider = new SessionProvider(_ => null);
        var session = provider.Resolve(new SessionParameters
        { AccessKey = LocalAws.AccessKey, SecretKey = LocalAws.SecretKey, Region = LocalAws.Region, EndpointUrl = aws.Endpoint.AbsoluteUri });
        return PublicBucketGuardService.ForSession(provider, session);
    }

    private async Task<PublicBucketGuard> Install(PublicBucketGuardService service, string region, GuardOptions options) =>
        await service.ApplyAsync(await service.PlanInstallAsync(region, options, None), None);

    [Fact]
    public async Task Install_get_reinstall_and_uninstall_in_two_regions_leave_nothing_tagged()
    {
        var service = Service(_aws);
        var regions = new[] { "eu-north-1", "ap-southeast-2" };
        var iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        foreach (var region in regions)
        {
            var installed = await Install(service, region, new GuardOptions { Remediate = true });
            Assert.Equal(GuardStatus.Installed, installed.Status);
            Assert.Equal(Account, installed.AccountId);
            Assert.Equal(region, installed.Region);
            Assert.Equal($"arn:aws:events:{region}:{Account}:rule/AwsGuard-PublicBucketGuard", installed.RuleArn);
            Assert.Equal($"arn:aws:sns:{region}:{Account}:AwsGuard-PublicBucket", installed.TopicArn);
            Assert.Equal($"arn:aws:iam::{Account}:role/AwsGuard-PublicBucketGuard-Automation-{region}", installed.Remediation!.AutomationRoleArn);
            Assert.Equal(8, installed.Changes.Length); // topic, its policy, rule, two roles and their policies, targets
            Assert.Contains(installed.Changes, c => c.StartsWith("create SNS topic", StringComparison.Ordinal));

            // The topic policy lets EventBridge publish only from this rule.
            var sns = new SnsClient(Tools.Keys, region, _aws.Endpoint);
            var policy = (await sns.GetTopicAttributesAsync(installed.TopicArn!, None))!["Policy"];
            var statement = GuardCheck.Statement(policy, GuardBlueprint.TopicStatementId)!;
            Assert.Equal("events.amazonaws.com", (string?)statement["Principal"]!["Service"]);
            Assert.Equal("sns:Publish", (string?)statement["Action"]);
            Assert.Equal(installed.RuleArn, (string?)statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]);
            Assert.Contains("__default_statement_ID", policy); // SNS's own statement is kept

            // Both roles: trusted by their one service, allowed only their actions, tagged.
            var automation = await iam.GetRoleAsync($"AwsGuard-PublicBucketGuard-Automation-{region}", None);
            Assert.True(GuardCheck.SameJson(automation.AssumeRolePolicyDocument, GuardBlueprint.TrustPolicy("ssm.amazonaws.com")));
            var automationPolicy = JsonNode.Parse((await iam.GetRolePolicyAsync(automation.RoleName!, GuardBlueprint.RolePolicyName, None)).PolicyDocument!)!;
            Assert.Equal(new[] { "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock" },
                automationPolicy["Statement"]!.AsArray().SelectMany(s => s!["Action"]!.AsArray().Select(a => (string)a!)));
            var eventsRole = await iam.GetRoleAsync($"AwsGuard-PublicBucketGuard-Events-{region}", None);
            Assert.True(GuardCheck.SameJson(eventsRole.AssumeRolePolicyDocument, GuardBlueprint.TrustPolicy("events.amazonaws.com")));
            var eventsPolicy = JsonNode.Parse((await iam.GetRolePolicyAsync(eventsRole.RoleName!, GuardBlueprint.RolePolicyName, None)).PolicyDocument!)!["Statement"]!.AsArray();
            Assert.Equal($"arn:aws:ssm:{region}:{Account}:automation-definition/AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock:*", (string?)eventsPolicy[0]!["Resource"]);
            Assert.Equal(installed.Remediation.AutomationRoleArn, (string?)eventsPolicy[1]!["Resource"]);
            Assert.Equal("PublicBucketGuard", (await iam.ListRoleTagsAsync(eventsRole.RoleName!, None))["AwsGuard:Guard"]);

            // The runbook target starts AWS's document with the event's bucket, through the events role.
            var targets = await new EventBridgeClient(Tools.Keys, region, _aws.Endpoint).ListTargetsByRuleAsync(GuardBlueprint.RuleName, null, None);
            var fix = targets.Single(t => t.Id == GuardBlueprint.RemediateTargetId);
            Assert.Equal($"arn:aws:ssm:{region}:{Account}:automation-definition/AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock:$DEFAULT", fix.Arn);
            Assert.Equal(eventsRole.Arn, fix.RoleArn);
            Assert.Equal("$.detail.requestParameters.bucketName", fix.InputTransformer!.InputPathsMap["bucket"]);
        }

        foreach (var region in regions)
        {
            Assert.Equal(GuardStatus.Installed, (await service.GetAsync(region, None)).Status);
            Assert.Empty((await service.PlanInstallAsync(region, new GuardOptions { Remediate = true }, None)).Steps);
        }

        // Without -Remediate only the remediation goes: its target, then its roles.
        var lighter = await service.PlanInstallAsync(regions[0], new GuardOptions(), None);
        Assert.Equal(new[]
        {
            "remove target AwsGuard-Remediate of rule AwsGuard-PublicBucketGuard (no -Remediate)",
            $"delete role AwsGuard-PublicBucketGuard-Automation-{regions[0]}",
            $"delete role AwsGuard-PublicBucketGuard-Events-{regions[0]}",
        }, lighter.Steps.Select(s => s.Description));

        foreach (var region in regions)
        {
            var removed = await service.ApplyAsync(await service.PlanUninstallAsync(region, keepTopic: false, None), None);
            Assert.Equal(GuardStatus.NotInstalled, removed.Status);
            Assert.Null(await new EventBridgeClient(Tools.Keys, region, _aws.Endpoint).DescribeRuleAsync(GuardBlueprint.RuleName, null, None));
            Assert.Null(await new SnsClient(Tools.Keys, region, _aws.Endpoint).GetTopicAttributesAsync($"arn:aws:sns:{region}:{Account}:AwsGuard-PublicBucket", None));
            var gone = await Assert.ThrowsAsync<WireServiceException>(() => iam.GetRoleAsync($"AwsGuard-PublicBucketGuard-Events-{region}", None));
            Assert.Equal("NoSuchEntity", gone.ErrorCode);
            Assert.Empty((await service.PlanUninstallAsync(region, keepTopic: false, None)).Steps);
        }
    }

    [Fact]
    public async Task Get_names_each_altered_piece_and_install_puts_back_only_those()
    {
        const string region = "eu-west-2";
        var service = Service(_aws);
        await Install(service, region, new GuardOptions { Remediate = true });
        var topic = $"arn:aws:sns:{region}:{Account}:AwsGuard-PublicBucket";
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
kw = dict(endpoint_url=os.environ['ENDPOINT'], region_name='{region}')
boto3.client('events', **kw).disable_rule(Name='AwsGuard-PublicBucketGuard')
boto3.client('sns', **kw).set_topic_attributes(TopicArn='{topic}', AttributeName='Policy',
    AttributeValue='{{""Version"":""2012-10-17"",""Statement"":[]}}')
");
        var partial = await service.GetAsync(region, None);
        Assert.Equal(GuardStatus.Partial, partial.Status);
        Assert.Equal(new[] { "topic policy lacks the EventBridge statement", "rule disabled" }, partial.Missing);

        var repaired = await Install(service, region, new GuardOptions { Remediate = true });
        Assert.Equal(GuardStatus.Installed, repaired.Status);
        Assert.Equal(2, repaired.Changes.Length);

        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
boto3.client('events', endpoint_url=os.environ['ENDPOINT'], region_name='{region}').remove_targets(Rule='AwsGuard-PublicBucketGuard', Ids=['AwsGuard-Notify'])
");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
iam = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'])
iam.delete_role_policy(RoleName='AwsGuard-PublicBucketGuard-Automation-{region}', PolicyName='AwsGuard-PublicBucketGuard')
iam.delete_role(RoleName='AwsGuard-PublicBucketGuard-Automation-{region}')
");
        var broken = await service.GetAsync(region, None);
        Assert.Equal(GuardStatus.Partial, broken.Status);
        Assert.Equal(new[] { "notification target removed", $"role AwsGuard-PublicBucketGuard-Automation-{region} missing" }, broken.Missing);

        // Uninstall with -KeepTopic keeps the topic but takes the statement out of its policy.
        var kept = await service.ApplyAsync(await service.PlanUninstallAsync(region, keepTopic: true, None), None);
        Assert.Equal(GuardStatus.NotInstalled, kept.Status);
        var attributes = await new SnsClient(Tools.Keys, region, _aws.Endpoint).GetTopicAttributesAsync(topic, None);
        Assert.NotNull(attributes);
        Assert.Null(GuardCheck.Statement(attributes!["Policy"], GuardBlueprint.TopicStatementId));
    }

    [Fact]
    public async Task A_matching_PutBucketAcl_reaches_a_target_as_one_sentence()
    {
        const string region = "ca-central-1";
        var service = Service(_aws);
        await Install(service, region, new GuardOptions());
        var events = new EventBridgeClient(Tools.Keys, region, _aws.Endpoint);
        var rule = await events.DescribeRuleAsync(GuardBlueprint.RuleName, null, None);
        var notify = (await events.ListTargetsByRuleAsync(GuardBlueprint.RuleName, null, None)).Single(t => t.Id == GuardBlueprint.NotifyTargetId);
        var detail = PublicBucketGuardPatternTests.Detail("PutBucketAcl", @"{""bucketName"":""website-assets"",""acl"":[""""],""x-amz-acl"":[""public-read""]}",
            @"{""type"":""IAMUser"",""arn"":""arn:aws:iam::123456789012:user/alice""}", "acl-1");
        var messages = await PublicBucketGuardPatternTests.SendThroughCopy(_aws.Endpoint, region, rule!.EventPattern!, notify.InputTransformer, new[] { ("acl-1", detail, "AWS API Call via CloudTrail") });
        var message = Assert.Single(messages);
        Assert.StartsWith("\"AwsGuard: arn:aws:iam::123456789012:user/alice called PutBucketAcl on s3://website-assets/", message);
        Assert.Contains("from 203.0.113.7 at 2026-11-29T21:04:11Z in account 123456789012, region " + region, message);
        Assert.EndsWith("Check it: Get-PublicBucket website-assets\"", message);
        await service.ApplyAsync(await service.PlanUninstallAsync(region, keepTopic: false, None), None);
    }

    [Fact]
    public async Task Object_logging_adds_write_selectors_to_a_trail_and_keeps_its_others()
    {
        const string region = "ap-northeast-3";
        var trail = LocalAws.UniqueName("trail");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
kw = dict(endpoint_url=os.environ['ENDPOINT'], region_name='{region}')
boto3.client('s3', **kw).create_bucket(Bucket='{trail}', CreateBucketConfiguration={{'LocationConstraint': '{region}'}})
ct = boto3.client('cloudtrail', **kw)
ct.create_trail(Name='{trail}', S3BucketName='{trail}')
ct.put_event_selectors(TrailName='{trail}', EventSelectors=[{{'ReadWriteType': 'All', 'IncludeManagementEvents': True}}])
");
        var service = Service(_aws);
        var unknown = await Assert.ThrowsAsync<AwsGuardException>(() => service.FindTrailAsync(region, "no-such-trail", None));
        Assert.Equal("TrailNotFound", unknown.ErrorId);
        Assert.Contains(trail, unknown.Message);

        var found = await service.FindTrailAsync(region, trail, None);
        Assert.DoesNotContain(trail, (await service.GetAsync(region, None)).ObjectLogging);
        var step = await service.PlanObjectLoggingAsync(found, null, None);
        Assert.NotNull(step);
        await service.ApplyStepAsync(step!, None);

        var selectors = await new CloudTrailClient(Tools.Keys, region, _aws.Endpoint).GetEventSelectorsAsync(trail, None);
        Assert.Equal(2, selectors.Basic.Count);
        Assert.True(selectors.Basic[0].IncludeManagementEvents);
        Assert.Equal("WriteOnly", selectors.Basic[1].ReadWriteType);
        Assert.Equal(new[] { "arn:aws:s3" }, selectors.Basic[1].DataResources.Single(d => d.Type == "AWS::S3::Object").Values);
        Assert.Null(await service.PlanObjectLoggingAsync(found, null, None));
        Assert.Contains(trail, (await service.GetAsync(region, None)).ObjectLogging);
    }

    [Fact]
    public async Task A_topic_that_does_not_exist_is_refused_before_any_change()
    {
        const string region = "eu-south-2";
        var service = Service(_aws);
        var missing = $"arn:aws:sns:{region}:{Account}:none-{Guid.NewGuid():N}";
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => service.PlanInstallAsync(region, new GuardOptions { TopicArn = missing }, None));
        Assert.Equal("TopicNotFound", error.ErrorId);
        Assert.Equal(GuardStatus.NotInstalled, (await service.GetAsync(region, None)).Status);
    }
}

/// <summary>Install is all or nothing per region: a step that fails takes back the ones before it.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicBucketGuardRollbackTests
{
    private readonly LocalAws _aws;

    public PublicBucketGuardRollbackTests(LocalAws aws) => _aws = aws;

    [Fact]
    public async Task A_refused_target_takes_back_the_topic_rule_and_roles_created_before_it()
    {
        const string region = "eu-west-3";
        var none = CancellationToken.None;
        var iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        var service = new PublicBucketGuardService(
            r => new RefusingTargets(new EventBridgeClient(Tools.Keys, r, _aws.Endpoint)),
            r => new SnsClient(Tools.Keys, r, _aws.Endpoint),
            r => new CloudTrailClient(Tools.Keys, r, _aws.Endpoint),
            iam, _ => Task.FromResult("123456789012"), _ => Task.FromResult<IReadOnlyList<string>>(new[] { region }));

        var plan = await service.PlanInstallAsync(region, new GuardOptions { Remediate = true }, none);
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => service.ApplyAsync(plan, none));
        Assert.Equal("AccessDeniedException", error.ErrorId);
        Assert.StartsWith($"{region}: could not put target AwsGuard-Notify", error.Message);
        Assert.Contains("Taken back: ", error.Message);
        Assert.DoesNotContain("not taken back", error.Message);

        var after = await service.GetAsync(region, none);
        Assert.Equal(GuardStatus.NotInstalled, after.Status);
        Assert.Null(await new SnsClient(Tools.Keys, region, _aws.Endpoint).GetTopicAttributesAsync($"arn:aws:sns:{region}:123456789012:AwsGuard-PublicBucket", none));
        await Assert.ThrowsAsync<WireServiceException>(() => iam.GetRoleAsync($"AwsGuard-PublicBucketGuard-Automation-{region}", none));
    }

    /// <summary>EventBridge as moto serves it, except that PutTargets is refused as AWS refuses a caller without events:PutTargets.</summary>
    private sealed class RefusingTargets(IEventBridgeClient inner) : IEventBridgeClient
    {
        public Task<string> PutRuleAsync(EventRuleRequest rule, CancellationToken cancel) => inner.PutRuleAsync(rule, cancel);
        public Task<EventRule?> DescribeRuleAsync(string name, string? eventBusName, CancellationToken cancel) => inner.DescribeRuleAsync(name, eventBusName, cancel);
        public Task<IReadOnlyList<EventTarget>> ListTargetsByRuleAsync(string rule, string? eventBusName, CancellationToken cancel) => inner.ListTargetsByRuleAsync(rule, eventBusName, cancel);
        public Task RemoveTargetsAsync(string rule, string? eventBusName, IEnumerable<string> ids, CancellationToken cancel) => inner.RemoveTargetsAsync(rule, eventBusName, ids, cancel);
        public Task DeleteRuleAsync(string name, string? eventBusName, CancellationToken cancel) => inner.DeleteRuleAsync(name, eventBusName, cancel);

        public Task PutTargetsAsync(string rule, string? eventBusName, IEnumerable<EventTarget> targets, CancellationToken cancel) =>
            throw new WireServiceException("EventBridge", "PutTargets", "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/x is not authorized to perform: events:PutTargets", System.Net.HttpStatusCode.BadRequest, "req-1");
    }
}
