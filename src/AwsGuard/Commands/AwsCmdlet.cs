using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>
/// The session parameters every AwsGuard cmdlet shares, named and aliased as in AWS Tools for PowerShell,
/// resolved once per invocation through the runspace's <see cref="SessionProvider"/>.
/// </summary>
public abstract class AwsCmdlet : AsyncCmdlet
{
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    [Parameter]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    public string? SecretKey { get; set; }

    [Parameter]
    [Alias("ST")]
    public string? SessionToken { get; set; }

    /// <summary>An AWSCredentials object, from AWS.Tools' Get-AWSCredential or any AWSSDK.Core.</summary>
    [Parameter]
    public PSObject? Credential { get; set; }

    [Parameter]
    public string? EndpointUrl { get; set; }

    [Parameter]
    public string? AssumeRoleArn { get; set; }

    [Parameter]
    public string? ExternalId { get; set; }

    protected SessionProvider Provider { get; private set; } = null!;

    /// <summary>The invocation's credentials, region and endpoint; resolved before the first record.</summary>
    protected AwsSession Session { get; private set; } = null!;

    protected sealed override void BeginProcessing()
    {
        // On the pipeline thread, before any work goes async: session state and the runspace live here.
        Provider = SessionBinding.Provider;
        try
        {
            Session = Provider.Resolve(SessionBinding.From(MyInvocation.BoundParameters, SessionState), WriteWarning);
        }
        catch (Exception error)
        {
            ThrowTerminatingError(ErrorRecords.From(error));
        }
        base.BeginProcessing();
    }

    /// <summary>
    /// Whether -Force may skip the prompt that ConfirmImpact High brings: never under -WhatIf (the parameter or
    /// $WhatIfPreference) nor an explicit -Confirm, which still go through ShouldProcess. From any thread.
    /// </summary>
    protected bool ForceApplies(bool force) => force && OnPipeline(() =>
    {
        var bound = MyInvocation.BoundParameters;
        var whatIf = bound.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        var confirm = bound.TryGetValue("Confirm", out var c) && ((SwitchParameter)c).IsPresent;
        return !whatIf && !confirm;
    });

    /// <summary>
    /// Whether a cmdlet's default of "everything" (every bucket, every gateway) applies: only when it was given no
    /// pipeline and none of <paramref name="naming"/>. A pipeline that brought nothing names nothing, as in
    /// <c>@() | Get-ChildItem</c>. From any thread.
    /// </summary>
    protected bool EverythingByDefault(params string[] naming) => OnPipeline(() =>
        !MyInvocation.ExpectingInput && !naming.Any(MyInvocation.BoundParameters.ContainsKey));

    /// <summary>A non-terminating error for one item: the others go on.</summary>
    protected void WriteItemError(Exception error, object? target) => WriteError(ErrorRecords.From(error, target));

    /// <summary>
    /// Runs one item's work: its failure is that item's non-terminating error and the others go on. ThrowTerminatingError
    /// inside still ends the command; after Ctrl+C nothing more is written.
    /// </summary>
    protected async Task TryItemAsync(object? target, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not TerminatingException && !CancelToken.IsCancellationRequested)
        {
            WriteItemError(error, target);
        }
    }
}
