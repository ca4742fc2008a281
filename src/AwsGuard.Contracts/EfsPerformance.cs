namespace AwsGuard;

/// <summary>What Get-EfsPerformance recommends for one EFS file system.</summary>
public enum EfsRecommendation
{
    /// <summary>Nothing in the metrics argues for a change.</summary>
    Keep,

    /// <summary>Max I/O: move to a new General Purpose file system with Elastic throughput (the mode cannot be changed in place).</summary>
    MigrateToGeneralPurpose,

    /// <summary>Burst credits run out (or trend there), or General Purpose is pinned at its I/O limit on Bursting or Provisioned throughput.</summary>
    UseElasticThroughput,

    /// <summary>Provisioned throughput well above the peak use (or Elastic for a spiky load).</summary>
    ReduceProvisionedThroughput,

    /// <summary>A metric the decision needs has no datapoints in the window: no guess is made.</summary>
    InsufficientData,
}

/// <summary>Which way a metric went over the window (least-squares slope of its per-hour values).</summary>
public enum MetricTrend
{
    Unknown,
    Falling,
    Steady,
    Rising,
}

/// <summary>One EFS file system's modes, its own CloudWatch numbers over the window, and the recommendation they support.</summary>
public sealed class EfsPerformance
{
    public string FileSystemId { get; set; } = "";

    /// <summary>The Name tag; null when the file system has none.</summary>
    public string? Name { get; set; }

    public string Region { get; set; } = "";

    /// <summary>The account that owns the file system (DescribeFileSystems OwnerId).</summary>
    public string AccountId { get; set; } = "";

    /// <summary>generalPurpose or maxIO, as EFS spells it.</summary>
    public string? PerformanceMode { get; set; }

    /// <summary>bursting, provisioned or elastic, as EFS spells it.</summary>
    public string? ThroughputMode { get; set; }

    /// <summary>What Provisioned throughput pays for; null in the other modes.</summary>
    public double? ProvisionedThroughputMibps { get; set; }

    public int MountTargets { get; set; }

    /// <summary>The days of metrics read (-Days).</summary>
    public int Days { get; set; }

    /// <summary>The highest ClientConnections datapoint in the window.</summary>
    public double? PeakClientConnections { get; set; }

    /// <summary>The highest PercentIOLimit (General Purpose only).</summary>
    public double? PercentIOLimitMax { get; set; }

    /// <summary>The 95th percentile of the hourly PercentIOLimit maxima, computed by AwsGuard from them.</summary>
    public double? PercentIOLimitP95 { get; set; }

    /// <summary>The lowest BurstCreditBalance, in bytes.</summary>
    public double? BurstCreditBalanceMin { get; set; }

    /// <summary>Which way BurstCreditBalance went over the window.</summary>
    public MetricTrend BurstCreditBalanceTrend { get; set; }

    /// <summary>The highest hourly throughput use, in percent of the permitted throughput.</summary>
    public double? PeakThroughputUtilization { get; set; }

    public EfsRecommendation Recommendation { get; set; }

    /// <summary>Why, each with the numbers behind it; as text (Export-Csv) joined by "; ".</summary>
    public JoinedList<string> Reasons { get; set; } = new string[0];

    public override string ToString() => FileSystemId;
}
