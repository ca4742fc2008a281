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
    // No default set: a piped ChapCredential binds whole (ValueFromPipeline comes first), other objects by property name.
    // A default set would be tried first, binding ChapCredentials by name, or converting any object into a ChapCredential.
    private const string ByName = "ByName";
    private const string ByCredential = "ByCredential";

    private bool _forceApplies;

    // No TargetARN alias: parameter names are case-insensitive, so AWS.Tools' TargetARN binds as it is (PowerShell refuses the alias).
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    public string TargetArn { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    public string InitiatorName { get; set; } = "";

    /// <summary>Get-GatewayChap's output: it says whether CHAP is set and mutual today, so no call is needed to find out.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByCredential, ValueFromPipeline = true)]
    public ChapCredential InputObject { get; set; } = null!;

    [Parameter(Mandatory = true)]
    public SecureString InitiatorSecret { get; set; } = null!;

    /// <summary>Given: mutual CHAP.</summary>
    [Parameter]
    public SecureString? TargetSecret { get; set; }

    /// <summary>Lets a one-way update turn off the mutual CHAP an initiator has today.</summary>
    [Parameter]
    public SwitchParameter DisableMutualChap { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _forceApplies = ForceApplies(Force);
        return Task.CompletedTask;
    }

    /// <summary>The record's service, over its own session.</summary>
    private GatewayChap Chap => Service<GatewayChap>(GatewayChap.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        var piped = ParameterSetName == ByCredential ? InputObject : null;
        var targetArn = piped?.TargetArn ?? TargetArn;
        if (piped is { ChapEnabled: false })
        {
            WriteVerbose($"Target {piped.TargetName} has no CHAP: nothing to rotate ({piped.TargetArn}).");
            return;
        }
        (ChapUpdate Update, string Change)? checkedItem = null;
        await TryItemAsync(targetArn, async () =>
        {
            var update = ChapRules.Check(targetArn, piped?.InitiatorName ?? InitiatorName, InitiatorSecret, TargetSecret, DisableMutualChap);
            // A ChapCredential says what is set today; for a name, one read tells it, so the question says exactly what changes.
            var today = piped is not null ? ChapChange.SettingOf(piped) : await Chap.SettingTodayAsync(update, CancelToken).ConfigureAwait(false);
            checkedItem = (update, ChapChange.Decide(today, TargetSecret is not null, DisableMutualChap, update.Target, update.InitiatorName));
        }).ConfigureAwait(false);
        if (checkedItem is not var (update, change)) return;
        // Outside TryItemAsync: a prompt the user ends (or a host that cannot prompt) stops the command, not just this item.
        if (!_forceApplies && !ShouldProcess(
                $"{change} for initiator {update.InitiatorName} on target {update.Target.Arn}. Updating CHAP closes every " +
                "existing connection on the target; initiators must reconnect with the new credentials.",
                $"{change} for initiator {update.InitiatorName} on target {update.Target.TargetName}? Updating CHAP closes every " +
                "existing connection on the target, and initiators must reconnect with the new credentials.",
                "Update Storage Gateway CHAP credentials"))
            return;
        await TryItemAsync(targetArn, async () =>
        {
            var credential = await Chap.SetAsync(update, CancelToken).ConfigureAwait(false);
            if (PassThru) WriteObject(credential);
        }).ConfigureAwait(false);
    }
}
