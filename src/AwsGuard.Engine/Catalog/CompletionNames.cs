using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Catalog;

/// <summary>
/// Names for tab completion. Live names (buckets, log groups) are asked of AWS within a short budget and cached
/// for a minute; completion must never hang a prompt or show an error, so any failure is simply no names.
/// </summary>
public static class CompletionNames
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<string> Names)> Cache = new();

    /// <summary>Every region the SDK knows, by the one region rule.</summary>
    public static IEnumerable<string> Regions() => AwsRegions.Known();

    /// <summary>The profiles of the shared config and credentials files, found as the session provider finds them.</summary>
    public static IEnumerable<string> Profiles(string? profileLocation) =>
        Quietly(() => new CredentialProfileStoreChain(profileLocation ?? Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE")).ListProfiles().Select(p => p.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList());

    /// <summary>The account's bucket names (the first ListBuckets page).</summary>
    public static IReadOnlyList<string> Buckets(SessionProvider provider, SessionParameters parameters) =>
        Live("s3", provider, parameters, async (session, cancel) =>
        {
            var s3 = provider.GetClient("s3", session, session.RequireRegion(), AwsClients.S3);
            var answer = await s3.ListBucketsAsync(new ListBucketsRequest(), cancel).ConfigureAwait(false);
            return (answer.Buckets ?? new List<S3Bucket>()).Select(b => b.BucketName).ToList();
        });

    /// <summary>The region's log groups that start with <paramref name="prefix"/> (the first page).</summary>
    public static IReadOnlyList<string> LogGroups(SessionProvider provider, SessionParameters parameters, string prefix) =>
        Live("logs:" + prefix, provider, parameters, async (session, cancel) =>
        {
            var logs = provider.GetClient("logs", session, session.RequireRegion(), WireClients.Logs);
            var answer = await logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest
            {
                LogGroupNamePrefix = prefix.Length > 0 ? prefix : null,
            }, cancel).ConfigureAwait(false);
            return answer.LogGroups.Select(g => g.LogGroupName).OfType<string>().ToList();
        });

    /// <summary>The log group's streams that start with <paramref name="prefix"/> (the first page).</summary>
    public static IReadOnlyList<string> LogStreams(SessionProvider provider, SessionParameters parameters, string logGroup, string prefix) =>
        Live($"streams:{logGroup}:{prefix}", provider, parameters, async (session, cancel) =>
        {
            var logs = provider.GetClient("logs", session, session.RequireRegion(), WireClients.Logs);
            var answer = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest
            {
                LogGroupName = logGroup,
                LogStreamNamePrefix = prefix.Length > 0 ? prefix : null,
            }, cancel).ConfigureAwait(false);
            return answer.LogStreams.Select(st => st.LogStreamName).OfType<string>().ToList();
        });

    /// <summary>
    /// Names fetched live, cached per kind, credential identity, region and endpoint. Everything runs within the
    /// budget: resolving the session, assuming a role (with the budget's token) and the call itself.
    /// </summary>
    public static IReadOnlyList<string> Live(string kind, SessionProvider provider, SessionParameters parameters,
        Func<AwsSession, CancellationToken, Task<IReadOnlyList<string>>> fetch)
    {
        var cancel = new CancellationTokenSource(Budget);
        var work = Task.Run(async () =>
        {
            try
            {
                var session = provider.Resolve(parameters);
                var key = string.Join("|", kind, session.IdentityKey, session.Region, string.Join(",", session.Endpoints.Values.Select(endpoint => endpoint.Url)));
                if (Cache.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.At < Freshness) return cached.Names;
                var names = await Quietly(async () =>
                {
                    await session.PrepareCredentialsAsync(cancel.Token).ConfigureAwait(false);
                    return await fetch(session, cancel.Token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                Cache[key] = (DateTime.UtcNow, names);
                return names;
            }
            finally
            {
                cancel.Dispose();
            }
        });
        // The token ends every AWS call; the wait bounds what cannot take one (credential_process, instance metadata).
        return Quietly(() => work.Wait(Budget + Grace) ? work.Result : Array.Empty<string>());
    }

    private static IReadOnlyList<string> Quietly(Func<IReadOnlyList<string>> names)
    {
        try { return names(); }
        catch (Exception) { return Array.Empty<string>(); } // completion stays silent: no names is the answer
    }

    private static async Task<IReadOnlyList<string>> Quietly(Func<Task<IReadOnlyList<string>>> names)
    {
        try { return await names().ConfigureAwait(false); }
        catch (Exception) { return Array.Empty<string>(); }
    }
}
