using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.FileSystems;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.PublicAccess;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.FileSystems;

/// <summary>
/// Get-EfsPerformance's engine against moto: file systems in each mode, metrics seeded with PutMetricData (boto3, not
/// gzipped) in the pattern each recommendation needs, read back through the wire clients. moto cannot update a file
/// system (no throughput change, so no 24-hour lock) and keeps no size, so neither is tested here.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class EfsPerformanceReaderTests
{
    private const double TiB = 1024d * 1024 * 1024 * 1024;
    private readonly LocalAws _aws;

    public EfsPerformanceReaderTests(LocalAws aws) => _aws = aws;

    private EfsPerformanceReader Reader(string region) =>
        new(new EfsClient(Tools.Keys, region, _aws.Endpoint), new CloudWatchClient(Tools.Keys, region, _aws.Endpoint), region);

    /// <summary>
    /// Creates one file system per entry (name, performance mode, throughput mode, provisioned MiB/s) and seeds, for the
    /// hours 1 to 47 before now, the metrics the Python expression per entry gives: (metric, hours ago) -> value or None.
    /// Returns the ids by name.
    /// </summary>
    private async Task<Dictionary<string, string>> Seed(string region, string systems) => JsonSerializer.Deserialize<Dictionary<string, string>>(
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os, json, datetime
from botocore.config import Config
cfg = Config(region_name='{region}', disable_request_compression=True)
efs = boto3.client('efs', endpoint_url=os.environ['ENDPOINT'], config=cfg)
cw = boto3.client('cloudwatch', endpoint_url=os.environ['ENDPOINT'], config=cfg)
TiB = 1024.0 ** 4
MiB = 1024.0 ** 2
now = datetime.datetime.now(datetime.timezone.utc)
ids = {{}}
for name, perf, mode, mibps, series in [{systems}]:
    args = dict(CreationToken=name + '-' + os.urandom(4).hex(), PerformanceMode=perf, ThroughputMode=mode, Tags=[{{'Key': 'Name', 'Value': name}}])
    if mibps: args['ProvisionedThroughputInMibps'] = mibps
    fs = efs.create_file_system(**args)['FileSystemId']
    ids[name] = fs
    data = []
    for metric in ['PercentIOLimit', 'BurstCreditBalance', 'PermittedThroughput', 'MeteredIOBytes', 'ClientConnections', 'PercentageOfPermittedThroughputUtilization']:
        for h in range(1, 48):
            v = series(metric, h)
            if v is not None:
                data.append({{'MetricName': metric, 'Dimensions': [{{'Name': 'FileSystemId', 'Value': fs}}],
                             'Timestamp': now - datetime.timedelta(hours=h), 'Value': float(v)}})
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace='AWS/EFS', MetricData=data[i:i + 500])
print(json.dumps(ids))
"))!;

    [Fact]
    public async Task Each_mode_and_metric_pattern_gets_its_recommendation_with_the_numbers()
    {
        const string region = "ap-south-1";
        var ids = await Seed(region, @"
  ('draining', 'generalPurpose', 'bursting', None,
     lambda m, h: {'BurstCreditBalance': 0.5 * TiB + h * 0.25 * TiB / 24, 'PercentIOLimit': 20, 'ClientConnections': 40}.get(m)),
  ('empty', 'generalPurpose', 'bursting', None,
     lambda m, h: {'BurstCreditBalance': 0 if h < 5 else 0.2 * TiB, 'PercentIOLimit': 30}.get(m)),
  ('pinned', 'generalPurpose', 'provisioned', 256,
     lambda m, h: {'PercentIOLimit': 98 + h % 3, 'PercentageOfPermittedThroughputUtilization': 70}.get(m)),
  ('idle', 'generalPurpose', 'provisioned', 100,
     lambda m, h: {'PercentIOLimit': 5, 'PermittedThroughput': 100 * MiB, 'MeteredIOBytes': (10 if h == 7 else 4) * MiB * 3600}.get(m)),
  ('elastic', 'generalPurpose', 'elastic', None,
     lambda m, h: {'PercentageOfPermittedThroughputUtilization': 30 if h == 9 else 12, 'ClientConnections': 600}.get(m)),
  ('healthy', 'generalPurpose', 'bursting', None,
     lambda m, h: {'BurstCreditBalance': 2 * TiB, 'PercentIOLimit': 25 if h != 3 else 60}.get(m)),
  ('maxio', 'maxIO', 'bursting', None, lambda m, h: {'ClientConnections': 800}.get(m)),
  ('nodata', 'generalPurpose', 'bursting', None, lambda m, h: None),
");
        var reader = Reader(region);
        var all = await reader.ListAsync(CancellationToken.None);
        var mine = all.Where(f => ids.ContainsValue(f.FileSystemId!)).ToList();
        Assert.Equal(ids.Count, mine.Count);
        var results = (await reader.AssessAsync(mine, 3, CancellationToken.None)).ToDictionary(r => r.Name!);

        void Expect(string name, EfsRecommendation recommendation, params string[] texts)
        {
            var r = results[name];
            var why = $"{name}: {r.Recommendation} ({r.Reasons})";
            Assert.True(recommendation == r.Recommendation, why);
            foreach (var text in texts) Assert.True(r.Reasons.Any(reason => reason.Contains(text, StringComparison.Ordinal)), $"'{text}' missing in {why}");
            Assert.Equal(ids[name], r.FileSystemId);
            Assert.Equal(region, r.Region);
            Assert.Equal("123456789012", r.AccountId);
            Assert.Equal(3, r.Days);
        }

        Expect("draining", EfsRecommendation.UseElasticThroughput, "falls by 256 GiB a day", "now 522.7 GiB", "empty in 2 days");
        Assert.Equal(MetricTrend.Falling, results["draining"].BurstCreditBalanceTrend);
        Assert.Equal(40, results["draining"].PeakClientConnections);
        Expect("empty", EfsRecommendation.UseElasticThroughput, "fell to 0 B");
        Assert.Equal(0, results["empty"].BurstCreditBalanceMin);
        Expect("pinned", EfsRecommendation.UseElasticThroughput, "100% at the 95th percentile", "maximum 100%");
        Assert.Equal(100, results["pinned"].PercentIOLimitMax);
        Assert.Equal(256, results["pinned"].ProvisionedThroughputMibps);
        Expect("idle", EfsRecommendation.ReduceProvisionedThroughput, "10% of the permitted", "10 of 100 MiB/s", "13 MiB/s covers");
        Assert.Equal(10, results["idle"].PeakThroughputUtilization!.Value, 6);
        Expect("elastic", EfsRecommendation.Keep, "30% of the permitted", "600 client connections");
        Assert.Null(results["elastic"].PercentIOLimitMax);
        Expect("healthy", EfsRecommendation.Keep, "never fell under 2 TiB", "25% at the 95th percentile of hourly peaks (maximum 60%)");
        Assert.Equal(MetricTrend.Steady, results["healthy"].BurstCreditBalanceTrend);
        Expect("maxio", EfsRecommendation.MigrateToGeneralPurpose, "Max I/O", "DataSync", "800 client connections");
        Assert.Equal("maxIO", results["maxio"].PerformanceMode);
        Expect("nodata", EfsRecommendation.InsufficientData, "No datapoints of PercentIOLimit, BurstCreditBalance in the last 3 days");
        Assert.Equal(MetricTrend.Unknown, results["nodata"].BurstCreditBalanceTrend);
    }

    [Fact]
    public async Task Fifty_file_systems_cost_one_GetMetricData_call_not_one_per_metric()
    {
        const string region = "sa-east-1";
        var ids = await Seed(region, string.Join(",", Enumerable.Range(0, 50).Select(i =>
            $"('many{i}', 'generalPurpose', 'bursting', None, lambda m, h: {{'PercentIOLimit': {i}, 'BurstCreditBalance': 2 * TiB}}.get(m) if h < 3 else None)")));
        var reader = Reader(region);
        var calls = new CountingOutput();
        EngineOutput.Current = calls;
        List<EfsPerformance> results;
        try
        {
            var mine = (await reader.ListAsync(CancellationToken.None)).Where(f => ids.ContainsValue(f.FileSystemId!)).ToList();
            Assert.Equal(50, mine.Count);
            results = await reader.AssessAsync(mine, 14, CancellationToken.None);
        }
        finally
        {
            EngineOutput.Current = null;
        }
        // 50 General Purpose Bursting file systems are 300 metric queries: one call of up to 500.
        Assert.Single(calls.Calls, line => line.StartsWith("AWS CloudWatch GetMetricData " + region, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(EfsRecommendation.Keep, r.Recommendation));
        Assert.Equal(49, results.Single(r => r.Name == "many49").PercentIOLimitMax);
    }
}

/// <summary>
/// What moto cannot show: GetMetricData's NextToken (moto answers everything in one page) and more queries than one call
/// takes. A CloudWatch of AwsGuard's own interface answers each query's hours over two pages.
/// </summary>
public sealed class EfsPerformanceBatchingTests
{
    [Fact]
    public async Task Queries_beyond_500_take_another_call_and_pages_join_by_query_id()
    {
        var cloudWatch = new PagingCloudWatch();
        var fileSystems = Enumerable.Range(0, 100).Select(i => new EfsFileSystem
        {
            FileSystemId = $"fs-{i:x8}", OwnerId = "123456789012", PerformanceMode = "generalPurpose", ThroughputMode = "bursting",
        }).ToList();
        var reader = new EfsPerformanceReader(new NoEfs(), cloudWatch, "eu-west-1", () => new DateTime(2026, 11, 30, 0, 30, 0, DateTimeKind.Utc));

        var results = await reader.AssessAsync(fileSystems, 1, CancellationToken.None);

        // 100 file systems x 6 queries = 600: calls of 500 and 100, each answered in two pages.
        Assert.Equal(new[] { 500, 500, 100, 100 }, cloudWatch.QueriesPerCall);
        Assert.Equal(new DateTime(2026, 11, 30, 1, 0, 0, DateTimeKind.Utc), cloudWatch.End);
        Assert.Equal(new DateTime(2026, 11, 29, 1, 0, 0, DateTimeKind.Utc), cloudWatch.Start);
        // PercentIOLimit is 10 on the first page's hour and 90 on the second's: both pages count.
        Assert.All(results, r => Assert.Equal(90, r.PercentIOLimitMax));
        Assert.All(results, r => Assert.Equal(EfsRecommendation.Keep, r.Recommendation));
    }

    private sealed class PagingCloudWatch : ICloudWatchClient
    {
        public List<int> QueriesPerCall { get; } = new();
        public DateTime Start { get; private set; }
        public DateTime End { get; private set; }

        public Task<MetricDataPage> GetMetricDataAsync(MetricDataRequest request, CancellationToken cancel)
        {
            QueriesPerCall.Add(request.Queries.Count);
            (Start, End) = (request.StartTime, request.EndTime);
            var second = request.NextToken == "page-2";
            var hour = request.StartTime.AddHours(second ? 2 : 1);
            return Task.FromResult(new MetricDataPage
            {
                NextToken = second ? null : "page-2",
                Results = request.Queries.Select(q => new MetricDataResult
                {
                    Id = q.Id, Timestamps = { hour },
                    Values = { q.MetricName switch { "PercentIOLimit" => second ? 90 : 10, "BurstCreditBalance" => 2e12, _ => 50 } },
                }).ToList(),
            });
        }

        // The reader asks for metrics only.
        public Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsForMetricAsync(string metricNamespace, string metricName,
            IReadOnlyDictionary<string, string> dimensions, CancellationToken cancel) => throw new NotSupportedException();
    }

    private sealed class NoEfs : IEfsClient
    {
        public Task<EfsFileSystemPage> DescribeFileSystemsAsync(string? fileSystemId, string? marker, CancellationToken cancel) =>
            throw new InvalidOperationException("Not called: the file systems are given.");
    }
}
