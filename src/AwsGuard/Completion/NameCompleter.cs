using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AwsGuard.Commands;
using AwsGuard.Engine.Catalog;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Completion;

/// <summary>Completes a parameter from a list of names: prefix match, ignoring case, quoted when needed.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        IReadOnlyList<string> names;
        try
        {
            names = Names(new CommandLine(commandName, fakeBoundParameters), prefix).ToList();
        }
        catch (Exception)
        {
            names = Array.Empty<string>(); // a session that cannot resolve yet (a bad path, no credentials): nothing to offer
        }
        return names
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
    }

    /// <param name="prefix">What was typed so far: live sources can ask AWS for just those names.</param>
    protected abstract IEnumerable<string> Names(CommandLine line, string prefix);

    /// <summary>The command being completed and the parameters typed so far.</summary>
    protected sealed class CommandLine(string commandName, IDictionary typed)
    {
        public string CommandName { get; } = commandName;
        public IDictionary Typed { get; } = typed;

        /// <summary>The session the command would act with, read exactly as the command reads it.</summary>
        public SessionParameters Session => SessionBinding.ForCompletion(CommandName, Typed);
    }

    private static string Quote(string name) =>
        name.IndexOfAny(new[] { ' ', '$', '\'', '"', '`', '(', ')', '{', '}', ';', ',', '&', '|', '#', '@' }) >= 0
            ? "'" + name.Replace("'", "''") + "'"
            : name;
}

public sealed class RegionCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(CommandLine line, string prefix) => CompletionNames.Regions();
}

public sealed class ProfileNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(CommandLine line, string prefix) => CompletionNames.Profiles(line.Session.ProfileLocation);
}

public sealed class BucketNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(CommandLine line, string prefix) =>
        CompletionNames.Buckets(SessionBinding.Provider, line.Session);
}

public sealed class LogGroupNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(CommandLine line, string prefix) =>
        CompletionNames.LogGroups(SessionBinding.Provider, line.Session, prefix);
}

public sealed class LogStreamNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(CommandLine line, string prefix) =>
        line.Typed["LogGroupName"] is string group
            ? CompletionNames.LogStreams(SessionBinding.Provider, line.Session, group, prefix)
            : Array.Empty<string>();
}
