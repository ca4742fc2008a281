using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Organizations;

/// <summary>What Get-AwsGuardAccount lists: which accounts, reached through which role, in which regions.</summary>
public sealed class AccountQuery
{
    public string RoleName { get; set; } = "";
    public string? RoleExternalId { get; set; }
    public IReadOnlyList<string>? OrganizationalUnitIds { get; set; }
    public IReadOnlyList<string>? AccountIds { get; set; }
    public IReadOnlyList<string>? ExcludeAccountIds { get; set; }
    public IReadOnlyList<string>? TargetRegions { get; set; }
    public bool AllRegions { get; set; }
    public bool IncludeSuspended { get; set; }
}

/// <summary>
/// The organization's accounts as <see cref="AwsGuardAccount"/> items: every page of ListAccounts, or the accounts under
/// the given OUs (recursively); each with its OU path (ListParents and DescribeOrganizationalUnit, each OU read once) and
/// the role to reach it. The caller's own account needs no role. With AllRegions, each account's enabled regions come from
/// EC2 DescribeRegions through that account's role; an account whose role fails is one error and the others go on.
/// </summary>
public sealed class OrganizationAccounts
{
    private const string Active = "ACTIVE";
    private readonly IOrganizationsClient _organizations;
    private readonly Func<CancellationToken, Task<string>> _callerArn;
    private readonly Func<string?, string?, EnabledRegions> _regionsFor;
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    /// <param name="callerArn">The caller's ARN (STS GetCallerIdentity): its account and partition.</param>
    /// <param name="regionsFor">EC2 for an account's role ARN and external id (null role: the caller's own credentials).</param>
    public OrganizationAccounts(IOrganizationsClient organizations, Func<CancellationToken, Task<string>> callerArn,
        Func<string?, string?, EnabledRegions> regionsFor)
    {
        _organizations = organizations;
        _callerArn = callerArn;
        _regionsFor = regionsFor;
    }

    public static OrganizationAccounts ForSession(SessionProvider provider, AwsSession session)
    {
        var identity = IdentityReader.ForSession(provider, session);
        return new(provider.GetClient("organizations", session, session.RegionOrDefault, WireClients.Organizations),
            async cancel => (await identity.GetAsync(cancel).ConfigureAwait(false)).Arn,
            (role, externalId) => EnabledRegions.ForSession(provider, role is null ? session : provider.WithRole(session, role, externalId)));
    }

    /// <summary>Checks the query before any call.</summary>
    public static void Validate(AccountQuery query)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(query.RoleName, @"^[\w+=,.@-]{1,64}$"))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRoleName",
                $"-RoleName '{query.RoleName}' is not an IAM role name (1 to 64 letters, digits and +=,.@_-).", query.RoleName);
        foreach (var id in (query.AccountIds ?? Array.Empty<string>()).Concat(query.ExcludeAccountIds ?? Array.Empty<string>()))
            if (!System.Text.RegularExpressions.Regex.IsMatch(id, @"^\d{12}$"))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidAccountId", $"'{id}' is not an AWS account id (12 digits).", id);
        foreach (var ou in query.OrganizationalUnitIds ?? Array.Empty<string>())
            if (!System.Text.RegularExpressions.Regex.IsMatch(ou, @"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$"))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidOrganizationalUnitId",
                    $"'{ou}' is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx).", ou);
        foreach (var region in query.TargetRegions ?? Array.Empty<string>()) AwsRegions.Require(region, "-TargetRegion");
    }

    /// <summary>
    /// Writes each account (or account and region) as it is known. <paramref name="accountFailed"/> gets an account whose
    /// regions could not be listed (its role denied, say), with the account id as the error's target.
    /// </summary>
    public async Task ListAsync(AccountQuery query, Func<AwsGuardAccount, Task> write, Action<AwsGuardException> accountFailed, CancellationToken cancel)
    {
        Validate(query);
        var callerArn = await _callerArn(cancel).ConfigureAwait(false);
        var arnParts = callerArn.Split(':');
        var (partition, callerAccount) = (arnParts[1], arnParts[4]);
        var wanted = query.AccountIds is { Count: > 0 } ids ? new HashSet<string>(ids) : null;
        var excluded = new HashSet<string>(query.ExcludeAccountIds ?? Array.Empty<string>());
        var seen = new HashSet<string>(StringComparer.Ordinal);

        await AccountsAsync(query.OrganizationalUnitIds, async (account, parentPath) =>
        {
            if (!seen.Add(account.Id) || excluded.Contains(account.Id) || (wanted is not null && !wanted.Contains(account.Id))) return;
            if (!query.IncludeSuspended && !string.Equals(account.Status, Active, StringComparison.OrdinalIgnoreCase)) return;
            var own = account.Id == callerAccount;
            var item = new AwsGuardAccount
            {
                AccountId = account.Id,
                AccountName = account.Name ?? "",
                Email = account.Email ?? "",
                Status = account.Status ?? "",
                OrganizationalUnitPath = parentPath ?? await PathOfAccountAsync(account.Id, cancel).ConfigureAwait(false),
                AssumeRoleArn = own ? null : $"arn:{partition}:iam::{account.Id}:role/{query.RoleName}",
                ExternalId = own ? null : query.RoleExternalId,
            };
            IReadOnlyList<string>? regions = query.TargetRegions;
            if (query.AllRegions)
            {
                try
                {
                    regions = await _regionsFor(item.AssumeRoleArn, item.ExternalId).ListAsync(cancel).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var explained = AwsErrors.Explain(e, item.AccountId);
                    accountFailed(new AwsGuardException(explained.Kind, explained.ErrorId,
                        $"The regions of account {item.AccountId} ({item.AccountName}) could not be listed through {item.AssumeRoleArn ?? "the caller's credentials"}: {explained.Message}",
                        item.AccountId, explained.RecommendedAction));
                    return;
                }
            }
            if (regions is null or { Count: 0 })
            {
                await write(item).ConfigureAwait(false);
                return;
            }
            foreach (var region in regions.OrderBy(r => r, StringComparer.Ordinal))
                await write(new AwsGuardAccount
                {
                    AccountId = item.AccountId, AccountName = item.AccountName, Email = item.Email, Status = item.Status,
                    OrganizationalUnitPath = item.OrganizationalUnitPath, AssumeRoleArn = item.AssumeRoleArn, ExternalId = item.ExternalId,
                    Region = region,
                }).ConfigureAwait(false);
        }, cancel).ConfigureAwait(false);
        if (wanted is not null)
            foreach (var missing in wanted.Where(id => !seen.Contains(id)))
                accountFailed(new AwsGuardException(ErrorKind.ObjectNotFound, "AccountNotInOrganization",
                    $"Account {missing} is not in the organization{(query.OrganizationalUnitIds is { Count: > 0 } ? " under the given organizational units" : "")}.", missing));
    }

    /// <summary>Every account with its parent's path when the walk knows it (under OUs), else null (found later, for kept accounts only).</summary>
    private async Task AccountsAsync(IReadOnlyList<string>? units, Func<OrganizationAccount, string?, Task> onAccount, CancellationToken cancel)
    {
        if (units is not { Count: > 0 })
        {
            string? token = null;
            do
            {
                var page = await Organizations("ListAccounts", () => _organizations.ListAccountsAsync(token, cancel)).ConfigureAwait(false);
                foreach (var account in page.Items) await onAccount(account, null).ConfigureAwait(false);
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
            return;
        }
        var pending = new Queue<(string Id, string Path)>();
        foreach (var unit in units) pending.Enqueue((unit, await PathOfAsync(unit, cancel).ConfigureAwait(false)));
        while (pending.Count > 0)
        {
            var (parent, path) = pending.Dequeue();
            string? token = null;
            do
            {
                var page = await Organizations("ListAccountsForParent", () => _organizations.ListAccountsForParentAsync(parent, token, cancel)).ConfigureAwait(false);
                foreach (var account in page.Items) await onAccount(account, path).ConfigureAwait(false);
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
            do
            {
                var page = await Organizations("ListOrganizationalUnitsForParent", () => _organizations.ListOrganizationalUnitsForParentAsync(parent, token, cancel)).ConfigureAwait(false);
                foreach (var child in page.Items) pending.Enqueue((child.Id, _paths[child.Id] = path + "/" + child.Name));
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
        }
    }

    private async Task<string> PathOfAccountAsync(string accountId, CancellationToken cancel) =>
        await PathOfAsync(await ParentOfAsync(accountId, cancel).ConfigureAwait(false), cancel).ConfigureAwait(false);

    /// <summary>"Root/Security/Audit" for an OU or root id; each OU is read once.</summary>
    private async Task<string> PathOfAsync(string nodeId, CancellationToken cancel)
    {
        if (_paths.TryGetValue(nodeId, out var known)) return known;
        string path;
        if (nodeId.StartsWith("r-", StringComparison.Ordinal))
        {
            var roots = await Organizations("ListRoots", () => _organizations.ListRootsAsync(null, cancel)).ConfigureAwait(false);
            foreach (var root in roots.Items) _paths[root.Id] = root.Name ?? "Root";
            path = _paths.TryGetValue(nodeId, out var name) ? name : "Root";
        }
        else
        {
            var unit = await Organizations("DescribeOrganizationalUnit", () => _organizations.DescribeOrganizationalUnitAsync(nodeId, cancel)).ConfigureAwait(false);
            path = await PathOfAsync(await ParentOfAsync(nodeId, cancel).ConfigureAwait(false), cancel).ConfigureAwait(false) + "/" + unit.Name;
        }
        return _paths[nodeId] = path;
    }

    private async Task<string> ParentOfAsync(string childId, CancellationToken cancel)
    {
        var parents = await Organizations("ListParents", () => _organizations.ListParentsAsync(childId, null, cancel)).ConfigureAwait(false);
        return parents.Items.FirstOrDefault()?.Id
            ?? throw new AwsGuardException(ErrorKind.ObjectNotFound, "NoParent", $"Organizations named no parent of {childId}.", childId);
    }

    /// <summary>A call, with the refusal a caller outside the management (or delegated administrator) account gets explained.</summary>
    private static async Task<T> Organizations<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (WireServiceException e) when (e.ErrorCode == "AccessDeniedException")
        {
            throw new AwsGuardException(ErrorKind.PermissionDenied, "OrganizationAccessDenied",
                $"Organizations refused {operation}: the caller lacks organizations:{operation}, or is neither the organization's management " +
                $"account nor a delegated administrator. ({e.Message})", operation, ManagementAccountHint(operation));
        }
        catch (WireServiceException e) when (e.ErrorCode == "AWSOrganizationsNotInUseException")
        {
            throw new AwsGuardException(ErrorKind.PermissionDenied, "NotInOrganization",
                $"The caller's account is not in an organization. ({e.Message})", operation, ManagementAccountHint(operation));
        }
    }

    private static string ManagementAccountHint(string operation) =>
        "Run Get-AwsGuardAccount with credentials of the organization's management account or a delegated administrator account, " +
        $"allowed organizations:{operation} (and ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent, ListParents, " +
        "ListRoots, DescribeOrganizationalUnit).";
}
