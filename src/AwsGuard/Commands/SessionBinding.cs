using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>
/// Turns bound session parameters (a cmdlet's, or the ones typed so far for tab completion) and AWS.Tools'
/// session variables into <see cref="SessionParameters"/>, and keeps one <see cref="SessionProvider"/> per runspace.
/// A command and its completers read the session through this one path.
/// </summary>
internal static class SessionBinding
{
    private static readonly ConditionalWeakTable<Runspace, SessionProvider> Providers = new();

    /// <summary>The session parameters of <see cref="AwsCmdlet"/> with their aliases, as $PSDefaultParameterValues may name them.</summary>
    private static readonly (string Name, string[] Names)[] SessionParameterNames = typeof(AwsCmdlet)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        .Where(p => p.IsDefined(typeof(ParameterAttribute)))
        .Select(p => (p.Name, new[] { p.Name }.Concat(p.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames)).ToArray()))
        .ToArray();

    /// <summary>The provider of the runspace on this thread, so a pipeline of AwsGuard cmdlets shares its caches.</summary>
    public static SessionProvider Provider => Providers.GetValue(Runspace.DefaultRunspace, _ => new SessionProvider());

    /// <summary>
    /// A command's session: its bound parameters ($PSDefaultParameterValues already applied by PowerShell), the session
    /// variables, and paths resolved as PowerShell resolves them (current location, ~, PSDrives). On the pipeline thread.
    /// </summary>
    public static SessionParameters From(IDictionary bound, SessionState state)
    {
        string? Text(string name) => bound.Contains(name) ? Unwrap(bound[name])?.ToString() : null;
        object? Variable(string name) => Unwrap(state.PSVariable.GetValue(name));
        return new SessionParameters
        {
            ProfileName = Text(nameof(AwsCmdlet.ProfileName)),
            ProfileLocation = Text(nameof(AwsCmdlet.ProfileLocation)) is { Length: > 0 } location ? FileSystemPath(location, state) : null,
            Region = Text(nameof(AwsCmdlet.Region)),
            AccessKey = Text(nameof(AwsCmdlet.AccessKey)),
            SecretKey = Text(nameof(AwsCmdlet.SecretKey)),
            SessionToken = Text(nameof(AwsCmdlet.SessionToken)),
            Credential = bound.Contains(nameof(AwsCmdlet.Credential)) ? Unwrap(bound[nameof(AwsCmdlet.Credential)]) : null,
            EndpointUrl = Text(nameof(AwsCmdlet.EndpointUrl)),
            AssumeRoleArn = Text(nameof(AwsCmdlet.AssumeRoleArn)),
            ExternalId = Text(nameof(AwsCmdlet.ExternalId)),
            StoredCredentials = Variable("StoredAWSCredentials"),
            StoredRegion = Variable("StoredAWSRegion")?.ToString(),
        };
    }

    /// <summary>
    /// The session a command line would act with, for tab completion: what is typed so far plus what
    /// $PSDefaultParameterValues would bind for <paramref name="commandName"/>, then read as <see cref="From(IDictionary, SessionState)"/>.
    /// Completers run on the pipeline thread, where the current session state is at hand.
    /// </summary>
    public static SessionParameters ForCompletion(string commandName, IDictionary typed)
    {
        var state = ((EngineIntrinsics)Unwrap(ScriptBlock.Create("$ExecutionContext").InvokeReturnAsIs())!).SessionState;
        var bound = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in typed) bound[entry.Key] = entry.Value;
        AddDefaultValues(commandName, bound, state);
        return From(bound, state);
    }

    /// <summary>$PSDefaultParameterValues entries ("Command:Parameter", the command part may have wildcards) for session parameters not typed.</summary>
    private static void AddDefaultValues(string commandName, IDictionary bound, SessionState state)
    {
        if (Unwrap(state.PSVariable.GetValue("PSDefaultParameterValues")) is not IDictionary defaults
            || LanguagePrimitives.IsTrue(defaults["Disabled"]))
            return;
        foreach (DictionaryEntry entry in defaults)
        {
            var parts = entry.Key.ToString()!.Split(':');
            if (parts.Length != 2 || !new WildcardPattern(parts[0].Trim(), WildcardOptions.IgnoreCase).IsMatch(commandName)) continue;
            foreach (var (name, names) in SessionParameterNames)
                if (!bound.Contains(name) && names.Contains(parts[1].Trim(), StringComparer.OrdinalIgnoreCase))
                    bound[name] = entry.Value is ScriptBlock compute ? compute.InvokeReturnAsIs() : entry.Value;
        }
    }

    private static string FileSystemPath(string path, SessionState state)
    {
        try
        {
            var full = state.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.Name == "FileSystem") return full;
        }
        catch (Exception error) when (error is SessionStateException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            // an unknown drive or provider: the same answer as a path of another provider
        }
        throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidProfileLocation",
            $"-ProfileLocation '{path}' is not a file system path.", path);
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
