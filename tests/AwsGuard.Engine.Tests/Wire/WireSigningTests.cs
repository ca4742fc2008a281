using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>
/// The signing path against a client nobody here wrote: the AWS CLI sends a request to a loopback listener, AwsGuard's
/// client builds the same request (the CLI's body, so the payload hash is the same) and signs it at the CLI's X-Amz-Date
/// with the same keys; the Authorization headers must be identical.
/// </summary>
public sealed class WireSigningTests
{
    private static readonly ImmutableCredentials Keys = new(LocalAws.AccessKey, LocalAws.SecretKey, null);

    [Fact]
    public async Task Json11_Logs_signature_matches_the_aws_cli()
    {
        var recorded = await Record("application/x-amz-json-1.1", "{\"logGroups\":[]}",
            "logs", "describe-log-groups", "--limit", "5", "--log-group-name-prefix", "/a/b c");
        Assert.Equal("Logs_20140328.DescribeLogGroups", recorded.Headers["X-Amz-Target"]);
        var endpoint = new WireEndpoint(recorded.Endpoint, "us-east-1");
        var ours = Json11Protocol.CreateRequest("CloudWatch Logs", "logs", endpoint, "Logs_20140328", "DescribeLogGroups", recorded.Body);
        AssertSameSignature(recorded, ours);
    }

    [Fact]
    public async Task Query_Iam_signature_matches_the_aws_cli()
    {
        var recorded = await Record("text/xml",
            "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName>" +
            "<RoleId>AROAAAAAAAAAAAAAAAAAA</RoleId><Arn>arn:aws:iam::123456789012:role/r</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>" +
            "</Role></GetRoleResult></GetRoleResponse>",
            "iam", "get-role", "--role-name", "role+with=odd,chars.@-_");
        var endpoint = WireEndpoints.Iam("us-west-2", recorded.Endpoint); // IAM signs for us-east-1 whatever the session's region
        Assert.Equal("us-east-1", endpoint.SigningRegion);
        // Our own form body must be byte-identical to botocore's for the same parameters.
        var body = QueryProtocol.Form("GetRole", "2010-05-08", new[] { new KeyValuePair<string, string?>("RoleName", "role+with=odd,chars.@-_") });
        Assert.Equal(Encoding.UTF8.GetString(recorded.Body), Encoding.UTF8.GetString(body));
        var ours = QueryProtocol.CreateRequest("IAM", "iam", endpoint, "GetRole", body);
        AssertSameSignature(recorded, ours);
    }

    [Theory]
    [InlineData("events", "describe-rule", "AWSEvents", "DescribeRule", "EventBridge")]
    [InlineData("cloudtrail", "get-event-selectors", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "GetEventSelectors", "CloudTrail")]
    public async Task Json11_EventBridge_and_CloudTrail_signatures_match_the_aws_cli(string cli, string command, string prefix, string operation, string service)
    {
        var recorded = await Record("application/x-amz-json-1.1", "{}", cli, command, cli == "events" ? "--name" : "--trail-name", "AwsGuard-PublicBucketGuard");
        Assert.Equal(prefix + "." + operation, recorded.Headers["X-Amz-Target"]);
        var endpoint = cli == "events" ? WireEndpoints.Events("us-east-1", recorded.Endpoint) : WireEndpoints.CloudTrail("us-east-1", recorded.Endpoint);
        AssertSameSignature(recorded, Json11Protocol.CreateRequest(service, cli, endpoint, prefix, operation, recorded.Body));
    }

    [Fact]
    public async Task Query_Sns_and_Iam_tag_members_are_byte_identical_to_the_aws_cli()
    {
        // botocore writes a space as "+", QueryProtocol as %20: both decode alike, so these values avoid spaces.
        var tags = new Dictionary<string, string> { ["AwsGuard:Guard"] = "PublicBucketGuard", ["team"] = "a+b/c=d" };
        var recorded = await Record("text/xml",
            "<CreateTopicResponse><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:t</TopicArn></CreateTopicResult></CreateTopicResponse>",
            "sns", "create-topic", "--name", "AwsGuard-PublicBucket", "--tags", "Key=AwsGuard:Guard,Value=PublicBucketGuard", "Key=team,Value=a+b/c=d");
        var parameters = new List<KeyValuePair<string, string?>> { new("Name", "AwsGuard-PublicBucket") };
        parameters.AddRange(QueryProtocol.Members("Tags.member", tags).Select(m => new KeyValuePair<string, string?>(m.Item1, m.Item2)));
        var body = QueryProtocol.Form("CreateTopic", "2010-03-31", parameters);
        Assert.Equal(Encoding.UTF8.GetString(recorded.Body), Encoding.UTF8.GetString(body));
        AssertSameSignature(recorded, QueryProtocol.CreateRequest("SNS", "sns", WireEndpoints.Sns("us-east-1", recorded.Endpoint), "CreateTopic", body));

        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
        var iam = await Record("text/xml", "<CreateRoleResponse><CreateRoleResult><Role><RoleName>r</RoleName></Role></CreateRoleResult></CreateRoleResponse>",
            "iam", "create-role", "--role-name", "r", "--assume-role-policy-document", trust, "--description", "d", "--tags", "Key=AwsGuard:Guard,Value=PublicBucketGuard", "Key=team,Value=a+b/c=d");
        var iamParameters = new List<KeyValuePair<string, string?>> { new("RoleName", "r"), new("AssumeRolePolicyDocument", trust), new("Description", "d") };
        iamParameters.AddRange(QueryProtocol.Members("Tags.member", tags).Select(m => new KeyValuePair<string, string?>(m.Item1, m.Item2)));
        Assert.Equal(Encoding.UTF8.GetString(iam.Body), Encoding.UTF8.GetString(QueryProtocol.Form("CreateRole", "2010-05-08", iamParameters)));
    }

    [Fact]
    public async Task RestXml_S3Control_signature_matches_the_aws_cli()
    {
        // botocore puts the account in front of the host even with --endpoint-url (123456789012.127.0.0.1), which does
        // not resolve: the CLI is pointed at the listener as its HTTP proxy, so the request still arrives there.
        var recorded = await Record("application/xml",
            "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>",
            "s3control", "get-public-access-block", "--account-id", "123456789012");
        Assert.Equal("/v20180820/configuration/publicAccessBlock", recorded.Path);
        Assert.Equal("123456789012", recorded.Headers["x-amz-account-id"]);
        Assert.StartsWith("123456789012.", recorded.Headers["Host"]);
        var client = new S3ControlClient(Tools.Keys, "us-east-1", new Uri("http://" + recorded.Headers["Host"] + "/"));
        var ours = client.CreateGetPublicAccessBlock("123456789012");
        AssertSameSignature(recorded, ours);
    }

    [Fact]
    public async Task RestJson_Efs_signature_with_query_matches_the_aws_cli()
    {
        var recorded = await Record("application/json", "{\"FileSystems\":[]}",
            "efs", "describe-file-systems", "--file-system-id", "fs-0123456789abcdef0", "--marker", "a b/c+d=");
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("/2015-02-01/file-systems", recorded.Path);
        var endpoint = WireEndpoints.Efs("us-east-1", recorded.Endpoint);
        var ours = RestJsonProtocol.CreateRequest("EFS", "elasticfilesystem", endpoint, "DescribeFileSystems", "GET", "/2015-02-01/file-systems",
            query: new Dictionary<string, string?> { ["Marker"] = "a b/c+d=", ["FileSystemId"] = "fs-0123456789abcdef0", ["CreationToken"] = null });
        // The same members arrive, whatever order each client writes them in.
        Assert.Equal(Sorted(recorded.Query), ours.CanonicalQuery);
        AssertSameSignature(recorded, ours);
    }

    /// <summary>
    /// The AWS CLI speaks CloudWatch's JSON protocol now (botocore lists smithy-rpc-v2-cbor, json, query), so the Query form is
    /// compared with botocore's own Query serializer; the Query signature is the one the IAM test above checks.
    /// </summary>
    [Fact]
    public async Task Query_CloudWatch_GetMetricData_form_matches_botocores_query_serializer()
    {
        var botocore = await Tools.Python(new Uri("http://127.0.0.1/"), @"
import botocore.session, botocore.serialize, datetime, urllib.parse
op = botocore.session.get_session().get_service_model('cloudwatch').operation_model('GetMetricData')
utc = datetime.timezone.utc
body = botocore.serialize.create_serializer('query').serialize_to_request({'MetricDataQueries': [
    {'Id': 'f0_io', 'MetricStat': {'Metric': {'Namespace': 'AWS/EFS', 'MetricName': 'PercentIOLimit',
        'Dimensions': [{'Name': 'FileSystemId', 'Value': 'fs-0123456789abcdef0'}, {'Name': 'b c', 'Value': 'd/e+f'}]}, 'Period': 3600, 'Stat': 'Maximum'}},
    {'Id': 'f0_cr', 'MetricStat': {'Metric': {'Namespace': 'AWS/EFS', 'MetricName': 'BurstCreditBalance'}, 'Period': 60, 'Stat': 'Minimum'}}],
    'StartTime': datetime.datetime(2026, 11, 1, tzinfo=utc), 'EndTime': datetime.datetime(2026, 11, 15, 6, tzinfo=utc),
    'NextToken': 'tok/en=', 'ScanBy': 'TimestampAscending'}, op)['body']
print(urllib.parse.urlencode(body, quote_via=urllib.parse.quote, safe='-_.~'), end='')
");
        var request = new MetricDataRequest
        {
            StartTime = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            EndTime = new DateTime(2026, 11, 15, 6, 0, 0, DateTimeKind.Utc),
            NextToken = "tok/en=",
            Queries =
            {
                new MetricQuery
                {
                    Id = "f0_io", Namespace = "AWS/EFS", MetricName = "PercentIOLimit", PeriodSeconds = 3600, Stat = "Maximum",
                    Dimensions = { new KeyValuePair<string, string>("FileSystemId", "fs-0123456789abcdef0"), new KeyValuePair<string, string>("b c", "d/e+f") },
                },
                new MetricQuery { Id = "f0_cr", Namespace = "AWS/EFS", MetricName = "BurstCreditBalance", PeriodSeconds = 60, Stat = "Minimum" },
            },
        };
        var body = QueryProtocol.Form("GetMetricData", "2010-08-01", CloudWatchClient.Parameters(request));
        Assert.Equal(botocore, Encoding.UTF8.GetString(body));
    }

    /// <summary>A raw query string ("?b=2&amp;a=1") as SigV4 canonicalizes it: decoded, re-encoded RFC 3986, sorted.</summary>
    private static string Sorted(string raw) => string.Join("&", raw.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(p => (Name: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: Uri.EscapeDataString(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
        .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => p.Name + "=" + p.Value));

    [Fact]
    public async Task RestXml_Route53_query_string_signature_matches_the_aws_cli()
    {
        var recorded = await Record("text/xml",
            "<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ResourceRecordSets/>" +
            "<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListResourceRecordSetsResponse>",
            "route53", "list-resource-record-sets", "--hosted-zone-id", "Z0123", "--start-record-name", "www.example.com.",
            "--start-record-type", "A", "--start-record-identifier", "eu west+1");
        Assert.Equal("/2013-04-01/hostedzone/Z0123/rrset", recorded.Path);
        var endpoint = new Uri(recorded.Endpoint, "/");
        var ours = new Route53Client(Tools.Keys, "eu-west-1", endpoint) // Route 53 signs for us-east-1 whatever the session's region
            .CreateListResourceRecordSets("/hostedzone/Z0123", new RecordSetStart("www.example.com.", "A", "eu west+1"));
        Assert.Equal(recorded.Path, ours.Path);
        Assert.Equal(Sorted(recorded.Query), ours.CanonicalQuery);
        AssertSameSignature(recorded, ours);
    }

    private static void AssertSameSignature(Recorded recorded, WireRequest ours)
    {
        var signedAt = DateTime.ParseExact(recorded.Headers["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var headers = WireSigner.Sign(ours, Keys, signedAt);
        Assert.Equal(recorded.Headers["Authorization"], headers["Authorization"]);
        Assert.Equal(recorded.Headers["X-Amz-Date"], headers["X-Amz-Date"]);
    }

    private sealed record Recorded(Uri Endpoint, string Method, string Path, string Query, Dictionary<string, string> Headers, byte[] Body);

    /// <summary>Runs one AWS CLI command against a listener that records its first request and answers with <paramref name="answer"/>.</summary>
    private static async Task<Recorded> Record(string contentType, string answer, params string[] command)
    {
        var port = LocalAws.FreePort();
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://*:{port}/"); // any Host: the S3 Control request arrives for 123456789012.127.0.0.1
        listener.Start();
        var viaProxy = command[0] == "s3control";
        var cli = Tools.Aws(endpoint, viaProxy ? endpoint : null, command);
        var contextTask = listener.GetContextAsync();
        var first = await Task.WhenAny(contextTask, cli);
        Assert.True(first == contextTask, "The AWS CLI exited without sending a request: " + (first == cli ? await cli : ""));
        var context = await contextTask;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in context.Request.Headers.AllKeys) headers[name!] = context.Request.Headers[name]!;
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
        await cli;
        Assert.StartsWith("AWS4-HMAC-SHA256 ", headers["Authorization"]);
        return new Recorded(endpoint, context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Url.Query, headers, body.ToArray());
    }
}
