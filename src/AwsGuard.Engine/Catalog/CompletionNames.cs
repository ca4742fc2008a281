using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Catalog;

/// <summary>
/// Names for tab completion. Live names (buckets, log groups) are asked of AWS with a short timeout and cached
/// for a minute; completion must never hang a prompt or show an error, so any failure is simply no names.
/// </summary>
public static class CompletionNames
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<string> Names)> Cache = new();

    /// <summary>Every region the SDK knows.</summary>
    public static IEnumerable<string> Regions() => RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>The profiles of the shared config and credentials files, found as the session provider finds them.</summary>
    public static IEnumerable<string> Profiles(string? profileLocation) =>
        Quietly(() => new CredentialProfileStoreChain(profileLocation ?? Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE")).ListProfiles().Select(p => p.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList());

    /// <summary>The account's bucket names (the first ListBuckets page).</summary>
    public static IReadOnlyList<string> Buckets(SessionProvider provider, AwsSession session) =>
        Live("s3", session, async cancel =>
        {
            var s3 = provider.GetClient("s3", session, session.RequireRegion(), AwsClients.S3);
            var answer = await s3.ListBucketsAsync(new ListBucketsRequest(), cancel).ConfigureAwait(false);
            return (answer.Buckets ?? new List<S3Bucket>()).Select(b => b.BucketName).ToList();
        });

    /// <summary>The region's log groups that start with <paramref name="prefix"/> (the first page).</summary>
    public static IReadOnlyList<string> LogGroups(SessionProvider provider, AwsSession session, string prefix) =>
        Live("logs:" + prefix, session, async cancel =>
        {
            var logs = provider.GetClient("logs", session, session.RequireRegion(), WireClients.Logs);
            var answer = await logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest
            {
                LogGroupNamePrefix = prefix.Length > 0 ? prefix : null,
            }, cancel).ConfigureAwait(false);
            return answer.LogGroups.Select(g => g.LogGroupName).OfType<string>().ToList();
        });

    /// <summary>The log group's streams that start with <paramref name="prefix"/> (the first page).</summary>
    public static IReadOnlyList<string> LogStreams(SessionProvider provider, AwsSession session, string logGroup, string prefix) =>
        Live($"streams:{logGroup}:{prefix}", session, async cancel =>
        {
            var logs = provider.GetClient("logs", session, session.RequireRegion(), WireClients.Logs);
            var answer = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest
            {
                LogGroupName = logGroup,
                LogStreamNamePrefix = prefix.Length > 0 ? prefix : null,
            }, cancel).ConfigureAwait(false);
            return answer.LogStreams.Select(st => st.LogStreamName).OfType<string>().ToList();
        });

    /// <summary>Names fetched live for this session, cached per kind, credential identity, region and endpoint.</summary>
    public static IReadOnlyList<string> Live(string kind, AwsSession session, Func<CancellationToken, Task<IReadOnlyList<string>>> fetch)
    {
        var key = string.Join("|", kind, session.IdentityKey, session.Region, session.Endpoint?.AbsoluteUri);
        if (Cache.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.At < Freshness) return cached.Names;
        var names = Quietly(() =>
        {
            using var cancel = new CancellationTokenSource(Timeout);
            return fetch(cancel.Token).GetAwaiter().GetResult();
        });
        Cache[key] = (DateTime.UtcNow, names);
        return names;
    }

    private static IReadOnlyList<string> Quietly(Func<IReadOnlyList<string>> names)
    {
        try { return names(); }
        catch (Exception) { return Array.Empty<string>(); } // completion stays silent: no names is the answer
    }
}
