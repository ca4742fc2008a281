using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>The EventBridge, SNS, CloudTrail and IAM role operations of the wire client against moto, cross-checked with the AWS CLI.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicBucketGuardWireTests
{
    private const string Region = "us-west-2";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly LocalAws _aws;

    public PublicBucketGuardWireTests(LocalAws aws) => _aws = aws;

    [Fact]
    public async Task EventBridge_rule_targets_and_tags_round_trip_and_the_cli_sees_them()
    {
        var events = new EventBridgeClient(Tools.Keys, Region, _aws.Endpoint);
        var name = LocalAws.UniqueName("wire-rule");
        Assert.Null(await events.DescribeRuleAsync(name, null, None));
        var arn = await events.PutRuleAsync(new EventRuleRequest(name, "{\"source\":[\"aws.s3\"]}", "d", new Dictionary<string, string> { ["k"] = "v" }), None);
        Assert.Equal($"arn:aws:events:{Region}:123456789012:rule/{name}", arn);
        var transformer = new EventInputTransformer(new Dictionary<string, string> { ["b"] = "$.detail.bucket" }, "\"bucket <b>\"");
        await events.PutTargetsAsync(name, null, new[] { new EventTarget("t1", $"arn:aws:sns:{Region}:123456789012:x", null, transformer) }, None);

        var rule = await events.DescribeRuleAsync(name, null, None);
        Assert.Equal("ENABLED", rule!.State);
        Assert.Contains("\"Key\": \"k\"", await Tools.Aws(_aws.Endpoint, "events", "list-tags-for-resource", "--resource-arn", arn, "--region", Region));
        var target = Assert.Single(await events.ListTargetsByRuleAsync(name, null, None));
        Assert.Equal("\"bucket <b>\"", target.InputTransformer!.InputTemplate);
        Assert.Contains("\"InputTemplate\": \"\\\"bucket <b>\\\"\"", await Tools.Aws(_aws.Endpoint, "events", "list-targets-by-rule", "--rule", name, "--region", Region));

        await events.RemoveTargetsAsync(name, null, new[] { "t1" }, None);
        await events.DeleteRuleAsync(name, null, None);
        Assert.Contains("ResourceNotFoundException", await Tools.Aws(_aws.Endpoint, "events", "describe-rule", "--name", name, "--region", Region));
    }

    [Fact]
    public async Task Sns_topic_attributes_tags_and_absence()
    {
        ISnsClient sns = new SnsClient(Tools.Keys, Region, _aws.Endpoint);
        var name = LocalAws.UniqueName("wire-topic");
        var arn = await sns.CreateTopicAsync(name, new Dictionary<string, string> { ["AwsGuard:Guard"] = "PublicBucketGuard" }, None);
        Assert.Equal($"arn:aws:sns:{Region}:123456789012:{name}", arn);
        Assert.Equal(arn, await sns.CreateTopicAsync(name, null, None)); // idempotent
        Assert.Equal("PublicBucketGuard", (await sns.ListTagsForResourceAsync(arn, None))["AwsGuard:Guard"]);
        const string policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":\"sns:Publish\",\"Resource\":\"*\"}]}";
        await sns.SetTopicAttributeAsync(arn, "Policy", policy, None);
        Assert.Equal(policy, (await sns.GetTopicAttributesAsync(arn, None))!["Policy"]);
        Assert.Contains("events.amazonaws.com", await Tools.Aws(_aws.Endpoint, "sns", "get-topic-attributes", "--topic-arn", arn, "--region", Region));
        await sns.DeleteTopicAsync(arn, None);
        Assert.Null(await sns.GetTopicAttributesAsync(arn, None));
    }

    [Fact]
    public async Task CloudTrail_advanced_selectors_round_trip()
    {
        var trail = LocalAws.UniqueName("wire-trail");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
kw = dict(endpoint_url=os.environ['ENDPOINT'], region_name='{Region}')
boto3.client('s3', **kw).create_bucket(Bucket='{trail}', CreateBucketConfiguration={{'LocationConstraint': '{Region}'}})
boto3.client('cloudtrail', **kw).create_trail(Name='{trail}', S3BucketName='{trail}', IsMultiRegionTrail=True)
");
        ICloudTrailClient client = new CloudTrailClient(Tools.Keys, Region, _aws.Endpoint);
        var found = (await client.DescribeTrailsAsync(None)).Single(t => t.Name == trail);
        Assert.Equal(Region, found.HomeRegion);
        Assert.True(found.IsMultiRegion);
        Assert.Contains(trail, (await new CloudTrailClient(Tools.Keys, "eu-west-1", _aws.Endpoint).DescribeTrailsAsync(None)).Select(t => t.Name)); // a shadow trail

        var none = Array.Empty<string>();
        var selectors = new TrailSelectors(Array.Empty<BasicEventSelector>(), new[]
        {
            new AdvancedEventSelector("writes", new[]
            {
                new FieldSelector("eventCategory", new[] { "Data" }, none, none, none, none, none),
                new FieldSelector("resources.ARN", none, new[] { "arn:aws:s3:::b/" }, none, none, none, none),
            }),
        });
        await client.PutEventSelectorsAsync(found.Arn, selectors, None);
        var read = await client.GetEventSelectorsAsync(trail, None);
        var advanced = Assert.Single(read.Advanced);
        Assert.Equal("writes", advanced.Name);
        Assert.Equal(new[] { "arn:aws:s3:::b/" }, advanced.FieldSelectors.Single(f => f.Field == "resources.ARN").StartsWith);
        Assert.Contains("\"StartsWith\"", await Tools.Aws(_aws.Endpoint, "cloudtrail", "get-event-selectors", "--trail-name", trail, "--region", Region));
    }

    [Fact]
    public async Task Iam_role_created_with_tags_then_deleted()
    {
        IIamClient iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        var name = LocalAws.UniqueName("wire-created");
        const string trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ssm.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        var role = await iam.CreateRoleAsync(name, trust, "wire", 7200, null, new Dictionary<string, string> { ["AwsGuard:Guard"] = "x" }, None);
        Assert.Equal($"arn:aws:iam::123456789012:role/{name}", role.Arn);
        Assert.Equal("x", (await iam.ListRoleTagsAsync(name, None))["AwsGuard:Guard"]);
        Assert.Contains("\"MaxSessionDuration\": 7200", await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", name));
        await iam.UpdateAssumeRolePolicyAsync(name, trust.Replace("ssm", "events"), None);
        Assert.Contains("events.amazonaws.com", (await iam.GetRoleAsync(name, None)).AssumeRolePolicyDocument);
        await iam.PutRolePolicyAsync(name, "p", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}", None);
        await iam.DeleteRolePolicyAsync(name, "p", None);
        Assert.Empty((await iam.ListRolePoliciesAsync(name, null, null, None)).Items);
        await iam.DeleteRoleAsync(name, None);
        var gone = await Assert.ThrowsAsync<WireServiceException>(() => iam.GetRoleAsync(name, None));
        Assert.Equal(ErrorKind.ObjectNotFound, AwsErrors.Explain(gone).Kind);
    }
}
