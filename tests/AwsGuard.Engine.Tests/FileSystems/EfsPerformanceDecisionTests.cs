using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.FileSystems;
using Xunit;

namespace AwsGuard.Engine.Tests.FileSystems;

/// <summary>The decision alone, one row per pattern the issue names: the recommendation and the numbers its reasons must carry.</summary>
public sealed class EfsPerformanceDecisionTests
{
    private const double TiB = 1024d * 1024 * 1024 * 1024;

    private static EfsMetricsFacts Facts(string performance, string throughput, double? provisioned = null) => new()
    {
        PerformanceMode = performance, ThroughputMode = throughput, ProvisionedMibps = provisioned, Days = 14,
    };

    public static IEnumerable<object[]> Patterns()
    {
        // name, facts, expected recommendation, texts every one of which some reason must contain
        yield return Row("Max I/O, many clients", Facts("maxIO", "bursting") with { PeakClientConnections = 900, BurstCreditMin = 2 * TiB },
            EfsRecommendation.MigrateToGeneralPurpose, "Max I/O", "latency", "DataSync", "900 client connections");
        yield return Row("Max I/O, no metrics", Facts("maxIO", "provisioned", 50),
            EfsRecommendation.MigrateToGeneralPurpose, "General Purpose file system with Elastic throughput");
        yield return Row("credits ran out", Facts("generalPurpose", "bursting") with { PercentIOLimitP95 = 20, PercentIOLimitMax = 30, BurstCreditMin = 0, BurstCreditLast = 0 },
            EfsRecommendation.UseElasticThroughput, "fell to 0 B");
        yield return Row("credits draining", Facts("generalPurpose", "bursting") with
            { PercentIOLimitP95 = 20, PercentIOLimitMax = 30, BurstCreditMin = 1 * TiB, BurstCreditLast = 1 * TiB, BurstCreditSlopePerDay = -0.1 * TiB },
            EfsRecommendation.UseElasticThroughput, "102.4 GiB a day", "now 1 TiB", "empty in 10 days");
        yield return Row("IO limit pinned on Bursting", Facts("generalPurpose", "bursting") with { PercentIOLimitP95 = 99, PercentIOLimitMax = 100, BurstCreditMin = 2 * TiB },
            EfsRecommendation.UseElasticThroughput, "99% at the 95th percentile", "maximum 100%");
        yield return Row("IO limit pinned on Provisioned", Facts("generalPurpose", "provisioned", 100) with { PercentIOLimitP95 = 96, PercentIOLimitMax = 100, PeakUtilization = 20 },
            EfsRecommendation.UseElasticThroughput, "96%");
        yield return Row("provisioned and idle", Facts("generalPurpose", "provisioned", 100) with { PercentIOLimitP95 = 5, PercentIOLimitMax = 6, PeakUtilization = 10, MeanUtilization = 8 },
            EfsRecommendation.ReduceProvisionedThroughput, "10% of the permitted", "10 of 100 MiB/s", "90 MiB/s never used", "13 MiB/s covers");
        yield return Row("provisioned, idle and spiky", Facts("generalPurpose", "provisioned", 200) with { PercentIOLimitP95 = 5, PercentIOLimitMax = 6, PeakUtilization = 40, MeanUtilization = 4 },
            EfsRecommendation.ReduceProvisionedThroughput, "80 of 200 MiB/s", "spiky", "mean hour 4%", "Elastic");
        yield return Row("provisioned and busy", Facts("generalPurpose", "provisioned", 100) with { PercentIOLimitP95 = 40, PercentIOLimitMax = 50, PeakUtilization = 85, MeanUtilization = 60 },
            EfsRecommendation.Keep, "85% of the permitted", "40% at the 95th percentile");
        yield return Row("bursting and healthy", Facts("generalPurpose", "bursting") with
            { PercentIOLimitP95 = 30, PercentIOLimitMax = 45, BurstCreditMin = 2 * TiB, BurstCreditLast = 2.1 * TiB, BurstCreditSlopePerDay = 0, PeakClientConnections = 500 },
            EfsRecommendation.Keep, "never fell under 2 TiB", "500 client connections", "no reason for Max I/O");
        yield return Row("elastic and healthy", Facts("generalPurpose", "elastic") with { PeakUtilization = 30 },
            EfsRecommendation.Keep, "30% of the permitted");
        yield return Row("no data", Facts("generalPurpose", "bursting"),
            EfsRecommendation.InsufficientData, "PercentIOLimit, BurstCreditBalance", "14 days");
        yield return Row("no credit data", Facts("generalPurpose", "bursting") with { PercentIOLimitP95 = 10, PercentIOLimitMax = 10 },
            EfsRecommendation.InsufficientData, "No datapoints of BurstCreditBalance");
        yield return Row("provisioned without throughput data", Facts("generalPurpose", "provisioned", 100) with { PercentIOLimitP95 = 10, PercentIOLimitMax = 10 },
            EfsRecommendation.InsufficientData, "throughput utilization");
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Each_pattern_gets_its_recommendation_with_the_numbers(string pattern, EfsMetricsFacts facts, EfsRecommendation expected, string[] texts)
    {
        var decision = EfsPerformanceDecision.Decide(facts);
        Assert.True(expected == decision.Recommendation, $"{pattern}: {decision.Recommendation} ({string.Join(" | ", decision.Reasons)})");
        foreach (var text in texts)
            Assert.True(decision.Reasons.Any(r => r.Contains(text, StringComparison.Ordinal)), $"{pattern}: no reason says '{text}': {string.Join(" | ", decision.Reasons)}");
    }

    [Fact]
    public void A_metric_that_argues_decides_even_when_another_is_missing()
    {
        var decision = EfsPerformanceDecision.Decide(Facts("generalPurpose", "bursting") with { BurstCreditMin = 0, BurstCreditLast = 0 });
        Assert.Equal(EfsRecommendation.UseElasticThroughput, decision.Recommendation);
    }

    [Theory]
    [InlineData(new double[] { }, null)]
    [InlineData(new double[] { 7 }, 7d)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100 }, 19d)]
    [InlineData(new double[] { 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 99 }, 99d)]
    public void P95_is_the_nearest_rank_of_the_hourly_values(double[] values, double? expected) =>
        Assert.Equal(expected, MetricMath.Percentile(values, 95));

    [Fact]
    public void Slope_is_per_day_and_trend_follows_it()
    {
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var times = Enumerable.Range(0, 48).Select(h => start.AddHours(h)).ToList();
        var values = times.Select(t => 1000 - 240 * (t - start).TotalDays).ToList();
        Assert.Equal(-240, MetricMath.SlopePerDay(times, values)!.Value, 6);
        var facts = Facts("generalPurpose", "bursting") with { BurstCreditSlopePerDay = -240 };
        Assert.Equal(MetricTrend.Falling, facts.BurstCreditTrend(1000));
        Assert.Equal(MetricTrend.Steady, (facts with { BurstCreditSlopePerDay = -1 }).BurstCreditTrend(1000));
        Assert.Equal(MetricTrend.Rising, (facts with { BurstCreditSlopePerDay = 10 }).BurstCreditTrend(1000));
        Assert.Equal(MetricTrend.Unknown, (facts with { BurstCreditSlopePerDay = null }).BurstCreditTrend(1000));
    }

    private static object[] Row(string name, EfsMetricsFacts facts, EfsRecommendation expected, params string[] texts) => new object[] { name, facts, expected, texts };
}
