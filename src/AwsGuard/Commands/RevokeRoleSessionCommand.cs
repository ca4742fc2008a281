using System;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Roles;

namespace AwsGuard.Commands;

/// <summary>Denies everything to every session of a role issued before a time, as the IAM console's "Revoke active sessions" does.</summary>
[Cmdlet(VerbsSecurity.Revoke, "RoleSession", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RoleSessionRevocation))]
public sealed class RevokeRoleSessionCommand : AwsCmdlet
{
    private const string ByName = "RoleName";
    private const string ByArn = "RoleArn";
    // A revocation time ahead of the clock would also deny the sessions issued from now until then; this much is clock skew.
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private DateTime _before;
    private bool _forceApplies;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] RoleName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByArn, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] RoleArn { get; set; } = Array.Empty<string>();

    [Parameter]
    public DateTime Before { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task BeginProcessingAsync()
    {
        var beforeGiven = OnPipeline(() => MyInvocation.BoundParameters.ContainsKey(nameof(Before)));
        _forceApplies = ForceApplies(Force);

        var now = DateTime.UtcNow;
        _before = RevocationPolicy.Normalize(beforeGiven ? Before : now); // one time for every role of this invocation
        if (_before > now + FutureTolerance)
            ThrowTerminatingError(ErrorRecords.From(new AwsGuardException(ErrorKind.InvalidArgument, "BeforeInFuture",
                $"-Before {RevocationPolicy.Format(_before)} is in the future: it would also deny the sessions issued from now until then, " +
                "and a later Revoke-RoleSession keeps the later time. Give a time up to now.", Before)));
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        var byArn = ParameterSetName == ByArn;
        // Sequential: IAM's control plane is rate-limited per account, and a handful of roles takes seconds at most.
        foreach (var input in byArn ? RoleArn : RoleName)
            await RevokeAsync(input, byArn).ConfigureAwait(false);
    }

    private Task RevokeAsync(string input, bool requireArn) => TryItemAsync(input, async () =>
    {
        var revoker = Service(RoleSessionRevoker.ForSession);
        var plan = await revoker.PlanAsync(RoleReference.Parse(input, requireArn), _before, CancelToken).ConfigureAwait(false);
        var result = plan.Result;
        var time = RevocationPolicy.Format(result.RevokedBefore);
        if (plan.KeepsLaterTime)
            WriteWarning($"Role '{result.RoleName}' already revokes sessions issued before {time}, later than {RevocationPolicy.Format(plan.Requested)}; the later time is kept.");
        if (result.Action != RevocationAction.Unchanged)
        {
            if (!Approved(result.RoleName, result.RoleArn, time)) return;
            if (plan.ReplacesForeignDocument)
                WriteWarning($"Role '{result.RoleName}' had a policy named {RevocationPolicy.Name} that stated no revocation time; it is replaced.");
            await revoker.ApplyAsync(plan, CancelToken).ConfigureAwait(false);
        }
        if (PassThru) WriteObject(result);
    });

    private bool Approved(string roleName, string roleArn, string time) =>
        _forceApplies || ShouldProcess(
            $"Revoking the sessions of role '{roleName}' ({roleArn}) issued before {time}: policy {RevocationPolicy.Name}.",
            $"Every session of role '{roleName}' issued before {time} will lose all access, including running applications that use " +
            "the role and refresh their credentials only later. Sessions issued after that time keep working. Revoke them?",
            "Revoke role sessions");
}
