using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;

namespace AwsGuard.Commands;

/// <summary>What of the public bucket guard each region holds, and what is missing or altered; changes nothing.</summary>
[Cmdlet(VerbsCommon.Get, "PublicBucketGuard")]
[OutputType(typeof(PublicBucketGuard))]
public sealed class GetPublicBucketGuardCommand : PublicBucketGuardCommand
{
    protected override async Task ActAsync(IReadOnlyList<string> regions)
    {
        var guard = Guard;
        foreach (var region in regions)
            await TryItemAsync(region, async () => WriteObject(await guard.GetAsync(region, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
    }
}
