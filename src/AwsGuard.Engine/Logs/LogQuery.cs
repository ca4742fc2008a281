using System;
using System.Collections.Generic;

namespace AwsGuard.Engine.Logs;

/// <summary>What to read from one log group. Times are UTC instants; EndTime is inclusive.</summary>
public sealed class LogQuery
{
    public string LogGroupName { get; set; } = "";
    public IReadOnlyList<string>? LogStreamNames { get; set; }
    public string? LogStreamNamePrefix { get; set; }
    public string? FilterPattern { get; set; }
    public DateTime? StartTime { get; set; }
    public DateTime? EndTime { get; set; }

    /// <summary>Only the newest this many events (written oldest first).</summary>
    public int? Tail { get; set; }

    /// <summary>After reading what exists, write every event that arrives (new or late), once, until cancelled.</summary>
    public bool Follow { get; set; }

    /// <summary>Any positive interval; the cmdlet takes only <see cref="TimeSpec.ParseInterval"/>'s bounds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Parse JSON messages into <see cref="LogEvent.Data"/>.</summary>
    public bool ParseJson { get; set; }

    /// <summary>Events per call; null leaves it to AWS (10,000 or 1 MB). Tests use small pages to page a lot.</summary>
    public int? PageSize { get; set; }

    /// <summary>
    /// Up to <see cref="LogReader.MaxDirectStreams"/> named streams and no pattern read each stream with GetLogEvents; follow
    /// needs FilterLogEvents' event ids to deduplicate.
    /// </summary>
    internal bool ReadsStreamsDirectly => LogStreamNames is { Count: > 0 and <= LogReader.MaxDirectStreams } && string.IsNullOrEmpty(FilterPattern) && !Follow;

    /// <summary>Checks the query before any AWS call; every problem is an InvalidArgument error.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(LogGroupName)) throw Invalid("NoLogGroup", "A log group name is required.");
        if (StartTime is { } start && EndTime is { } end && end < start)
            throw Invalid("EndBeforeStart", $"The end time {end:u} is before the start time {start:u}.", end);
        if (Follow && EndTime is not null) throw Invalid("FollowWithEndTime", "-Follow reads until stopped; it takes no end time.", EndTime);
        if (LogStreamNames is { Count: > 0 } && !string.IsNullOrEmpty(LogStreamNamePrefix))
            throw Invalid("StreamNamesWithPrefix", "Give stream names or a stream name prefix, not both (CloudWatch Logs takes one or the other).",
                LogStreamNamePrefix);
        if (Tail is < 1) throw Invalid("InvalidTail", "-Tail must be at least 1.", Tail);
        if (PollInterval <= TimeSpan.Zero) throw Invalid("InvalidPollInterval", "The poll interval must be positive.", PollInterval);
    }

    /// <summary>An InvalidArgument error whose target is the offending value (the log group name when none is given).</summary>
    private AwsGuardException Invalid(string id, string message, object? value = null) =>
        new(ErrorKind.InvalidArgument, id, message, value ?? LogGroupName);
}
