using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Remediation;

namespace AwsGuard.Commands;

/// <summary>
/// What Block-PublicBucket and Unblock-PublicBucket share: the remediator, -PassThru and -Force, and one way to commit a
/// change (ask unless -Force applies, apply it all or nothing, write it with -PassThru).
/// </summary>
public abstract class BucketAccessCommand : AwsCmdlet
{
    private bool _forceApplies;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The record's remediator, over its own session.</summary>
    protected BucketRemediator Remediator => Service(BucketRemediator.ForSession);

    protected override Task BeginProcessingAsync()
    {
        _forceApplies = ForceApplies(Force);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Applies a change that needs one once the user agrees (the ShouldProcess texts), recording it in
    /// <paramref name="recordFolder"/> (null: no record); with -PassThru writes it, applied or unchanged.
    /// </summary>
    protected async Task CommitAsync(BucketAccessChange change, string? recordFolder, string description, string question, string caption)
    {
        if (change.Changed)
        {
            if (!_forceApplies && !ShouldProcess(description, question, caption)) return;
            await Remediator.ApplyAsync(change, recordFolder, CancelToken).ConfigureAwait(false);
        }
        if (PassThru) WriteObject(change);
    }
}
