using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Guard;

/// <summary>One of the guard's roles as found: null members when it does not exist.</summary>
public sealed class GuardRoleFacts(string name, IamRole? role, string? policy, bool tagged)
{
    public string Name { get; } = name;
    public IamRole? Role { get; } = role;
    /// <summary>The inline policy <see cref="GuardBlueprint.RolePolicyName"/>; null when absent.</summary>
    public string? Policy { get; } = policy;
    public bool Tagged { get; } = tagged;
}

/// <summary>What a region holds of the guard, as read; <see cref="GuardCheck"/> judges it against the blueprint.</summary>
public sealed class GuardFacts
{
    public string Region { get; set; } = "";
    public string AccountId { get; set; } = "";
    public EventRule? Rule { get; set; }
    public IReadOnlyList<EventTarget> Targets { get; set; } = Array.Empty<EventTarget>();
    /// <summary>The topic the notification target names (or the one asked for); null when neither exists.</summary>
    public string? TopicArn { get; set; }
    /// <summary>The topic's attributes; null when it does not exist.</summary>
    public IReadOnlyDictionary<string, string>? TopicAttributes { get; set; }
    public bool TopicTagged { get; set; }
    public GuardRoleFacts? AutomationRole { get; set; }
    public GuardRoleFacts? EventsRole { get; set; }
    public IReadOnlyList<string> LoggingTrails { get; set; } = Array.Empty<string>();

    public EventTarget? Target(string id) => Targets.FirstOrDefault(t => t.Id == id);

    /// <summary>Anything of the remediation exists, so all of it is expected.</summary>
    public bool HasRemediation => Target(GuardBlueprint.RemediateTargetId) is not null || AutomationRole?.Role is not null || EventsRole?.Role is not null;

    /// <summary>Our statement in the topic's policy, or null.</summary>
    public JsonNode? TopicStatement => GuardCheck.Statement(TopicAttributes is { } a && a.TryGetValue("Policy", out var p) ? p : null, GuardBlueprint.TopicStatementId);
}

/// <summary>Judges a region's facts against the blueprint: pure, so Get and Install agree on what is missing.</summary>
public static class GuardCheck
{
    /// <summary>Each missing or altered piece, in words, in the order Install would set them up.</summary>
    public static IReadOnlyList<string> Missing(GuardFacts facts, GuardBlueprint blueprint, bool remediate)
    {
        var missing = new List<string>();
        if (facts.TopicAttributes is null) missing.Add($"topic {blueprint.TopicArn} missing");
        else if (!SameJson(facts.TopicStatement?.ToJsonString(), blueprint.TopicStatement()))
            missing.Add(facts.TopicStatement is null ? "topic policy lacks the EventBridge statement" : "topic policy changed");

        if (facts.Rule is null) missing.Add($"rule {GuardBlueprint.RuleName} missing");
        else
        {
            if (facts.Rule.State != "ENABLED") missing.Add("rule disabled");
            if (!SameJson(facts.Rule.EventPattern, GuardBlueprint.EventPattern())) missing.Add("rule pattern changed");
        }

        var notify = facts.Target(GuardBlueprint.NotifyTargetId);
        if (notify is null) missing.Add("notification target removed");
        else if (notify.Arn != blueprint.TopicArn || notify.RoleArn is not null || !SameTransformer(notify.InputTransformer, GuardBlueprint.Notification))
            missing.Add("notification target changed");

        if (!remediate) return missing;
        foreach (var (role, trust, policy) in new[]
        {
            (facts.AutomationRole, GuardBlueprint.AutomationTrust, blueprint.AutomationPolicy()),
            (facts.EventsRole, GuardBlueprint.EventsTrust, blueprint.EventsPolicy()),
        })
        {
            if (role?.Role is null) missing.Add($"role {role?.Name} missing");
            else
            {
                if (!SameJson(role.Role.AssumeRolePolicyDocument, trust)) missing.Add($"role {role.Name} trust policy changed");
                if (!SameJson(role.Policy, policy)) missing.Add($"role {role.Name} policy {(role.Policy is null ? "missing" : "changed")}");
            }
        }
        var fix = facts.Target(GuardBlueprint.RemediateTargetId);
        if (fix is null) missing.Add("remediation target removed");
        else if (fix.Arn != blueprint.DocumentTargetArn || fix.RoleArn != blueprint.EventsRoleArn || !SameTransformer(fix.InputTransformer, blueprint.Remediation))
            missing.Add("remediation target changed");
        return missing;
    }

    /// <summary>Nothing of the guard is in the region: no rule, no targets of ours, no roles of ours.</summary>
    public static bool NothingInstalled(GuardFacts facts) =>
        facts.Rule is null && facts.AutomationRole?.Role is null && facts.EventsRole?.Role is null;

    public static GuardStatus Status(GuardFacts facts, IReadOnlyList<string> missing) =>
        NothingInstalled(facts) ? GuardStatus.NotInstalled : missing.Count == 0 ? GuardStatus.Installed : GuardStatus.Partial;

    /// <summary>The statement with <paramref name="sid"/> in a policy, or null (also for a policy that is no JSON).</summary>
    public static JsonNode? Statement(string? policy, string sid) =>
        Statements(policy)?.FirstOrDefault(s => s is JsonObject o && o["Sid"]?.GetValueKind() == JsonValueKind.String && (string?)o["Sid"] == sid);

    /// <summary>The policy with the statement <paramref name="sid"/> replaced by <paramref name="statement"/> (or removed when null); others kept.</summary>
    public static string WithStatement(string? policy, string sid, string? statement)
    {
        var document = Parse(policy) as JsonObject ?? new JsonObject { ["Version"] = "2012-10-17" };
        var list = new JsonArray();
        foreach (var existing in Statements(document.ToJsonString()) ?? Enumerable.Empty<JsonNode?>())
            if (!(existing is JsonObject o && o["Sid"]?.GetValueKind() == JsonValueKind.String && (string?)o["Sid"] == sid))
                list.Add(existing?.DeepClone());
        if (statement is not null) list.Add(JsonNode.Parse(statement));
        document["Statement"] = list;
        return document.ToJsonString();
    }

    /// <summary>Two JSON texts mean the same (member order aside); a text that is no JSON equals nothing.</summary>
    public static bool SameJson(string? a, string? b) => Parse(a) is { } x && Parse(b) is { } y && JsonNode.DeepEquals(x, y);

    public static bool SameTransformer(EventInputTransformer? found, EventInputTransformer wanted) =>
        found is not null && found.InputTemplate == wanted.InputTemplate && found.InputPathsMap.Count == wanted.InputPathsMap.Count
        && wanted.InputPathsMap.All(p => found.InputPathsMap.TryGetValue(p.Key, out var v) && v == p.Value);

    private static IEnumerable<JsonNode?>? Statements(string? policy) => (Parse(policy) as JsonObject)?["Statement"] switch
    {
        JsonArray array => array,
        JsonObject single => new JsonNode?[] { single },
        _ => null,
    };

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonNode.Parse(json!);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
