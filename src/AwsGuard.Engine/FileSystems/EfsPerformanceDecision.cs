using System;
using System.Collections.Generic;
using System.Globalization;

namespace AwsGuard.Engine.FileSystems;

/// <summary>The recommendation and its reasons, each reason with the numbers behind it.</summary>
public sealed class EfsDecision(EfsRecommendation recommendation, IReadOnlyList<string> reasons)
{
    public EfsRecommendation Recommendation { get; } = recommendation;
    public IReadOnlyList<string> Reasons { get; } = reasons;
}

/// <summary>
/// Decides whether a file system is in the right modes for its clients, from its own metrics (AWS's current guidance,
/// https://docs.aws.amazon.com/efs/latest/ug/performance.html). In this order:
/// <list type="bullet">
/// <item>Max I/O: MigrateToGeneralPurpose. General Purpose has lower per-operation latency, Max I/O cannot use Elastic
/// throughput or One Zone storage, and the mode cannot be changed in place (new file system, then a copy).</item>
/// <item>General Purpose on Bursting or Provisioned whose hourly PercentIOLimit peaks are at 95% or more at the 95th
/// percentile: UseElasticThroughput (pinned at the I/O limit).</item>
/// <item>Bursting whose BurstCreditBalance fell under 1 GiB, or whose fitted line reaches zero within another window:
/// UseElasticThroughput.</item>
/// <item>Provisioned whose busiest hour used under 50% of the permitted throughput: ReduceProvisionedThroughput, with the
/// value that covers the peak with 25% headroom, and Elastic as the alternative when the busiest hour is 5 times the mean.</item>
/// <item>Keep only when every metric the modes need had datapoints; else InsufficientData, naming what is missing. Many
/// clients alone never argue for Max I/O.</item>
/// </list>
/// </summary>
public static class EfsPerformanceDecision
{
    public const double PinnedPercentIOLimit = 95;
    public const double EmptyCreditBytes = 1024d * 1024 * 1024;
    public const double UnderusedPeakPercent = 50;
    public const double Headroom = 1.25;
    public const double SpikyPeakToMean = 5;

    public static EfsDecision Decide(EfsMetricsFacts f)
    {
        var reasons = new List<string>();
        if (f.IsMaxIo)
        {
            reasons.Add("Performance mode is Max I/O: it has higher per-operation latency than General Purpose, cannot use Elastic " +
                        "throughput or One Zone storage, and cannot be changed in place. Create a General Purpose file system with " +
                        "Elastic throughput and copy the data with AWS DataSync (or restore an AWS Backup recovery point into it).");
            AddClients(f, reasons);
            return new EfsDecision(EfsRecommendation.MigrateToGeneralPurpose, reasons);
        }

        var missing = new List<string>();
        if (f.IsGeneralPurpose && !f.IsElastic && f.PercentIOLimitP95 is null) missing.Add("PercentIOLimit");
        if (f.IsBursting && f.BurstCreditMin is null) missing.Add("BurstCreditBalance");
        if ((f.IsProvisioned || f.IsElastic) && f.PeakUtilization is null) missing.Add("throughput utilization");

        if (f.IsGeneralPurpose && (f.IsBursting || f.IsProvisioned) && f.PercentIOLimitP95 >= PinnedPercentIOLimit)
        {
            reasons.Add($"PercentIOLimit is pinned: {Pct(f.PercentIOLimitP95)} at the 95th percentile of hourly peaks " +
                        $"(maximum {Pct(f.PercentIOLimitMax)}) over {f.Days} days. Elastic throughput lifts General Purpose's I/O limit.");
            AddClients(f, reasons);
            return new EfsDecision(EfsRecommendation.UseElasticThroughput, reasons);
        }

        if (f.IsBursting && f.BurstCreditMin is { } min)
        {
            if (min < EmptyCreditBytes)
            {
                reasons.Add($"Burst credits ran out: BurstCreditBalance fell to {Bytes(min)} over {f.Days} days; " +
                            "throughput then drops to the baseline. Elastic throughput has no credits to run out.");
                return new EfsDecision(EfsRecommendation.UseElasticThroughput, reasons);
            }
            if (f.BurstCreditSlopePerDay is < 0 and var slope && f.BurstCreditLast is { } last && last + slope * f.Days <= 0)
            {
                reasons.Add($"Burst credits are draining: BurstCreditBalance falls by {Bytes(-slope)} a day (now {Bytes(last)}, " +
                            $"lowest {Bytes(min)}); at this rate it is empty in {Number(last / -slope)} days. Elastic throughput has no credits to run out.");
                return new EfsDecision(EfsRecommendation.UseElasticThroughput, reasons);
            }
        }

        if (f.IsProvisioned && f.PeakUtilization is { } peak && peak < UnderusedPeakPercent && f.ProvisionedMibps is { } paid)
        {
            var used = paid * peak / 100;
            var enough = Math.Max(1, Math.Ceiling(used * Headroom));
            reasons.Add($"Provisioned throughput is mostly unused: the busiest hour used {Pct(peak)} of the permitted throughput " +
                        $"(about {Number(used)} of {Number(paid)} MiB/s paid for, {Number(paid - used)} MiB/s never used). " +
                        $"{Number(enough)} MiB/s covers that peak with 25% headroom.");
            if (f.MeanUtilization is > 0 and var mean && peak / mean >= SpikyPeakToMean)
                reasons.Add($"The load is spiky (busiest hour {Pct(peak)}, mean hour {Pct(mean)}): Elastic throughput, paid per use, may cost less.");
            return new EfsDecision(EfsRecommendation.ReduceProvisionedThroughput, reasons);
        }

        if (missing.Count > 0)
        {
            reasons.Add($"No datapoints of {string.Join(", ", missing)} in the last {f.Days} days: nothing is recommended without them.");
            return new EfsDecision(EfsRecommendation.InsufficientData, reasons);
        }

        if (f.PercentIOLimitP95 is not null)
            reasons.Add($"PercentIOLimit {Pct(f.PercentIOLimitP95)} at the 95th percentile of hourly peaks (maximum {Pct(f.PercentIOLimitMax)}).");
        if (f.BurstCreditMin is { } lowest)
            reasons.Add($"BurstCreditBalance never fell under {Bytes(lowest)}.");
        if (f.PeakUtilization is { } busiest)
            reasons.Add($"The busiest hour used {Pct(busiest)} of the permitted throughput.");
        AddClients(f, reasons);
        return new EfsDecision(EfsRecommendation.Keep, reasons);
    }

    private static void AddClients(EfsMetricsFacts f, List<string> reasons)
    {
        if (f.PeakClientConnections is { } clients)
            reasons.Add($"At most {Number(clients)} client connections: the number of clients alone is no reason for Max I/O.");
    }

    private static string Pct(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Bytes in binary units, as EFS's console shows credits (2.1 TiB).</summary>
    public static string Bytes(double bytes)
    {
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return bytes.ToString(unit == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
