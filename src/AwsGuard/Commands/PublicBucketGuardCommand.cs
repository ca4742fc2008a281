using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>
/// What Install-, Get- and Uninstall-PublicBucketGuard share: -TargetRegion, checked, or by default the region a piped
/// record brings, else the regions of the account's buckets; once without pipeline input, once per piped account.
/// </summary>
public abstract class PublicBucketGuardCommand : AwsCmdlet
{
    private bool _regionOnCommandLine;

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? TargetRegion { get; set; }

    /// <summary>The record's service: each account piped in is guarded with its own session.</summary>
    protected PublicBucketGuardService Guard => Service(PublicBucketGuardService.ForSession);

    /// <summary>The region to act in when neither -TargetRegion nor the record names one, before the buckets' regions.</summary>
    protected virtual string? DefaultRegion => null;

    /// <summary>Checks -TargetRegion before any AWS call.</summary>
    protected override Task BeginProcessingAsync()
    {
        foreach (var region in TargetRegion ?? new string[0])
            if (!AwsRegions.IsRegion(region))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "UnknownRegion",
                    $"'{region}' is not an AWS region name (such as us-east-1 or eu-west-2).", region);
        // Read now: BoundParameters later also holds the Region a record brought.
        _regionOnCommandLine = OnPipeline(() => MyInvocation.BoundParameters.ContainsKey(nameof(Region)));
        return Task.CompletedTask;
    }

    /// <summary>Acts in the record's regions: an account that fails (its buckets unreadable) is its own error, and the others go on.</summary>
    protected override Task ProcessRecordAsync()
    {
        // A Region the record brought is where it acts (Get-AwsGuardAccount -TargetRegion writes one record per region).
        var recordRegion = _regionOnCommandLine || string.IsNullOrEmpty(Region) ? null : Region;
        return TryItemAsync(SessionTarget, async () =>
        {
            var named = recordRegion ?? DefaultRegion;
            var regions = TargetRegion?.Distinct().ToArray()
                ?? (named is not null ? new[] { named } : await Guard.BucketRegionsAsync(CancelToken).ConfigureAwait(false));
            if (regions.Count == 0)
                WriteWarning($"The account{(Session.RoleAccountId is { } account ? " " + account : "")} has no bucket, so no region was chosen. Give -TargetRegion to name the regions.");
            await ActAsync(regions).ConfigureAwait(false);
        });
    }

    /// <summary>The command's work in the record's account, in <paramref name="regions"/>.</summary>
    protected abstract Task ActAsync(IReadOnlyList<string> regions);
}
