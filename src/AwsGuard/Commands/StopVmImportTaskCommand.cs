using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Cancels a VM Import image task (CancelImportTask); AWS then deletes it and whatever it had made.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VmImportTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VmImportTask))]
public sealed class StopVmImportTaskCommand : AwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern(VmImportRules.TaskIdPattern)]
    public string ImportTaskId { get; set; } = "";

    [Parameter]
    [ValidateLength(1, 255)]
    public string? CancelReason { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The record's importer: each task is cancelled in the account and region its record names.</summary>
    private VmImporter Importer => Service(VmImporter.ForSession);

    protected override Task ProcessRecordAsync() => TryItemAsync(ImportTaskId, async () =>
    {
        await RequirePipedAccountAsync(ImportTaskId, "Stop-VmImportTask").ConfigureAwait(false);
        if (!ForceApplies(Force) && !ShouldProcess(ImportTaskId, "Cancel the import (AWS deletes the task and what it made so far)")) return;
        var importer = Importer;
        await importer.CancelAsync(ImportTaskId, CancelReason, CancelToken).ConfigureAwait(false);
        if (PassThru)
            foreach (var task in await importer.DescribeAsync(new[] { ImportTaskId }, CancelToken).ConfigureAwait(false)) WriteObject(task);
    });
}
