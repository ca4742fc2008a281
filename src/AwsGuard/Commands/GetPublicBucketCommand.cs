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
    private PublicAccessScanner _scanner = null!;
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
        _scanner = PublicAccessScanner.ForSession(Provider, Session);
        _work = new BoundedWork(ThrottleLimit, CancelToken);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        if (BucketName is null) return;
        var key = string.IsNullOrEmpty(Key) ? null : Key;
        foreach (var name in BucketName)
            await _work.StartAsync(() => EvaluateAsync(name, () => _scanner.EvaluateAsync(name, key, CancelToken))).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        if (EverythingByDefault(nameof(BucketName)))
            await _scanner.ListBucketsAsync(bucket =>
                _work.StartAsync(() => EvaluateAsync(bucket.Name, () => _scanner.EvaluateAsync(bucket, null, CancelToken))), CancelToken).ConfigureAwait(false);
        await _work.WhenAllAsync().ConfigureAwait(false);
    }

    private Task EvaluateAsync(string bucket, Func<Task<BucketExposure>> evaluate) => TryItemAsync(bucket, async () =>
    {
        var exposure = await evaluate().ConfigureAwait(false);
        // Unknown is written too: a bucket that could not be judged is never skipped silently.
        if (IncludeNotPublic || exposure.Status is ExposureStatus.Public or ExposureStatus.Unknown)
            WriteObject(exposure);
    });
}
