using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Lists VM Import image tasks of the Region, or the named ones; with -Wait follows each until it ends.</summary>
[Cmdlet(VerbsCommon.Get, "VmImportTask")]
[OutputType(typeof(VmImportTask))]
public sealed class GetVmImportTaskCommand : AwsCmdlet
{
    /// <summary>The piped ids, by the importer (so the account and region) of the record that brought them, in order.</summary>
    private readonly List<(VmImporter Importer, string Target, List<string> Ids)> _ids = new();

    // Checked per record, not by ValidatePattern: an account piped in (Get-AwsGuardAccount) binds here as text first,
    // and a failed validation would drop the record before AwsCmdlet undoes that binding.
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ImportTaskId { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [PollInterval]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The record's importer: each account and region piped in is read with its own session.</summary>
    private VmImporter Importer => Service(VmImporter.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        if (EverythingForRecord(nameof(ImportTaskId)))
        {
            var importer = Importer;
            await TryItemAsync(SessionTarget, () => WriteTasksAsync(importer, null)).ConfigureAwait(false);
        }
        else if (ImportTaskId is not null)
        {
            var ids = new List<string>();
            foreach (var id in ImportTaskId)
                if (Regex.IsMatch(id, VmImportRules.TaskIdPattern)) ids.Add(id);
                else WriteItemError(new AwsGuardException(ErrorKind.InvalidArgument, "InvalidImportTaskId",
                    $"'{id}' is not an import image task id: those are import-ami- and letters or digits (Get-VmImportTask lists them).", id), id);
            if (ids.Count == 0) return;
            var importer = Importer;
            var group = _ids.FindIndex(g => g.Importer == importer);
            if (group < 0) _ids.Add((importer, SessionTarget, ids));
            else _ids[group].Ids.AddRange(ids);
        }
    }

    /// <summary>One DescribeImportImageTasks for all the ids of each account and region (or the whole Region), then each task in turn.</summary>
    protected override async Task EndProcessingAsync()
    {
        if (EverythingByDefault(nameof(ImportTaskId))) await WriteTasksAsync(Importer, null).ConfigureAwait(false);
        foreach (var (importer, target, ids) in _ids)
            await TryItemAsync(target, () => WriteTasksAsync(importer, ids)).ConfigureAwait(false);
    }

    private async Task WriteTasksAsync(VmImporter importer, IReadOnlyList<string>? ids)
    {
        foreach (var task in await importer.DescribeAsync(ids, CancelToken).ConfigureAwait(false))
        {
            if (!Wait || (ids is null && ImportFailures.HasEnded(task.Status))) WriteObject(task);
            else await TryItemAsync(task.ImportTaskId, async () =>
                WriteObject(await VmImportFollow.UntilDoneAsync(this, importer, task, PollInterval, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
        }
    }
}
