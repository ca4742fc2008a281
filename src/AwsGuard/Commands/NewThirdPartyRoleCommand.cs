using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Roles;

namespace AwsGuard.Commands;

/// <summary>Creates a role a third party assumes from its own account: only its principal, only with its external id, only the actions it needs.</summary>
[Cmdlet(VerbsCommon.New, "ThirdPartyRole", DefaultParameterSetName = ByAccount, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ThirdPartyRole))]
public sealed class NewThirdPartyRoleCommand : AwsCmdlet
{
    private const string ByAccount = "ThirdPartyAccountId";
    private const string ByPrincipal = "ThirdPartyPrincipalArn";

    private ThirdPartyRolePlan _plan = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string RoleName { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByAccount)]
    public string ThirdPartyAccountId { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByPrincipal)]
    public string ThirdPartyPrincipalArn { get; set; } = "";

    [Parameter(Mandatory = true)]
    [AllowEmptyString] // refused by IAM's rules, with their explanation
    public string ThirdPartyExternalId { get; set; } = "";

    [Parameter(Mandatory = true)]
    public string[] Action { get; set; } = Array.Empty<string>();

    [Parameter]
    public string[]? Resource { get; set; }

    [Parameter]
    [SessionDuration]
    public TimeSpan MaxSessionDuration { get; set; } = ThirdPartyRolePlan.MinSessionDuration;

    [Parameter]
    public string? PermissionsBoundary { get; set; }

    [Parameter]
    public string? Description { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    [Parameter]
    public SwitchParameter AllowWildcardAction { get; set; }

    /// <summary>The plan, checked once before any AWS call: the same role goes to every account piped in.</summary>
    protected override Task BeginProcessingAsync()
    {
        _plan = ThirdPartyRolePlan.Create(RoleName, ParameterSetName == ByAccount ? ThirdPartyAccountId : null,
            ParameterSetName == ByPrincipal ? ThirdPartyPrincipalArn : null, ThirdPartyExternalId, Action, Resource, AllowWildcardAction,
            MaxSessionDuration, PermissionsBoundary, Description, Tags());
        foreach (var warning in _plan.Warnings) WriteWarning(warning);
        return Task.CompletedTask;
    }

    /// <summary>Once without pipeline input, else once per piped account (its own error when that account refuses).</summary>
    protected override Task ProcessRecordAsync() => TryItemAsync(_plan.RoleName, async () =>
    {
        // A piped account is named in the prompt (from its role's ARN: no call), so each account is confirmed on its own.
        var where = Session.RoleAccountId is { } account ? $" in account {account}" : "";
        if (!ShouldProcess(
                $"Creating role '{_plan.RoleName}'{where} for {_plan.Principal} (external id required, sessions up to {_plan.MaxSession.TotalHours:0.##} h).\n" +
                $"Trust policy:\n{_plan.TrustPolicy}\nPermission policy ({ThirdPartyRolePlan.PermissionPolicyName}):\n{_plan.PermissionPolicy}",
                $"Create role '{_plan.RoleName}'{where} that {_plan.Principal} can assume with its external id, allowed {string.Join(", ", _plan.Actions)}?",
                "Create third-party role"))
            return;
        WriteObject(await Service(ThirdPartyRoleCreator.ForSession).CreateAsync(_plan, CancelToken).ConfigureAwait(false));
    });

    /// <summary>-Tag as IAM takes it: text keys and values (a null value is empty).</summary>
    private IReadOnlyDictionary<string, string>? Tags() =>
        Tag?.Cast<DictionaryEntry>().ToDictionary(e => e.Key?.ToString() ?? "", e => e.Value?.ToString() ?? "", StringComparer.Ordinal);
}
