using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The CloudWatch operations AwsGuard uses.</summary>
public interface ICloudWatchClient
{
    /// <summary>The alarms on one metric (DescribeAlarmsForMetric), with their dimensions.</summary>
    Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsForMetricAsync(string metricNamespace, string metricName,
        IReadOnlyDictionary<string, string> dimensions, CancellationToken cancel);
}

/// <summary>CloudWatch over the Query protocol (version 2010-08-01).</summary>
public sealed class CloudWatchClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ICloudWatchClient
{
    internal const string ServiceId = "CloudWatch";
    internal const string Version = "2010-08-01";
    private readonly WireEndpoint _endpoint = WireEndpoints.CloudWatch(region, endpoint);

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
}

public sealed class MetricAlarm(string alarmName, IReadOnlyDictionary<string, string> dimensions)
{
    public string AlarmName { get; } = alarmName;
    public IReadOnlyDictionary<string, string> Dimensions { get; } = dimensions;
}
