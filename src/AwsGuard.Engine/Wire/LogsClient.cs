using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The CloudWatch Logs operations AwsGuard uses. Paging stays with the caller (NextToken / NextForwardToken).</summary>
public interface ILogsClient
{
    Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancel);
    Task<FilterLogEventsResponse> FilterLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancel);
    Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancel);
    Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancel);
}

/// <summary>CloudWatch Logs over AWS JSON 1.1 (target prefix Logs_20140328). Times are epoch milliseconds, as the API defines them.</summary>
public sealed class LogsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ILogsClient
{
    internal const string ServiceId = "CloudWatch Logs";
    internal const string TargetPrefix = "Logs_20140328";
    private readonly WireEndpoint _endpoint = WireEndpoints.Logs(region, endpoint);

    public async Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancel)
    {
        JsonShape.Required(request.LogStreamName, "logStreamName", "GetLogEvents");
        return await Call("GetLogEvents", w =>
        {
            w.Opt("logGroupName", request.LogGroupName);
            w.Opt("logStreamName", request.LogStreamName);
            w.Opt("startTime", request.StartTime);
            w.Opt("endTime", request.EndTime);
            w.Opt("nextToken", request.NextToken);
            w.Opt("limit", request.Limit);
            w.Opt("startFromHead", request.StartFromHead);
        }, r => new GetLogEventsResponse
        {
            Events = r.Array("events").Select(e => new OutputLogEvent
            {
                Timestamp = e.Long("timestamp"),
                Message = e.Str("message"),
                IngestionTime = e.Long("ingestionTime"),
            }).ToList(),
            NextForwardToken = r.Str("nextForwardToken"),
        }, cancel).ConfigureAwait(false);
    }

    public async Task<FilterLogEventsResponse> FilterLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancel)
    {
        return await Call("FilterLogEvents", w =>
        {
            w.Opt("logGroupName", request.LogGroupName);
            w.Opt("logStreamNames", request.LogStreamNames);
            w.Opt("logStreamNamePrefix", request.LogStreamNamePrefix);
            w.Opt("startTime", request.StartTime);
            w.Opt("endTime", request.EndTime);
            w.Opt("filterPattern", request.FilterPattern);
            w.Opt("interleaved", request.Interleaved);
            w.Opt("nextToken", request.NextToken);
            w.Opt("limit", request.Limit);
        }, r => new FilterLogEventsResponse
        {
            Events = r.Array("events").Select(e => new FilteredLogEvent
            {
                LogStreamName = e.Str("logStreamName"),
                Timestamp = e.Long("timestamp"),
                Message = e.Str("message"),
                IngestionTime = e.Long("ingestionTime"),
                EventId = e.Str("eventId"),
            }).ToList(),
            NextToken = r.Str("nextToken"),
        }, cancel).ConfigureAwait(false);
    }

    public async Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancel)
    {
        return await Call("DescribeLogStreams", w =>
        {
            w.Opt("logGroupName", request.LogGroupName);
            w.Opt("logStreamNamePrefix", request.LogStreamNamePrefix);
            w.Opt("orderBy", request.OrderBy);
            w.Opt("nextToken", request.NextToken);
            w.Opt("limit", request.Limit);
        }, r => new DescribeLogStreamsResponse
        {
            LogStreams = r.Array("logStreams").Select(s => new LogStream
            {
                LogStreamName = s.Str("logStreamName"),
            }).ToList(),
            NextToken = r.Str("nextToken"),
        }, cancel).ConfigureAwait(false);
    }

    public async Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancel)
    {
        return await Call("DescribeLogGroups", w =>
        {
            w.Opt("logGroupNamePrefix", request.LogGroupNamePrefix);
            w.Opt("nextToken", request.NextToken);
            w.Opt("limit", request.Limit);
        }, r => new DescribeLogGroupsResponse
        {
            LogGroups = r.Array("logGroups").Select(g => new LogGroup
            {
                LogGroupName = g.Str("logGroupName"),
                CreationTime = g.Long("creationTime"),
            }).ToList(),
            NextToken = r.Str("nextToken"),
        }, cancel).ConfigureAwait(false);
    }

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "logs", _endpoint, TargetPrefix, operation, body, read, cancel);
}

public sealed class GetLogEventsRequest
{
    public string? LogGroupName { get; set; }
    public string? LogStreamName { get; set; }
    /// <summary>Epoch milliseconds.</summary>
    public long? StartTime { get; set; }
    /// <summary>Epoch milliseconds.</summary>
    public long? EndTime { get; set; }
    public string? NextToken { get; set; }
    public int? Limit { get; set; }
    public bool? StartFromHead { get; set; }
}

public sealed class GetLogEventsResponse
{
    public List<OutputLogEvent> Events { get; set; } = new();
    /// <summary>The same token again means the end of the stream was reached.</summary>
    public string? NextForwardToken { get; set; }
}

public sealed class OutputLogEvent
{
    /// <summary>Epoch milliseconds.</summary>
    public long? Timestamp { get; set; }
    public string? Message { get; set; }
    /// <summary>Epoch milliseconds.</summary>
    public long? IngestionTime { get; set; }
}

public sealed class FilterLogEventsRequest
{
    public string? LogGroupName { get; set; }
    public List<string>? LogStreamNames { get; set; }
    public string? LogStreamNamePrefix { get; set; }
    public long? StartTime { get; set; }
    public long? EndTime { get; set; }
    public string? FilterPattern { get; set; }
    /// <summary>Deprecated by AWS, which always interleaves now; moto still sorts across streams only when asked.</summary>
    public bool? Interleaved { get; set; }
    public string? NextToken { get; set; }
    public int? Limit { get; set; }
}

public sealed class FilterLogEventsResponse
{
    public List<FilteredLogEvent> Events { get; set; } = new();
    public string? NextToken { get; set; }
}

public sealed class FilteredLogEvent
{
    public string? LogStreamName { get; set; }
    public long? Timestamp { get; set; }
    public string? Message { get; set; }
    public long? IngestionTime { get; set; }
    public string? EventId { get; set; }
}

public sealed class DescribeLogStreamsRequest
{
    public string? LogGroupName { get; set; }
    public string? LogStreamNamePrefix { get; set; }
    /// <summary>"LogStreamName" or "LastEventTime".</summary>
    public string? OrderBy { get; set; }
    public string? NextToken { get; set; }
    /// <summary>1 to 50.</summary>
    public int? Limit { get; set; }
}

public sealed class DescribeLogStreamsResponse
{
    public List<LogStream> LogStreams { get; set; } = new();
    public string? NextToken { get; set; }
}

public sealed class LogStream
{
    public string? LogStreamName { get; set; }
}

public sealed class DescribeLogGroupsRequest
{
    public string? LogGroupNamePrefix { get; set; }
    public string? NextToken { get; set; }
    /// <summary>1 to 50.</summary>
    public int? Limit { get; set; }
}

public sealed class DescribeLogGroupsResponse
{
    public List<LogGroup> LogGroups { get; set; } = new();
    public string? NextToken { get; set; }
}

public sealed class LogGroup
{
    public string? LogGroupName { get; set; }
    public long? CreationTime { get; set; }
}
