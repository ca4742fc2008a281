using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The CloudWatch operations AwsGuard uses. Paging stays with the caller (NextToken).</summary>
public interface ICloudWatchClient
{
    /// <summary>One page of GetMetricData (at most <see cref="CloudWatchClient.MaxQueriesPerCall"/> queries).</summary>
    Task<MetricDataPage> GetMetricDataAsync(MetricDataRequest request, CancellationToken cancel);

    /// <summary>The alarms on one metric (DescribeAlarmsForMetric), with their dimensions.</summary>
    Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsForMetricAsync(string metricNamespace, string metricName,
        IReadOnlyDictionary<string, string> dimensions, CancellationToken cancel);
}

/// <summary>CloudWatch over the Query protocol (version 2010-08-01), signed as "monitoring".</summary>
public sealed class CloudWatchClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ICloudWatchClient
{
    internal const string ServiceId = "CloudWatch";
    internal const string Version = "2010-08-01";

    /// <summary>GetMetricData takes up to 500 MetricDataQuery structures per call.</summary>
    public const int MaxQueriesPerCall = 500;

    private readonly WireEndpoint _endpoint = WireEndpoints.CloudWatch(region, endpoint);

    public async Task<MetricDataPage> GetMetricDataAsync(MetricDataRequest request, CancellationToken cancel)
    {
        if (request.Queries.Count is 0 or > MaxQueriesPerCall)
            throw new ArgumentOutOfRangeException(nameof(request), $"GetMetricData takes 1 to {MaxQueriesPerCall} queries, not {request.Queries.Count}.");
        var r = await QueryProtocol.InvokeAsync(Context, ServiceId, "monitoring", _endpoint, "GetMetricData", Version, Parameters(request), cancel).ConfigureAwait(false);
        return new MetricDataPage
        {
            Results = r.Child("MetricDataResults").Children("member").Select(ReadResult).ToList(),
            NextToken = r.Text("NextToken"),
        };
    }

    public async Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsForMetricAsync(string metricNamespace, string metricName,
        IReadOnlyDictionary<string, string> dimensions, CancellationToken cancel)
    {
        var parameters = new List<(string, string?)>
        {
            ("Namespace", JsonShape.Required(metricNamespace, "Namespace", "DescribeAlarmsForMetric")),
            ("MetricName", JsonShape.Required(metricName, "MetricName", "DescribeAlarmsForMetric")),
        };
        var n = 0;
        foreach (var dimension in dimensions)
        {
            n++;
            parameters.Add(($"Dimensions.member.{n}.Name", dimension.Key));
            parameters.Add(($"Dimensions.member.{n}.Value", dimension.Value));
        }
        var r = await Call("DescribeAlarmsForMetric", cancel, parameters.ToArray()).ConfigureAwait(false);
        return r.Child("MetricAlarms").Children("member").Select(a => new MetricAlarm(a.Text("AlarmName") ?? "",
            a.Child("Dimensions").Children("member").ToDictionary(d => d.Text("Name") ?? "", d => d.Text("Value") ?? ""))).ToList();
    }

    private Task<XElement> Call(string operation, CancellationToken cancel, params (string Name, string? Value)[] parameters) =>
        QueryProtocol.InvokeAsync(Context, ServiceId, "monitoring", _endpoint, operation, Version,
            parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)), cancel);

    /// <summary>The form members in botocore's order (the shape's member order), so the body is byte-identical to the AWS CLI's.</summary>
    internal static List<KeyValuePair<string, string?>> Parameters(MetricDataRequest request)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        for (var i = 0; i < request.Queries.Count; i++)
        {
            var query = request.Queries[i];
            var prefix = $"MetricDataQueries.member.{i + 1}.";
            parameters.Add(new(prefix + "Id", query.Id));
            parameters.Add(new(prefix + "MetricStat.Metric.Namespace", query.Namespace));
            parameters.Add(new(prefix + "MetricStat.Metric.MetricName", query.MetricName));
            var d = 0;
            foreach (var dimension in query.Dimensions)
            {
                d++;
                parameters.Add(new($"{prefix}MetricStat.Metric.Dimensions.member.{d}.Name", dimension.Key));
                parameters.Add(new($"{prefix}MetricStat.Metric.Dimensions.member.{d}.Value", dimension.Value));
            }
            parameters.Add(new(prefix + "MetricStat.Period", query.PeriodSeconds.ToString(CultureInfo.InvariantCulture)));
            parameters.Add(new(prefix + "MetricStat.Stat", query.Stat));
        }
        parameters.Add(new("StartTime", Iso(request.StartTime)));
        parameters.Add(new("EndTime", Iso(request.EndTime)));
        parameters.Add(new("NextToken", request.NextToken));
        parameters.Add(new("ScanBy", "TimestampAscending"));
        return parameters;
    }

    private static MetricDataResult ReadResult(XElement e) => new()
    {
        Id = e.Text("Id"),
        StatusCode = e.Text("StatusCode"),
        Timestamps = e.Child("Timestamps").Children("member").Select(t => DateTime.Parse(t.Value, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)).ToList(),
        Values = e.Child("Values").Children("member").Select(v => double.Parse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList(),
    };

    private static string Iso(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One GetMetricData call's worth: MetricStat queries over one time range, ascending timestamps.</summary>
public sealed class MetricDataRequest
{
    public List<MetricQuery> Queries { get; set; } = new();
    public DateTime StartTime { get; set; }
    public DateTime EndTime { get; set; }
    public string? NextToken { get; set; }
}

/// <summary>A MetricStat query: one metric with its dimensions, one statistic per period.</summary>
public sealed class MetricQuery
{
    /// <summary>Starts with a lower-case letter; letters, digits and underscores.</summary>
    public string Id { get; set; } = "";
    public string Namespace { get; set; } = "";
    public string MetricName { get; set; } = "";
    public List<KeyValuePair<string, string>> Dimensions { get; set; } = new();
    public int PeriodSeconds { get; set; }
    /// <summary>Average, Minimum, Maximum, Sum, SampleCount.</summary>
    public string Stat { get; set; } = "";
}

public sealed class MetricDataPage
{
    public List<MetricDataResult> Results { get; set; } = new();
    public string? NextToken { get; set; }
}

/// <summary>One query's datapoints on one page; a query's datapoints may continue on the next page under the same Id.</summary>
public sealed class MetricDataResult
{
    public string? Id { get; set; }
    /// <summary>Complete, PartialData, InternalError, Forbidden.</summary>
    public string? StatusCode { get; set; }
    public List<DateTime> Timestamps { get; set; } = new();
    public List<double> Values { get; set; } = new();
}

public sealed class MetricAlarm(string alarmName, IReadOnlyDictionary<string, string> dimensions)
{
    public string AlarmName { get; } = alarmName;
    public IReadOnlyDictionary<string, string> Dimensions { get; } = dimensions;
}
