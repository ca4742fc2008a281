using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The Storage Gateway operations AwsGuard uses. Paging stays with the caller (Marker).</summary>
public interface IStorageGatewayClient
{
    Task<UpdateChapCredentialsResponse> UpdateChapCredentialsAsync(ChapInfo request, CancellationToken cancel);
    Task<List<ChapInfo>> DescribeChapCredentialsAsync(string targetArn, CancellationToken cancel);
    Task<ListGatewaysResponse> ListGatewaysAsync(string? marker, int? limit, CancellationToken cancel);
    Task<ListVolumesResponse> ListVolumesAsync(string? gatewayArn, string? marker, int? limit, CancellationToken cancel);
    Task<List<IscsiVolume>> DescribeStorediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel);
    Task<List<IscsiVolume>> DescribeCachediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel);
}

/// <summary>Storage Gateway over AWS JSON 1.1 (target prefix StorageGateway_20130630). CreatedDate is a UTC DateTime.</summary>
public sealed class StorageGatewayClient : WireClient, IStorageGatewayClient
{
    internal const string ServiceId = "Storage Gateway";
    internal const string TargetPrefix = "StorageGateway_20130630";
    private readonly WireEndpoint _endpoint;

    public StorageGatewayClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
        : this(credentials, region, endpoint, retry, null) { }

    /// <summary>With <paramref name="transport"/>, the wire tests record what the client sends to AWS's own endpoints.</summary>
    internal StorageGatewayClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry, WireTransport? transport)
        : base(credentials, retry, transport) => _endpoint = WireEndpoints.StorageGateway(region, endpoint);

    public async Task<UpdateChapCredentialsResponse> UpdateChapCredentialsAsync(ChapInfo request, CancellationToken cancel)
    {
        JsonShape.Required(request.TargetARN, "TargetARN", "UpdateChapCredentials");
        JsonShape.Required(request.SecretToAuthenticateInitiator, "SecretToAuthenticateInitiator", "UpdateChapCredentials");
        JsonShape.Required(request.InitiatorName, "InitiatorName", "UpdateChapCredentials");
        var r = await Call("UpdateChapCredentials", w =>
        {
            w.Opt("TargetARN", request.TargetARN);
            w.Opt("SecretToAuthenticateInitiator", request.SecretToAuthenticateInitiator);
            w.Opt("InitiatorName", request.InitiatorName);
            w.Opt("SecretToAuthenticateTarget", request.SecretToAuthenticateTarget);
        }, cancel).ConfigureAwait(false);
        return new UpdateChapCredentialsResponse { TargetARN = r.Str("TargetARN"), InitiatorName = r.Str("InitiatorName") };
    }

    public async Task<List<ChapInfo>> DescribeChapCredentialsAsync(string targetArn, CancellationToken cancel)
    {
        JsonShape.Required(targetArn, "TargetARN", "DescribeChapCredentials");
        var r = await Call("DescribeChapCredentials", w => w.Opt("TargetARN", targetArn), cancel).ConfigureAwait(false);
        return r.Array("ChapCredentials").Select(c => new ChapInfo
        {
            TargetARN = c.Str("TargetARN"),
            SecretToAuthenticateInitiator = c.Str("SecretToAuthenticateInitiator"),
            InitiatorName = c.Str("InitiatorName"),
            SecretToAuthenticateTarget = c.Str("SecretToAuthenticateTarget"),
        }).ToList();
    }

    public async Task<ListGatewaysResponse> ListGatewaysAsync(string? marker, int? limit, CancellationToken cancel)
    {
        var r = await Call("ListGateways", w =>
        {
            w.Opt("Marker", marker);
            w.Opt("Limit", limit);
        }, cancel).ConfigureAwait(false);
        return new ListGatewaysResponse
        {
            Gateways = r.Array("Gateways").Select(g => new GatewayInfo
            {
                GatewayARN = g.Str("GatewayARN"),
                GatewayType = g.Str("GatewayType"),
                GatewayName = g.Str("GatewayName"),
            }).ToList(),
            Marker = r.Str("Marker"),
        };
    }

    public async Task<ListVolumesResponse> ListVolumesAsync(string? gatewayArn, string? marker, int? limit, CancellationToken cancel)
    {
        var r = await Call("ListVolumes", w =>
        {
            w.Opt("GatewayARN", gatewayArn);
            w.Opt("Marker", marker);
            w.Opt("Limit", limit);
        }, cancel).ConfigureAwait(false);
        return new ListVolumesResponse
        {
            Marker = r.Str("Marker"),
            VolumeInfos = r.Array("VolumeInfos").Select(v => new VolumeInfo
            {
                VolumeARN = v.Str("VolumeARN"),
                VolumeType = v.Str("VolumeType"),
                VolumeSizeInBytes = v.Long("VolumeSizeInBytes"),
            }).ToList(),
        };
    }

    public Task<List<IscsiVolume>> DescribeStorediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel) =>
        DescribeVolumesAsync("DescribeStorediSCSIVolumes", "StorediSCSIVolumes", volumeArns, cancel);

    public Task<List<IscsiVolume>> DescribeCachediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel) =>
        DescribeVolumesAsync("DescribeCachediSCSIVolumes", "CachediSCSIVolumes", volumeArns, cancel);

    private async Task<List<IscsiVolume>> DescribeVolumesAsync(string operation, string member, IEnumerable<string> volumeArns, CancellationToken cancel)
    {
        var arns = volumeArns?.ToList() ?? throw new ArgumentNullException(nameof(volumeArns));
        var r = await Call(operation, w => w.Opt("VolumeARNs", arns), cancel).ConfigureAwait(false);
        return r.Array(member).Select(v => new IscsiVolume
        {
            VolumeARN = v.Str("VolumeARN"),
            VolumeType = v.Str("VolumeType"),
            CreatedDate = v.EpochSeconds("CreatedDate"),
            TargetName = v.Str("TargetName"),
            VolumeiSCSIAttributes = v.ValueKind == JsonValueKind.Object && v.TryGetProperty("VolumeiSCSIAttributes", out var a) && a.ValueKind == JsonValueKind.Object
                ? new VolumeiSCSIAttributes { TargetARN = a.Str("TargetARN"), ChapEnabled = a.Bool("ChapEnabled") }
                : null,
        }).ToList();
    }

    private Task<JsonElement> Call(string operation, Action<Utf8JsonWriter> body, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "storagegateway", _endpoint, TargetPrefix, operation, body, cancel);
}

public sealed class UpdateChapCredentialsResponse
{
    public string? TargetARN { get; set; }
    public string? InitiatorName { get; set; }
}

/// <summary>One initiator's CHAP settings on a target: what DescribeChapCredentials answers and UpdateChapCredentials takes.</summary>
public sealed class ChapInfo
{
    public string? TargetARN { get; set; }
    /// <summary>12 to 16 bytes in practice; the API allows 1 to 100 characters. Sensitive.</summary>
    public string? SecretToAuthenticateInitiator { get; set; }
    public string? InitiatorName { get; set; }
    /// <summary>Optional (mutual CHAP). Sensitive.</summary>
    public string? SecretToAuthenticateTarget { get; set; }

    public override string ToString() => $"{TargetARN} {InitiatorName} (secrets hidden)";
}

public sealed class ListGatewaysResponse
{
    public List<GatewayInfo> Gateways { get; set; } = new();
    public string? Marker { get; set; }
}

public sealed class GatewayInfo
{
    public string? GatewayARN { get; set; }
    public string? GatewayType { get; set; }
    public string? GatewayName { get; set; }
}

public sealed class ListVolumesResponse
{
    public string? Marker { get; set; }
    public List<VolumeInfo> VolumeInfos { get; set; } = new();
}

public sealed class VolumeInfo
{
    public string? VolumeARN { get; set; }
    public string? VolumeType { get; set; }
    public long? VolumeSizeInBytes { get; set; }
}

/// <summary>A stored or cached iSCSI volume: the part of either that AwsGuard reads.</summary>
public sealed class IscsiVolume
{
    public string? VolumeARN { get; set; }
    public string? VolumeType { get; set; }
    public VolumeiSCSIAttributes? VolumeiSCSIAttributes { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? CreatedDate { get; set; }
    public string? TargetName { get; set; }
}

public sealed class VolumeiSCSIAttributes
{
    public string? TargetARN { get; set; }
    public bool? ChapEnabled { get; set; }
}
