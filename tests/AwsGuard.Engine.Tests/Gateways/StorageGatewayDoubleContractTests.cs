using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Gateways;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using Xunit;
using static AwsGuard.Engine.Tests.Gateways.ChapRulesTests;
using static AwsGuard.Engine.Tests.Gateways.GatewayChapTests;

namespace AwsGuard.Engine.Tests.Gateways;

/// <summary>
/// The double is faithful where a client nobody here wrote can tell: the AWS CLI (botocore's model and parsers) reads
/// every answer, sees what AwsGuard wrote, writes what AwsGuard then reads, and gets the documented errors.
/// </summary>
[Collection(StorageGatewayCollection.Name)]
public sealed class StorageGatewayDoubleContractTests
{
    private const string Region = LocalAws.Region; // the region Tools.Aws signs for
    private readonly StorageGatewayDouble _sgw;

    public StorageGatewayDoubleContractTests(StorageGatewayDouble sgw) => _sgw = sgw;

    private async Task<JsonElement> Cli(params string[] args)
    {
        var output = await Tools.Aws(_sgw.Endpoint, new[] { "storagegateway" }.Concat(args).Concat(new[] { "--output", "json" }).ToArray());
        try { return JsonDocument.Parse(output).RootElement; }
        catch (JsonException) { throw new Xunit.Sdk.XunitException("The AWS CLI did not answer JSON: " + output); }
    }

    [Fact]
    public async Task Cli_sees_what_AwsGuard_wrote_and_AwsGuard_reads_what_the_cli_wrote()
    {
        var (_, targets, _) = await GatewayAsync(_sgw, Region, "STORED", new { target = Unique("t") });
        await Chap(_sgw).SetAsync(ChapRules.Check(targets[0], Initiator, Secure("from-awsguard1"), Secure("target-awsguard")), CancellationToken.None);

        var seen = (await Cli("describe-chap-credentials", "--target-arn", targets[0])).GetProperty("ChapCredentials").EnumerateArray().Single();
        Assert.Equal(Initiator, seen.GetProperty("InitiatorName").GetString());
        Assert.Equal("from-awsguard1", seen.GetProperty("SecretToAuthenticateInitiator").GetString());
        Assert.Equal("target-awsguard", seen.GetProperty("SecretToAuthenticateTarget").GetString());

        var other = "iqn.1991-05.com.microsoft:" + Unique("cli");
        var written = await Cli("update-chap-credentials", "--target-arn", targets[0], "--initiator-name", other,
            "--secret-to-authenticate-initiator", "from-the-cli12");
        Assert.Equal(other, written.GetProperty("InitiatorName").GetString());
        var read = await Chap(_sgw).DescribeAsync(targets[0], null, CancellationToken.None);
        Assert.Equal(new[] { Initiator, other }.OrderBy(n => n, StringComparer.Ordinal), read.Select(c => c.InitiatorName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.False(read.Single(c => c.InitiatorName == other).MutualChap);
    }

    [Fact]
    public async Task Cli_pages_gateways_and_volumes_and_parses_the_volume_descriptions()
    {
        var (stored, _, storedVolumes) = await GatewayAsync(_sgw, Region, "STORED", new { target = Unique("s") }, new { target = Unique("s") });
        var (_, _, cachedVolumes) = await GatewayAsync(_sgw, Region, "CACHED", new { target = Unique("c") });

        // --page-size 1 makes the CLI follow Marker through every page.
        var gateways = (await Cli("list-gateways", "--page-size", "1")).GetProperty("Gateways").EnumerateArray()
            .Select(g => g.GetProperty("GatewayARN").GetString()).ToList();
        Assert.Contains(stored, gateways);
        Assert.Equal(gateways.Count, gateways.Distinct().Count());
        var volumes = (await Cli("list-volumes", "--gateway-arn", stored, "--page-size", "1")).GetProperty("VolumeInfos").EnumerateArray().ToList();
        Assert.Equal(storedVolumes.OrderBy(v => v, StringComparer.Ordinal), volumes.Select(v => v.GetProperty("VolumeARN").GetString()));

        var describedStored = (await Cli(new[] { "describe-stored-iscsi-volumes", "--volume-arns" }.Concat(storedVolumes).ToArray()))
            .GetProperty("StorediSCSIVolumes").EnumerateArray().ToList();
        Assert.Equal(2, describedStored.Count);
        Assert.All(describedStored, v => Assert.Contains("/target/iqn.", v.GetProperty("VolumeiSCSIAttributes").GetProperty("TargetARN").GetString()));
        var describedCached = (await Cli("describe-cached-iscsi-volumes", "--volume-arns", cachedVolumes[0])).GetProperty("CachediSCSIVolumes");
        Assert.False(describedCached[0].GetProperty("VolumeiSCSIAttributes").GetProperty("ChapEnabled").GetBoolean());
    }

    [Fact]
    public async Task Cli_gets_the_documented_errors()
    {
        var (gateway, targets, _) = await GatewayAsync(_sgw, Region, "STORED", new { target = Unique("t") });
        // 12 characters, 24 bytes: inside the model's 1 to 100 (botocore lets it through), outside the service's 12 to 16 bytes.
        var tooLong = await Tools.Aws(_sgw.Endpoint, "storagegateway", "update-chap-credentials", "--target-arn", targets[0],
            "--initiator-name", Initiator, "--secret-to-authenticate-initiator", "éééééééééééé");
        Assert.Contains("(InvalidGatewayRequestException) when calling the UpdateChapCredentials operation", tooLong);
        Assert.Contains("it is 24 bytes", tooLong);
        Assert.DoesNotContain("éééééééééééé", tooLong);

        var missing = await Tools.Aws(_sgw.Endpoint, "storagegateway", "describe-chap-credentials", "--target-arn", gateway + "/target/iqn.1997-05.com.amazon:nope");
        Assert.Contains("(InvalidGatewayRequestException) when calling the DescribeChapCredentials operation: The specified target was not found.", missing);

        // botocore exposes the nested error; the double's body must carry errorCode as the model's StorageGatewayError shape says.
        var code = await Tools.Python(_sgw.Endpoint, $@"
import boto3, botocore
c = boto3.client('storagegateway', endpoint_url=__import__('os').environ['ENDPOINT'])
try:
    c.list_volumes(GatewayARN='{gateway}x')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'], e.response['error']['errorCode'])
");
        Assert.Equal("InvalidGatewayRequestException GatewayNotFound", code.Trim());
    }

    [Theory]
    [InlineData(null, "MissingAuthenticationTokenException")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAAWSGUARDTEST0001/20240101/us-east-1/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
                "0000000000000000000000000000000000000000000000000000000000000000", "InvalidSignatureException")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAAWSGUARDTEST0001/20240101/us-east-1/storagegateway/aws4_request, Signature=00", "IncompleteSignatureException")]
    public async Task Requests_without_a_storagegateway_sigv4_scope_are_refused(string? authorization, string error)
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, _sgw.Endpoint)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "StorageGateway_20130630.ListGateways");
        request.Headers.Add("X-Amz-Date", "20240101T000000Z");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(error, JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString());
    }
}
