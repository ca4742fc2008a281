using System;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Roles;

/// <summary>What revoking one role's sessions will do, decided from the role and its current revocation policy.</summary>
public sealed class RevocationPlan
{
    internal RevocationPlan(RoleSessionRevocation result, DateTime requested, bool replacesForeignDocument)
    {
        Result = result;
        Requested = requested;
        ReplacesForeignDocument = replacesForeignDocument;
    }

    /// <summary>The outcome, written once <see cref="RoleSessionRevoker.ApplyAsync"/> has put the policy (or at once when Unchanged).</summary>
    public RoleSessionRevocation Result { get; }

    /// <summary>The time asked for; differs from Result.RevokedBefore when a later existing time is kept.</summary>
    public DateTime Requested { get; }

    public bool KeepsLaterTime => Result.Action == RevocationAction.Unchanged && Result.RevokedBefore > Requested;

    /// <summary>A policy named AWSRevokeOlderSessions exists but states no revocation time; it is replaced.</summary>
    public bool ReplacesForeignDocument { get; }
}

/// <summary>
/// Revokes a role's sessions the way the IAM console does: PutRolePolicy of <see cref="RevocationPolicy"/> on the role,
/// never touching its other policies. Calls per role: GetRole, GetRolePolicy, then PutRolePolicy unless the existing time is
/// the same or later; STS GetCallerIdentity once, only when a role is given by ARN (to compare accounts).
/// </summary>
public sealed class RoleSessionRevoker
{
    private readonly IIamClient _iam;
    private readonly Func<CancellationToken, Task<string>> _askCallerAccount;
    private readonly object _callerLock = new();
    private Task<string>? _callerAccount;

    /// <param name="callerAccount">The account the session acts in; asked at most once, and only for ARNs.</param>
    public RoleSessionRevoker(IIamClient iam, Func<CancellationToken, Task<string>> callerAccount)
    {
        _iam = iam ?? throw new ArgumentNullException(nameof(iam));
        _askCallerAccount = callerAccount ?? throw new ArgumentNullException(nameof(callerAccount));
    }

    /// <summary>A revoker over the session's cached IAM client (IAM is global: the session's region only picks the partition).</summary>
    public static RoleSessionRevoker ForSession(SessionProvider provider, AwsSession session)
    {
        var identity = IdentityReader.ForSession(provider, session);
        return new RoleSessionRevoker(provider.GetClient("iam", session, session.RegionOrDefault, WireClients.Iam),
            async cancel => (await identity.GetAsync(cancel).ConfigureAwait(false)).Account);
    }

    /// <summary>Reads the role and its revocation policy and decides; changes nothing. Errors are AwsGuardExceptions naming the role.</summary>
    public async Task<RevocationPlan> PlanAsync(RoleReference role, DateTime before, CancellationToken cancel)
    {
        var requested = RevocationPolicy.Normalize(before);
        // Checks the input allows are made before any IAM call.
        if (role.Path is not null) RefuseServiceLinked(role.Name, role.Path, role.Input);
        if (role.Account is not null)
        {
            var caller = await CallerAccount(cancel).ConfigureAwait(false);
            if (caller != role.Account)
                throw new AwsGuardException(ErrorKind.InvalidArgument, "RoleInOtherAccount",
                    $"The role '{role.Input}' is in account {role.Account}, but AwsGuard acts as account {caller}. " +
                    $"To revoke its sessions, give -AssumeRoleArn with a role in account {role.Account} that may call iam:PutRolePolicy.", role.Input);
        }

        IamRole found;
        try
        {
            found = await Call("GetRole", role, () => _iam.GetRoleAsync(role.Name, cancel)).ConfigureAwait(false);
        }
        catch (Exception error) when (IsNoSuchEntity(error))
        {
            throw new AwsGuardException(ErrorKind.ObjectNotFound, "NoSuchEntity", $"The role '{role.Name}' does not exist.", role.Input);
        }
        RefuseServiceLinked(role.Name, found.Path, role.Input);

        string? existing;
        try
        {
            existing = (await Call("GetRolePolicy", role, () => _iam.GetRolePolicyAsync(role.Name, RevocationPolicy.Name, cancel)).ConfigureAwait(false)).PolicyDocument;
        }
        catch (Exception error) when (IsNoSuchEntity(error))
        {
            existing = null;
        }

        var existingTime = RevocationPolicy.ReadTime(existing);
        var action = existing is null ? RevocationAction.Created
            : existingTime >= requested ? RevocationAction.Unchanged // never move a revocation earlier: it would give access back
            : RevocationAction.Updated;
        var result = new RoleSessionRevocation
        {
            RoleName = found.RoleName ?? role.Name,
            RoleArn = found.Arn ?? "",
            AccountId = SessionProvider.AccountOfRole(found.Arn) ?? "",
            RevokedBefore = action == RevocationAction.Unchanged ? existingTime!.Value : requested,
            PolicyName = RevocationPolicy.Name,
            Action = action,
        };
        return new RevocationPlan(result, requested, existing is not null && existingTime is null);
    }

    /// <summary>Puts the policy the plan decided on; nothing for Unchanged.</summary>
    public async Task ApplyAsync(RevocationPlan plan, CancellationToken cancel)
    {
        if (plan.Result.Action == RevocationAction.Unchanged) return;
        var role = plan.Result.RoleName;
        await Call("PutRolePolicy", role, async () =>
        {
            await _iam.PutRolePolicyAsync(role, RevocationPolicy.Name, RevocationPolicy.Document(plan.Result.RevokedBefore), cancel).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    private Task<string> CallerAccount(CancellationToken cancel)
    {
        lock (_callerLock) return _callerAccount ??= _askCallerAccount(cancel);
    }

    private static void RefuseServiceLinked(string name, string? path, string target)
    {
        if (path is not null && path.StartsWith(RevocationPolicy.ServiceLinkedPath, StringComparison.Ordinal))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ServiceLinkedRole",
                $"The role '{name}' is a service-linked role (path {path}). IAM does not allow inline policies on service-linked roles, " +
                "so their sessions cannot be revoked; the service that owns the role manages it.", target);
    }

    private static bool IsNoSuchEntity(Exception error) => error is Amazon.Runtime.AmazonServiceException { ErrorCode: "NoSuchEntity" };

    private static Task<T> Call<T>(string action, RoleReference role, Func<Task<T>> call) => Call(action, role.Input, call);

    /// <summary>A denied call names the IAM permission it needed, so the user knows what to ask for.</summary>
    private static async Task<T> Call<T>(string action, string target, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException && AwsErrors.Explain(error, target) is { Kind: ErrorKind.PermissionDenied } denied)
        {
            throw new AwsGuardException(ErrorKind.PermissionDenied, denied.ErrorId,
                $"Not allowed to call iam:{action} on the role '{target}': {denied.Message}", target);
        }
    }
}
