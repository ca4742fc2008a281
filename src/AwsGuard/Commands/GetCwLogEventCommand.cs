using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Completion;
using AwsGuard.Engine.Logs;

namespace AwsGuard.Commands;

/// <summary>Reads (and with -Follow, keeps reading) CloudWatch Logs events as typed objects with real times.</summary>
[Cmdlet(VerbsCommon.Get, "CwLogEvent", SupportsPaging = true)]
[OutputType(typeof(LogEvent), typeof(CloudTrailEvent))]
public sealed class GetCwLogEventCommand : AwsCmdlet
{
    private ulong _skipped;
    private ulong _written;
    private bool _anyGroup;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("LogGroup")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LogGroupNameCompleter))]
    public string LogGroupName { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("LogStream")]
    [ArgumentCompleter(typeof(LogStreamNameCompleter))]
    public string[]? LogStreamName { get; set; }

    [Parameter]
    public string? LogStreamNamePrefix { get; set; }

    [Parameter]
    public string? FilterPattern { get; set; }

    [Parameter]
    [LogTime]
    public DateTime? StartTime { get; set; }

    [Parameter]
    [LogTime]
    public DateTime? EndTime { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Tail { get; set; }

    [Parameter]
    public SwitchParameter Follow { get; set; }

    [Parameter]
    [PollInterval]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Parameter]
    public SwitchParameter ParseJson { get; set; }

    protected override Task BeginProcessingAsync()
    {
        // The times and switches are the same for every piped group: a bad combination fails before any call.
        Query("-").Validate();
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync()
    {
        _anyGroup = true;
        if (Enough()) return Task.CompletedTask;
        if (Follow) WriteVerbose($"Following {LogGroupName}: polling every {PollInterval.TotalSeconds:0.###} s for events that arrive from now on.");
        return TryItemAsync(LogGroupName, async () =>
        {
            var (account, region) = (await AccountIdAsync().ConfigureAwait(false), Session.Region);
            await Service(LogReader.ForSession).ReadAsync(Query(LogGroupName), e =>
            {
                (e.AccountId, e.Region) = (account, region);
                return Write(e);
            }, CancelToken).ConfigureAwait(false);
        });
    }

    protected override Task EndProcessingAsync()
    {
        // An empty pipeline read nothing, so it has no total to report either.
        if (PagingParameters.IncludeTotalCount && _anyGroup)
            WriteObject(Enough() ? PagingParameters.NewTotalCount(0, 0.0) : PagingParameters.NewTotalCount(_skipped + _written, 1.0));
        return Task.CompletedTask;
    }

    private LogQuery Query(string group) => new()
    {
        LogGroupName = group,
        // An empty name (an Import-Csv row's empty LogStreamName cell) means all streams, as no name does.
        LogStreamNames = LogStreamName?.Where(name => !string.IsNullOrEmpty(name)).ToArray() is { Length: > 0 } names ? names : null,
        LogStreamNamePrefix = LogStreamNamePrefix,
        FilterPattern = FilterPattern,
        StartTime = StartTime,
        EndTime = EndTime,
        Tail = Tail,
        Follow = Follow,
        PollInterval = PollInterval,
        ParseJson = ParseJson,
    };

    /// <summary>-Skip and -First over the whole invocation; false ends the reading, so no page past -First is fetched.</summary>
    private bool Write(LogEvent e)
    {
        if (_skipped < PagingParameters.Skip) { _skipped++; return true; }
        WriteObject(e);
        _written++;
        return !Enough();
    }

    private bool Enough() => _written >= PagingParameters.First;
}
