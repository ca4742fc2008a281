using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Lists VM Import image tasks of the Region, or the named ones; with -Wait follows each until it ends.</summary>
[Cmdlet(VerbsCommon.Get, "VmImportTask")]
[OutputType(typeof(VmImportTask))]
public sealed class GetVmImportTaskCommand : AwsCmdlet
{
    private readonly List<string> _ids = new();
    private VmImporter _importer = null!;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^import-ami-[0-9a-z]+$")]
    public string[]? ImportTaskId { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [PollInterval]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    protected override Task BeginProcessingAsync()
    {
        _importer = VmImporter.ForSession(Provider, Session);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync()
    {
        if (ImportTaskId is not null) _ids.AddRange(ImportTaskId);
        return Task.CompletedTask;
    }

    /// <summary>One DescribeImportImageTasks for all the ids (or the whole Region), then each task in turn.</summary>
    protected override async Task EndProcessingAsync()
    {
        if (_ids.Count == 0 && !EverythingByDefault(nameof(ImportTaskId))) return;
        var tasks = await _importer.DescribeAsync(_ids.Count == 0 ? null : _ids, CancelToken).ConfigureAwait(false);
        foreach (var task in tasks)
        {
            if (!Wait || (_ids.Count == 0 && ImportFailures.HasEnded(task.Status))) WriteObject(task);
            else await TryItemAsync(task.ImportTaskId, async () =>
                WriteObject(await VmImportFollow.UntilDoneAsync(this, _importer, task, PollInterval, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
        }
    }
}
