using System;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using AwsGuard.Engine.Gateways;

namespace AwsGuard.Commands;

/// <summary>Sets (or rotates) the CHAP credentials of a Storage Gateway iSCSI target for one initiator.</summary>
[Cmdlet(VerbsCommon.Set, "GatewayChap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ChapCredential))]
public sealed class SetGatewayChapCommand : AwsCmdlet
{
    private GatewayChap _chap = null!;
    private bool _forceApplies;

    // No TargetARN alias: parameter names are case-insensitive, so AWS.Tools' TargetARN binds as it is (PowerShell refuses the alias).
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string TargetArn { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string InitiatorName { get; set; } = "";

    [Parameter(Mandatory = true)]
    public SecureString InitiatorSecret { get; set; } = null!;

    /// <summary>Given: mutual CHAP.</summary>
    [Parameter]
    public SecureString? TargetSecret { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _chap = new GatewayChap(Provider, Session, Region);
        _forceApplies = ForceApplies(Force);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        ChapUpdate update;
        try
        {
            update = ChapRules.Check(TargetArn, InitiatorName, InitiatorSecret, TargetSecret);
        }
        catch (AwsGuardException invalid)
        {
            WriteItemError(invalid, TargetArn);
            return;
        }
        // Outside the try: a prompt the user ends (or a host that cannot prompt) stops the command, not just this item.
        var mode = update.TargetSecret is null ? "one-way CHAP" : "mutual CHAP";
        if (!_forceApplies && !ShouldProcess(
                $"Set {mode} for initiator {update.InitiatorName} on target {update.Target.Arn}. Updating CHAP closes every " +
                "existing connection on the target; initiators must reconnect with the new credentials.",
                $"Set {mode} for initiator {update.InitiatorName} on target {update.Target.TargetName}? Updating CHAP closes every " +
                "existing connection on the target, and initiators must reconnect with the new credentials.",
                "Update Storage Gateway CHAP credentials"))
            return;
        try
        {
            var credential = await _chap.SetAsync(update, CancelToken).ConfigureAwait(false);
            if (PassThru) WriteObject(credential);
        }
        catch (Exception error) when (!CancelToken.IsCancellationRequested)
        {
            WriteItemError(error, TargetArn);
        }
    }
}
