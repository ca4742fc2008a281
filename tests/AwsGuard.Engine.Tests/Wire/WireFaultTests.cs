using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>The wire client's retries under the fault proxy.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class WireFaultTests
{
    private readonly LocalAws _aws;

    public WireFaultTests(LocalAws aws) => _aws = aws;

    [Fact]
    public async Task Thousand_log_reads_under_30_percent_faults_see_every_event_exactly_once()
    {
        var group = "/wire/" + LocalAws.UniqueName("fault");
        await WireContractTests.SeedLogs(_aws.Endpoint, group, streams: 1, events: 95);
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0.3, Seed = 1, Latency = TimeSpan.FromMilliseconds(5) });
        // 0.3^5 per call would leave a few of ~1,400 requests failing for good at the default 5 attempts: a 30% fault rate
        // is far beyond what the default numbers are for, so this run allows more attempts and shorter waits.
        var policy = new AwsRetry(maxAttempts: 12, baseDelay: TimeSpan.FromMilliseconds(2), maxDelay: TimeSpan.FromMilliseconds(50));
        ILogsClient logs = new LogsClient(Tools.Keys, LocalAws.Region, proxy.Endpoint, policy);

        var reads = 0;
        var passes = 0;
        while (reads < 1000)
        {
            var events = await WireContractTests.ReadStream(logs, group, "stream-0", 10, () => reads++);
            Assert.True(events.Count == 95, $"pass {passes}: {events.Count} events; {proxy.Requests} requests, {proxy.Injected} faults");
            Assert.Equal(Enumerable.Range(0, 95).Select(j => $"s0-e{j}"), events.Select(e => e.Message));
            passes++;
        }
        Assert.True(reads >= 1000);
        Assert.True(proxy.Injected > 300, $"only {proxy.Injected} faults injected in {proxy.Requests} requests");
        foreach (Fault fault in Enum.GetValues(typeof(Fault)))
            Assert.True(proxy.InjectedOf(fault) > 0, $"no {fault} injected");
        Assert.Equal(reads + proxy.Injected - proxy.InjectedOf(Fault.Latency), proxy.Requests);
    }

    [Fact]
    public async Task Retries_stop_after_max_attempts_and_surface_throttling()
    {
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 1, Seed = 3, Faults = new[] { Fault.Throttling } });
        var logs = new LogsClient(Tools.Keys, LocalAws.Region, proxy.Endpoint); // the default policy
        var error = await Assert.ThrowsAsync<WireServiceException>(() =>
            logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest(), CancellationToken.None));
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(AwsRetry.Default.MaxAttempts, proxy.Requests);
        Assert.Equal(ErrorKind.LimitsExceeded, AwsErrors.Explain(error).Kind);
    }

    [Fact]
    public async Task Query_and_rest_xml_faults_are_retried_too()
    {
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0.5, Seed = 7, Faults = new[] { Fault.SlowDown, Fault.Throttling, Fault.ResetMidBody } });
        var policy = new AwsRetry(10, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(20));
        var iam = new IamClient(Tools.Keys, LocalAws.Region, proxy.Endpoint, policy);
        var control = new S3ControlClient(Tools.Keys, LocalAws.Region, proxy.Endpoint, policy);
        for (var i = 0; i < 20; i++)
        {
            await iam.ListRolesAsync(null, null, 5, CancellationToken.None);
            await control.GetPublicAccessBlockAsync("123456789012", CancellationToken.None);
        }
        Assert.True(proxy.Injected >= 10, $"{proxy.Injected} faults");
    }

    [Fact]
    public async Task Other_4xx_errors_are_not_retried()
    {
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0 });
        var logs = new LogsClient(Tools.Keys, LocalAws.Region, proxy.Endpoint);
        var error = await Assert.ThrowsAsync<WireServiceException>(() => logs.DescribeLogStreamsAsync(
            new DescribeLogStreamsRequest { LogGroupName = "/wire/none-" + Guid.NewGuid().ToString("N") }, CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(1, proxy.Requests);
    }

    [Fact]
    public async Task Cancellation_stops_a_slow_call_promptly()
    {
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 1, Faults = new[] { Fault.Latency }, Latency = TimeSpan.FromMinutes(2) });
        var logs = new LogsClient(Tools.Keys, LocalAws.Region, proxy.Endpoint);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest(), cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal(1, proxy.Requests);
    }
}

/// <summary>Unit tests without moto: Storage Gateway serialization, endpoints, retry decisions.</summary>
public sealed class WireUnitTests
{
    private sealed class Recorder : HttpMessageHandler
    {
        public readonly List<(HttpRequestMessage Request, string Body)> Seen = new();
        public string Answer = "{}";
        public readonly List<string> Authorization = new();
        public readonly List<string> ContentTypes = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancel)
        {
            Authorization.Add(string.Join(",", request.Headers.GetValues("Authorization")));
            ContentTypes.Add(string.Join(",", request.Content!.Headers.GetValues("Content-Type")));
            Seen.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancel)));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Answer, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }

    private static (StorageGatewayClient, Recorder) Gateway(string region = "us-west-2")
    {
        var recorder = new Recorder();
        var client = new StorageGatewayClient(Tools.Keys, region, null, null, new WireTransport(new HttpMessageInvoker(recorder)));
        return (client, recorder);
    }

    [Fact]
    public async Task StorageGateway_UpdateChapCredentials_serializes_per_the_model()
    {
        var (client, recorder) = Gateway();
        recorder.Answer = "{\"TargetARN\":\"arn:t\",\"InitiatorName\":\"iqn.1991-05.com.microsoft:host\"}";
        var answer = await client.UpdateChapCredentialsAsync(new ChapInfo
        {
            TargetARN = "arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B/target/iqn.1997-05.com.amazon:myvolume",
            SecretToAuthenticateInitiator = "111111111111",
            InitiatorName = "iqn.1991-05.com.microsoft:host",
        }, CancellationToken.None);
        var (request, body) = Assert.Single(recorder.Seen);
        Assert.Equal(new Uri("https://storagegateway.us-west-2.amazonaws.com/"), request.RequestUri);
        Assert.Equal("StorageGateway_20130630.UpdateChapCredentials", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.1", recorder.ContentTypes[0]);
        Assert.Contains("/us-west-2/storagegateway/aws4_request", recorder.Authorization[0]);
        Assert.Equal("{\"TargetARN\":\"arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B/target/iqn.1997-05.com.amazon:myvolume\"," +
                     "\"SecretToAuthenticateInitiator\":\"111111111111\",\"InitiatorName\":\"iqn.1991-05.com.microsoft:host\"}", body);
        Assert.Equal("iqn.1991-05.com.microsoft:host", answer.InitiatorName);
    }

    [Fact]
    public async Task StorageGateway_other_operations_serialize_and_parse()
    {
        var (client, recorder) = Gateway("cn-north-1");
        recorder.Answer = "{\"Gateways\":[{\"GatewayARN\":\"arn:g\",\"GatewayName\":\"g1\"}],\"Marker\":\"m2\"}";
        var gateways = await client.ListGatewaysAsync("m1", 5, CancellationToken.None);
        Assert.Equal("{\"Marker\":\"m1\",\"Limit\":5}", recorder.Seen[0].Body);
        Assert.Equal(new Uri("https://storagegateway.cn-north-1.amazonaws.com.cn/"), recorder.Seen[0].Request.RequestUri);
        Assert.Equal("g1", gateways.Gateways.Single().GatewayName);
        Assert.Equal("m2", gateways.Marker);

        recorder.Answer = "{\"ChapCredentials\":[{\"TargetARN\":\"arn:t\",\"InitiatorName\":\"iqn.x\",\"SecretToAuthenticateInitiator\":\"s\"}]}";
        var chap = await client.DescribeChapCredentialsAsync("arn:t", CancellationToken.None);
        Assert.Equal("{\"TargetARN\":\"arn:t\"}", recorder.Seen[1].Body);
        Assert.Equal("iqn.x", chap.Single().InitiatorName);

        recorder.Answer = "{\"VolumeInfos\":[{\"VolumeARN\":\"arn:v\",\"VolumeSizeInBytes\":1073741824}]}";
        var volumes = await client.ListVolumesAsync("arn:g", null, null, CancellationToken.None);
        Assert.Equal("{\"GatewayARN\":\"arn:g\"}", recorder.Seen[2].Body);
        Assert.Equal(1073741824L, volumes.VolumeInfos.Single().VolumeSizeInBytes);

        recorder.Answer = "{\"StorediSCSIVolumes\":[{\"VolumeARN\":\"arn:v\",\"CreatedDate\":1700000000.5,\"VolumeiSCSIAttributes\":{\"ChapEnabled\":true,\"LunNumber\":0}}]}";
        var stored = await client.DescribeStorediSCSIVolumesAsync(new[] { "arn:v" }, CancellationToken.None);
        Assert.Equal("{\"VolumeARNs\":[\"arn:v\"]}", recorder.Seen[3].Body);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), stored.Single().CreatedDate);
        Assert.True(stored.Single().VolumeiSCSIAttributes!.ChapEnabled);

        recorder.Answer = "{\"CachediSCSIVolumes\":[{\"VolumeARN\":\"arn:c\",\"TargetName\":\"t\"}]}";
        var cached = await client.DescribeCachediSCSIVolumesAsync(new[] { "arn:c", "arn:d" }, CancellationToken.None);
        Assert.Equal("{\"VolumeARNs\":[\"arn:c\",\"arn:d\"]}", recorder.Seen[4].Body);
        Assert.Equal("StorageGateway_20130630.DescribeCachediSCSIVolumes", recorder.Seen[4].Request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("t", cached.Single().TargetName);
    }

    [Theory]
    [InlineData("logs", "eu-west-1", "https://logs.eu-west-1.amazonaws.com/", "eu-west-1")]
    [InlineData("logs", "cn-northwest-1", "https://logs.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1")]
    [InlineData("logs", "us-gov-west-1", "https://logs.us-gov-west-1.amazonaws.com/", "us-gov-west-1")]
    [InlineData("iam", "eu-west-1", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("iam", "cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    [InlineData("s3control", "us-east-2", "https://123456789012.s3-control.us-east-2.amazonaws.com/", "us-east-2")]
    [InlineData("s3control", "cn-north-1", "https://123456789012.s3-control.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    public void Endpoints_follow_the_partitions(string service, string region, string url, string signingRegion)
    {
        var endpoint = service switch
        {
            "logs" => WireEndpoints.Logs(region, null),
            "iam" => WireEndpoints.Iam(region, null),
            _ => WireEndpoints.S3Control(region, "123456789012", null),
        };
        Assert.Equal(url, endpoint.Url.AbsoluteUri);
        Assert.Equal(signingRegion, endpoint.SigningRegion);
        var overridden = new Uri("http://127.0.0.1:5000/");
        Assert.Equal(overridden, (service == "s3control" ? WireEndpoints.S3Control(region, "123456789012", overridden) : WireEndpoints.Logs(region, overridden)).Url);
    }

    [Fact]
    public void Bad_region_is_an_argument_error()
    {
        var error = Assert.Throws<AwsGuardException>(() => WireEndpoints.Logs("evil.example.com/x", null));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData(400, "ThrottlingException", true)]
    [InlineData(400, "Throttling", true)]
    [InlineData(400, "RequestLimitExceeded", true)]
    [InlineData(503, "SlowDown", true)]
    [InlineData(400, "TooManyRequestsException", true)]
    [InlineData(429, "Whatever", true)]
    [InlineData(500, "InternalFailure", true)]
    [InlineData(502, "502", true)]
    [InlineData(504, "504", true)]
    [InlineData(501, "NotImplemented", false)]
    [InlineData(400, "ValidationException", false)]
    [InlineData(403, "AccessDenied", false)]
    [InlineData(404, "NoSuchEntity", false)]
    public void Retry_decisions(int status, string code, bool retry) => Assert.Equal(retry, AwsRetry.IsRetryable(status, code));

    [Fact]
    public void Backoff_is_capped_full_jitter()
    {
        var policy = new AwsRetry(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        for (var retry = 1; retry < 40; retry++)
        {
            var ceiling = Math.Min(1000, 100 * Math.Pow(2, retry - 1));
            var delays = Enumerable.Range(0, 200).Select(_ => policy.Backoff(retry).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            Assert.True(delays.Max() > ceiling / 2, "jitter spans the range");
        }
    }

    [Fact]
    public void Sdk_clients_get_the_same_attempts()
    {
        var config = new Amazon.S3.AmazonS3Config();
        AwsRetry.Configure(config);
        Assert.Equal(AwsRetry.Default.MaxAttempts - 1, config.MaxErrorRetry);
        Assert.Equal(Amazon.Runtime.RequestRetryMode.Standard, config.RetryMode);
    }

    [Fact]
    public void Wire_errors_map_like_sdk_errors()
    {
        var error = new WireServiceException("IAM", "GetRole", "AccessDenied", "nope", HttpStatusCode.Forbidden, "r1");
        var explained = AwsErrors.Explain(error, "role");
        Assert.Equal("AccessDenied", explained.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, explained.Kind);
        Assert.Equal("nope", explained.Message);
    }
}
