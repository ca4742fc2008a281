using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Cancels a VM Import image task (CancelImportTask); AWS then deletes it and whatever it had made.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VmImportTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VmImportTask))]
public sealed class StopVmImportTaskCommand : AwsCmdlet
{
    private VmImporter _importer = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^import-ami-[0-9a-z]+$")]
    public string ImportTaskId { get; set; } = "";

    [Parameter]
    [ValidateLength(1, 255)]
    public string? CancelReason { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _importer = VmImporter.ForSession(Provider, Session);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync() => TryItemAsync(ImportTaskId, async () =>
    {
        if (!ForceApplies(Force) && !ShouldProcess(ImportTaskId, "Cancel the import (AWS deletes the task and what it made so far)")) return;
        await _importer.CancelAsync(ImportTaskId, CancelReason, CancelToken).ConfigureAwait(false);
        if (PassThru)
            foreach (var task in await _importer.DescribeAsync(new[] { ImportTaskId }, CancelToken).ConfigureAwait(false)) WriteObject(task);
    });
}
