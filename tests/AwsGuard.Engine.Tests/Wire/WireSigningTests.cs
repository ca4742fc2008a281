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
        Assert.Equal(Sorted(recorded.Query), Sorted(ours.Query));
        AssertSameSignature(recorded, ours);
    }

    private static string[] Sorted(string query) => query.TrimStart('?').Split('&').Select(Uri.UnescapeDataString).OrderBy(p => p, StringComparer.Ordinal).ToArray();

    private static void AssertSameSignature(Recorded recorded, WireRequest ours)
    {
        var signedAt = DateTime.ParseExact(recorded.Headers["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var headers = WireSigner.Sign(ours, Keys, signedAt);
        Assert.Equal(recorded.Headers["Authorization"], headers["Authorization"]);
        Assert.Equal(recorded.Headers["X-Amz-Date"], headers["X-Amz-Date"]);
    }

    private sealed record Recorded(Uri Endpoint, string Method, string Path, Dictionary<string, string> Headers, byte[] Body, string Query);

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
        return new Recorded(endpoint, context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray(), context.Request.Url.Query);
    }
}
