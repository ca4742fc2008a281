using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The CloudTrail operations AwsGuard uses.</summary>
public interface ICloudTrailClient
{
    /// <summary>The trails that log the region: its own and the multi-region trails of other home regions (shadow trails).</summary>
    Task<IReadOnlyList<TrailInfo>> DescribeTrailsAsync(CancellationToken cancel);

    /// <summary>The trail's basic or advanced event selectors (a trail has one kind or the other); ask in its home region.</summary>
    Task<TrailSelectors> GetEventSelectorsAsync(string trail, CancellationToken cancel);

    /// <summary>Replaces the trail's selectors with <paramref name="selectors"/> (basic or advanced, never both).</summary>
    Task PutEventSelectorsAsync(string trail, TrailSelectors selectors, CancellationToken cancel);
}

/// <summary>CloudTrail over AWS JSON 1.1 (target prefix com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101).</summary>
public sealed class CloudTrailClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ICloudTrailClient
{
    internal const string ServiceId = "CloudTrail";
    internal const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
    private readonly WireEndpoint _endpoint = WireEndpoints.CloudTrail(region, endpoint);

    public Task<IReadOnlyList<TrailInfo>> DescribeTrailsAsync(CancellationToken cancel) =>
        Call<IReadOnlyList<TrailInfo>>("DescribeTrails", w => w.WriteBoolean("includeShadowTrails", true), r => r.Array("trailList").Select(t => new TrailInfo(t.Str("Name") ?? "", t.Str("TrailARN") ?? "", t.Str("HomeRegion") ?? "",
            t.Bool("IsMultiRegionTrail") ?? false)).ToList(), cancel);

    public Task<TrailSelectors> GetEventSelectorsAsync(string trail, CancellationToken cancel) =>
        Call("GetEventSelectors", w => w.WriteString("TrailName", JsonShape.Required(trail, "TrailName", "GetEventSelectors")), ReadSelectors, cancel);

    public Task PutEventSelectorsAsync(string trail, TrailSelectors selectors, CancellationToken cancel) =>
        Call("PutEventSelectors", w =>
        {
            w.WriteString("TrailName", JsonShape.Required(trail, "TrailName", "PutEventSelectors"));
            if (selectors.Advanced.Count > 0)
            {
                w.WriteStartArray("AdvancedEventSelectors");
                foreach (var selector in selectors.Advanced) WriteAdvanced(w, selector);
                w.WriteEndArray();
            }
            else
            {
                w.WriteStartArray("EventSelectors");
                foreach (var selector in selectors.Basic) WriteBasic(w, selector);
                w.WriteEndArray();
            }
        }, _ => true, cancel);

    private static TrailSelectors ReadSelectors(JsonElement r) => new(
        r.Array("EventSelectors").Select(s => new BasicEventSelector(
            s.Str("ReadWriteType") ?? "All",
            s.Bool("IncludeManagementEvents") ?? true,
            s.Array("DataResources").Select(d => new DataResource(d.Str("Type") ?? "", d.Array("Values").Select(v => v.GetString() ?? "").ToList())).ToList(),
            s.Array("ExcludeManagementEventSources").Select(v => v.GetString() ?? "").ToList())).ToList(),
        r.Array("AdvancedEventSelectors").Select(s => new AdvancedEventSelector(s.Str("Name"),
            s.Array("FieldSelectors").Select(f => new FieldSelector(f.Str("Field") ?? "",
                Values(f, "Equals"), Values(f, "StartsWith"), Values(f, "EndsWith"),
                Values(f, "NotEquals"), Values(f, "NotStartsWith"), Values(f, "NotEndsWith"))).ToList())).ToList());

    private static List<string> Values(JsonElement e, string name) => e.Array(name).Select(v => v.GetString() ?? "").ToList();

    private static void WriteBasic(Utf8JsonWriter w, BasicEventSelector s)
    {
        w.WriteStartObject();
        w.WriteString("ReadWriteType", s.ReadWriteType);
        w.WriteBoolean("IncludeManagementEvents", s.IncludeManagementEvents);
        w.WriteStartArray("DataResources");
        foreach (var d in s.DataResources)
        {
            w.WriteStartObject();
            w.WriteString("Type", d.Type);
            w.Opt("Values", d.Values);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.ExcludeManagementEventSources.Count > 0) w.Opt("ExcludeManagementEventSources", s.ExcludeManagementEventSources);
        w.WriteEndObject();
    }

    private static void WriteAdvanced(Utf8JsonWriter w, AdvancedEventSelector s)
    {
        w.WriteStartObject();
        w.Opt("Name", s.Name);
        w.WriteStartArray("FieldSelectors");
        foreach (var f in s.FieldSelectors)
        {
            w.WriteStartObject();
            w.WriteString("Field", f.Field);
            foreach (var (name, values) in new[] { ("Equals", f.EqualsTo), ("StartsWith", f.StartsWith), ("EndsWith", f.EndsWith),
                ("NotEquals", f.NotEquals), ("NotStartsWith", f.NotStartsWith), ("NotEndsWith", f.NotEndsWith) })
                if (values.Count > 0) w.Opt(name, values);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "cloudtrail", _endpoint, TargetPrefix, operation, body, read, cancel);
}

public sealed class TrailInfo(string name, string arn, string homeRegion, bool isMultiRegion)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public string HomeRegion { get; } = homeRegion;
    public bool IsMultiRegion { get; } = isMultiRegion;
}

/// <summary>A trail's selectors: basic or advanced (CloudTrail refuses both at once).</summary>
public sealed class TrailSelectors(IReadOnlyList<BasicEventSelector> basic, IReadOnlyList<AdvancedEventSelector> advanced)
{
    public IReadOnlyList<BasicEventSelector> Basic { get; } = basic;
    public IReadOnlyList<AdvancedEventSelector> Advanced { get; } = advanced;
}

public sealed class BasicEventSelector(string readWriteType, bool includeManagementEvents, IReadOnlyList<DataResource> dataResources,
    IReadOnlyList<string> excludeManagementEventSources)
{
    /// <summary>ReadOnly, WriteOnly or All.</summary>
    public string ReadWriteType { get; } = readWriteType;
    public bool IncludeManagementEvents { get; } = includeManagementEvents;
    public IReadOnlyList<DataResource> DataResources { get; } = dataResources;
    public IReadOnlyList<string> ExcludeManagementEventSources { get; } = excludeManagementEventSources;
}

public sealed class DataResource(string type, IReadOnlyList<string> values)
{
    /// <summary>AWS::S3::Object, AWS::Lambda::Function, ...</summary>
    public string Type { get; } = type;
    /// <summary>For S3: "arn:aws:s3" (every bucket), "arn:aws:s3:::bucket/" or "arn:aws:s3:::bucket/prefix".</summary>
    public IReadOnlyList<string> Values { get; } = values;
}

public sealed class AdvancedEventSelector(string? name, IReadOnlyList<FieldSelector> fieldSelectors)
{
    public string? Name { get; } = name;
    public IReadOnlyList<FieldSelector> FieldSelectors { get; } = fieldSelectors;
}

public sealed class FieldSelector(string field, IReadOnlyList<string> equalsTo, IReadOnlyList<string> startsWith, IReadOnlyList<string> endsWith,
    IReadOnlyList<string> notEquals, IReadOnlyList<string> notStartsWith, IReadOnlyList<string> notEndsWith)
{
    public string Field { get; } = field;
    /// <summary>The "Equals" list (renamed: a property named Equals would hide object.Equals).</summary>
    public IReadOnlyList<string> EqualsTo { get; } = equalsTo;
    public IReadOnlyList<string> StartsWith { get; } = startsWith;
    public IReadOnlyList<string> EndsWith { get; } = endsWith;
    public IReadOnlyList<string> NotEquals { get; } = notEquals;
    public IReadOnlyList<string> NotStartsWith { get; } = notStartsWith;
    public IReadOnlyList<string> NotEndsWith { get; } = notEndsWith;
}
