using System;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Roles;

/// <summary>
/// Creates the role a <see cref="ThirdPartyRolePlan"/> describes, all or nothing: CreateRole, then PutRolePolicy; when the
/// policy cannot be put, DeleteRole takes the new role away again. A role of that name that exists already is a
/// ResourceExists error (EntityAlreadyExists) and nothing is changed.
/// </summary>
public sealed class ThirdPartyRoleCreator(IIamClient iam)
{
    public static ThirdPartyRoleCreator ForSession(SessionProvider provider, AwsSession session) =>
        new(provider.GetClient("iam", session, session.RegionOrDefault, WireClients.Iam));

    public async Task<ThirdPartyRole> CreateAsync(ThirdPartyRolePlan plan, CancellationToken cancel)
    {
        IamRole role;
        try
        {
            role = await iam.CreateRoleAsync(plan.RoleName, plan.TrustPolicy, plan.Description, (int)plan.MaxSession.TotalSeconds,
                plan.PermissionsBoundary, plan.Tags, cancel).ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException error) when (error.ErrorCode == "EntityAlreadyExists")
        {
            throw new AwsGuardException(ErrorKind.ResourceExists, "EntityAlreadyExists",
                $"A role named '{plan.RoleName}' exists already; nothing was changed. Choose another -RoleName, or check that role with Get-RoleTrust.", plan.RoleName);
        }
        try
        {
            await iam.PutRolePolicyAsync(plan.RoleName, ThirdPartyRolePlan.PermissionPolicyName, plan.PermissionPolicy, cancel).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The role without its policy is no use to the third party and would linger: take it away (not cancellable).
            await iam.DeleteRoleAsync(plan.RoleName, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return new ThirdPartyRole
        {
            RoleName = role.RoleName ?? plan.RoleName,
            RoleArn = role.Arn ?? "",
            AccountId = RoleReference.AccountOfArn(role.Arn),
            ExternalId = plan.ExternalId,
            TrustPolicy = plan.TrustPolicy,
            PermissionPolicy = plan.PermissionPolicy,
        };
    }
}
