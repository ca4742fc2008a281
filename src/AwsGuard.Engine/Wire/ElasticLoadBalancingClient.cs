using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The Elastic Load Balancing v2 operations AwsGuard uses. Paging stays with the caller (Marker / NextMarker).</summary>
public interface IElasticLoadBalancingClient
{
    Task<ElbPage<LoadBalancer>> DescribeLoadBalancersAsync(string? marker, CancellationToken cancel);
    Task<ElbPage<int>> DescribeListenerPortsAsync(string loadBalancerArn, string? marker, CancellationToken cancel);
}

/// <summary>Elastic Load Balancing v2 over the Query protocol (version 2015-12-01).</summary>
public sealed class ElasticLoadBalancingClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IElasticLoadBalancingClient
{
    internal const string ServiceId = "Elastic Load Balancing v2";
    internal const string Version = "2015-12-01";
    private readonly WireEndpoint _endpoint = WireEndpoints.ElasticLoadBalancing(region, endpoint);

    public async Task<ElbPage<LoadBalancer>> DescribeLoadBalancersAsync(string? marker, CancellationToken cancel)
    {
        var r = await Call("DescribeLoadBalancers", cancel, ("Marker", marker)).ConfigureAwait(false);
        return Page(r, r.Child("LoadBalancers").Children("member").Select(b => new LoadBalancer(
            b.Text("LoadBalancerArn") ?? "", b.Text("DNSName"), b.Text("Scheme"), b.Text("Type"),
            b.Child("SecurityGroups").Children("member").Select(g => g.Value).ToList())));
    }

    public async Task<ElbPage<int>> DescribeListenerPortsAsync(string loadBalancerArn, string? marker, CancellationToken cancel)
    {
        var r = await Call("DescribeListeners", cancel,
            ("LoadBalancerArn", JsonShape.Required(loadBalancerArn, "LoadBalancerArn", "DescribeListeners")), ("Marker", marker)).ConfigureAwait(false);
        return Page(r, r.Child("Listeners").Children("member").Select(l => int.TryParse(l.Text("Port"), out var port) ? port : 0).Where(p => p > 0));
    }

    private static ElbPage<T> Page<T>(XElement result, IEnumerable<T> items) => new(items.ToList(), result.Text("NextMarker") is { Length: > 0 } m ? m : null);

    private Task<XElement> Call(string operation, CancellationToken cancel, params (string Name, string? Value)[] parameters) =>
        QueryProtocol.InvokeAsync(Context, ServiceId, "elasticloadbalancing", _endpoint, operation, Version,
            parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)), cancel);
}

/// <summary>A load balancer as DescribeLoadBalancers lists it; Scheme "internet-facing" or "internal", Type "application", "network" or "gateway".</summary>
public sealed class LoadBalancer(string arn, string? dnsName, string? scheme, string? type, IReadOnlyList<string> securityGroups)
{
    public string Arn { get; } = arn;
    public string? DnsName { get; } = dnsName;
    public string? Scheme { get; } = scheme;
    public string? Type { get; } = type;
    public IReadOnlyList<string> SecurityGroups { get; } = securityGroups;
}

/// <summary>One page of an Elastic Load Balancing listing, and the marker of the next (null at the end).</summary>
public sealed class ElbPage<T>(IReadOnlyList<T> items, string? nextMarker)
{
    public IReadOnlyList<T> Items { get; } = items;
    public string? NextMarker { get; } = nextMarker;
}
