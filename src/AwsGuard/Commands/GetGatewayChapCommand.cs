using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Gateways;

namespace AwsGuard.Commands;

/// <summary>Audits the CHAP credentials of Storage Gateway iSCSI targets: by target, by gateway, or every gateway of a region.</summary>
[Cmdlet(VerbsCommon.Get, "GatewayChap")]
[OutputType(typeof(ChapCredential))]
public sealed class GetGatewayChapCommand : AwsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? TargetArn { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? GatewayArn { get; set; }

    /// <summary>The record's service: each account and region piped in is audited with its own session.</summary>
    private GatewayChap Chap => Service<GatewayChap>(GatewayChap.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        if (EverythingForRecord(nameof(TargetArn), nameof(GatewayArn))) await TryItemAsync(SessionTarget, AuditAllAsync).ConfigureAwait(false);
        // A target ARN names exactly what to describe: an input object that has both (a ChapCredential) is read by target.
        if (TargetArn is not null)
            foreach (var target in TargetArn) await DescribeAsync(target).ConfigureAwait(false);
        else if (GatewayArn is not null)
            foreach (var gateway in GatewayArn) await AuditAsync(gateway).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        if (EverythingByDefault(nameof(TargetArn), nameof(GatewayArn))) await AuditAllAsync().ConfigureAwait(false);
    }

    /// <summary>Every volume gateway of the session's region.</summary>
    private async Task AuditAllAsync()
    {
        foreach (var gateway in await Chap.ListVolumeGatewaysAsync(CancelToken).ConfigureAwait(false))
            await AuditAsync(gateway).ConfigureAwait(false);
    }

    private Task DescribeAsync(string targetArn) => TryItemAsync(targetArn, async () =>
    {
        foreach (var credential in await Chap.DescribeAsync(targetArn, null, CancelToken).ConfigureAwait(false))
            WriteObject(credential);
    });

    private Task AuditAsync(string gatewayArn) => TryItemAsync(gatewayArn, () => Chap.AuditGatewayAsync(gatewayArn, WriteObject, CancelToken));
}
