using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Amazon;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// The one rule for region names, from AWSSDK.Core's partition data: a name is a region when it matches a partition's
/// region pattern (aws, aws-cn, aws-us-gov, aws-eusc, the ISO partitions). Completion offers only such names and every
/// client, SDK or wire, accepts exactly them; pseudo-regions such as us-east-1-regional or aws-global are not regions.
/// </summary>
public static class AwsRegions
{
    // ECMAScript: \w and \d are ASCII only, as in the SDK's own endpoint rules.
    private static readonly Regex[] Patterns = RegionEndpoint.AllPartitionRegionRegex
        .Select(pattern => new Regex(pattern, RegexOptions.ECMAScript)).ToArray();

    // The whole name must match: the SDK's patterns end in $, which also matches before a final newline.
    public static bool IsRegion(string? name) =>
        name is not null && Patterns.Any(pattern => pattern.Match(name) is { Success: true } match && match.Length == name.Length);

    /// <summary>The regions the SDK lists, sorted.</summary>
    public static IEnumerable<string> Known() =>
        RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).Where(IsRegion).OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>The region, or an InvalidRegion error that says where the name came from.</summary>
    public static string Require(string? name, string source = "the region")
    {
        if (!IsRegion(name))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRegion",
                $"'{name}' from {source} is not an AWS region name (for example us-east-1, cn-north-1, us-gov-west-1, eusc-de-east-1).", name);
        return name!;
    }

    /// <summary>The partition of a region: aws, aws-cn, aws-us-gov, aws-eusc, aws-iso...</summary>
    public static string PartitionOf(string region) => RegionEndpoint.GetBySystemName(Require(region)).PartitionName;

    /// <summary>The partition's DNS suffix: amazonaws.com, amazonaws.com.cn, amazonaws.eu...</summary>
    public static string DnsSuffixOf(string region) => RegionEndpoint.GetBySystemName(Require(region)).PartitionDnsSuffix;
}
