using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Commands;

/// <summary>
/// Turns bound session parameters (a cmdlet's, or the ones typed so far for tab completion) and AWS.Tools'
/// session variables into <see cref="SessionParameters"/>, and keeps one <see cref="SessionProvider"/> per runspace.
/// </summary>
internal static class SessionBinding
{
    private static readonly ConditionalWeakTable<Runspace, SessionProvider> Providers = new();

    /// <summary>The provider of the runspace on this thread, so a pipeline of AwsGuard cmdlets shares its caches.</summary>
    public static SessionProvider Provider => Providers.GetValue(Runspace.DefaultRunspace, _ => new SessionProvider());

    public static SessionParameters From(IDictionary bound, SessionState state) =>
        From(bound, name => state.PSVariable.GetValue(name));

    /// <param name="variable">Reads a session variable ($StoredAWSCredentials, $StoredAWSRegion).</param>
    public static SessionParameters From(IDictionary bound, Func<string, object?> variable)
    {
        string? Text(string name) => bound.Contains(name) ? Unwrap(bound[name])?.ToString() : null;
        return new SessionParameters
        {
            ProfileName = Text(nameof(AwsCmdlet.ProfileName)),
            ProfileLocation = Text(nameof(AwsCmdlet.ProfileLocation)),
            Region = Text(nameof(AwsCmdlet.Region)),
            AccessKey = Text(nameof(AwsCmdlet.AccessKey)),
            SecretKey = Text(nameof(AwsCmdlet.SecretKey)),
            SessionToken = Text(nameof(AwsCmdlet.SessionToken)),
            Credential = bound.Contains(nameof(AwsCmdlet.Credential)) ? Unwrap(bound[nameof(AwsCmdlet.Credential)]) : null,
            EndpointUrl = Text(nameof(AwsCmdlet.EndpointUrl)),
            AssumeRoleArn = Text(nameof(AwsCmdlet.AssumeRoleArn)),
            ExternalId = Text(nameof(AwsCmdlet.ExternalId)),
            StoredCredentials = Unwrap(variable("StoredAWSCredentials")),
            StoredRegion = Unwrap(variable("StoredAWSRegion"))?.ToString(),
        };
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
