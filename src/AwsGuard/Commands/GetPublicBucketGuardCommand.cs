using System.Management.Automation;
using System.Threading.Tasks;

namespace AwsGuard.Commands;

/// <summary>What of the public bucket guard each region holds, and what is missing or altered; changes nothing.</summary>
[Cmdlet(VerbsCommon.Get, "PublicBucketGuard")]
[OutputType(typeof(PublicBucketGuard))]
public sealed class GetPublicBucketGuardCommand : PublicBucketGuardCommand
{
    protected override Task BeginProcessingAsync() => ResolveRegionsAsync();

    protected override async Task ProcessRecordAsync()
    {
        foreach (var region in Regions)
            await TryItemAsync(region, async () => WriteObject(await Guard.GetAsync(region, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
    }
}
