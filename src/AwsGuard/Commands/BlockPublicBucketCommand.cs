using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Remediation;

namespace AwsGuard.Commands;

/// <summary>Closes public buckets (and objects): Block Public Access flags or removal of the public grants, recorded for an exact undo.</summary>
[Cmdlet(VerbsSecurity.Block, "PublicBucket", DefaultParameterSetName = ByBucket, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BucketAccessChange))]
public sealed class BlockPublicBucketCommand : BucketAccessCommand
{
    private const string ByBucket = "BucketName";
    private const string ByAccount = "Account";

    private string _backupFolder = "";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByBucket)]
    [Alias("Name", "Bucket")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BucketNameCompleter))]
    public string[] BucketName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ByBucket)]
    [Alias("ObjectKey")]
    public string? Key { get; set; }

    [Parameter(ParameterSetName = ByBucket)]
    [ValidateSet(nameof(BucketAccessMethod.BlockPublicAccess), nameof(BucketAccessMethod.RemovePublicGrants))]
    public BucketAccessMethod Method { get; set; } = BucketAccessMethod.BlockPublicAccess;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string BackupPath { get; set; } = ChangeFolders.Default;

    [Parameter(ParameterSetName = ByBucket)]
    public SwitchParameter IgnoreAllowTag { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByAccount)]
    public SwitchParameter Account { get; set; }

    protected override Task BeginProcessingAsync()
    {
        // On the pipeline thread (session state resolves paths), where an exception would end the command unexplained: caught there.
        var (folder, invalid) = OnPipeline(() =>
        {
            try { return (ChangeFolders.Resolve(this, BackupPath, nameof(BackupPath)), (Exception?)null); }
            catch (AwsGuardException e) { return ("", e); }
        });
        if (invalid is not null) ThrowTerminatingError(ErrorRecords.From(invalid));
        _backupFolder = folder;
        return base.BeginProcessingAsync();
    }

    protected override async Task ProcessRecordAsync()
    {
        if (ParameterSetName == ByAccount)
        {
            await BlockAccountAsync().ConfigureAwait(false);
            return;
        }
        var key = string.IsNullOrEmpty(Key) ? null : Key;
        // Sequential: each bucket may ask for confirmation, and its changes go in order.
        foreach (var name in BucketName)
            await BlockAsync(name, key).ConfigureAwait(false);
    }

    private async Task BlockAsync(string bucket, string? key)
    {
        await TryItemAsync(bucket, async () =>
        {
            await RequirePipedAccountAsync(bucket, "Block-PublicBucket").ConfigureAwait(false);
            var reading = await Remediator.ReadAsync(bucket, key, CancelToken).ConfigureAwait(false);
            var plan = BlockDecision.Decide(new BlockFacts(Method, reading.Exposure, reading.State, reading.AllowTagged, IgnoreAllowTag));
            var target = key is null ? bucket : $"{bucket}/{key}";
            switch (plan.Outcome)
            {
                case BlockOutcome.Unknown:
                    var failure = reading.Exposure.Reasons.First(r => r.FailedCall is not null);
                    throw new AwsGuardException(AwsErrors.KindOf(failure.ErrorId ?? "", 0), "ExposureUnknown",
                        $"Bucket '{target}' is not changed: whether it is public is not known. {string.Join(" ", plan.Reasons)}", target);
                case BlockOutcome.NoPublicStatement:
                    throw new AwsGuardException(ErrorKind.InvalidArgument, "NoPublicStatement",
                        $"Bucket '{bucket}' is not changed: S3 calls its policy public, but no statement of it is public on its own, so " +
                        "-Method RemovePublicGrants cannot tell which to remove. Use -Method BlockPublicAccess.", bucket);
                case BlockOutcome.AllowTagged:
                    WriteWarning($"Bucket '{bucket}' is public on purpose (tag {BucketRemediator.AllowTag}): it is left as it is. Add -IgnoreAllowTag to block it anyway.");
                    return;
            }

            var change = new BucketAccessChange
            {
                BucketName = bucket, ObjectKey = key, Region = reading.Exposure.Region!, Method = Method,
                AccountId = await Remediator.AccountAsync(CancelToken).ConfigureAwait(false),
                Changed = plan.Outcome == BlockOutcome.Change, Before = reading.State, After = plan.After, Time = DateTime.UtcNow,
                Changes = AccessStates.DescribeAll(reading.State, plan.After),
            };
            if (!change.Changed) WriteVerbose($"Bucket '{target}' is {reading.Exposure.Status}: nothing to change.");
            var calls = string.Join("; ", change.Changes);
            await CommitAsync(change, _backupFolder,
                $"Blocking public access to bucket '{target}' ({plan.Reasons.Count} exposure(s): {string.Join("; ", plan.Reasons)}): {calls}.",
                $"Bucket '{target}' will change: {calls}. Anyone relying on its public access (a website, a download link) loses it. Block it?",
                "Block public bucket").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task BlockAccountAsync()
    {
        await TryItemAsync("account", async () =>
        {
            var before = await Remediator.ReadAccountAsync(CancelToken).ConfigureAwait(false);
            var after = BlockDecision.DecideAccount(before);
            var change = new BucketAccessChange
            {
                AccountLevel = true, Region = Session.RequireRegion(), Method = BucketAccessMethod.BlockPublicAccess,
                AccountId = await Remediator.AccountAsync(CancelToken).ConfigureAwait(false), Before = before, After = after, Time = DateTime.UtcNow,
                Changes = AccessStates.DescribeAll(before, after),
            };
            change.Changed = change.Changes.Length > 0;
            var calls = string.Join("; ", change.Changes);
            await CommitAsync(change, _backupFolder,
                $"Blocking public access to every bucket of {change}: {calls}.",
                $"Every bucket of {change} loses its public access, including those public on purpose (tags are not read at this level): {calls}. Block it?",
                "Block public access for the account").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

}
