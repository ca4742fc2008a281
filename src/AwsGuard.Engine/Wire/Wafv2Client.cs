using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The AWS WAF (v2) operations AwsGuard uses.</summary>
public interface IWafv2Client
{
    /// <summary>The web ACL associated with a regional resource; null when none.</summary>
    Task<WebAcl?> GetWebAclForResourceAsync(string resourceArn, CancellationToken cancel);

    Task<WebAcl> GetWebAclAsync(string name, string scope, string id, CancellationToken cancel);

    /// <summary>Whether the web ACL has a logging configuration (WAFNonexistentItemException: none).</summary>
    Task<bool> HasLoggingAsync(string webAclArn, CancellationToken cancel);
}

/// <summary>AWS WAF (v2) over AWS JSON 1.1 (target prefix AWSWAF_20190729); CLOUDFRONT-scope calls go to us-east-1.</summary>
public sealed class Wafv2Client(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IWafv2Client
{
    internal const string ServiceId = "WAFV2";
    internal const string TargetPrefix = "AWSWAF_20190729";
    private readonly WireEndpoint _endpoint = WireEndpoints.Wafv2(region, endpoint);

    public Task<WebAcl?> GetWebAclForResourceAsync(string resourceArn, CancellationToken cancel) =>
        Call("GetWebACLForResource", w => w.WriteString("ResourceArn", JsonShape.Required(resourceArn, "ResourceArn", "GetWebACLForResource")),
            r => r.TryGetProperty("WebACL", out var acl) && acl.ValueKind == JsonValueKind.Object ? ReadWebAcl(acl) : null, cancel);

    public Task<WebAcl> GetWebAclAsync(string name, string scope, string id, CancellationToken cancel) =>
        Call("GetWebACL", w =>
        {
            w.WriteString("Name", JsonShape.Required(name, "Name", "GetWebACL"));
            w.WriteString("Scope", scope);
            w.WriteString("Id", JsonShape.Required(id, "Id", "GetWebACL"));
        }, r => ReadWebAcl(r.GetProperty("WebACL")), cancel);

    public async Task<bool> HasLoggingAsync(string webAclArn, CancellationToken cancel)
    {
        try
        {
            return await Call("GetLoggingConfiguration", w => w.WriteString("ResourceArn", webAclArn),
                r => r.TryGetProperty("LoggingConfiguration", out var c) && c.Array("LogDestinationConfigs").Any(), cancel).ConfigureAwait(false);
        }
        catch (WireServiceException e) when (e.ErrorCode == "WAFNonexistentItemException")
        {
            return false;
        }
    }

    /// <summary>A web ACL's rules, as far as AwsGuard judges them (botocore's WebACL, Rule and Statement shapes).</summary>
    internal static WebAcl ReadWebAcl(JsonElement acl) =>
        new(acl.Str("ARN") ?? "", acl.Str("Name") ?? "", acl.Array("Rules").Select(ReadRule).ToList());

    private static WafRule ReadRule(JsonElement rule)
    {
        var statement = rule.TryGetProperty("Statement", out var s) ? s : default;
        var group = statement.ValueKind == JsonValueKind.Object && statement.TryGetProperty("ManagedRuleGroupStatement", out var g) ? g : default;
        // Per-rule overrides inside a managed group: RuleActionOverrides, and the older ExcludedRules (which count).
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var excluded in group.Array("ExcludedRules")) overrides[excluded.Str("Name") ?? ""] = "Count";
        foreach (var o in group.Array("RuleActionOverrides")) overrides[o.Str("Name") ?? ""] = ActionOf(o, "ActionToUse") ?? "";
        return new WafRule(rule.Str("Name") ?? "", ActionOf(rule, "Action"), ActionOf(rule, "OverrideAction"),
            statement.ValueKind == JsonValueKind.Object && statement.TryGetProperty("RateBasedStatement", out var rate) ? rate.Long("Limit") : null,
            group.ValueKind == JsonValueKind.Object ? group.Str("VendorName") + "/" + group.Str("Name") : null, overrides,
            Contains(statement, "SqliMatchStatement"), Contains(statement, "XssMatchStatement"));
    }

    /// <summary>{"Block": {}} as "Block": the one member name of an action object.</summary>
    private static string? ActionOf(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var action) && action.ValueKind == JsonValueKind.Object
            ? action.EnumerateObject().Select(p => p.Name).FirstOrDefault()
            : null;

    /// <summary>Whether the statement is, or And/Or-combines, a statement of that kind (a negated one does not count).</summary>
    private static bool Contains(JsonElement statement, string kind)
    {
        if (statement.ValueKind != JsonValueKind.Object) return false;
        if (statement.TryGetProperty(kind, out _)) return true;
        return new[] { "AndStatement", "OrStatement" }.Any(combined =>
            statement.TryGetProperty(combined, out var c) && c.Array("Statements").Any(inner => Contains(inner, kind)));
    }

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "wafv2", _endpoint, TargetPrefix, operation, body, read, cancel);
}

public sealed class WebAcl(string arn, string name, IReadOnlyList<WafRule> rules)
{
    public string Arn { get; } = arn;
    public string Name { get; } = name;
    public IReadOnlyList<WafRule> Rules { get; } = rules;
}

/// <summary>
/// One rule of a web ACL: its Action (Block, Count, Allow, Captcha, Challenge) or, for a rule group, its OverrideAction
/// (None or Count); the rate-based limit; the managed group as "Vendor/Name" with per-rule action overrides; and
/// whether its statement matches SQL injection or cross-site scripting itself.
/// </summary>
public sealed class WafRule(string name, string? action, string? overrideAction, long? rateLimit, string? managedGroup,
    IReadOnlyDictionary<string, string> ruleOverrides, bool matchesSqli, bool matchesXss)
{
    public string Name { get; } = name;
    public string? Action { get; } = action;
    public string? OverrideAction { get; } = overrideAction;
    public long? RateLimit { get; } = rateLimit;
    public string? ManagedGroup { get; } = managedGroup;
    public IReadOnlyDictionary<string, string> RuleOverrides { get; } = ruleOverrides;
    public bool MatchesSqli { get; } = matchesSqli;
    public bool MatchesXss { get; } = matchesXss;
}
