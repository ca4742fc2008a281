using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Remediation;

/// <summary>A bucket's verdict and state, read together before a change.</summary>
public sealed class BucketReading
{
    public BucketReading(BucketExposure exposure, BucketAccessState state, bool allowTagged)
    {
        Exposure = exposure;
        State = state;
        AllowTagged = allowTagged;
    }

    public BucketExposure Exposure { get; }
    public BucketAccessState State { get; }

    /// <summary>The bucket carries the <see cref="BucketRemediator.AllowTag"/> tag.</summary>
    public bool AllowTagged { get; }
}

/// <summary>
/// Reads, changes and restores what makes a bucket public. A change writes only the parts that differ
/// (<see cref="AccessStates.Diff"/>), and is all or nothing: when a call fails, the parts already written are put back,
/// and the error says whether that worked. Calls to read a bucket: those of <see cref="PublicAccessScanner"/> for the
/// verdict, then GetPublicAccessBlock, GetBucketAcl, GetBucketPolicy, GetBucketOwnershipControls, GetBucketTagging and,
/// with a key, GetObjectAcl for the exact state. ACLs are written in the x-amz-grant-* header form.
/// </summary>
public sealed class BucketRemediator
{
    /// <summary>A bucket with this tag (any value) is public on purpose.</summary>
    public const string AllowTag = "AwsGuard:AllowPublic";

    private readonly PublicAccessScanner _scanner;
    private readonly Func<string, IAmazonS3> _clientForRegion;
    private readonly Func<CancellationToken, Task<string>> _askCallerAccount;
    private readonly object _callerLock = new();
    private Task<string>? _callerAccount;
    private readonly IS3ControlClient? _control;

    /// <param name="control">S3 Control, for the account-level Block Public Access; null when only buckets are changed.</param>
    public BucketRemediator(PublicAccessScanner scanner, Func<string, IAmazonS3> clientForRegion, Func<CancellationToken, Task<string>> callerAccount,
        IS3ControlClient? control = null)
    {
        _control = control;
        _scanner = scanner ?? throw new ArgumentNullException(nameof(scanner));
        _clientForRegion = clientForRegion ?? throw new ArgumentNullException(nameof(clientForRegion));
        _askCallerAccount = callerAccount ?? throw new ArgumentNullException(nameof(callerAccount));
    }

    /// <summary>A remediator over the session's cached clients.</summary>
    public static BucketRemediator ForSession(SessionProvider provider, AwsSession session)
    {
        var identity = IdentityReader.ForSession(provider, session);
        return new(PublicAccessScanner.ForSession(provider, session), region => provider.GetClient("s3", session, region, AwsClients.S3),
            async cancel => (await identity.GetAsync(cancel).ConfigureAwait(false)).Account,
            provider.GetClient("s3control", session, session.RequireRegion(), WireClients.S3Control));
    }

    /// <summary>The account-level Block Public Access, as a state (null flags: not configured).</summary>
    public async Task<BucketAccessState> ReadAccountAsync(CancellationToken cancel)
    {
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        var settings = await Call(PublicAccessScanner.AccountCall, account, "account " + account, () => Control.GetPublicAccessBlockAsync(account, cancel),
            "NoSuchPublicAccessBlockConfiguration").ConfigureAwait(false);
        return new BucketAccessState { BlockPublicAccess = settings };
    }

    private IS3ControlClient Control => _control ?? throw new InvalidOperationException("This remediator was made without an S3 Control client.");

    /// <summary>The account the session acts in (asked once).</summary>
    public Task<string> AccountAsync(CancellationToken cancel)
    {
        lock (_callerLock) return _callerAccount ??= _askCallerAccount(cancel);
    }

    /// <summary>The verdict (the name is checked first), then the exact state of a bucket that has a region.</summary>
    public async Task<BucketReading> ReadAsync(string bucket, string? key, CancellationToken cancel)
    {
        var exposure = await _scanner.EvaluateAsync(bucket, key, cancel).ConfigureAwait(false);
        if (exposure.Region is null) return new BucketReading(exposure, new BucketAccessState(), false);
        var s3 = _clientForRegion(exposure.Region);
        var subject = $"bucket '{bucket}'";
        var tags = await Call("s3:GetBucketTagging", bucket, subject, async () =>
            (await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }, cancel).ConfigureAwait(false)).TagSet, "NoSuchTagSet")
            .ConfigureAwait(false);
        var state = await ReadStateAsync(bucket, exposure.Region, key, cancel).ConfigureAwait(false);
        return new BucketReading(exposure, state, tags?.Any(t => t.Key == AllowTag) == true);
    }

    /// <summary>The parts of the bucket's state that a change writes, and its Object Ownership.</summary>
    public async Task<BucketAccessState> ReadStateAsync(string bucket, string region, string? key, CancellationToken cancel)
    {
        var s3 = _clientForRegion(region);
        var subject = $"bucket '{bucket}'";
        var block = await Call("s3:GetBucketPublicAccessBlock", bucket, subject, async () =>
            (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }, cancel).ConfigureAwait(false))
            .PublicAccessBlockConfiguration, "NoSuchPublicAccessBlockConfiguration").ConfigureAwait(false);
        var acl = await Call("s3:GetBucketAcl", bucket, subject, async () =>
            await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket }, cancel).ConfigureAwait(false)).ConfigureAwait(false);
        var policy = await Call("s3:GetBucketPolicy", bucket, subject, async () =>
            (await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }, cancel).ConfigureAwait(false)).Policy,
            "NoSuchBucketPolicy").ConfigureAwait(false);
        var ownership = await Call("s3:GetBucketOwnershipControls", bucket, subject, async () =>
            (await s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }, cancel).ConfigureAwait(false))
            .OwnershipControls?.Rules?.Select(r => r.ObjectOwnership?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
            "OwnershipControlsNotFoundError").ConfigureAwait(false);
        var objectAcl = key is null ? null : await Call("s3:GetObjectAcl", bucket, subject, async () =>
            await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, cancel).ConfigureAwait(false)).ConfigureAwait(false);
        return new BucketAccessState
        {
            BlockPublicAccess = block is null ? null : new BlockPublicAccessFlags(block.BlockPublicAcls ?? false, block.IgnorePublicAcls ?? false,
                block.BlockPublicPolicy ?? false, block.RestrictPublicBuckets ?? false),
            Acl = Grants(acl?.Grants),
            AclOwner = acl?.Owner?.Id,
            Policy = string.IsNullOrEmpty(policy) ? null : policy,
            ObjectOwnership = ownership,
            ObjectAcl = key is null ? null : Grants(objectAcl?.Grants),
            ObjectAclOwner = objectAcl?.Owner?.Id,
        };
    }

    /// <summary>
    /// Writes the parts of the change's After that differ from its Before (the state found), after writing the record into
    /// <paramref name="recordFolder"/> when one is given. When a call fails, the parts already written are put back from Before
    /// and the record is removed; the error says what was put back, or what could not be (then the record stays, for an undo).
    /// </summary>
    public async Task ApplyAsync(BucketAccessChange change, string? recordFolder, CancellationToken cancel)
    {
        var (bucket, from, to) = (change.ToString(), change.Before, change.After);
        if (recordFolder is not null) ChangeRecords.Write(recordFolder, change);
        var s3 = _clientForRegion(change.Region); // unused for an account-level change: S3 Control writes it
        var written = new List<StatePart>();
        foreach (var part in AccessStates.Diff(from, to))
        {
            try
            {
                await WriteAsync(s3, change, part, to, cancel).ConfigureAwait(false);
                written.Add(part);
            }
            catch (Exception error) when (error is not OperationCanceledException || written.Count > 0)
            {
                var failed = AwsErrors.Explain(error, bucket);
                var notRestored = await RollBackAsync(s3, change, written).ConfigureAwait(false);
                if (notRestored.Count == 0 && change.RecordPath is { } record) ChangeRecords.Delete(record);
                var done = string.Join(", ", written.Select(p => AccessStates.Describe(p, from, to)));
                var outcome = written.Count == 0 ? "Nothing was changed."
                    : notRestored.Count == 0 ? $"The change already made was put back ({done})."
                    : $"The change already made ({done}) could NOT be put back: {string.Join("; ", notRestored)}. " +
                      $"The bucket is half-changed; the record {change.RecordPath} keeps the state before.";
                throw AwsErrors.Explain(new AwsGuardException(failed.Kind, failed.ErrorId,
                    $"Could not call {AccessStates.Permission(part, to, change.AccountLevel)} on {Subject(change)}: {failed.Message.TrimEnd('.')}. {outcome}", bucket));
            }
        }
    }

    /// <summary>Puts the written parts back, last first; returns what could not be put back.</summary>
    private async Task<List<string>> RollBackAsync(IAmazonS3 s3, BucketAccessChange change, List<StatePart> written)
    {
        var (from, to) = (change.Before, change.After);
        var notRestored = new List<string>();
        foreach (var part in Enumerable.Reverse(written))
        {
            try
            {
                // Not cancellable: a rollback interrupted by Ctrl+C would leave the bucket half-changed.
                await WriteAsync(s3, change, part, from, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                notRestored.Add($"{AccessStates.Describe(part, to, from)} failed ({AwsErrors.Explain(error).ErrorId})");
            }
        }
        return notRestored;
    }

    private static string Subject(BucketAccessChange change) => change.AccountLevel ? change.ToString() : $"bucket '{change}'";

    private Task WriteAsync(IAmazonS3 s3, BucketAccessChange change, StatePart part, BucketAccessState to, CancellationToken cancel)
    {
        var (bucket, key) = (change.BucketName, change.ObjectKey);
        switch (part)
        {
            case StatePart.BlockPublicAccess when change.AccountLevel && to.BlockPublicAccess is { } flags:
                return Control.PutPublicAccessBlockAsync(change.AccountId, flags, cancel);
            case StatePart.BlockPublicAccess when change.AccountLevel:
                return Control.DeletePublicAccessBlockAsync(change.AccountId, cancel);
            case StatePart.BlockPublicAccess when to.BlockPublicAccess is { } flags:
                return s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
                {
                    BucketName = bucket,
                    PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                    {
                        BlockPublicAcls = flags.BlockPublicAcls, IgnorePublicAcls = flags.IgnorePublicAcls,
                        BlockPublicPolicy = flags.BlockPublicPolicy, RestrictPublicBuckets = flags.RestrictPublicBuckets,
                    },
                }, cancel);
            case StatePart.BlockPublicAccess:
                return s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket }, cancel);
            case StatePart.Policy when to.Policy is { } policy:
                return s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy }, cancel);
            case StatePart.Policy:
                return s3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket }, cancel);
            case StatePart.Acl:
                var acl = new GrantHeaders(to.Acl);
                return s3.PutBucketAclAsync(new PutBucketAclRequest
                {
                    BucketName = bucket, GrantFullControl = acl["FULL_CONTROL"], GrantRead = acl["READ"], GrantReadACP = acl["READ_ACP"],
                    GrantWrite = acl["WRITE"], GrantWriteACP = acl["WRITE_ACP"],
                }, cancel);
            default:
                var objectAcl = new GrantHeaders(to.ObjectAcl!);
                return s3.PutObjectAclAsync(new PutObjectAclRequest
                {
                    BucketName = bucket, Key = key, GrantFullControl = objectAcl["FULL_CONTROL"], GrantRead = objectAcl["READ"],
                    GrantReadACP = objectAcl["READ_ACP"], GrantWrite = objectAcl["WRITE"], GrantWriteACP = objectAcl["WRITE_ACP"],
                }, cancel);
        }
    }

    /// <summary>An ACL as x-amz-grant-* header values (uri="...", id="..."), one per permission; null where none.</summary>
    private sealed class GrantHeaders
    {
        private readonly string[] _grants;
        public GrantHeaders(string[] grants) => _grants = grants;

        public string? this[string permission] =>
            _grants.Select(AccessStates.SplitGrant).Where(g => g.Permission == permission).Select(g => g.Grantee.Split(new[] { '=' }, 2))
                .Select(g => $"{g[0]}=\"{g[1]}\"").ToList() is { Count: > 0 } grantees ? string.Join(", ", grantees) : null;
    }

    private static string[] Grants(List<S3Grant>? grants) =>
        (grants ?? new List<S3Grant>())
        .Select(g => AccessStates.Grant(g.Permission?.Value ?? "", g.Grantee?.URI, g.Grantee?.CanonicalUser, g.Grantee?.EmailAddress))
        .ToArray();

    /// <summary>One read: a missing configuration is null; any failure is an error naming the permission and the bucket.</summary>
    private static async Task<T?> Call<T>(string permission, string target, string subject, Func<Task<T?>> run, params string[] missing) where T : class
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (missing.Contains(e.ErrorCode))
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = AwsErrors.Explain(e, target);
            if (missing.Contains(error.ErrorId)) return null;
            throw AwsErrors.Explain(new AwsGuardException(error.Kind, error.ErrorId, $"Could not call {permission} on {subject}: {error.Message}", target));
        }
    }
}
