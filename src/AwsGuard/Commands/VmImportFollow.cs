using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>-Wait of Import-VmImage and Get-VmImportTask: follows a task under a progress bar until it ends.</summary>
internal static class VmImportFollow
{
    /// <summary>The task once completed; a task that ended any other way is a VmImportFailed error saying what to do.</summary>
    public static async Task<VmImportTask> UntilDoneAsync(AsyncCmdlet cmdlet, VmImporter importer, VmImportTask task, TimeSpan interval,
        CancellationToken cancel)
    {
        // Ctrl+C ends the command before it can write anything more: the hint is on the bar all along.
        var again = $"Ctrl+C stops waiting, not the import. Follow it again: Get-VmImportTask {task.ImportTaskId} -Wait";
        cmdlet.WriteVerbose($"Waiting for {task.ImportTaskId}, asking every {interval.TotalSeconds:0.###} s. {again}");
        cmdlet.WriteProgress(Record(task, again, completed: false));
        var done = await importer.FollowAsync(task, interval, seen => cmdlet.WriteProgress(Record(seen, again, completed: false)), cancel)
            .ConfigureAwait(false);
        cmdlet.WriteProgress(Record(done, again, completed: true));
        if (done.Status == "completed") return done;
        var advice = ImportFailures.Advice(done.StatusMessage);
        throw new AwsGuardException(ErrorKind.NotSpecified, "VmImportFailed",
            $"The import {done.ImportTaskId} failed: {done.StatusMessage ?? done.Status}. {advice}", done.ImportTaskId, advice);
    }

    private static ProgressRecord Record(VmImportTask task, string again, bool completed) =>
        new(2, $"VM import {task.ImportTaskId}", $"{task.Status}: {task.StatusMessage ?? task.Status}")
        {
            PercentComplete = completed ? 100 : task.Progress ?? 0,
            CurrentOperation = again,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
}
