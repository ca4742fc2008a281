using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The EventBridge operations AwsGuard uses, on the default event bus unless a bus is named.</summary>
public interface IEventBridgeClient
{
    /// <summary>Creates or replaces the rule; tags apply when it is created. Returns the rule's ARN.</summary>
    Task<string> PutRuleAsync(EventRuleRequest rule, CancellationToken cancel);

    /// <summary>The rule, or null when it does not exist.</summary>
    Task<EventRule?> DescribeRuleAsync(string name, string? eventBusName, CancellationToken cancel);

    /// <summary>Every target of the rule (all pages).</summary>
    Task<IReadOnlyList<EventTarget>> ListTargetsByRuleAsync(string rule, string? eventBusName, CancellationToken cancel);

    /// <summary>Adds or replaces targets by Id; a target EventBridge refuses is an error naming it.</summary>
    Task PutTargetsAsync(string rule, string? eventBusName, IEnumerable<EventTarget> targets, CancellationToken cancel);

    Task RemoveTargetsAsync(string rule, string? eventBusName, IEnumerable<string> ids, CancellationToken cancel);

    Task DeleteRuleAsync(string name, string? eventBusName, CancellationToken cancel);
}

/// <summary>EventBridge over AWS JSON 1.1 (target prefix AWSEvents, API 2015-10-07).</summary>
public sealed class EventBridgeClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IEventBridgeClient
{
    internal const string ServiceId = "EventBridge";
    internal const string TargetPrefix = "AWSEvents";
    private readonly WireEndpoint _endpoint = WireEndpoints.Events(region, endpoint);

    public Task<string> PutRuleAsync(EventRuleRequest rule, CancellationToken cancel) =>
        Call("PutRule", w =>
        {
            w.WriteString("Name", JsonShape.Required(rule.Name, "Name", "PutRule"));
            w.Opt("EventPattern", rule.EventPattern);
            w.Opt("State", rule.State);
            w.Opt("Description", rule.Description);
            w.Opt("EventBusName", rule.EventBusName);
            if (rule.Tags is { Count: > 0 }) WriteTags(w, rule.Tags);
        }, r => r.Str("RuleArn") ?? "", cancel);

    public async Task<EventRule?> DescribeRuleAsync(string name, string? eventBusName, CancellationToken cancel)
    {
        try
        {
            return await Call("DescribeRule", w =>
            {
                w.WriteString("Name", JsonShape.Required(name, "Name", "DescribeRule"));
                w.Opt("EventBusName", eventBusName);
            }, r => new EventRule(r.Str("Name") ?? name, r.Str("Arn") ?? "", r.Str("EventPattern"), r.Str("State"), r.Str("Description")), cancel).ConfigureAwait(false);
        }
        catch (WireServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<EventTarget>> ListTargetsByRuleAsync(string rule, string? eventBusName, CancellationToken cancel)
    {
        var targets = new List<EventTarget>();
        string? token = null;
        do
        {
            var (page, next) = await Call("ListTargetsByRule", w =>
            {
                w.WriteString("Rule", JsonShape.Required(rule, "Rule", "ListTargetsByRule"));
                w.Opt("EventBusName", eventBusName);
                w.Opt("NextToken", token);
            }, r => (r.Array("Targets").Select(ReadTarget).ToList(), r.Str("NextToken")), cancel).ConfigureAwait(false);
            targets.AddRange(page);
            token = next;
        } while (!string.IsNullOrEmpty(token));
        return targets;
    }

    public async Task PutTargetsAsync(string rule, string? eventBusName, IEnumerable<EventTarget> targets, CancellationToken cancel)
    {
        var failed = await Call("PutTargets", w =>
        {
            w.WriteString("Rule", JsonShape.Required(rule, "Rule", "PutTargets"));
            w.Opt("EventBusName", eventBusName);
            w.WriteStartArray("Targets");
            foreach (var target in targets) WriteTarget(w, target);
            w.WriteEndArray();
        }, ReadFailedEntries, cancel).ConfigureAwait(false);
        ThrowIfFailed("PutTargets", rule, failed);
    }

    public async Task RemoveTargetsAsync(string rule, string? eventBusName, IEnumerable<string> ids, CancellationToken cancel)
    {
        var failed = await Call("RemoveTargets", w =>
        {
            w.WriteString("Rule", JsonShape.Required(rule, "Rule", "RemoveTargets"));
            w.Opt("EventBusName", eventBusName);
            w.Opt("Ids", ids);
        }, ReadFailedEntries, cancel).ConfigureAwait(false);
        ThrowIfFailed("RemoveTargets", rule, failed);
    }

    public Task DeleteRuleAsync(string name, string? eventBusName, CancellationToken cancel) =>
        Call("DeleteRule", w =>
        {
            w.WriteString("Name", JsonShape.Required(name, "Name", "DeleteRule"));
            w.Opt("EventBusName", eventBusName);
        }, _ => true, cancel);

    private static void WriteTags(Utf8JsonWriter w, IReadOnlyDictionary<string, string> tags)
    {
        w.WriteStartArray("Tags");
        foreach (var tag in tags)
        {
            w.WriteStartObject();
            w.WriteString("Key", tag.Key);
            w.WriteString("Value", tag.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTarget(Utf8JsonWriter w, EventTarget target)
    {
        w.WriteStartObject();
        w.WriteString("Id", target.Id);
        w.WriteString("Arn", target.Arn);
        w.Opt("RoleArn", target.RoleArn);
        if (target.InputTransformer is { } transformer)
        {
            w.WriteStartObject("InputTransformer");
            w.WriteStartObject("InputPathsMap");
            foreach (var path in transformer.InputPathsMap) w.WriteString(path.Key, path.Value);
            w.WriteEndObject();
            w.WriteString("InputTemplate", transformer.InputTemplate);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static EventTarget ReadTarget(JsonElement t)
    {
        EventInputTransformer? transformer = null;
        if (t.TryGetProperty("InputTransformer", out var x) && x.ValueKind == JsonValueKind.Object)
        {
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            if (x.TryGetProperty("InputPathsMap", out var map) && map.ValueKind == JsonValueKind.Object)
                foreach (var p in map.EnumerateObject()) paths[p.Name] = p.Value.GetString() ?? "";
            transformer = new EventInputTransformer(paths, x.Str("InputTemplate") ?? "");
        }
        return new EventTarget(t.Str("Id") ?? "", t.Str("Arn") ?? "", t.Str("RoleArn"), transformer);
    }

    private static List<(string Id, string Message)> ReadFailedEntries(JsonElement r) =>
        r.Array("FailedEntries").Select(f => (f.Str("TargetId") ?? "", $"{f.Str("ErrorCode")}: {f.Str("ErrorMessage")}")).ToList();

    private static void ThrowIfFailed(string operation, string rule, List<(string Id, string Message)> failed)
    {
        if (failed.Count > 0)
            throw new AwsGuardException(ErrorKind.NotSpecified, operation + "Failed",
                $"EventBridge {operation} on rule '{rule}' failed for " + string.Join("; ", failed.Select(f => $"target '{f.Id}' ({f.Message})")) + ".", rule);
    }

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "events", _endpoint, TargetPrefix, operation, body, read, cancel);
}

/// <summary>What PutRule sends: a pattern rule (no schedule), ENABLED unless said otherwise.</summary>
public sealed class EventRuleRequest(string name, string eventPattern, string description, IReadOnlyDictionary<string, string>? tags,
    string state = "ENABLED", string? eventBusName = null)
{
    public string Name { get; } = name;
    public string EventPattern { get; } = eventPattern;
    public string State { get; } = state;
    public string Description { get; } = description;
    public IReadOnlyDictionary<string, string>? Tags { get; } = tags;
    public string? EventBusName { get; } = eventBusName;
}

public sealed class EventRule(string name, string arn, string? eventPattern, string? state, string? description)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public string? EventPattern { get; } = eventPattern;
    /// <summary>ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.</summary>
    public string? State { get; } = state;
    public string? Description { get; } = description;
}

public sealed class EventTarget(string id, string arn, string? roleArn, EventInputTransformer? inputTransformer)
{
    public string Id { get; } = id;
    public string Arn { get; } = arn;
    public string? RoleArn { get; } = roleArn;
    public EventInputTransformer? InputTransformer { get; } = inputTransformer;
}

public sealed class EventInputTransformer(IReadOnlyDictionary<string, string> inputPathsMap, string inputTemplate)
{
    public IReadOnlyDictionary<string, string> InputPathsMap { get; } = inputPathsMap;
    public string InputTemplate { get; } = inputTemplate;
}
