using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>What Install-, Get- and Uninstall-PublicBucketGuard share: -TargetRegion, checked, or by default the regions of the account's buckets.</summary>
public abstract class PublicBucketGuardCommand : AwsCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? TargetRegion { get; set; }

    protected PublicBucketGuardService Guard { get; private set; } = null!;

    /// <summary>The regions to act in: -TargetRegion (each a region name), else <paramref name="fallback"/>, else every region holding a bucket.</summary>
    protected IReadOnlyList<string> Regions { get; private set; } = new string[0];

    /// <summary>Checks -TargetRegion before any AWS call, then finds the default regions when none was given.</summary>
    protected async Task ResolveRegionsAsync(string? fallback = null)
    {
        foreach (var region in TargetRegion ?? new string[0])
            if (!AwsRegions.IsRegion(region))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "UnknownRegion",
                    $"'{region}' is not an AWS region name (such as us-east-1 or eu-west-2).", region);
        Guard = PublicBucketGuardService.ForSession(Provider, Session);
        Regions = TargetRegion?.Distinct().ToArray()
            ?? (fallback is not null ? new[] { fallback } : await Guard.BucketRegionsAsync(CancelToken).ConfigureAwait(false));
        if (Regions.Count == 0)
            WriteWarning("The account has no bucket, so no region was chosen. Give -TargetRegion to name the regions.");
    }
}
