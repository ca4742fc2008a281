using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AwsGuard.Commands;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Completion;

/// <summary>Completes a parameter from a list of names: prefix match, ignoring case, quoted when needed.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return Names(fakeBoundParameters, prefix)
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
    }

    /// <param name="prefix">What was typed so far: live sources can ask AWS for just those names.</param>
    protected abstract IEnumerable<string> Names(IDictionary boundParameters, string prefix);

    /// <summary>The session the command line would act with, for live names; null when it cannot resolve.</summary>
    protected static (SessionProvider Provider, AwsSession Session)? SessionOf(IDictionary boundParameters)
    {
        try
        {
            var provider = SessionBinding.Provider;
            return (provider, provider.Resolve(SessionBinding.From(boundParameters, name => null)));
        }
        catch (Exception)
        {
            return null; // no credentials or region yet: nothing live to offer
        }
    }

    private static string Quote(string name) =>
        name.IndexOfAny(new[] { ' ', '$', '\'', '"', '`', '(', ')', '{', '}', ';', ',', '&', '|', '#', '@' }) >= 0
            ? "'" + name.Replace("'", "''") + "'"
            : name;
}

public sealed class RegionCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary boundParameters, string prefix) => Engine.Catalog.CompletionNames.Regions();
}

public sealed class ProfileNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary boundParameters, string prefix) =>
        Engine.Catalog.CompletionNames.Profiles(boundParameters[nameof(AwsCmdlet.ProfileLocation)] as string);
}

public sealed class BucketNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary boundParameters, string prefix) =>
        SessionOf(boundParameters) is { } s ? Engine.Catalog.CompletionNames.Buckets(s.Provider, s.Session) : Array.Empty<string>();
}

public sealed class LogGroupNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary boundParameters, string prefix) =>
        SessionOf(boundParameters) is { } s ? Engine.Catalog.CompletionNames.LogGroups(s.Provider, s.Session, prefix) : Array.Empty<string>();
}

public sealed class LogStreamNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary boundParameters, string prefix) =>
        boundParameters["LogGroupName"] is string group && SessionOf(boundParameters) is { } s
            ? Engine.Catalog.CompletionNames.LogStreams(s.Provider, s.Session, group, prefix)
            : Array.Empty<string>();
}
