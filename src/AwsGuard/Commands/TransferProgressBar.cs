using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Transfer;

namespace AwsGuard.Commands;

/// <summary>The one progress bar of a transfer (Copy-S3Quiet, Import-VmImage's upload): files, bytes and speed.</summary>
internal static class TransferProgressBar
{
    // A few updates a second: enough to look alive, few enough that the console does not cost copy time.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Shows <paramref name="progress"/> until <paramref name="work"/> ends (and its failure, if any, is thrown), then completes the bar.</summary>
    public static async Task ShowUntilAsync(AsyncCmdlet cmdlet, string activity, TransferProgress progress, Task work, CancellationToken cancel)
    {
        while (await Task.WhenAny(work, Task.Delay(Interval, cancel)).ConfigureAwait(false) != work)
            cmdlet.WriteProgress(Record(activity, progress, completed: false));
        await work.ConfigureAwait(false);
        cmdlet.WriteProgress(Record(activity, progress, completed: true));
    }

    private static ProgressRecord Record(string activity, TransferProgress p, bool completed)
    {
        var percent = p.BytesTotal > 0 ? p.BytesDone * 100 / p.BytesTotal : p.FilesTotal > 0 ? p.FilesDone * 100 / p.FilesTotal : 100;
        return new ProgressRecord(1, activity,
            $"{p.FilesDone} of {p.FilesTotal} files, {Size(p.BytesDone)} of {Size(p.BytesTotal)}, {Size((long)p.BytesPerSecond)}/s")
        {
            PercentComplete = (int)Math.Max(0, Math.Min(100, percent)),
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
    }

    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GB" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MB" : $"{bytes / 1024.0:0.0} KB";
}
