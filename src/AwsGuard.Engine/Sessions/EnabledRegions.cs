using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// The regions enabled for a session's account (EC2 DescribeRegions): what -AllRegions means for every cmdlet. Regions the
/// account has not opted in to are left out, so no cmdlet reports a region it cannot use.
/// </summary>
public sealed class EnabledRegions(IAmazonEC2 ec2)
{
    /// <summary>Asked in the session's region (else the default one): any region of the partition lists them all.</summary>
    public static EnabledRegions ForSession(SessionProvider provider, AwsSession session) =>
        new(provider.GetClient("ec2", session, session.RegionOrDefault, AwsClients.Ec2));

    /// <summary>
    /// -AllRegions with one region named too (-Region, or a piped object's Region): neither may silently win, so the
    /// command (or that record) is refused.
    /// </summary>
    public static AwsGuardException RegionWithAllRegions(string region, string source) =>
        new AwsGuardException(ErrorKind.InvalidArgument, "RegionWithAllRegions",
            $"{source} '{region}' names one region, -AllRegions every region enabled for the account: give one or the other " +
            "(for one item per account and region, pipe Get-AwsGuardAccount -AllRegions without -AllRegions here).", region);

    /// <summary>The enabled regions, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancel)
    {
        // Without AllRegions EC2 lists only enabled regions; an answer that lists others anyway (moto does) is filtered the same way.
        var answer = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), cancel).ConfigureAwait(false);
        return (answer.Regions ?? new List<Region>())
            .Where(r => r.OptInStatus is null or "opt-in-not-required" or "opted-in")
            .Select(r => r.RegionName).OrderBy(r => r, StringComparer.Ordinal).ToList();
    }
}
