using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The AWS Shield operations AwsGuard uses.</summary>
public interface IShieldClient
{
    /// <summary>Whether the account subscribes to Shield Advanced (DescribeSubscription; ResourceNotFoundException: no).</summary>
    Task<bool> IsSubscribedAsync(CancellationToken cancel);

    Task<ShieldPage> ListProtectionsAsync(string? nextToken, CancellationToken cancel);
}

/// <summary>AWS Shield over AWS JSON 1.1 (target prefix AWSShield_20160616), on its one endpoint in us-east-1.</summary>
public sealed class ShieldClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IShieldClient
{
    internal const string ServiceId = "Shield";
    internal const string TargetPrefix = "AWSShield_20160616";
    private readonly WireEndpoint _endpoint = WireEndpoints.Shield(region, endpoint);

    public async Task<bool> IsSubscribedAsync(CancellationToken cancel)
    {
        // GetSubscriptionState would say it in one word, but DescribeSubscription is what every Shield API (and moto) answers.
        try
        {
            return await Call("DescribeSubscription", _ => { }, r => r.TryGetProperty("Subscription", out _), cancel).ConfigureAwait(false);
        }
        catch (WireServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return false;
        }
    }

    public Task<ShieldPage> ListProtectionsAsync(string? nextToken, CancellationToken cancel) =>
        Call("ListProtections", w => w.Opt("NextToken", nextToken), ReadProtections, cancel);

    internal static ShieldPage ReadProtections(JsonElement r) => new(
        r.Array("Protections").Select(p => new ShieldProtection(p.Str("ResourceArn") ?? "",
            p.Array("HealthCheckIds").Select(h => h.GetString() ?? "").ToList())).ToList(),
        r.Str("NextToken"));

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "shield", _endpoint, TargetPrefix, operation, body, read, cancel);
}

public sealed class ShieldProtection(string resourceArn, IReadOnlyList<string> healthCheckIds)
{
    public string ResourceArn { get; } = resourceArn;
    public IReadOnlyList<string> HealthCheckIds { get; } = healthCheckIds;
}

public sealed class ShieldPage(IReadOnlyList<ShieldProtection> items, string? nextToken)
{
    public IReadOnlyList<ShieldProtection> Items { get; } = items;
    public string? NextToken { get; } = nextToken;
}
