using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>A bucket as ListBuckets returns it; Region is null when S3 did not say.</summary>
public sealed class ListedBucket
{
    public ListedBucket(string name, string? region)
    {
        Name = name;
        Region = region;
    }

    public string Name { get; }
    public string? Region { get; }
}

/// <summary>
/// Reads what decides whether a bucket is public and hands it to <see cref="ExposureDecision"/>. Safe to share across
/// concurrent <see cref="EvaluateAsync(string, string, CancellationToken)"/> calls; the account-level Block Public Access
/// is fetched once per scanner (one scanner per scan and account).
/// Calls per bucket: GetBucketLocation (skipped when the listing placed the bucket), then together GetPublicAccessBlock,
/// GetBucketOwnershipControls, GetBucketAcl and GetBucketPolicy; GetBucketPolicyStatus only when a policy exists (without a
/// policy it cannot be public); GetObjectAcl when a key is asked for. So 5 for a bucket named without a policy, 6 with one,
/// one fewer for a listed bucket whose region ListBuckets gave. The ACL is read even when IgnorePublicAcls or BucketOwnerEnforced
/// is in effect, and the policy even when RestrictPublicBuckets is: they cannot make the bucket public, but they decide between
/// Blocked and NotPublic and give the reasons.
/// Errors: an invalid name is InvalidArgument before any call; NoSuchBucket and NoSuchKey are ObjectNotFound, and bad
/// credentials (AuthenticationError) are thrown as well, since every bucket would fail alike; any other failure of one call
/// (AccessDenied, throttling past the retries, a connection failure) becomes a reason naming the call, and the bucket's status
/// follows <see cref="ExposureDecision"/>. Missing configurations (NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration,
/// OwnershipControlsNotFoundError) are answers, not errors.
/// </summary>
public sealed class PublicAccessScanner
{
    /// <summary>The IAM permission behind the account-level read, as reasons name it.</summary>
    public const string AccountCall = "s3:GetAccountPublicAccessBlock";

    private static readonly string[] RedirectCodes = { "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "301" };

    private readonly Func<string, IAmazonS3> _clientForRegion;
    private readonly string _homeRegion;
    private readonly Func<CancellationToken, Task<BlockPublicAccessFlags?>> _accountBlockPublicAccess;
    private readonly object _accountLock = new();
    private Task<Fetched<BlockPublicAccessFlags>>? _account;
    private readonly Func<CancellationToken, Task<string>>? _accountId;

    /// <param name="clientForRegion">An S3 client for a region (cached by the caller, as SessionProvider.GetClient does).</param>
    /// <param name="homeRegion">The session's region: where GetBucketLocation and ListBuckets are asked.</param>
    /// <param name="accountBlockPublicAccess">Reads the account-level Block Public Access (S3 Control); null result = not configured.
    /// Called once per scanner; a failure is a reason on each bucket it could matter to.</param>
    /// <param name="accountId">The account's id for each result's AccountId (null: left empty).</param>
    public PublicAccessScanner(Func<string, IAmazonS3> clientForRegion, string homeRegion,
        Func<CancellationToken, Task<BlockPublicAccessFlags?>> accountBlockPublicAccess, Func<CancellationToken, Task<string>>? accountId = null)
    {
        _accountId = accountId;
        _clientForRegion = clientForRegion ?? throw new ArgumentNullException(nameof(clientForRegion));
        _homeRegion = homeRegion ?? throw new ArgumentNullException(nameof(homeRegion));
        _accountBlockPublicAccess = accountBlockPublicAccess ?? throw new ArgumentNullException(nameof(accountBlockPublicAccess));
    }

    /// <summary>A scanner over the session's cached S3 clients that reads the account-level Block Public Access through S3 Control.</summary>
    public static PublicAccessScanner ForSession(SessionProvider provider, AwsSession session) =>
        new(region => provider.GetClient("s3", session, region, AwsClients.S3), session.RequireRegion(),
            cancel => AccountBlockPublicAccess.ReadAsync(provider, session, session.RequireRegion(), cancel),
            cancel => provider.AccountIdAsync(session, cancel));

    /// <summary>An account-level reader for a value already known (null = not configured); for tests.</summary>
    internal static Func<CancellationToken, Task<BlockPublicAccessFlags?>> Fixed(BlockPublicAccessFlags? account) =>
        _ => Task.FromResult(account);

    /// <summary>
    /// Every bucket of the account, page by page, handed to <paramref name="onBucket"/> as it arrives, with its region.
    /// S3 names each bucket's region in a paginated listing; where a store does not (moto), one listing filtered by the
    /// home region places the buckets there, so only the others need GetBucketLocation.
    /// </summary>
    public async Task ListBucketsAsync(Func<ListedBucket, Task> onBucket, CancellationToken cancel)
    {
        HashSet<string>? inHomeRegion = null;
        await ListPagesAsync(null, async bucket =>
        {
            var region = string.IsNullOrEmpty(bucket.BucketRegion) ? null : bucket.BucketRegion;
            if (region is null)
            {
                if (inHomeRegion is null)
                {
                    inHomeRegion = new HashSet<string>(StringComparer.Ordinal);
                    await ListPagesAsync(_homeRegion, b => { inHomeRegion.Add(b.BucketName); return Task.CompletedTask; }, cancel).ConfigureAwait(false);
                }
                if (inHomeRegion.Contains(bucket.BucketName)) region = _homeRegion;
            }
            await onBucket(new ListedBucket(bucket.BucketName, region)).ConfigureAwait(false);
        }, cancel).ConfigureAwait(false);
    }

    private async Task ListPagesAsync(string? region, Func<S3Bucket, Task> onBucket, CancellationToken cancel)
    {
        var s3 = _clientForRegion(_homeRegion);
        string? token = null;
        do
        {
            ListBucketsResponse page;
            try
            {
                page = await s3.ListBucketsAsync(new ListBucketsRequest { MaxBuckets = 1000, BucketRegion = region, ContinuationToken = token }, cancel)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw AwsErrors.Explain(e, "ListBuckets");
            }
            foreach (var bucket in page.Buckets ?? new List<S3Bucket>()) await onBucket(bucket).ConfigureAwait(false);
            token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        } while (token is not null);
    }

    /// <summary>The bucket's region: as the listing gave it, else from GetBucketLocation.</summary>
    public Task<string> RegionOfAsync(ListedBucket bucket, CancellationToken cancel) =>
        bucket.Region is { } region ? Task.FromResult(region) : LocateAsync(bucket.Name, cancel);

    /// <summary>Evaluates a bucket a user named (the name is checked first), and the ACL of <paramref name="key"/> when given.</summary>
    public Task<BucketExposure> EvaluateAsync(string bucket, string? key, CancellationToken cancel)
    {
        BucketNameRules.Validate(bucket);
        return EvaluateCoreAsync(bucket, null, key, cancel);
    }

    /// <summary>Evaluates a bucket ListBuckets returned: its name is not checked again, and its region saves GetBucketLocation.</summary>
    public Task<BucketExposure> EvaluateAsync(ListedBucket bucket, string? key, CancellationToken cancel) =>
        EvaluateCoreAsync(bucket.Name, bucket.Region, key, cancel);

    private async Task<BucketExposure> EvaluateCoreAsync(string bucket, string? knownRegion, string? key, CancellationToken cancel)
    {
        if (key is not null && key.Length == 0)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidObjectKey", "An object key cannot be empty.", key);
        var facts = new BucketFacts(bucket, key);
        var account = AccountAsync(cancel);

        try
        {
            facts.Region = knownRegion ?? await LocateAsync(bucket, cancel).ConfigureAwait(false);
        }
        catch (AwsGuardException e) when (!Fatal(e))
        {
            facts.LocationError = e;
            return await DecideAsync(facts, cancel).ConfigureAwait(false);
        }

        var s3 = _clientForRegion(facts.Region);
        var block = Fetch("s3:GetBucketPublicAccessBlock", bucket, async () =>
        {
            var c = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }, cancel).ConfigureAwait(false))
                .PublicAccessBlockConfiguration;
            return c is null ? null : new BlockPublicAccessFlags(c.BlockPublicAcls ?? false, c.IgnorePublicAcls ?? false,
                c.BlockPublicPolicy ?? false, c.RestrictPublicBuckets ?? false);
        }, "NoSuchPublicAccessBlockConfiguration");
        var ownership = Fetch("s3:GetBucketOwnershipControls", bucket, async () =>
            (await s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }, cancel).ConfigureAwait(false))
            .OwnershipControls?.Rules?.Select(r => r.ObjectOwnership?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
            "OwnershipControlsNotFoundError");
        var acl = Fetch<IReadOnlyList<AclGrant>>("s3:GetBucketAcl", bucket, async () =>
            Grants((await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket }, cancel).ConfigureAwait(false)).Grants));
        var policy = Fetch("s3:GetBucketPolicy", bucket, async () =>
            (await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }, cancel).ConfigureAwait(false)).Policy,
            "NoSuchBucketPolicy");
        var objectAcl = key is null ? null : Fetch<IReadOnlyList<AclGrant>>("s3:GetObjectAcl", bucket, async () =>
            Grants((await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, cancel).ConfigureAwait(false)).Grants));

        try
        {
            facts.BucketBlock = await block.ConfigureAwait(false);
            facts.Ownership = await ownership.ConfigureAwait(false);
            facts.Acl = await acl.ConfigureAwait(false);
            facts.Policy = await policy.ConfigureAwait(false);
            if (objectAcl is not null) facts.ObjectAcl = await objectAcl.ConfigureAwait(false);
        }
        finally
        {
            // Let every started call finish before leaving, so none runs on unobserved.
            await Task.WhenAll(new Task[] { block, ownership, acl, policy, objectAcl ?? Task.CompletedTask }
                .Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)))
                .ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(facts.Policy.Value))
            facts.PolicyStatus = await Fetch("s3:GetBucketPolicyStatus", bucket, async () =>
                new PolicyStatusAnswer((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket }, cancel)
                    .ConfigureAwait(false)).PolicyStatus?.IsPublic), "NoSuchBucketPolicy").ConfigureAwait(false);

        facts.Account = await account.ConfigureAwait(false);
        return await DecideAsync(facts, cancel).ConfigureAwait(false);
    }

    /// <summary>The decision, with the account's id; that is left null when it cannot be read (the account-level read says why).</summary>
    private async Task<BucketExposure> DecideAsync(BucketFacts facts, CancellationToken cancel)
    {
        var exposure = ExposureDecision.Decide(facts);
        if (_accountId is null) return exposure;
        try
        {
            exposure.AccountId = await _accountId(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // the account-level Block Public Access read fails alike and is a reason of its own
        }
        return exposure;
    }

    private async Task<string> LocateAsync(string bucket, CancellationToken cancel)
    {
        GetBucketLocationResponse answer;
        try
        {
            answer = await _clientForRegion(_homeRegion).GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancel).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (RedirectCodes.Contains(e.ErrorCode) || (int)e.StatusCode == 301)
        {
            // Some partitions answer GetBucketLocation only from us-east-1's endpoint for buckets elsewhere.
            try
            {
                answer = await _clientForRegion("us-east-1").GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancel).ConfigureAwait(false);
            }
            catch (Exception retry) when (retry is not OperationCanceledException)
            {
                throw AwsErrors.Explain(retry, bucket);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw AwsErrors.Explain(e, bucket);
        }
        return RegionOf(answer.Location?.Value);
    }

    /// <summary>GetBucketLocation's constraint as a region: none is us-east-1, EU is eu-west-1.</summary>
    public static string RegionOf(string? locationConstraint) => locationConstraint switch
    {
        null or "" or "US" => "us-east-1",
        "EU" => "eu-west-1",
        _ => locationConstraint,
    };

    private Task<Fetched<BlockPublicAccessFlags>> AccountAsync(CancellationToken cancel)
    {
        lock (_accountLock)
        {
            if (_account is null || _account.IsCanceled || (_account.IsFaulted))
                _account = Fetch(AccountCall, "account", () => _accountBlockPublicAccess(cancel), "NoSuchPublicAccessBlockConfiguration");
            return _account;
        }
    }

    private static async Task<Fetched<T>> Fetch<T>(string call, string target, Func<Task<T?>> run, params string[] missing) where T : class
    {
        try
        {
            return Fetched<T>.Answer(call, await run().ConfigureAwait(false));
        }
        catch (AmazonS3Exception e) when (missing.Contains(e.ErrorCode))
        {
            return Fetched<T>.Missing(call);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var error = AwsErrors.Explain(e, target);
            if (error.Kind == ErrorKind.OperationStopped) throw error;
            if (missing.Contains(error.ErrorId)) return Fetched<T>.Missing(call);
            if (Fatal(error)) throw error;
            return Fetched<T>.Failure(call, error);
        }
    }

    /// <summary>Failures that are the user's answer rather than one bucket's: no such bucket or key, bad credentials, a stop.</summary>
    private static bool Fatal(AwsGuardException error) =>
        error.ErrorId is "NoSuchBucket" or "NoSuchKey" || error.Kind is ErrorKind.AuthenticationError or ErrorKind.OperationStopped;

    private static IReadOnlyList<AclGrant> Grants(List<S3Grant>? grants) =>
        (grants ?? new List<S3Grant>())
        .Select(g => new AclGrant(g.Grantee?.URI, g.Grantee?.CanonicalUser, g.Permission?.Value ?? ""))
        .ToList();
}
