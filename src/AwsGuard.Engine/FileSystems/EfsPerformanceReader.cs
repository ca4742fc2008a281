using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.FileSystems;

/// <summary>
/// Reads a region's EFS file systems and their own CloudWatch metrics, and judges each with <see cref="EfsPerformanceDecision"/>.
/// The metrics of many file systems go into each GetMetricData call (up to its 500 queries), hourly datapoints.
/// </summary>
public sealed class EfsPerformanceReader(IEfsClient efs, ICloudWatchClient cloudWatch, string region, Func<DateTime>? clock = null)
{
    /// <summary>One datapoint per hour: peaks survive as the hour's Maximum, and 14 days are 336 datapoints per metric.</summary>
    public const int PeriodSeconds = 3600;

    private static readonly Regex FileSystemIdPattern = new("^fs-[0-9a-f]{8,40}$", RegexOptions.CultureInvariant);
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);

    public string Region { get; } = region;

    public static EfsPerformanceReader ForSession(SessionProvider provider, AwsSession session, string region) =>
        new(provider.GetClient("efs", session, region, WireClients.Efs),
            provider.GetClient("cloudwatch", session, region, WireClients.CloudWatch), region);

    /// <summary>The id, or an InvalidFileSystemId error before any call.</summary>
    public static string RequireFileSystemId(string? id) =>
        id is not null && FileSystemIdPattern.IsMatch(id) ? id
            : throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidFileSystemId",
                $"'{id}' is not an EFS file system id (fs- and 8 to 40 hexadecimal digits, for example fs-0123456789abcdef0).", id);

    /// <summary>Every file system of the region (DescribeFileSystems, every page).</summary>
    public async Task<List<EfsFileSystem>> ListAsync(CancellationToken cancel)
    {
        var all = new List<EfsFileSystem>();
        string? marker = null;
        do
        {
            var page = await efs.DescribeFileSystemsAsync(null, marker, cancel).ConfigureAwait(false);
            all.AddRange(page.FileSystems);
            marker = page.NextMarker;
        } while (!string.IsNullOrEmpty(marker));
        return all;
    }

    /// <summary>One file system by id; FileSystemNotFound is the service's error.</summary>
    public async Task<EfsFileSystem> DescribeAsync(string fileSystemId, CancellationToken cancel)
    {
        var page = await efs.DescribeFileSystemsAsync(RequireFileSystemId(fileSystemId), null, cancel).ConfigureAwait(false);
        return page.FileSystems.FirstOrDefault()
               ?? throw new AwsGuardException(ErrorKind.ObjectNotFound, "FileSystemNotFound", $"File system '{fileSystemId}' does not exist.", fileSystemId);
    }

    /// <summary>Judges the file systems from the last <paramref name="days"/> days of their metrics, in as few GetMetricData calls as the API allows.</summary>
    public async Task<List<EfsPerformance>> AssessAsync(IReadOnlyList<EfsFileSystem> fileSystems, int days, CancellationToken cancel)
    {
        if (days < 1) throw new ArgumentOutOfRangeException(nameof(days), days, "At least one day.");
        var now = _clock();
        // Whole hours, as CloudWatch advises for hourly periods; the current hour counts.
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        var start = end.AddDays(-days);
        var queries = fileSystems.SelectMany((fs, i) => QueriesFor(fs, i)).ToList();
        var series = await ReadAsync(queries, start, end, cancel).ConfigureAwait(false);
        return fileSystems.Select((fs, i) => Judge(fs, days, key => series.TryGetValue(Id(i, key), out var s) ? s : Series.Empty)).ToList();
    }

    private static IEnumerable<MetricQuery> QueriesFor(EfsFileSystem fs, int index)
    {
        MetricQuery Query(string key, string metric, string stat) => new()
        {
            Id = Id(index, key), Namespace = "AWS/EFS", MetricName = metric, PeriodSeconds = PeriodSeconds, Stat = stat,
            Dimensions = { new KeyValuePair<string, string>("FileSystemId", fs.FileSystemId ?? "") },
        };
        if (string.Equals(fs.PerformanceMode, "generalPurpose", StringComparison.OrdinalIgnoreCase))
            yield return Query("io", "PercentIOLimit", "Maximum");
        if (string.Equals(fs.ThroughputMode, "bursting", StringComparison.OrdinalIgnoreCase))
            yield return Query("cr", "BurstCreditBalance", "Minimum");
        yield return Query("pt", "PermittedThroughput", "Average");
        yield return Query("mb", "MeteredIOBytes", "Sum");
        yield return Query("cc", "ClientConnections", "Maximum");
        yield return Query("ut", "PercentageOfPermittedThroughputUtilization", "Maximum");
    }

    private static string Id(int index, string key) => $"f{index}_{key}";

    /// <summary>Every query's datapoints, by id: the queries in calls of up to 500, each call's pages followed.</summary>
    private async Task<Dictionary<string, Series>> ReadAsync(List<MetricQuery> queries, DateTime start, DateTime end, CancellationToken cancel)
    {
        var series = new Dictionary<string, Series>(StringComparer.Ordinal);
        for (var offset = 0; offset < queries.Count; offset += CloudWatchClient.MaxQueriesPerCall)
        {
            var request = new MetricDataRequest
            {
                Queries = queries.Skip(offset).Take(CloudWatchClient.MaxQueriesPerCall).ToList(),
                StartTime = start,
                EndTime = end,
            };
            do
            {
                var page = await cloudWatch.GetMetricDataAsync(request, cancel).ConfigureAwait(false);
                foreach (var result in page.Results.Where(r => r.Id is not null))
                {
                    if (!series.TryGetValue(result.Id!, out var s)) series[result.Id!] = s = new Series();
                    s.Add(result.Timestamps, result.Values);
                }
                request.NextToken = page.NextToken;
            } while (!string.IsNullOrEmpty(request.NextToken));
        }
        return series;
    }

    private EfsPerformance Judge(EfsFileSystem fs, int days, Func<string, Series> metric)
    {
        var io = metric("io").Values;
        var credits = metric("cr");
        var utilization = Utilization(metric("ut"), metric("mb"), metric("pt"));
        var facts = new EfsMetricsFacts
        {
            PerformanceMode = fs.PerformanceMode,
            ThroughputMode = fs.ThroughputMode,
            ProvisionedMibps = fs.ProvisionedThroughputInMibps,
            Days = days,
            PercentIOLimitMax = MetricMath.Max(io),
            PercentIOLimitP95 = MetricMath.Percentile(io, 95),
            BurstCreditMin = MetricMath.Min(credits.Values),
            BurstCreditLast = credits.Values.Count == 0 ? null : credits.Values[credits.Values.Count - 1],
            BurstCreditSlopePerDay = MetricMath.SlopePerDay(credits.Times, credits.Values),
            PeakUtilization = MetricMath.Max(utilization),
            MeanUtilization = MetricMath.Mean(utilization),
            PeakClientConnections = MetricMath.Max(metric("cc").Values),
        };
        var decision = EfsPerformanceDecision.Decide(facts);
        return new EfsPerformance
        {
            FileSystemId = fs.FileSystemId ?? "",
            Name = fs.Name,
            Region = Region,
            AccountId = fs.OwnerId ?? "",
            PerformanceMode = fs.PerformanceMode,
            ThroughputMode = fs.ThroughputMode,
            ProvisionedThroughputMibps = facts.IsProvisioned ? fs.ProvisionedThroughputInMibps : null,
            MountTargets = fs.NumberOfMountTargets,
            Days = days,
            PeakClientConnections = facts.PeakClientConnections,
            PercentIOLimitMax = facts.PercentIOLimitMax,
            PercentIOLimitP95 = facts.PercentIOLimitP95,
            BurstCreditBalanceMin = facts.BurstCreditMin,
            BurstCreditBalanceTrend = facts.BurstCreditTrend(MetricMath.Max(credits.Values)),
            PeakThroughputUtilization = facts.PeakUtilization,
            Recommendation = decision.Recommendation,
            Reasons = decision.Reasons.ToArray(),
        };
    }

    /// <summary>
    /// Hourly throughput use in percent: PercentageOfPermittedThroughputUtilization where EFS publishes it, else each hour's
    /// MeteredIOBytes (per second) over that hour's PermittedThroughput.
    /// </summary>
    private static IReadOnlyList<double> Utilization(Series published, Series metered, Series permitted)
    {
        if (published.Values.Count > 0) return published.Values;
        var allowed = new Dictionary<DateTime, double>();
        for (var i = 0; i < permitted.Times.Count; i++) allowed[permitted.Times[i]] = permitted.Values[i];
        var used = new List<double>();
        for (var i = 0; i < metered.Times.Count; i++)
            if (allowed.TryGetValue(metered.Times[i], out var perSecond) && perSecond > 0)
                used.Add(metered.Values[i] / PeriodSeconds / perSecond * 100);
        return used;
    }

    /// <summary>One query's datapoints in time order, gathered over pages.</summary>
    private sealed class Series
    {
        public static readonly Series Empty = new();
        public List<DateTime> Times { get; } = new();
        public List<double> Values { get; } = new();

        public void Add(IReadOnlyList<DateTime> times, IReadOnlyList<double> values)
        {
            for (var i = 0; i < Math.Min(times.Count, values.Count); i++)
            {
                var at = Times.BinarySearch(times[i]);
                at = at < 0 ? ~at : at;
                Times.Insert(at, times[i]);
                Values.Insert(at, values[i]);
            }
        }
    }
}
