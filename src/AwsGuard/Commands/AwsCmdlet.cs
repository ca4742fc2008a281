using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>
/// The session parameters every AwsGuard cmdlet shares, named and aliased as in AWS Tools for PowerShell, resolved
/// through the runspace's <see cref="SessionProvider"/>: once for the command line, and once more for each distinct
/// AssumeRoleArn, ExternalId and Region that pipeline records bring (Get-AwsGuardAccount's accounts and regions).
/// A cmdlet reaches the record's engine services through <see cref="Service{T}"/>, never through fields.
/// </summary>
public abstract class AwsCmdlet : AsyncCmdlet
{
    /// <summary>The session parameters a pipeline record may bring, so each record can act in its own account and region.</summary>
    private static readonly string[] RecordParameters = { nameof(AssumeRoleArn), nameof(ExternalId), nameof(Region) };

    // The pipeline object of the record in hand: PowerShell does not bind a property whose parameter the command line
    // already bound, so a conflicting value is only seen on the object itself.
    private static readonly PropertyInfo? CurrentPipelineObject = typeof(PSCmdlet).Assembly
        .GetType("System.Management.Automation.Internal.InternalCommand")
        ?.GetProperty("CurrentPipelineObject", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    private readonly AsyncLocal<AwsSession?> _recordSession = new();
    // Pipeline thread only: one session per (role, external id, region).
    private readonly Dictionary<(string?, string?, string?), AwsSession> _sessions = new();
    // The accounts that could not be reached (their later records are skipped); from any thread.
    private readonly ConcurrentDictionary<string, bool> _unreachable = new();
    private readonly ConcurrentDictionary<(AwsSession, Type), object> _services = new();
    private Dictionary<string, string?> _commandLine = new();
    private HashSet<string> _commandLineNames = new();
    private AwsSession _commandSession = null!;

    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
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

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AssumeRoleArn { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalId { get; set; }

    protected SessionProvider Provider { get; private set; } = null!;

    /// <summary>
    /// The credentials, region and endpoint of the record whose work is running (its piped AssumeRoleArn, ExternalId and
    /// Region over the command line's); in BeginProcessingAsync and EndProcessingAsync, the command line's.
    /// </summary>
    protected AwsSession Session => _recordSession.Value ?? _commandSession;

    /// <summary>
    /// The engine service <paramref name="create"/> makes (a ForSession factory) for <see cref="Session"/>: made once per
    /// session and type, so records of one account share it and no record gets another account's.
    /// </summary>
    protected T Service<T>(Func<SessionProvider, AwsSession, T> create) where T : class
    {
        var session = Session;
        return (T)_services.GetOrAdd((session, typeof(T)), _ => create(Provider, session));
    }

    protected sealed override void BeginProcessing()
    {
        // On the pipeline thread, before any work goes async: session state and the runspace live here.
        Provider = SessionBinding.Provider;
        var bound = MyInvocation.BoundParameters;
        _commandLine = RecordParameters.Where(bound.ContainsKey).ToDictionary(name => name, name => bound[name]?.ToString());
        _commandLineNames = new HashSet<string>(bound.Keys, StringComparer.OrdinalIgnoreCase);
        try
        {
            _commandSession = Provider.Resolve(SessionBinding.From(bound, SessionState), WriteWarning);
        }
        catch (Exception error)
        {
            ThrowTerminatingError(ErrorRecords.From(error));
        }
        base.BeginProcessing();
    }

    /// <summary>
    /// The record's session: the command line's unless the record brought AssumeRoleArn, ExternalId or Region. A value the
    /// command line gave and the record contradicts, a role that cannot be assumed, or a bad value is one error for the
    /// record (the account id as target), and the record is skipped; the other records go on.
    /// </summary>
    protected sealed override bool BeforeRecord()
    {
        _recordSession.Value = null;
        var bound = MyInvocation.BoundParameters;
        UnbindConvertedAccount();
        if (Contradiction() is { } contradiction)
        {
            WriteError(ErrorRecords.From(contradiction, contradiction.Target));
            return false;
        }
        // The properties, not BoundParameters: PowerShell resets a pipeline-bound property before the next record but
        // leaves its key in BoundParameters, so a record without the property would inherit the previous account's role.
        var piped = RecordParameters.Where(name => !_commandLine.ContainsKey(name)).ToDictionary(name => name, name => Value(name) as string);
        if (piped.Values.All(string.IsNullOrEmpty)) return true;

        var values = new Dictionary<string, object?>(bound, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in piped)
            if (string.IsNullOrEmpty(entry.Value)) values.Remove(entry.Key);
            else values[entry.Key] = entry.Value;
        var parameters = SessionBinding.From(values, SessionState);
        var key = (parameters.AssumeRoleArn, parameters.ExternalId, parameters.Region);
        var account = SessionProvider.AccountOfRole(parameters.AssumeRoleArn) ?? parameters.AssumeRoleArn ?? parameters.Region!;
        if (_unreachable.ContainsKey(account))
        {
            WriteVerbose($"Skipped {account} ({parameters.Region}): it could not be reached.");
            return false;
        }
        if (_sessions.TryGetValue(key, out var known))
        {
            _recordSession.Value = known;
            return true;
        }
        try
        {
            _recordSession.Value = _sessions[key] = Provider.Resolve(parameters, WriteWarning);
            return true;
        }
        catch (Exception error) when (!CancelToken.IsCancellationRequested)
        {
            WriteAccountError(error, account);
            return false;
        }
    }

    /// <summary>
    /// Assumes the record's role now (at once when its credentials are fresh), so a role that cannot be assumed is the
    /// account's one error, with the account id as target, rather than one per item; the role's later records are skipped.
    /// </summary>
    protected sealed override async Task<bool> PrepareRecordAsync()
    {
        if (_recordSession.Value is not { RoleAccountId: { } account } session) return true;
        try
        {
            await session.PrepareCredentialsAsync(CancelToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (!CancelToken.IsCancellationRequested)
        {
            WriteAccountError(AwsErrors.Explain(error, account), account);
            return false;
        }
    }

    protected override void BeforeEnd() => _recordSession.Value = null;

    /// <summary>After the last record: how many accounts could not be reached (each had its error).</summary>
    protected override void AfterEnd()
    {
        if (!_unreachable.IsEmpty)
            WriteWarning($"{_unreachable.Count} account(s) could not be reached: {string.Join(", ", _unreachable.Keys)}. Each has its error above.");
    }

    /// <summary>
    /// An AwsGuardAccount names an account and a region, nothing else. PowerShell also binds it by value to a string
    /// parameter (a bucket or log group name) by converting it to text: that binding is undone, as if it had not happened.
    /// </summary>
    private void UnbindConvertedAccount()
    {
        if ((CurrentPipelineObject?.GetValue(this) as PSObject)?.BaseObject is not AwsGuardAccount) return;
        var bound = MyInvocation.BoundParameters;
        foreach (var name in bound.Keys.Where(name => !_commandLineNames.Contains(name) && !RecordParameters.Contains(name)).ToList())
        {
            if (GetType().GetProperty(name) is { } property && (!property.PropertyType.IsValueType || Nullable.GetUnderlyingType(property.PropertyType) is not null))
            {
                property.SetValue(this, null);
                bound.Remove(name);
            }
        }
    }

    /// <summary>A session value the command line gave and the record's object states differently.</summary>
    private AwsGuardException? Contradiction()
    {
        if (_commandLine.Count == 0 || CurrentPipelineObject?.GetValue(this) is not PSObject item) return null;
        foreach (var entry in _commandLine)
        {
            var (name, given) = (entry.Key, entry.Value);
            var piped = item.Properties[name]?.Value?.ToString();
            if (string.IsNullOrEmpty(piped) || string.Equals(piped, given, name == nameof(Region) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                continue;
            return new AwsGuardException(ErrorKind.InvalidArgument, "ConflictingSessionValue",
                $"-{name} '{given}' was given, but the piped object's {name} is '{piped}'. Give -{name} or pipe objects that carry it, not both.",
                piped);
        }
        return null;
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

    /// <summary>
    /// Whether the record in hand is an account or a region (an object with AssumeRoleArn or Region, as Get-AwsGuardAccount
    /// writes) that names none of <paramref name="naming"/>: the cmdlet's default of "everything" then applies to the
    /// record's session. From the record's own work (not work it started that outlives it).
    /// </summary>
    protected bool EverythingForRecord(params string[] naming) => OnPipeline(() =>
        MyInvocation.ExpectingInput && naming.All(name => Value(name) is null)
        && CurrentPipelineObject?.GetValue(this) is PSObject item && RecordParameters.Any(name => item.Properties[name] is not null));

    /// <summary>
    /// The regions a session's "everything" covers: with -AllRegions every region enabled for its account (EC2
    /// DescribeRegions), else its region. A record that brings a Region under -AllRegions is refused
    /// (RegionWithAllRegions): one region and all of them cannot both be meant.
    /// </summary>
    protected async Task<IReadOnlyList<string>> RegionsAsync(bool allRegions)
    {
        if (!allRegions) return new[] { Session.RequireRegion() };
        var piped = PipedProperty(nameof(Region))?.ToString();
        if (!string.IsNullOrEmpty(piped)) throw EnabledRegions.RegionWithAllRegions(piped!, "The piped object's Region");
        return await Service(EnabledRegions.ForSession).ListAsync(CancelToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses (AccountMismatch) a piped result of another account than the record's session acts in: a BucketExposure or
    /// VmImportTask carries its account but not the role that reached it, so acting here would change something else of
    /// the same name, or fail confusingly. Call it in the record's own work, before any change.
    /// </summary>
    protected async Task RequirePipedAccountAsync(string target, string command)
    {
        if (PipedProperty("AccountId") is not string { Length: > 0 } stated) return;
        var account = await Provider.AccountIdAsync(Session, CancelToken).ConfigureAwait(false);
        if (account != stated)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "AccountMismatch",
                $"'{target}' is of account {stated}, but this command acts in account {account}: nothing is changed. " +
                $"Run {command} in that account (-AssumeRoleArn arn:aws:iam::{stated}:role/NAME, or pipe an object with AssumeRoleArn).",
                target);
    }

    /// <summary>A property of the record in hand as it was piped (null without one). From the record's own work.</summary>
    private object? PipedProperty(string name) =>
        OnPipeline(() => (CurrentPipelineObject?.GetValue(this) as PSObject)?.Properties[name]?.Value);

    /// <summary>A parameter's value for the record in hand (null or empty as null).</summary>
    private object? Value(string parameter) => GetType().GetProperty(parameter)?.GetValue(this) is { } value && value as string != "" ? value : null;

    /// <summary>
    /// The account <see cref="Session"/> acts in, for results' AccountId: from the role's ARN, else asked of STS once per
    /// identity and runspace; null when it cannot be read (the results still come).
    /// </summary>
    protected async Task<string?> AccountIdAsync()
    {
        try
        {
            return await Provider.AccountIdAsync(Session, CancelToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            WriteVerbose($"The account id could not be read ({error.Message}); results leave AccountId empty.");
            return null;
        }
    }

    /// <summary>What an error about the whole session names: its role's account id, else its region.</summary>
    protected string SessionTarget => Session.RoleAccountId ?? Session.Region ?? "session";

    /// <summary>
    /// An account that could not be reached (its role denied, its regions unreadable): its non-terminating error with the
    /// account id as target, counted for the warning at the end; its later records are skipped.
    /// </summary>
    protected void WriteAccountError(Exception error, string account)
    {
        _unreachable[account] = true;
        WriteError(ErrorRecords.From(error, account));
    }

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
