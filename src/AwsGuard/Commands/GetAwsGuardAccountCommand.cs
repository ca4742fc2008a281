using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine.Organizations;

namespace AwsGuard.Commands;

/// <summary>
/// The organization's accounts (and regions), each with the role to reach it, for piping into any AwsGuard cmdlet:
/// AssumeRoleArn, ExternalId and Region bind by property name, so each account is acted on with its own session.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AwsGuardAccount", DefaultParameterSetName = ByTargetRegion)]
[OutputType(typeof(AwsGuardAccount))]
public sealed class GetAwsGuardAccountCommand : AwsCmdlet
{
    private const string ByTargetRegion = "TargetRegion";
    private const string ByAllRegions = "AllRegions";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string RoleName { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleExternalId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? OrganizationalUnitId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? AccountId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeAccountId { get; set; }

    [Parameter(ParameterSetName = ByTargetRegion)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string[]? TargetRegion { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByAllRegions)]
    public SwitchParameter AllRegions { get; set; }

    [Parameter]
    public SwitchParameter IncludeSuspended { get; set; }

    private AccountQuery Query => new()
    {
        RoleName = RoleName,
        RoleExternalId = RoleExternalId,
        OrganizationalUnitIds = OrganizationalUnitId,
        AccountIds = AccountId,
        ExcludeAccountIds = ExcludeAccountId,
        TargetRegions = TargetRegion,
        AllRegions = AllRegions,
        IncludeSuspended = IncludeSuspended,
    };

    protected override Task BeginProcessingAsync()
    {
        OrganizationAccounts.Validate(Query); // before any call
        return Task.CompletedTask;
    }

    protected override Task EndProcessingAsync() =>
        Service(OrganizationAccounts.ForSession).ListAsync(Query, account =>
        {
            WriteObject(account);
            return Task.CompletedTask;
        }, failed => WriteAccountError(failed, (string)failed.Target!), CancelToken);
}
