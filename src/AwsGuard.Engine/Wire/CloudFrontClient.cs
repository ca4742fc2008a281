using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The CloudFront operations AwsGuard uses. Paging stays with the caller (Marker / NextMarker).</summary>
public interface ICloudFrontClient
{
    Task<CloudFrontPage> ListDistributionsAsync(string? marker, CancellationToken cancel);

    /// <summary>GetDistributionConfig, read into the same shape as a listed distribution.</summary>
    Task<Distribution> GetDistributionAsync(string id, string arn, string? domainName, CancellationToken cancel);
}

/// <summary>CloudFront over REST-XML (version 2020-05-31), on the partition's global endpoint.</summary>
public sealed class CloudFrontClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ICloudFrontClient
{
    internal const string ServiceId = "CloudFront";
    private const string Root = "/2020-05-31/distribution";
    private readonly WireEndpoint _endpoint = WireEndpoints.CloudFront(region, endpoint);

    public async Task<CloudFrontPage> ListDistributionsAsync(string? marker, CancellationToken cancel)
    {
        var request = RestXmlProtocol.CreateRequest(ServiceId, "cloudfront", _endpoint, "ListDistributions", "GET", Root).WithQuery(("Marker", marker));
        var list = await RestXmlProtocol.InvokeAsync(Context, request, cancel).ConfigureAwait(false);
        var items = list.Child("Items").Children("DistributionSummary")
            .Select(d => Read(d, d.Text("Id") ?? "", d.Text("ARN") ?? "", d.Text("DomainName"))).ToList();
        return new CloudFrontPage(items, list.Bool("IsTruncated") == true ? list.Text("NextMarker") : null);
    }

    public async Task<Distribution> GetDistributionAsync(string id, string arn, string? domainName, CancellationToken cancel)
    {
        var request = RestXmlProtocol.CreateRequest(ServiceId, "cloudfront", _endpoint, "GetDistributionConfig", "GET",
            Root + "/" + Uri.EscapeDataString(JsonShape.Required(id, "Id", "GetDistributionConfig")) + "/config");
        return Read(await RestXmlProtocol.InvokeAsync(Context, request, cancel).ConfigureAwait(false), id, arn, domainName);
    }

    /// <summary>A DistributionSummary or DistributionConfig: both carry WebACLId, Origins and Aliases.</summary>
    private static Distribution Read(XElement? e, string id, string arn, string? domainName) => new(id, arn, domainName,
        e.Text("WebACLId") is { Length: > 0 } acl ? acl : null,
        e.Child("Origins") is null ? null : e.Child("Origins").Child("Items").Children("Origin").Select(o => o.Text("DomainName") ?? "").ToList());
}

/// <summary>A distribution: <see cref="Origins"/> is null when the answer left them out (then GetDistributionAsync has them).</summary>
public sealed class Distribution(string id, string arn, string? domainName, string? webAclId, IReadOnlyList<string>? origins)
{
    public string Id { get; } = id;
    public string Arn { get; } = arn;
    public string? DomainName { get; } = domainName;

    /// <summary>The WAFv2 web ACL's ARN (or a WAF Classic ACL's id); null when none.</summary>
    public string? WebAclId { get; } = webAclId;

    /// <summary>The origins' domain names.</summary>
    public IReadOnlyList<string>? Origins { get; } = origins;
}

public sealed class CloudFrontPage(IReadOnlyList<Distribution> items, string? nextMarker)
{
    public IReadOnlyList<Distribution> Items { get; } = items;
    public string? NextMarker { get; } = nextMarker;
}
