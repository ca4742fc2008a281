using System;
using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.FileSystems;

/// <summary>
/// What <see cref="EfsPerformanceDecision"/> decides on: one file system's modes and its own CloudWatch numbers over the
/// window, each null when the metric had no datapoints.
/// </summary>
public sealed record EfsMetricsFacts
{
    /// <summary>generalPurpose or maxIO.</summary>
    public string? PerformanceMode { get; set; }

    /// <summary>bursting, provisioned or elastic.</summary>
    public string? ThroughputMode { get; set; }

    public double? ProvisionedMibps { get; set; }

    /// <summary>The window, in days.</summary>
    public int Days { get; set; }

    public double? PercentIOLimitMax { get; set; }
    public double? PercentIOLimitP95 { get; set; }

    /// <summary>BurstCreditBalance, bytes: the lowest and the last hourly minimum, and the least-squares slope in bytes per day.</summary>
    public double? BurstCreditMin { get; set; }
    public double? BurstCreditLast { get; set; }
    public double? BurstCreditSlopePerDay { get; set; }

    /// <summary>Throughput use in percent of the permitted throughput: the busiest hour and the mean hour.</summary>
    public double? PeakUtilization { get; set; }
    public double? MeanUtilization { get; set; }

    public double? PeakClientConnections { get; set; }

    public bool IsGeneralPurpose => string.Equals(PerformanceMode, "generalPurpose", StringComparison.OrdinalIgnoreCase);
    public bool IsMaxIo => string.Equals(PerformanceMode, "maxIO", StringComparison.OrdinalIgnoreCase);
    public bool IsBursting => string.Equals(ThroughputMode, "bursting", StringComparison.OrdinalIgnoreCase);
    public bool IsProvisioned => string.Equals(ThroughputMode, "provisioned", StringComparison.OrdinalIgnoreCase);
    public bool IsElastic => string.Equals(ThroughputMode, "elastic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Falling or Rising when the fitted line moves more than 5% of the highest balance over the window.</summary>
    public MetricTrend BurstCreditTrend(double? highest) =>
        BurstCreditSlopePerDay is not { } slope || highest is not > 0 ? MetricTrend.Unknown
        : slope * Days < -0.05 * highest.Value ? MetricTrend.Falling
        : slope * Days > 0.05 * highest.Value ? MetricTrend.Rising
        : MetricTrend.Steady;
}

/// <summary>The numbers AwsGuard computes from a metric's per-period datapoints (CloudWatch's percentiles are not asked for).</summary>
public static class MetricMath
{
    public static double? Max(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Max();

    public static double? Min(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Min();

    public static double? Mean(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Average();

    /// <summary>The nearest-rank percentile (p in 0..100) of the values.</summary>
    public static double? Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return null;
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Min(Math.Max(rank, 1), sorted.Length) - 1];
    }

    /// <summary>The least-squares slope of the values over time, per day; null for fewer than two points.</summary>
    public static double? SlopePerDay(IReadOnlyList<DateTime> times, IReadOnlyList<double> values)
    {
        if (times.Count < 2 || times.Count != values.Count) return null;
        var origin = times[0];
        var days = times.Select(t => (t - origin).TotalDays).ToArray();
        var meanX = days.Average();
        var meanY = values.Average();
        double num = 0, den = 0;
        for (var i = 0; i < days.Length; i++)
        {
            num += (days[i] - meanX) * (values[i] - meanY);
            den += (days[i] - meanX) * (days[i] - meanX);
        }
        return den == 0 ? null : num / den;
    }
}
