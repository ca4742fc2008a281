using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;

namespace AwsGuard.Commands;

/// <summary>Removes what Install-PublicBucketGuard put in each region: only what carries AwsGuard's tag or name prefix.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "PublicBucketGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PublicBucketGuard))]
public sealed class UninstallPublicBucketGuardCommand : PublicBucketGuardCommand
{
    private bool _forceApplies;

    [Parameter]
    public SwitchParameter KeepTopic { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _forceApplies = ForceApplies(Force);
        return base.BeginProcessingAsync();
    }

    protected override async Task ActAsync(IReadOnlyList<string> regions)
    {
        var guard = Guard;
        foreach (var region in regions)
            await TryItemAsync(region, async () =>
            {
                var plan = await guard.PlanUninstallAsync(region, KeepTopic, CancelToken).ConfigureAwait(false);
                foreach (var note in plan.Notes) WriteWarning($"{region}: {note}.");
                if (plan.Steps.Count == 0)
                {
                    WriteVerbose($"{region}: no public bucket guard to remove.");
                    WriteObject(await guard.GetAsync(region, CancelToken).ConfigureAwait(false));
                    return;
                }
                var steps = string.Join("", plan.Steps.Select(s => "\n  " + s.Description));
                if (!_forceApplies && !ShouldProcess($"Removing the public bucket guard of {region}:{steps}",
                        $"AWS will stop watching {region} for buckets made public, and stop notifying and fixing. Remove it?{steps}",
                        "Uninstall public bucket guard"))
                    return;
                WriteObject(await guard.ApplyAsync(plan, CancelToken).ConfigureAwait(false));
            }).ConfigureAwait(false);
    }
}
