using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>The wire client against moto: data seeded with boto3 (the operations the client does not have), read back through the client.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class WireContractTests
{
    private readonly LocalAws _aws;

    public WireContractTests(LocalAws aws) => _aws = aws;

    /// <summary>Seeds a log group with <paramref name="streams"/> streams of <paramref name="events"/> events each ("s{i}-e{j}").</summary>
    internal static Task SeedLogs(Uri endpoint, string group, int streams, int events) => Tools.Python(endpoint, $@"
import boto3, os, time
c = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])
now = int(time.time() * 1000) - 60000  # CloudWatch Logs (and moto) refuse events older than 14 days
c.create_log_group(logGroupName='{group}')
for i in range({streams}):
    c.create_log_stream(logGroupName='{group}', logStreamName='stream-%d' % i)
    c.put_log_events(logGroupName='{group}', logStreamName='stream-%d' % i,
        logEvents=[{{'timestamp': now + j, 'message': 's%d-e%d' % (i, j)}} for j in range({events})])
");

    [Fact]
    public async Task Logs_groups_streams_and_events_read_back_with_paging()
    {
        var group = "/wire/" + LocalAws.UniqueName("logs");
        await SeedLogs(_aws.Endpoint, group, streams: 3, events: 25);
        ILogsClient logs = new LogsClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);

        var groups = await logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }, CancellationToken.None);
        var found = Assert.Single(groups.LogGroups);
        Assert.Equal(group, found.LogGroupName);
        Assert.True(found.CreationTime > 1_600_000_000_000L, "creationTime is epoch milliseconds");

        var streams = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group, Limit = 1, NextToken = token }, CancellationToken.None);
            streams.AddRange(page.LogStreams.Select(s => s.LogStreamName!));
            token = page.NextToken;
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(new[] { "stream-0", "stream-1", "stream-2" }, streams.OrderBy(s => s));
        Assert.True(pages >= 3, "a limit of 1 must page");

        var events = await ReadStream(logs, group, "stream-1", 10);
        Assert.Equal(Enumerable.Range(0, 25).Select(j => $"s1-e{j}"), events.Select(e => e.Message));
        Assert.InRange(events[0].Timestamp!.Value, 1_600_000_000_000L, 4_000_000_000_000L); // epoch milliseconds
        Assert.Equal(events[0].Timestamp + 24, events[24].Timestamp);

        var filtered = new List<string>();
        token = null;
        pages = 0;
        do
        {
            var page = await logs.FilterLogEventsAsync(new FilterLogEventsRequest { LogGroupName = group, Limit = 20, NextToken = token }, CancellationToken.None);
            filtered.AddRange(page.Events.Select(e => e.Message!));
            token = page.NextToken;
            pages++;
        } while (token is not null && pages < 20);
        Assert.Equal(75, filtered.Count);
        Assert.Equal(75, filtered.Distinct().Count());
        Assert.True(pages >= 4, "75 events at 20 a page need at least 4 pages");
    }

    /// <summary>GetLogEvents from the head, page by page, until the forward token repeats.</summary>
    internal static async Task<List<OutputLogEvent>> ReadStream(ILogsClient logs, string group, string stream, int limit, Action? onPage = null)
    {
        var events = new List<OutputLogEvent>();
        string? token = null;
        for (var page = 0; page < 1000; page++)
        {
            var answer = await logs.GetLogEventsAsync(new GetLogEventsRequest
            { LogGroupName = group, LogStreamName = stream, StartFromHead = true, Limit = limit, NextToken = token }, CancellationToken.None);
            onPage?.Invoke();
            events.AddRange(answer.Events);
            if (answer.NextForwardToken is null || answer.NextForwardToken == token) return events;
            token = answer.NextForwardToken;
        }
        throw new InvalidOperationException("The forward token never repeated.");
    }

    [Fact]
    public async Task Logs_missing_group_is_a_typed_error_mapped_like_sdk_errors()
    {
        var logs = new LogsClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        var error = await Assert.ThrowsAsync<WireServiceException>(() => logs.GetLogEventsAsync(
            new GetLogEventsRequest { LogGroupName = "/wire/none-" + Guid.NewGuid().ToString("N"), LogStreamName = "x" }, CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(400, (int)error.StatusCode);
        var explained = AwsErrors.Explain(error, "target");
        Assert.Equal("ResourceNotFoundException", explained.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, explained.Kind);
        Assert.Equal("target", explained.Target);
    }

    [Fact]
    public async Task Iam_role_policy_put_and_read_back_and_roles_page()
    {
        var role = LocalAws.UniqueName("wire-role");
        var other = LocalAws.UniqueName("wire-role");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os, json
c = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'])
trust = json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': {{'Service': 'ec2.amazonaws.com'}}, 'Action': 'sts:AssumeRole'}}]}})
c.create_role(RoleName='{role}', Path='/wire/', AssumeRolePolicyDocument=trust, Description='wire test')
c.create_role(RoleName='{other}', Path='/wire/', AssumeRolePolicyDocument=trust)
");
        var iam = new IamClient(Tools.Keys, "eu-west-1", _aws.Endpoint);

        var got = await iam.GetRoleAsync(role, CancellationToken.None);
        Assert.Equal(role, got.RoleName);
        Assert.Equal("/wire/", got.Path);
        Assert.Equal($"arn:aws:iam::123456789012:role/wire/{role}", got.Arn);
        Assert.Equal(DateTimeKind.Utc, got.CreateDate!.Value.Kind);
        Assert.Contains("ec2.amazonaws.com", got.AssumeRolePolicyDocument);

        const string policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/a b+c\"}]}";
        await iam.PutRolePolicyAsync(role, "read-b", policy, CancellationToken.None);
        await iam.PutRolePolicyAsync(role, "read-c", policy, CancellationToken.None);
        var read = await iam.GetRolePolicyAsync(role, "read-b", CancellationToken.None);
        Assert.Equal(policy, read.PolicyDocument);
        Assert.Equal("read-b", read.PolicyName);

        var names = new List<string>();
        string? marker = null;
        do
        {
            var page = await iam.ListRolePoliciesAsync(role, marker, 1, CancellationToken.None);
            names.AddRange(page.Items);
            marker = page.IsTruncated ? page.Marker : null;
        } while (marker is not null);
        Assert.Equal(new[] { "read-b", "read-c" }, names.OrderBy(n => n));

        var roles = new List<string>();
        marker = null;
        var pages = 0;
        do
        {
            var page = await iam.ListRolesAsync("/wire/", marker, 1, CancellationToken.None);
            roles.AddRange(page.Items.Select(r => r.RoleName!));
            marker = page.IsTruncated ? page.Marker : null;
            pages++;
        } while (marker is not null && pages < 1000);
        Assert.Contains(role, roles);
        Assert.Contains(other, roles);
        Assert.Equal(roles.Count, roles.Distinct().Count());

        var missing = await Assert.ThrowsAsync<WireServiceException>(() => iam.GetRoleAsync("no-such-" + Guid.NewGuid().ToString("N").Substring(0, 8), CancellationToken.None));
        Assert.Equal("NoSuchEntity", missing.ErrorCode);
        Assert.Equal(ErrorKind.ObjectNotFound, AwsErrors.Explain(missing).Kind);
    }

    /// <summary>
    /// Puts (or with null deletes) moto's account-level Block Public Access. botocore puts the account in front of the host
    /// even with an endpoint URL, which does not resolve locally, so this speaks to moto's path-based S3 Control directly
    /// (moto does not check signatures).
    /// </summary>
    internal static Task SetPublicAccessBlock(Uri endpoint, string account, bool? all) => Tools.Python(endpoint, $@"
import os, urllib.request, urllib.error
url = os.environ['ENDPOINT'] + '/v20180820/configuration/publicAccessBlock'
v = '{(all == true ? "true" : "false")}'
body = ('<PublicAccessBlockConfiguration xmlns=""http://awss3control.amazonaws.com/doc/2018-08-20/"">'
        '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>' + v + '</IgnorePublicAcls>'
        '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>' + v + '</RestrictPublicBuckets>'
        '</PublicAccessBlockConfiguration>').encode()
method = '{(all is null ? "DELETE" : "PUT")}'
req = urllib.request.Request(url, data=body if method == 'PUT' else None, method=method,
    headers={{'x-amz-account-id': '{account}', 'Content-Type': 'application/xml',
             'Authorization': 'AWS4-HMAC-SHA256 Credential={LocalAws.AccessKey}/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0'}})
try:
    urllib.request.urlopen(req).read()
except urllib.error.HTTPError as e:
    if not (method == 'DELETE' and e.code == 404): raise
");

    [Fact]
    public async Task S3Control_public_access_block_reads_back_and_absence_is_null()
    {
        const string account = "123456789012"; // moto's one account: it refuses others with AccessDenied
        IS3ControlClient control = new S3ControlClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        await SetPublicAccessBlock(_aws.Endpoint, account, null);
        Assert.Null(await control.GetPublicAccessBlockAsync(account, CancellationToken.None));

        await SetPublicAccessBlock(_aws.Endpoint, account, false);
        var block = await control.GetPublicAccessBlockAsync(account, CancellationToken.None);
        Assert.NotNull(block);
        Assert.True(block!.BlockPublicAcls);
        Assert.False(block.IgnorePublicAcls);
        Assert.True(block.BlockPublicPolicy);
        Assert.False(block.RestrictPublicBuckets);

        var other = await Assert.ThrowsAsync<WireServiceException>(() => control.GetPublicAccessBlockAsync("210987654321", CancellationToken.None));
        Assert.Equal(ErrorKind.PermissionDenied, AwsErrors.Explain(other).Kind);
    }

    [Fact]
    public async Task S3Control_account_comes_from_sts_get_caller_identity()
    {
        await SetPublicAccessBlock(_aws.Endpoint, "123456789012", true);
        var provider = new SessionProvider(_ => null);
        var session = provider.Resolve(new SessionParameters
        { AccessKey = LocalAws.AccessKey, SecretKey = LocalAws.SecretKey, Region = LocalAws.Region, EndpointUrl = _aws.Endpoint.AbsoluteUri });
        var block = await AccountBlockPublicAccess.ReadAsync(provider, session, LocalAws.Region, CancellationToken.None);
        Assert.NotNull(block); // moto refuses any account but 123456789012 with AccessDenied
        Assert.True(block!.RestrictPublicBuckets);
    }

    [Fact]
    public async Task Efs_file_systems_page_by_marker_read_by_id_and_missing_is_typed()
    {
        const string region = "eu-north-1"; // this test's own region: the listing holds only what it made
        var token = LocalAws.UniqueName("wire-efs");
        var created = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var args = new List<string> { "efs", "create-file-system", "--region", region, "--creation-token", $"{token}-{i}",
                "--performance-mode", i == 0 ? "maxIO" : "generalPurpose", "--tags", $"Key=Name,Value=n{i}", "--query", "FileSystemId", "--output", "text" };
            if (i == 1) args.AddRange(new[] { "--throughput-mode", "provisioned", "--provisioned-throughput-in-mibps", "64" });
            var json = await Tools.Aws(_aws.Endpoint, args.ToArray());
            created.Add(json.Trim().Split('\n')[0]);
        }
        Assert.All(created, id => Assert.StartsWith("fs-", id));
        IEfsClient efs = new EfsClient(Tools.Keys, region, _aws.Endpoint);

        var listed = new List<EfsFileSystem>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await efs.DescribeFileSystemsAsync(null, marker, CancellationToken.None);
            listed.AddRange(page.FileSystems);
            marker = page.NextMarker;
            pages++;
        } while (marker is not null && pages < 100);
        Assert.True(pages >= 2, "moto answers 10 a page: 12 file systems need 2 pages");
        Assert.Equal(created.OrderBy(id => id), listed.Select(f => f.FileSystemId!).Where(created.Contains).OrderBy(id => id));

        var maxIo = Assert.Single((await efs.DescribeFileSystemsAsync(created[0], null, CancellationToken.None)).FileSystems);
        Assert.Equal("maxIO", maxIo.PerformanceMode);
        Assert.Equal("bursting", maxIo.ThroughputMode);
        Assert.Equal("n0", maxIo.Name);
        Assert.Equal("123456789012", maxIo.OwnerId);
        Assert.Equal(DateTimeKind.Utc, maxIo.CreationTime!.Value.Kind);
        var provisioned = Assert.Single((await efs.DescribeFileSystemsAsync(created[1], null, CancellationToken.None)).FileSystems);
        Assert.Equal("provisioned", provisioned.ThroughputMode);
        Assert.Equal(64, provisioned.ProvisionedThroughputInMibps);

        var missing = await Assert.ThrowsAsync<WireServiceException>(() => efs.DescribeFileSystemsAsync("fs-00000000000000000", null, CancellationToken.None));
        Assert.Equal("FileSystemNotFound", missing.ErrorCode);
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal(ErrorKind.ObjectNotFound, AwsErrors.Explain(missing).Kind);
        // The AWS CLI names the same error from the same answer.
        Assert.Contains("FileSystemNotFound", await Tools.Aws(_aws.Endpoint, "efs", "describe-file-systems", "--region", region, "--file-system-id", "fs-00000000000000000"));
    }

    [Fact]
    public async Task CloudWatch_metric_data_seeded_by_the_cli_reads_back_per_hour()
    {
        var id = "fs-" + Guid.NewGuid().ToString("N").Substring(0, 17);
        var hour = DateTime.UtcNow.AddHours(-3);
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        string Point(DateTime at, double value) =>
            $"{{\"MetricName\":\"PercentIOLimit\",\"Dimensions\":[{{\"Name\":\"FileSystemId\",\"Value\":\"{id}\"}}],\"Timestamp\":\"{at:yyyy-MM-ddTHH:mm:ssZ}\",\"Value\":{value}}}";
        var data = "[" + string.Join(",", Point(hour.AddMinutes(5), 40), Point(hour.AddMinutes(35), 90), Point(hour.AddHours(1).AddMinutes(5), 12.5)) + "]";
        var put = await Tools.Aws(_aws.Endpoint, "cloudwatch", "put-metric-data", "--namespace", "AWS/EFS", "--metric-data", data);
        Assert.DoesNotContain("error", put, StringComparison.OrdinalIgnoreCase);

        ICloudWatchClient cloudWatch = new CloudWatchClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        MetricQuery Query(string queryId, string stat) => new()
        {
            Id = queryId, Namespace = "AWS/EFS", MetricName = "PercentIOLimit", PeriodSeconds = 3600, Stat = stat,
            Dimensions = { new KeyValuePair<string, string>("FileSystemId", id) },
        };
        var page = await cloudWatch.GetMetricDataAsync(new MetricDataRequest
        {
            StartTime = hour.AddHours(-1), EndTime = hour.AddHours(3), Queries = { Query("peak", "Maximum"), Query("mean", "Average") },
        }, CancellationToken.None);
        var peak = Assert.Single(page.Results, r => r.Id == "peak");
        Assert.Equal(new[] { hour, hour.AddHours(1) }, peak.Timestamps);
        Assert.Equal(new[] { 90d, 12.5 }, peak.Values);
        Assert.Equal(new[] { 65d, 12.5 }, Assert.Single(page.Results, r => r.Id == "mean").Values);
        Assert.Equal("Complete", peak.StatusCode);
        Assert.Null(page.NextToken);

        var invalid = await Assert.ThrowsAsync<WireServiceException>(() => cloudWatch.GetMetricDataAsync(new MetricDataRequest
        {
            StartTime = hour, EndTime = hour, Queries = { Query("same", "Maximum") },
        }, CancellationToken.None));
        Assert.Equal("ValidationError", invalid.ErrorCode);
        Assert.Equal(ErrorKind.InvalidArgument, AwsErrors.Explain(invalid).Kind);
    }

    [Theory]
    [InlineData("%7B%22a%22%3A%22b%2Bc%20d%22%7D", "{\"a\":\"b+c d\"}")]   // IAM's encoding: %2B is '+', %20 a space
    [InlineData("%7B%22a%22%3A%22b+c%22%7D", "{\"a\":\"b+c\"}")]          // a literal '+' stays '+' (no form decoding)
    [InlineData("{\"a\":\"%41+b\"}", "{\"a\":\"%41+b\"}")]              // raw JSON (as moto returns some) is not decoded
    [InlineData("  {\"a\":1}", "  {\"a\":1}")]
    public void Iam_policy_documents_are_decoded_only_when_encoded_and_keep_plus(string document, string expected) =>
        Assert.Equal(expected, IamClient.DecodePolicy(document));

    [Fact]
    public async Task Iam_role_create_attached_policies_and_delete_read_back_like_the_cli()
    {
        var role = LocalAws.UniqueName("wire-create");
        IIamClient iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        const string trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"a+b/c=d\"}}}]}";
        var created = await iam.CreateRoleAsync(role, trust, "wire test", 7200, null, new Dictionary<string, string> { ["team"] = "sec", ["cost"] = "a b" }, CancellationToken.None);
        Assert.Equal($"arn:aws:iam::123456789012:role/{role}", created.Arn);

        var cli = System.Text.Json.JsonDocument.Parse(await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", role, "--output", "json")).RootElement.GetProperty("Role");
        Assert.Equal("a+b/c=d", cli.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0].GetProperty("Condition").GetProperty("StringEquals").GetProperty("sts:ExternalId").GetString());
        Assert.Equal(7200, cli.GetProperty("MaxSessionDuration").GetInt32());
        Assert.Equal("wire test", cli.GetProperty("Description").GetString());
        Assert.Equal("a b", cli.GetProperty("Tags").EnumerateArray().Single(t => t.GetProperty("Key").GetString() == "cost").GetProperty("Value").GetString());
        Assert.Null((await iam.GetRoleAsync(role, CancellationToken.None)).LastUsed);

        var policyArn = (await Tools.Python(_aws.Endpoint, $@"
import boto3, os, json
c = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'])
arn = c.create_policy(PolicyName='{role}', PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}}]}}))['Policy']['Arn']
c.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::b/a+b c'}}]}}), SetAsDefault=True)
c.attach_role_policy(RoleName='{role}', PolicyArn=arn)
print(arn)
")).Trim();
        var attached = await iam.ListAttachedRolePoliciesAsync(role, null, null, CancellationToken.None);
        Assert.Equal((role, policyArn), (Assert.Single(attached.Items).PolicyName, attached.Items[0].PolicyArn));
        var policy = await iam.GetPolicyAsync(policyArn, CancellationToken.None);
        Assert.Equal(("v2", role), (policy.DefaultVersionId, policy.PolicyName));
        var version = await iam.GetPolicyVersionAsync(policyArn, "v2", CancellationToken.None);
        Assert.True(version.IsDefaultVersion);
        Assert.Contains("arn:aws:s3:::b/a+b c", version.Document);

        var duplicate = await Assert.ThrowsAsync<WireServiceException>(() => iam.CreateRoleAsync(role, trust, null, null, null, null, CancellationToken.None));
        Assert.Equal(ErrorKind.ResourceExists, AwsErrors.Explain(duplicate).Kind);

        await iam.PutRolePolicyAsync(role, "inline", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:DescribeInstances\",\"Resource\":\"*\"}]}", CancellationToken.None);
        await iam.DeleteRolePolicyAsync(role, "inline", CancellationToken.None);
        Assert.Empty((await iam.ListRolePoliciesAsync(role, null, null, CancellationToken.None)).Items);
        await Tools.Aws(_aws.Endpoint, "iam", "detach-role-policy", "--role-name", role, "--policy-arn", policyArn);
        await iam.DeleteRoleAsync(role, CancellationToken.None);
        Assert.Contains("NoSuchEntity", await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", role));
    }

    [Fact]
    public async Task Organizations_accounts_read_back_as_boto3_lists_them()
    {
        var (credentials, account, output) = await Tools.PythonInOwnAccount(_aws.Endpoint, @"
org = boto3.client('organizations', **kw)
org.create_organization(FeatureSet='ALL')
for i in range(3):
    org.create_account(Email='m%d@example.com' % i, AccountName='member %d' % i)
print(json.dumps(sorted(a['Id'] for a in org.list_accounts()['Accounts'])))
");
        IOrganizationsClient organizations = new OrganizationsClient(credentials, "eu-west-1", _aws.Endpoint);
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await organizations.ListAccountsAsync(token, CancellationToken.None);
            ids.AddRange(page.Items.Select(a => a.Id!));
            Assert.All(page.Items, a => Assert.Equal("ACTIVE", a.Status));
            token = page.NextToken;
        } while (token is not null);
        Assert.Equal(System.Text.Json.JsonSerializer.Deserialize<string[]>(output), ids.OrderBy(i => i));
        Assert.Contains(account, ids);
        Assert.Equal(4, ids.Count);
    }
}
