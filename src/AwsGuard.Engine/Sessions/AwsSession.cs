using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace AwsGuard.Engine.Sessions;

/// <summary>Credentials, region and endpoint resolved once for one cmdlet invocation.</summary>
public sealed class AwsSession
{
    internal AwsSession(AWSCredentials credentials, string credentialSource, string identityKey,
        string? region, string? regionSource, IReadOnlyDictionary<string, ResolvedEndpoint> endpoints, string? roleAccountId = null,
        AwsRetry? retry = null)
    {
        Retry = retry ?? AwsRetry.Default;
        RoleAccountId = roleAccountId;
        Credentials = credentials;
        CredentialSource = credentialSource;
        IdentityKey = identityKey;
        Region = region;
        RegionSource = regionSource;
        Endpoints = endpoints;
    }

    internal AWSCredentials Credentials { get; }

    /// <summary>Where the credentials came from, for messages: never the secret itself.</summary>
    public string CredentialSource { get; }

    /// <summary>Distinguishes credential identities in the client cache without holding a secret.</summary>
    internal string IdentityKey { get; }

    public string? Region { get; }

    /// <summary>The retry policy its clients use, from the SDKs' settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, the profile).</summary>
    public AwsRetry Retry { get; }

    /// <summary>The account of the role -AssumeRoleArn named (from its ARN, known without a call); null otherwise.</summary>
    public string? RoleAccountId { get; }
    public string? RegionSource { get; }

    /// <summary>Where a global service (STS, IAM) is asked when no region is known: it answers from any region of the partition.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>The session's region, else <see cref="DefaultRegion"/>: for calls that need a region to sign but not to choose the data (STS, IAM).</summary>
    public string RegionOrDefault => Region ?? DefaultRegion;

    /// <summary>Each service's endpoint by client key (s3, logs...), and why: see <see cref="ServiceEndpoints"/>.</summary>
    public IReadOnlyDictionary<string, ResolvedEndpoint> Endpoints { get; }

    /// <summary>The endpoint a service's calls go to; null for AWS's own.</summary>
    public Uri? EndpointFor(string service) => Endpoints.TryGetValue(service, out var endpoint)
        ? endpoint.Url
        : throw new ArgumentException($"'{service}' is no service of {nameof(ServiceEndpoints)}.", nameof(service));

    /// <summary>Fetches role credentials now, within <paramref name="cancel"/>: for callers with a budget, before their first call.</summary>
    public Task PrepareCredentialsAsync(CancellationToken cancel) =>
        Credentials is AssumedRoleCredentials role ? role.PrepareAsync(cancel) : Task.CompletedTask;

    /// <summary>The region a call should use: the one asked for, else the session's; an error when neither exists.</summary>
    public string RequireRegion(string? preferred = null)
    {
        var region = preferred ?? Region;
        if (string.IsNullOrEmpty(region))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "NoRegion",
                "No AWS region was found. Tried: -Region, the profile's region, $StoredAWSRegion (Set-DefaultAWSRegion), " +
                "AWS_REGION, AWS_DEFAULT_REGION and the shared config file. Pass -Region (for example -Region us-east-1), " +
                "run Set-DefaultAWSRegion, or set AWS_REGION.");
        return region!;
    }
}
