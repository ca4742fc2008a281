using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Guard;

/// <summary>
/// The guard's event pattern against realistic CloudTrail records (field placement and spelling as in AWS's S3 CloudTrail
/// examples: requestParameters carry the headers x-amz-acl and x-amz-grant-*, as a string or an array, and PutObjectAcl's
/// body as AccessControlPolicy.AccessControlList.Grant, one object or an array). Each record goes through moto's PutEvents
/// to a copy of the installed rule (same pattern) whose target is a temporary SQS queue: moto fails PutEvents for a rule
/// with an SNS target, and its TestEventPattern is a stub. Where moto differs from AWS: its matcher does not look inside
/// arrays of objects (a Grant list), so those records carry moto's outcome beside AWS's; and AWS refuses PutEvents with a
/// source starting "aws.", so on AWS only S3 itself (through CloudTrail) can send these events.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicBucketGuardPatternTests
{
    private const string Region = "sa-east-1";
    private readonly LocalAws _aws;

    public PublicBucketGuardPatternTests(LocalAws aws) => _aws = aws;

    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>Name, the record's eventName, its requestParameters, whether AWS matches it, whether moto does (when it differs).</summary>
    public static readonly (string Name, string EventName, string Parameters, bool Aws, bool? Moto, string Identity)[] Records =
    {
        // Bucket-level and account-level calls: any of them may open access.
        ("PutBucketAcl with an ACL body", "PutBucketAcl", $@"{{""bucketName"":""b"",""AccessControlPolicy"":{{""AccessControlList"":{{""Grant"":{{""Grantee"":{{""xsi:type"":""CanonicalUser"",""ID"":""d25639fbe9c19cd30a4c0f43fbf00e2d3f96400a9aa8dabfbbebe1906Example""}},""Permission"":""FULL_CONTROL""}}}},""xmlns"":""http://s3.amazonaws.com/doc/2006-03-01/""}},""host"":[""s3.us-west-2.amazonaws.com""],""acl"":[""""]}}", true, null, User),
        ("PutBucketPolicy", "PutBucketPolicy", @"{""bucketName"":""b"",""bucketPolicy"":{""Version"":""2012-10-17"",""Statement"":[{""Effect"":""Allow"",""Principal"":""*"",""Action"":""s3:GetObject"",""Resource"":""arn:aws:s3:::b/*""}]},""host"":[""b.s3.amazonaws.com""],""policy"":[""""]}", true, null, User),
        ("PutBucketPublicAccessBlock turning flags off", "PutBucketPublicAccessBlock", @"{""bucketName"":""b"",""PublicAccessBlockConfiguration"":{""BlockPublicAcls"":false,""IgnorePublicAcls"":false,""BlockPublicPolicy"":false,""RestrictPublicBuckets"":false},""publicAccessBlock"":[""""]}", true, null, User),
        ("DeleteBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", @"{""bucketName"":""b"",""publicAccessBlock"":[""""]}", true, null, User),
        ("PutBucketOwnershipControls", "PutBucketOwnershipControls", @"{""bucketName"":""b"",""OwnershipControls"":{""Rule"":{""ObjectOwnership"":""ObjectWriter""}},""ownershipControls"":[""""]}", true, null, User),
        ("DeleteBucketOwnershipControls", "DeleteBucketOwnershipControls", @"{""bucketName"":""b"",""ownershipControls"":[""""]}", true, null, User),
        ("PutAccountPublicAccessBlock", "PutAccountPublicAccessBlock", @"{""PublicAccessBlockConfiguration"":{""BlockPublicAcls"":false},""x-amz-account-id"":""123456789012""}", true, null, User),
        ("DeleteAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock", @"{""x-amz-account-id"":""123456789012""}", true, null, User),
        // Object-level calls with a public ACL.
        ("PutObject public-read", "PutObject", @"{""bucketName"":""b"",""key"":""k.html"",""x-amz-acl"":""public-read"",""Host"":""b.s3.amazonaws.com""}", true, null, User),
        ("PutObject public-read as an array", "PutObject", @"{""bucketName"":""b"",""key"":""k.html"",""x-amz-acl"":[""public-read""]}", true, null, User),
        ("CopyObject public-read-write", "CopyObject", @"{""bucketName"":""b"",""key"":""copy.txt"",""x-amz-copy-source"":""src/k.txt"",""x-amz-acl"":""public-read-write""}", true, null, User),
        ("CreateMultipartUpload authenticated-read", "CreateMultipartUpload", @"{""bucketName"":""b"",""key"":""big.iso"",""uploads"":"""",""x-amz-acl"":""authenticated-read""}", true, null, User),
        ("PutObjectAcl PUBLIC-READ in capitals", "PutObjectAcl", @"{""bucketName"":""b"",""key"":""k"",""acl"":"""",""x-amz-acl"":""PUBLIC-READ""}", true, null, User),
        ("PutObject grant-read to AllUsers, quoted", "PutObject", $@"{{""bucketName"":""b"",""key"":""k"",""x-amz-grant-read"":""uri=\""{AllUsers}\""""}}", true, null, User),
        ("PutObjectAcl full control to two grantees, one AuthenticatedUsers unquoted", "PutObjectAcl", $@"{{""bucketName"":""b"",""key"":""k"",""acl"":"""",""x-amz-grant-full-control"":""id=\""79a59df900b949e55d96a1e698fbaced\"", uri={AuthenticatedUsers}""}}", true, null, User),
        ("PutObject grant-read as an array of grantees", "PutObject", $@"{{""bucketName"":""b"",""key"":""k"",""x-amz-grant-read"":[""id=\""79a59df900b949e55d96a1e698fbaced\"""",""uri=\""{AllUsers}\""""]}}", true, null, User),
        ("PutObjectAcl body with one Grant to AllUsers", "PutObjectAcl", $@"{{""bucketName"":""b"",""key"":""k"",""acl"":"""",""AccessControlPolicy"":{{""AccessControlList"":{{""Grant"":{{""Grantee"":{{""xsi:type"":""Group"",""URI"":""{AllUsers}""}},""Permission"":""READ""}}}}}}}}", true, null, User),
        ("PutObjectAcl body with a Grant array, one to AllUsers", "PutObjectAcl", $@"{{""bucketName"":""b"",""key"":""k"",""acl"":"""",""AccessControlPolicy"":{{""AccessControlList"":{{""Grant"":[{{""Grantee"":{{""xsi:type"":""CanonicalUser"",""ID"":""79a59df900b949e55d96a1e698fbaced""}},""Permission"":""FULL_CONTROL""}},{{""Grantee"":{{""xsi:type"":""Group"",""URI"":""{AllUsers}""}},""Permission"":""READ""}}]}}}}}}", true, false, User),

        // Must not match.
        ("PutObject private", "PutObject", @"{""bucketName"":""b"",""key"":""k"",""x-amz-acl"":""private""}", false, null, User),
        ("PutObject private as an array", "PutObject", @"{""bucketName"":""b"",""key"":""k"",""x-amz-acl"":[""private""]}", false, null, User),
        ("PutObject bucket-owner-full-control", "PutObject", @"{""bucketName"":""b"",""key"":""k"",""x-amz-acl"":""bucket-owner-full-control""}", false, null, User),
        ("PutObject without an ACL", "PutObject", @"{""bucketName"":""b"",""key"":""k"",""Host"":""b.s3.amazonaws.com""}", false, null, User),
        ("PutObject by a service principal without an ACL", "PutObject", @"{""bucketName"":""b"",""key"":""AWSLogs/123456789012/CloudTrail/x.json.gz"",""x-amz-server-side-encryption"":""AES256""}", false, null, Service),
        ("GetObject", "GetObject", @"{""bucketName"":""b"",""key"":""k"",""Host"":""b.s3.amazonaws.com""}", false, null, User),
        ("PutBucketTagging", "PutBucketTagging", @"{""bucketName"":""b"",""Tagging"":{""TagSet"":{""Tag"":{""Key"":""team"",""Value"":""web""}}},""tagging"":[""""]}", false, null, User),
        ("GetBucketAcl", "GetBucketAcl", @"{""bucketName"":""b"",""acl"":[""""]}", false, null, User),
        ("CopyObject without an ACL", "CopyObject", @"{""bucketName"":""b"",""key"":""copy"",""x-amz-copy-source"":""src/k""}", false, null, User),
        ("CreateMultipartUpload private", "CreateMultipartUpload", @"{""bucketName"":""b"",""key"":""big.iso"",""uploads"":"""",""x-amz-acl"":""private""}", false, null, User),
        ("PutObjectAcl grant-read to a canonical user only", "PutObjectAcl", @"{""bucketName"":""b"",""key"":""k"",""acl"":"""",""x-amz-grant-read"":""id=\""79a59df900b949e55d96a1e698fbaced\""""}", false, null, User),
        ("PutObject full control to an email address", "PutObject", @"{""bucketName"":""b"",""key"":""k"",""x-amz-grant-full-control"":""emailAddress=\""admin@example.com\""""}", false, null, User),
        ("PutObjectAcl body with one Grant to the owner", "PutObjectAcl", @"{""bucketName"":""b"",""key"":""k"",""acl"":"""",""AccessControlPolicy"":{""AccessControlList"":{""Grant"":{""Grantee"":{""xsi:type"":""CanonicalUser"",""ID"":""79a59df900b949e55d96a1e698fbaced""},""Permission"":""FULL_CONTROL""}}}}", false, null, User),
        ("DeleteObject", "DeleteObject", @"{""bucketName"":""b"",""key"":""k""}", false, null, User),
    };

    private const string User = @"{""type"":""IAMUser"",""principalId"":""AIDAJ45Q7YFFAREXAMPLE"",""arn"":""arn:aws:iam::123456789012:user/alice"",""accountId"":""123456789012"",""accessKeyId"":""AKIAIOSFODNN7EXAMPLE"",""userName"":""alice""}";
    private const string Service = @"{""type"":""AWSService"",""invokedBy"":""cloudtrail.amazonaws.com""}";

    [Fact]
    public void The_table_has_at_least_twelve_records_each_way()
    {
        Assert.True(Records.Count(r => r.Aws) >= 12);
        Assert.True(Records.Count(r => !r.Aws) >= 12);
        Assert.Equal(Records.Length, Records.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public async Task Installed_pattern_matches_exactly_the_records_that_can_make_something_public()
    {
        var service = PublicBucketGuardServiceTests.Service(_aws);
        var installed = await service.ApplyAsync(await service.PlanInstallAsync(Region, new GuardOptions(), CancellationToken.None), CancellationToken.None);
        Assert.Equal(GuardStatus.Installed, installed.Status);
        var rule = await new EventBridgeClient(Tools.Keys, Region, _aws.Endpoint).DescribeRuleAsync(GuardBlueprint.RuleName, null, CancellationToken.None);

        var events = Records.Select((r, i) => new { id = "rec-" + i, detail = Detail(r.EventName, r.Parameters, r.Identity, "rec-" + i) }).ToList();
        var arrived = await SendThroughCopy(_aws.Endpoint, Region, rule!.EventPattern!, null, events.Select(e => (e.id, e.detail, "AWS API Call via CloudTrail")));
        var ids = arrived.Select(m => JsonNode.Parse(m)!["detail"]!["eventID"]!.GetValue<string>()).ToHashSet();

        var wrong = Records.Select((r, i) => (r, seen: ids.Contains("rec-" + i)))
            .Where(x => x.seen != (x.r.Moto ?? x.r.Aws))
            .Select(x => $"{x.r.Name}: {(x.seen ? "arrived" : "did not arrive")}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task An_S3_notification_event_of_the_same_name_is_not_a_CloudTrail_call()
    {
        var pattern = GuardBlueprint.EventPattern();
        var arrived = await SendThroughCopy(_aws.Endpoint, Region, pattern, null, new[]
        {
            ("n-1", JsonNode.Parse(@"{""version"":""0"",""bucket"":{""name"":""b""},""object"":{""key"":""k""},""reason"":""PutObject""}")!, "Object Created"),
            ("n-2", Detail("PutObject", @"{""bucketName"":""b"",""key"":""k"",""x-amz-acl"":""public-read""}", User, "n-2"), "AWS API Call via CloudTrail"),
        });
        Assert.Single(arrived);
    }

    /// <summary>A CloudTrail record as EventBridge puts it in "detail".</summary>
    internal static JsonNode Detail(string eventName, string requestParameters, string identity, string eventId) => JsonNode.Parse($@"{{
        ""eventVersion"":""1.09"",""userIdentity"":{identity},""eventTime"":""2026-11-29T21:04:11Z"",""eventSource"":""s3.amazonaws.com"",
        ""eventName"":""{eventName}"",""awsRegion"":""{Region}"",""sourceIPAddress"":""203.0.113.7"",""userAgent"":""[aws-cli/2.15.0]"",
        ""requestParameters"":{requestParameters},""responseElements"":null,""requestID"":""8E4A1B2C3D4E5F60"",""eventID"":""{eventId}"",
        ""readOnly"":false,""eventType"":""AwsApiCall"",""managementEvent"":false,""recipientAccountId"":""123456789012"",""eventCategory"":""Data""}}")!;

    /// <summary>
    /// Puts each event (source aws.s3) on a new bus whose one rule has <paramref name="pattern"/> and a new SQS queue as its
    /// target (with <paramref name="transformer"/> when given), and returns the messages that arrived. moto delivers during
    /// PutEvents, so the queue is complete when the calls return.
    /// </summary>
    internal static async Task<List<string>> SendThroughCopy(Uri endpoint, string region, string pattern, EventInputTransformer? transformer,
        IEnumerable<(string Id, JsonNode Detail, string DetailType)> events)
    {
        var input = new JsonObject
        {
            ["region"] = region,
            ["name"] = LocalAws.UniqueName("guard"),
            ["pattern"] = pattern,
            ["transformer"] = transformer is null ? null : new JsonObject
            {
                ["InputPathsMap"] = new JsonObject(transformer.InputPathsMap.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))),
                ["InputTemplate"] = transformer.InputTemplate,
            },
            ["events"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject { ["type"] = e.DetailType, ["detail"] = e.Detail.ToJsonString() }).ToArray()),
        };
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(input.ToJsonString()));
        var output = await Tools.Python(endpoint, $@"
import base64, boto3, json, os
spec = json.loads(base64.b64decode('{encoded}'))
kw = dict(endpoint_url=os.environ['ENDPOINT'], region_name=spec['region'])
events, sqs = boto3.client('events', **kw), boto3.client('sqs', **kw)
bus = spec['name']
events.create_event_bus(Name=bus)
events.put_rule(Name=bus, EventBusName=bus, EventPattern=spec['pattern'])
queue = sqs.create_queue(QueueName=bus)['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
target = {{'Id': 'q', 'Arn': arn}}
if spec['transformer']: target['InputTransformer'] = spec['transformer']
events.put_targets(Rule=bus, EventBusName=bus, Targets=[target])
for e in spec['events']:
    answer = events.put_events(Entries=[{{'Source': 'aws.s3', 'DetailType': e['type'], 'Detail': e['detail'], 'EventBusName': bus}}])
    assert answer['FailedEntryCount'] == 0, answer
bodies = []
while True:
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get('Messages', [])
    if not got: break
    bodies += [m['Body'] for m in got]
    sqs.delete_message_batch(QueueUrl=queue, Entries=[{{'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']}} for i, m in enumerate(got)])
events.remove_targets(Rule=bus, EventBusName=bus, Ids=['q'])
events.delete_rule(Name=bus, EventBusName=bus)
events.delete_event_bus(Name=bus)
sqs.delete_queue(QueueUrl=queue)
print(json.dumps(bodies))
");
        return JsonSerializer.Deserialize<List<string>>(output.Trim())!;
    }
}
