using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The Route 53 operations AwsGuard uses. Paging stays with the caller.</summary>
public interface IRoute53Client
{
    Task<Route53Page<HostedZone>> ListHostedZonesAsync(string? marker, CancellationToken cancel);

    /// <summary>One page of a zone's record sets, from <paramref name="start"/> (null: the first).</summary>
    Task<Route53Page<RecordSet>> ListResourceRecordSetsAsync(string zoneId, RecordSetStart? start, CancellationToken cancel);
}

/// <summary>Route 53 over REST-XML (version 2013-04-01), on the partition's global endpoint.</summary>
public sealed class Route53Client(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IRoute53Client
{
    internal const string ServiceId = "Route 53";
    private readonly WireEndpoint _endpoint = WireEndpoints.Route53(region, endpoint);

    public async Task<Route53Page<HostedZone>> ListHostedZonesAsync(string? marker, CancellationToken cancel)
    {
        var request = RestXmlProtocol.CreateRequest(ServiceId, "route53", _endpoint, "ListHostedZones", "GET", "/2013-04-01/hostedzone")
            .WithQuery(("marker", marker));
        var r = await RestXmlProtocol.InvokeAsync(Context, request, cancel).ConfigureAwait(false);
        var zones = r.Child("HostedZones").Children("HostedZone")
            .Select(z => new HostedZone(ZoneId(z.Text("Id")), z.Text("Name") ?? "", z.Child("Config").Bool("PrivateZone") ?? false)).ToList();
        return new Route53Page<HostedZone>(zones, r.Bool("IsTruncated") == true ? r.Text("NextMarker") : null, null);
    }

    public async Task<Route53Page<RecordSet>> ListResourceRecordSetsAsync(string zoneId, RecordSetStart? start, CancellationToken cancel)
    {
        var r = await RestXmlProtocol.InvokeAsync(Context, CreateListResourceRecordSets(zoneId, start), cancel).ConfigureAwait(false);
        var records = r.Child("ResourceRecordSets").Children("ResourceRecordSet")
            .Select(s => new RecordSet(s.Text("Name") ?? "", s.Text("Type") ?? "", s.Text("Failover"), s.Text("HealthCheckId"))).ToList();
        var next = r.Bool("IsTruncated") == true ? new RecordSetStart(r.Text("NextRecordName"), r.Text("NextRecordType"), r.Text("NextRecordIdentifier")) : null;
        return new Route53Page<RecordSet>(records, null, next);
    }

    internal WireRequest CreateListResourceRecordSets(string zoneId, RecordSetStart? start)
    {
        var path = "/2013-04-01/hostedzone/" + Uri.EscapeDataString(ZoneId(JsonShape.Required(zoneId, "Id", "ListResourceRecordSets"))) + "/rrset";
        return RestXmlProtocol.CreateRequest(ServiceId, "route53", _endpoint, "ListResourceRecordSets", "GET", path)
            .WithQuery(("name", start?.Name), ("type", start?.Type), ("identifier", start?.Identifier));
    }

    /// <summary>"/hostedzone/Z123" as ListHostedZones writes it, or "Z123": the id alone.</summary>
    private static string ZoneId(string? id) => id is null ? "" : id.Substring(id.LastIndexOf('/') + 1);
}

/// <summary>A hosted zone; <see cref="Name"/> ends with a dot, as Route 53 writes it.</summary>
public sealed class HostedZone(string id, string name, bool isPrivate)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public bool IsPrivate { get; } = isPrivate;
}

/// <summary>A record set; <see cref="Failover"/> is PRIMARY or SECONDARY for a failover record.</summary>
public sealed class RecordSet(string name, string type, string? failover, string? healthCheckId)
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string? Failover { get; } = failover;
    public string? HealthCheckId { get; } = healthCheckId;
}

/// <summary>Where the next page of record sets starts (ListResourceRecordSets' NextRecordName/Type/Identifier).</summary>
public sealed class RecordSetStart(string? name, string? type, string? identifier)
{
    public string? Name { get; } = name;
    public string? Type { get; } = type;
    public string? Identifier { get; } = identifier;
}

/// <summary>One page: the zones' marker or the record sets' start of the next page (null at the end).</summary>
public sealed class Route53Page<T>(IReadOnlyList<T> items, string? nextMarker, RecordSetStart? nextRecord)
{
    public IReadOnlyList<T> Items { get; } = items;
    public string? NextMarker { get; } = nextMarker;
    public RecordSetStart? NextRecord { get; } = nextRecord;
}
