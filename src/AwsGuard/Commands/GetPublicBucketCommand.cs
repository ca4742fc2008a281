using System;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine.Concurrency;
using AwsGuard.Engine.PublicAccess;

namespace AwsGuard.Commands;

/// <summary>Which S3 buckets (and objects) anyone can reach, and exactly why, by AWS's definition of public.</summary>
[Cmdlet(VerbsCommon.Get, "PublicBucket")]
[OutputType(typeof(BucketExposure))]
public sealed class GetPublicBucketCommand : AwsCmdlet
{
    private BoundedWork _work = null!;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Bucket")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BucketNameCompleter))]
    public string[]? BucketName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectKey")]
    public string? Key { get; set; }

    [Parameter]
    public SwitchParameter IncludeNotPublic { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

    protected override Task BeginProcessingAsync()
    {
        _work = new BoundedWork(ThrottleLimit, CancelToken);
        return Task.CompletedTask;
    }

    /// <summary>The record's scanner: each account (and region) piped in is scanned with its own session.</summary>
    private PublicAccessScanner Scanner => Service(PublicAccessScanner.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        if (BucketName is null)
        {
            if (EverythingForRecord(nameof(BucketName))) await TryItemAsync(SessionTarget, ScanAllAsync).ConfigureAwait(false);
            return;
        }
        var key = string.IsNullOrEmpty(Key) ? null : Key;
        var scanner = Scanner;
        foreach (var name in BucketName)
            await _work.StartAsync(() => EvaluateAsync(name, () => scanner.EvaluateAsync(name, key, CancelToken))).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        if (EverythingByDefault(nameof(BucketName))) await ScanAllAsync().ConfigureAwait(false);
        await _work.WhenAllAsync().ConfigureAwait(false);
    }

    /// <summary>Every bucket of the session's account, each evaluated as its listing page arrives.</summary>
    private Task ScanAllAsync()
    {
        var scanner = Scanner;
        return scanner.ListBucketsAsync(bucket =>
            _work.StartAsync(() => EvaluateAsync(bucket.Name, () => scanner.EvaluateAsync(bucket, null, CancelToken))), CancelToken);
    }

    private Task EvaluateAsync(string bucket, Func<Task<BucketExposure>> evaluate) => TryItemAsync(bucket, async () =>
    {
        var exposure = await evaluate().ConfigureAwait(false);
        // Unknown is written too: a bucket that could not be judged is never skipped silently.
        if (IncludeNotPublic || exposure.Status is ExposureStatus.Public or ExposureStatus.Unknown)
            WriteObject(exposure);
    });
}
