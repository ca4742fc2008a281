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
    Task<UpdateChapCredentialsResponse> UpdateChapCredentialsAsync(UpdateChapCredentialsRequest request, CancellationToken cancel);
    Task<List<ChapInfo>> DescribeChapCredentialsAsync(string targetArn, CancellationToken cancel);
    Task<ListGatewaysResponse> ListGatewaysAsync(string? marker, int? limit, CancellationToken cancel);
    Task<ListVolumesResponse> ListVolumesAsync(string? gatewayArn, string? marker, int? limit, CancellationToken cancel);
    Task<List<StorediSCSIVolume>> DescribeStorediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel);
    Task<List<CachediSCSIVolume>> DescribeCachediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel);
}

/// <summary>Storage Gateway over AWS JSON 1.1 (target prefix StorageGateway_20130630). CreatedDate is a UTC DateTime.</summary>
public sealed class StorageGatewayClient : IStorageGatewayClient
{
    internal const string ServiceId = "Storage Gateway";
    internal const string TargetPrefix = "StorageGateway_20130630";
    private readonly WireContext _context;
    private readonly WireEndpoint _endpoint;

    public StorageGatewayClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
        : this(credentials, region, endpoint, retry, null) { }

    internal StorageGatewayClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry, WireTransport? transport)
    {
        _context = new WireContext(credentials, retry, transport);
        _endpoint = WireEndpoints.StorageGateway(region, endpoint);
    }

    public async Task<UpdateChapCredentialsResponse> UpdateChapCredentialsAsync(UpdateChapCredentialsRequest request, CancellationToken cancel)
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
                GatewayId = g.Str("GatewayId"),
                GatewayARN = g.Str("GatewayARN"),
                GatewayType = g.Str("GatewayType"),
                GatewayOperationalState = g.Str("GatewayOperationalState"),
                GatewayName = g.Str("GatewayName"),
                Ec2InstanceId = g.Str("Ec2InstanceId"),
                Ec2InstanceRegion = g.Str("Ec2InstanceRegion"),
                HostEnvironment = g.Str("HostEnvironment"),
                HostEnvironmentId = g.Str("HostEnvironmentId"),
                DeprecationDate = g.Str("DeprecationDate"),
                SoftwareVersion = g.Str("SoftwareVersion"),
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
            GatewayARN = r.Str("GatewayARN"),
            Marker = r.Str("Marker"),
            VolumeInfos = r.Array("VolumeInfos").Select(v => new VolumeInfo
            {
                VolumeARN = v.Str("VolumeARN"),
                VolumeId = v.Str("VolumeId"),
                GatewayARN = v.Str("GatewayARN"),
                GatewayId = v.Str("GatewayId"),
                VolumeType = v.Str("VolumeType"),
                VolumeSizeInBytes = v.Long("VolumeSizeInBytes"),
                VolumeAttachmentStatus = v.Str("VolumeAttachmentStatus"),
            }).ToList(),
        };
    }

    public async Task<List<StorediSCSIVolume>> DescribeStorediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel)
    {
        var arns = volumeArns?.ToList() ?? throw new ArgumentNullException(nameof(volumeArns));
        var r = await Call("DescribeStorediSCSIVolumes", w => w.Opt("VolumeARNs", arns), cancel).ConfigureAwait(false);
        return r.Array("StorediSCSIVolumes").Select(v =>
        {
            var volume = new StorediSCSIVolume { VolumeDiskId = v.Str("VolumeDiskId"), PreservedExistingData = v.Bool("PreservedExistingData") };
            Fill(volume, v);
            return volume;
        }).ToList();
    }

    public async Task<List<CachediSCSIVolume>> DescribeCachediSCSIVolumesAsync(IEnumerable<string> volumeArns, CancellationToken cancel)
    {
        var arns = volumeArns?.ToList() ?? throw new ArgumentNullException(nameof(volumeArns));
        var r = await Call("DescribeCachediSCSIVolumes", w => w.Opt("VolumeARNs", arns), cancel).ConfigureAwait(false);
        return r.Array("CachediSCSIVolumes").Select(v =>
        {
            var volume = new CachediSCSIVolume();
            Fill(volume, v);
            return volume;
        }).ToList();
    }

    private static void Fill(IscsiVolume volume, JsonElement v)
    {
        volume.VolumeARN = v.Str("VolumeARN");
        volume.VolumeId = v.Str("VolumeId");
        volume.VolumeType = v.Str("VolumeType");
        volume.VolumeStatus = v.Str("VolumeStatus");
        volume.VolumeAttachmentStatus = v.Str("VolumeAttachmentStatus");
        volume.VolumeSizeInBytes = v.Long("VolumeSizeInBytes");
        volume.VolumeProgress = v.Double("VolumeProgress");
        volume.SourceSnapshotId = v.Str("SourceSnapshotId");
        volume.CreatedDate = v.EpochSeconds("CreatedDate");
        volume.VolumeUsedInBytes = v.Long("VolumeUsedInBytes");
        volume.KMSKey = v.Str("KMSKey");
        volume.TargetName = v.Str("TargetName");
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("VolumeiSCSIAttributes", out var a) && a.ValueKind == JsonValueKind.Object)
            volume.VolumeiSCSIAttributes = new VolumeiSCSIAttributes
            {
                TargetARN = a.Str("TargetARN"),
                NetworkInterfaceId = a.Str("NetworkInterfaceId"),
                NetworkInterfacePort = a.Int("NetworkInterfacePort"),
                LunNumber = a.Int("LunNumber"),
                ChapEnabled = a.Bool("ChapEnabled"),
            };
    }

    private Task<JsonElement> Call(string operation, Action<Utf8JsonWriter> body, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(_context, ServiceId, "storagegateway", _endpoint, TargetPrefix, operation, body, cancel);
}

public sealed class UpdateChapCredentialsRequest
{
    public string? TargetARN { get; set; }
    /// <summary>12 to 16 bytes in practice; the API allows 1 to 100 characters. Sensitive.</summary>
    public string? SecretToAuthenticateInitiator { get; set; }
    public string? InitiatorName { get; set; }
    /// <summary>Optional (mutual CHAP). Sensitive.</summary>
    public string? SecretToAuthenticateTarget { get; set; }

    public override string ToString() => $"UpdateChapCredentials {TargetARN} {InitiatorName} (secrets hidden)";
}

public sealed class UpdateChapCredentialsResponse
{
    public string? TargetARN { get; set; }
    public string? InitiatorName { get; set; }
}

public sealed class ChapInfo
{
    public string? TargetARN { get; set; }
    public string? SecretToAuthenticateInitiator { get; set; }
    public string? InitiatorName { get; set; }
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
    public string? GatewayId { get; set; }
    public string? GatewayARN { get; set; }
    public string? GatewayType { get; set; }
    public string? GatewayOperationalState { get; set; }
    public string? GatewayName { get; set; }
    public string? Ec2InstanceId { get; set; }
    public string? Ec2InstanceRegion { get; set; }
    public string? HostEnvironment { get; set; }
    public string? HostEnvironmentId { get; set; }
    public string? DeprecationDate { get; set; }
    public string? SoftwareVersion { get; set; }
}

public sealed class ListVolumesResponse
{
    public string? GatewayARN { get; set; }
    public string? Marker { get; set; }
    public List<VolumeInfo> VolumeInfos { get; set; } = new();
}

public sealed class VolumeInfo
{
    public string? VolumeARN { get; set; }
    public string? VolumeId { get; set; }
    public string? GatewayARN { get; set; }
    public string? GatewayId { get; set; }
    public string? VolumeType { get; set; }
    public long? VolumeSizeInBytes { get; set; }
    public string? VolumeAttachmentStatus { get; set; }
}

/// <summary>What stored and cached iSCSI volumes share.</summary>
public abstract class IscsiVolume
{
    public string? VolumeARN { get; set; }
    public string? VolumeId { get; set; }
    public string? VolumeType { get; set; }
    public string? VolumeStatus { get; set; }
    public string? VolumeAttachmentStatus { get; set; }
    public long? VolumeSizeInBytes { get; set; }
    public double? VolumeProgress { get; set; }
    public string? SourceSnapshotId { get; set; }
    public VolumeiSCSIAttributes? VolumeiSCSIAttributes { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? CreatedDate { get; set; }
    public long? VolumeUsedInBytes { get; set; }
    public string? KMSKey { get; set; }
    public string? TargetName { get; set; }
}

public sealed class StorediSCSIVolume : IscsiVolume
{
    public string? VolumeDiskId { get; set; }
    public bool? PreservedExistingData { get; set; }
}

public sealed class CachediSCSIVolume : IscsiVolume
{
}

public sealed class VolumeiSCSIAttributes
{
    public string? TargetARN { get; set; }
    public string? NetworkInterfaceId { get; set; }
    public int? NetworkInterfacePort { get; set; }
    public int? LunNumber { get; set; }
    public bool? ChapEnabled { get; set; }
}
