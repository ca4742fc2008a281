using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Policies;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Roles;

/// <summary>
/// Reads what <see cref="TrustDecision"/> judges a role by. Every role of the account: GetAccountAuthorizationDetails (roles with
/// their trust policy, RoleLastUsed, inline policies' documents and attached policies, and the customer-managed policies'
/// documents) in pages of up to 1,000 entries. A role by name: GetRole (the trust policy and RoleLastUsed, which ListRoles leaves
/// out on AWS), ListRolePolicies, ListAttachedRolePolicies (one page each for up to 1,000 names), GetRolePolicy per inline policy.
/// Either way, per managed policy not read yet (AWS-managed ones, or any for a role by name), once per reader however many roles
/// attach it: GetPolicy and GetPolicyVersion. Once per reader: ListAccounts (every page) for the organization's accounts; when the
/// caller may not list them (not the management account or a delegated administrator) one warning says so and every other account
/// is External. Safe to share across concurrent reads.
/// </summary>
public sealed class RoleTrustReader
{
    private const int PageSize = 1000;
    private static readonly string[] EveryRoleFilter = { "Role", "LocalManagedPolicy" };
    private readonly IIamClient _iam;
    private readonly IOrganizationsClient _organizations;
    private readonly Func<DateTime> _clock;
    private readonly ConcurrentDictionary<string, Task<bool>> _managedAdminLike = new(StringComparer.Ordinal);
    private readonly object _organizationLock = new();
    private Task<ISet<string>?>? _organizationAccounts;

    public RoleTrustReader(IIamClient iam, IOrganizationsClient organizations, Func<DateTime>? clock = null)
    {
        _iam = iam ?? throw new ArgumentNullException(nameof(iam));
        _organizations = organizations ?? throw new ArgumentNullException(nameof(organizations));
        _clock = clock ?? (() => DateTime.UtcNow);
    }

    /// <summary>A reader over the session's cached IAM and Organizations clients (both global: the region picks the partition).</summary>
    public static RoleTrustReader ForSession(SessionProvider provider, AwsSession session) =>
        new(provider.GetClient("iam", session, session.RegionOrDefault, WireClients.Iam),
            provider.GetClient("organizations", session, session.RegionOrDefault, WireClients.Organizations));

    /// <summary>
    /// Every role of the account, with what judges it, from GetAccountAuthorizationDetails (roles and customer-managed
    /// policies, every page: a role's policy may come on a later page, so all are read before any is judged).
    /// </summary>
    public async Task<IReadOnlyList<RoleTrustFacts>> ReadEveryRoleAsync(CancellationToken cancel)
    {
        var roles = new List<RoleDetail>();
        string? marker = null;
        do
        {
            var page = await _iam.GetAccountAuthorizationDetailsAsync(EveryRoleFilter, marker, PageSize, cancel).ConfigureAwait(false);
            roles.AddRange(page.Roles);
            foreach (var policy in page.Policies.Where(p => p.Arn is not null))
                _managedAdminLike[policy.Arn!] = Task.FromResult(AllowsEverything(policy.DefaultDocument));
            marker = page.IsTruncated ? page.Marker : null;
        } while (marker is not null);

        var organization = await OrganizationAccountsAsync(cancel).ConfigureAwait(false);
        var facts = new List<RoleTrustFacts>();
        foreach (var detail in roles)
            facts.Add(Facts(detail.Role, detail.Role.RoleName ?? "",
                await PermissionsAsync(detail.InlinePolicies.Select(p => (p.PolicyName ?? "", AllowsEverything(p.PolicyDocument))).ToList(), detail.AttachedPolicies, cancel).ConfigureAwait(false),
                organization));
        return facts;
    }

    /// <summary>
    /// One role's trusts, judged. A role that does not exist is ObjectNotFound; one named by an ARN of another account is
    /// InvalidArgument (RoleInOtherAccount), since IAM reads only the caller's roles.
    /// </summary>
    public async Task<IReadOnlyList<RoleTrust>> ReadAsync(RoleReference reference, CancellationToken cancel)
    {
        IamRole role;
        try
        {
            role = await _iam.GetRoleAsync(reference.Name, cancel).ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException error) when (error.ErrorCode == "NoSuchEntity")
        {
            throw new AwsGuardException(ErrorKind.ObjectNotFound, "NoSuchEntity", $"The role '{reference.Name}' does not exist.", reference.Input);
        }
        var account = RoleReference.AccountOfArn(role.Arn);
        if (reference.Account is { } named && named != account)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "RoleInOtherAccount",
                $"The role '{reference.Input}' is in account {named}, but AwsGuard acts as account {account}. " +
                $"Give -AssumeRoleArn with a role in account {named} that may read IAM roles.", reference.Input);

        var permissions = ReadPermissionsAsync(reference.Name, cancel);
        var organization = OrganizationAccountsAsync(cancel);
        return TrustDecision.Decide(Facts(role, reference.Name, await permissions.ConfigureAwait(false), await organization.ConfigureAwait(false)));
    }

    private RoleTrustFacts Facts(IamRole role, string name, RolePermissions permissions, ISet<string>? organization) => new()
    {
        RoleName = role.RoleName ?? name,
        RoleArn = role.Arn ?? "",
        AccountId = RoleReference.AccountOfArn(role.Arn),
        TrustPolicy = role.AssumeRolePolicyDocument ?? "",
        CreateDate = role.CreateDate,
        LastUsed = role.LastUsed,
        Permissions = permissions,
        OrganizationAccounts = organization,
        Now = _clock(),
    };

    private async Task<RolePermissions> ReadPermissionsAsync(string roleName, CancellationToken cancel)
    {
        var names = await AllAsync(marker => _iam.ListRolePoliciesAsync(roleName, marker, PageSize, cancel)).ConfigureAwait(false);
        var attached = await AllAsync(marker => _iam.ListAttachedRolePoliciesAsync(roleName, marker, PageSize, cancel)).ConfigureAwait(false);
        var inline = new List<(string, bool)>();
        foreach (var name in names)
            inline.Add((name, AllowsEverything((await _iam.GetRolePolicyAsync(roleName, name, cancel).ConfigureAwait(false)).PolicyDocument)));
        return await PermissionsAsync(inline, attached, cancel).ConfigureAwait(false);
    }

    /// <summary>The role's policy names and whether any allows everything; a managed policy's document is read once per reader.</summary>
    private async Task<RolePermissions> PermissionsAsync(IReadOnlyList<(string Name, bool AdminLike)> inline, IReadOnlyList<AttachedPolicy> attached, CancellationToken cancel)
    {
        var adminLike = inline.Any(p => p.AdminLike);
        foreach (var policy in attached.Where(p => p.PolicyArn is not null))
            adminLike |= await _managedAdminLike.GetOrAdd(policy.PolicyArn!, arn => ManagedAllowsEverythingAsync(arn, cancel)).ConfigureAwait(false);
        return new RolePermissions
        {
            AttachedPolicies = attached.Select(p => p.PolicyName ?? p.PolicyArn!).ToArray(),
            InlinePolicies = inline.Select(p => p.Name).ToArray(),
            AdminLike = adminLike,
        };
    }

    private async Task<bool> ManagedAllowsEverythingAsync(string arn, CancellationToken cancel)
    {
        var policy = await _iam.GetPolicyAsync(arn, cancel).ConfigureAwait(false);
        var version = await _iam.GetPolicyVersionAsync(arn, policy.DefaultVersionId ?? "v1", cancel).ConfigureAwait(false);
        return AllowsEverything(version.Document);
    }

    private static bool AllowsEverything(string? document) =>
        document is not null && PolicyDocument.Parse(document, "permission policy").Statements.Any(s => s.AllowsEverything);

    private Task<ISet<string>?> OrganizationAccountsAsync(CancellationToken cancel)
    {
        lock (_organizationLock) return _organizationAccounts ??= ListOrganizationAsync(cancel);
    }

    /// <summary>The organization's account ids; null, with one warning, when they cannot be listed (not an organization: null, silently).</summary>
    private async Task<ISet<string>?> ListOrganizationAsync(CancellationToken cancel)
    {
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            string? token = null;
            do
            {
                var page = await _organizations.ListAccountsAsync(token, cancel).ConfigureAwait(false);
                accounts.UnionWith(page.Items.Select(a => a.Id));
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
        }
        catch (Amazon.Runtime.AmazonServiceException error) when (error.ErrorCode == "AWSOrganizationsNotInUseException")
        {
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var explained = AwsErrors.Explain(error);
            EngineOutput.Current?.Warning(
                $"Could not list the organization's accounts ({explained.ErrorId}: {explained.Message}), so every other account is judged External. " +
                "Run Get-RoleTrust as the organization's management account or a delegated administrator to tell member accounts apart.");
            return null;
        }
        return accounts.Count == 0 ? null : accounts;
    }

    private static async Task<List<T>> AllAsync<T>(Func<string?, Task<IamPage<T>>> page)
    {
        var all = new List<T>();
        string? marker = null;
        do
        {
            var next = await page(marker).ConfigureAwait(false);
            all.AddRange(next.Items);
            marker = next.IsTruncated ? next.Marker : null;
        } while (marker is not null);
        return all;
    }
}
