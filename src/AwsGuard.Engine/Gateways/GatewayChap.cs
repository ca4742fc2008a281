using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Secrets;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Gateways;

/// <summary>Sets and audits the CHAP credentials of Storage Gateway iSCSI targets.</summary>
public sealed class GatewayChap
{
    private readonly Func<string?, IStorageGatewayClient> _clientFor;

    /// <param name="clientFor">A Storage Gateway client for an ARN's region, or for the default region when null.</param>
    public GatewayChap(Func<string?, IStorageGatewayClient> clientFor) =>
        _clientFor = clientFor ?? throw new ArgumentNullException(nameof(clientFor));

    /// <summary>Over the session's -Region when it was given (on the command line or by a piped record), as below.</summary>
    public static GatewayChap ForSession(SessionProvider provider, AwsSession session) =>
        ForSession(provider, session, session.RegionSource == "-Region" ? session.Region : null);

    /// <param name="explicitRegion">-Region when given: it wins over an ARN's region, which wins over the session's.</param>
    public static GatewayChap ForSession(SessionProvider provider, AwsSession session, string? explicitRegion)
    {
        var chosen = string.IsNullOrEmpty(explicitRegion) ? null : explicitRegion;
        return new(arnRegion => provider.GetClient("storagegateway", session, chosen ?? arnRegion ?? session.RequireRegion(), WireClients.StorageGateway));
    }

    /// <summary>UpdateChapCredentials; the secrets become text only for the call and are zeroed after it.</summary>
    public async Task<ChapCredential> SetAsync(ChapUpdate update, CancellationToken cancel)
    {
        var client = Client(update.Target.Region);
        using var forInitiator = PinnedSecret.From(update.InitiatorSecret);
        using var forTarget = update.TargetSecret is null ? null : PinnedSecret.From(update.TargetSecret);
        await client.UpdateChapCredentialsAsync(new ChapInfo
        {
            TargetARN = update.Target.Arn,
            InitiatorName = update.InitiatorName,
            SecretToAuthenticateInitiator = forInitiator.Text,
            SecretToAuthenticateTarget = forTarget?.Text,
        }, cancel).ConfigureAwait(false);
        return Credential(update.Target, null, update.InitiatorName, update.InitiatorSecret.Copy(), update.TargetSecret?.Copy());
    }

    /// <summary>DescribeChapCredentials: one entry per initiator, or one with ChapEnabled false when the target has none.</summary>
    public async Task<List<ChapCredential>> DescribeAsync(string targetArn, string? volumeArn, CancellationToken cancel)
    {
        var target = ChapRules.ParseTargetArn(targetArn);
        var infos = await Client(target.Region).DescribeChapCredentialsAsync(target.Arn, cancel).ConfigureAwait(false);
        if (infos.Count == 0) return new List<ChapCredential> { Credential(target, volumeArn, null, null, null) };
        return infos.Select(info => Credential(target, volumeArn, info.InitiatorName,
            Secure(info.SecretToAuthenticateInitiator), Secure(info.SecretToAuthenticateTarget))).ToList();
    }

    /// <summary>How the update's initiator has CHAP on its target today (DescribeChapCredentials).</summary>
    public async Task<ChapSetting> SettingTodayAsync(ChapUpdate update, CancellationToken cancel)
    {
        var entries = await DescribeAsync(update.Target.Arn, null, cancel).ConfigureAwait(false);
        return ChapChange.SettingOf(entries.FirstOrDefault(entry => entry.InitiatorName == update.InitiatorName));
    }

    /// <summary>Every iSCSI target of a volume gateway (ListVolumes, then DescribeStored/CachediSCSIVolumes) with its CHAP.</summary>
    public async Task AuditGatewayAsync(string gatewayArn, Action<ChapCredential> emit, CancellationToken cancel)
    {
        var client = Client(ChapRules.GatewayRegion(gatewayArn));
        var volumes = new List<VolumeInfo>();
        string? marker = null;
        do
        {
            var page = await client.ListVolumesAsync(gatewayArn, marker, null, cancel).ConfigureAwait(false);
            volumes.AddRange(page.VolumeInfos);
            marker = page.Marker;
        } while (!string.IsNullOrEmpty(marker));

        // ListVolumes says STORED or CACHED; Describe* say "STORED iSCSI" or "CACHED iSCSI": compare the start only.
        var stored = Arns(volumes, "STORED");
        var cached = Arns(volumes, "CACHED");
        var described = new List<IscsiVolume>();
        if (stored.Count > 0) described.AddRange(await client.DescribeStorediSCSIVolumesAsync(stored, cancel).ConfigureAwait(false));
        if (cached.Count > 0) described.AddRange(await client.DescribeCachediSCSIVolumesAsync(cached, cancel).ConfigureAwait(false));
        foreach (var volume in described.OrderBy(v => v.VolumeiSCSIAttributes?.TargetARN, StringComparer.Ordinal))
        {
            if (volume.VolumeiSCSIAttributes?.TargetARN is not { Length: > 0 } targetArn) continue; // not exposed over iSCSI
            foreach (var credential in await DescribeAsync(targetArn, volume.VolumeARN, cancel).ConfigureAwait(false))
                emit(credential);
        }
    }

    /// <summary>The gateways of the region (ListGateways, every page). Tape and file gateways are left out with a warning.</summary>
    public async Task<List<string>> ListVolumeGatewaysAsync(CancellationToken cancel)
    {
        var arns = new List<string>();
        try
        {
            var client = Client(null);
            string? marker = null;
            do
            {
                var page = await client.ListGatewaysAsync(marker, null, cancel).ConfigureAwait(false);
                foreach (var gateway in page.Gateways)
                {
                    if (gateway.GatewayARN is null) continue;
                    if (gateway.GatewayType is null or "STORED" or "CACHED") arns.Add(gateway.GatewayARN);
                    else if (gateway.GatewayType == "VTL")
                        EngineOutput.Current?.Warning($"{gateway.GatewayARN} is a tape gateway: its targets (virtual tape devices) are not " +
                                                      "listed here; pass their target ARNs to -TargetArn.");
                }
                marker = page.Marker;
            } while (!string.IsNullOrEmpty(marker));
        }
        catch (Exception error) when (!cancel.IsCancellationRequested)
        {
            throw AwsErrors.Explain(error, "ListGateways"); // no gateway to name: the listing is what failed
        }
        return arns;
    }

    private IStorageGatewayClient Client(string? arnRegion) => _clientFor(arnRegion);

    private static List<string> Arns(IEnumerable<VolumeInfo> volumes, string type) =>
        volumes.Where(v => v.VolumeARN is not null && (v.VolumeType ?? "").StartsWith(type, StringComparison.OrdinalIgnoreCase))
            .Select(v => v.VolumeARN!).ToList();

    private static ChapCredential Credential(GatewayTarget target, string? volumeArn, string? initiator, SecureString? forInitiator, SecureString? forTarget) => new()
    {
        TargetArn = target.Arn,
        AccountId = target.Arn.Split(':')[4],
        Region = target.Region,
        TargetName = target.TargetName,
        GatewayArn = target.GatewayArn,
        VolumeArn = volumeArn,
        InitiatorName = initiator,
        ChapEnabled = initiator is not null,
        MutualChap = forTarget is { Length: > 0 },
        InitiatorSecret = forInitiator,
        TargetSecret = forTarget,
    };

    /// <summary>A secret the service answered as text, kept only as a read-only SecureString.</summary>
    private static SecureString? Secure(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var secure = new SecureString();
        foreach (var c in text!) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
