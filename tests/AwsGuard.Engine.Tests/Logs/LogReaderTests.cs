using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Logs;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Logs;

/// <summary>The log reader against moto: completeness, order, paging, tail, follow, faults and bad input.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class LogReaderTests
{
    private const int BigCount = 25_000;
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Seeded = new();
    private readonly LocalAws _aws;

    public LogReaderTests(LocalAws aws) => _aws = aws;

    /// <summary>
    /// 25,000 events over 3 streams ("s{i}-e{j}"; timestamps distinct, stream i at base + 3j + i, so the whole group has one
    /// true time order), seeded once for the tests that read them.
    /// </summary>
    private Task<string> BigGroup() => SeededGroup("big", $@"
for i in range(3):
    c.create_log_stream(logGroupName=group, logStreamName='stream-%d' % i)
    js = [j for j in range({BigCount}) if j % 3 == i]
    for k in range(0, len(js), 5000):
        c.put_log_events(logGroupName=group, logStreamName='stream-%d' % i,
            logEvents=[{{'timestamp': base + j, 'message': 's%d-e%d' % (i, j // 3)}} for j in js[k:k + 5000]])
");

    /// <summary>
    /// A log group seeded once for all the tests that read it: <paramref name="seed"/> is Python run with a logs client
    /// <c>c</c>, the new group's name in <c>group</c> and <c>base</c>, a timestamp ten minutes ago.
    /// </summary>
    private Task<string> SeededGroup(string kind, string seed) => Seeded.GetOrAdd(kind, _ => new Lazy<Task<string>>(async () =>
    {
        var group = "/logs/" + LocalAws.UniqueName(kind);
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os, time
c = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])
base = int(time.time() * 1000) - 600000
group = '{group}'
c.create_log_group(logGroupName=group)
{seed}");
        return group;
    })).Value;

    private static IEnumerable<string> Expected(int stream) => Enumerable.Range(0, BigCount).Where(j => j % 3 == stream).Select(j => $"s{stream}-e{j / 3}");

    private static void AssertWholeGroupInOrder(List<LogEvent> events)
    {
        Assert.Equal(BigCount, events.Count);
        Assert.Equal(BigCount, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, BigCount).Select(j => $"s{j % 3}-e{j / 3}"), events.Select(e => e.Message));
        Assert.All(events, e => Assert.Equal($"stream-{e.Message[1]}", e.LogStreamName));
    }

    private Counting Client(Uri? endpoint = null, AwsRetry? retry = null) =>
        new(new LogsClient(Tools.Keys, LocalAws.Region, endpoint ?? _aws.Endpoint, retry));

    private static async Task<List<LogEvent>> Read(LogReader reader, LogQuery query, int? stopAfter = null)
    {
        var events = new List<LogEvent>();
        await reader.ReadAsync(query, e => { events.Add(e); return stopAfter is not { } n || events.Count < n; }, CancellationToken.None);
        return events;
    }

    [Fact]
    public async Task Twenty_five_thousand_events_over_three_streams_read_back_complete_in_order_once()
    {
        var group = await BigGroup();
        var logs = Client();
        var reader = new LogReader(logs);

        // The whole group: FilterLogEvents, interleaved by time, 2,000 a page.
        AssertWholeGroupInOrder(await Read(reader, new LogQuery { LogGroupName = group, PageSize = 2000 }));
        Assert.True(logs.Calls("FilterLogEvents") >= 13, $"{logs.Calls("FilterLogEvents")} pages");

        // Each stream alone: GetLogEvents from the head, 1,000 a page, until the forward token repeats.
        for (var i = 0; i < 3; i++)
        {
            var before = logs.Calls("GetLogEvents");
            var one = await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = new[] { $"stream-{i}" }, PageSize = 1000 });
            Assert.Equal(Expected(i), one.Select(e => e.Message));
            Assert.All(one, e => Assert.Null(e.EventId));
            Assert.True(logs.Calls("GetLogEvents") - before >= 9, "8,333 events at 1,000 a page");
        }
        Assert.Equal(0, logs.Calls("DescribeLogStreams") + logs.Calls("DescribeLogGroups"));
    }

    [Fact]
    public async Task The_same_events_come_out_exactly_once_under_30_percent_throttling_and_503()
    {
        var group = await BigGroup();
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0.3, Seed = 5, Faults = new[] { Fault.Throttling, Fault.SlowDown } });
        // 0.3^5 per call would leave some of the ~100 calls failing for good at the default 5 attempts; 30% is far beyond
        // what the default numbers are for, so this run allows 12 attempts with short waits (as WireFaultTests does).
        var retry = new AwsRetry(maxAttempts: 12, baseDelay: TimeSpan.FromMilliseconds(2), maxDelay: TimeSpan.FromMilliseconds(50));
        var reader = new LogReader(Client(proxy.Endpoint, retry));

        AssertWholeGroupInOrder(await Read(reader, new LogQuery { LogGroupName = group, PageSize = 500 }));
        var one = await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = new[] { "stream-2" }, PageSize = 500 });
        Assert.Equal(Expected(2), one.Select(e => e.Message));
        Assert.True(proxy.InjectedOf(Fault.Throttling) > 5 && proxy.InjectedOf(Fault.SlowDown) > 5, $"{proxy.Injected} faults in {proxy.Requests} requests");
    }

    [Fact]
    public async Task A_writer_that_has_enough_ends_the_paging()
    {
        var group = await BigGroup();
        var logs = Client();
        var events = await Read(new LogReader(logs), new LogQuery { LogGroupName = group, PageSize = 100 }, stopAfter: 5);
        Assert.Equal(new[] { "s0-e0", "s1-e0", "s2-e0", "s0-e1", "s1-e1" }, events.Select(e => e.Message));
        Assert.Equal(1, logs.Calls("FilterLogEvents"));
    }

    [Fact]
    public async Task Tail_gives_the_newest_events_oldest_first()
    {
        var group = await BigGroup();
        var reader = new LogReader(Client());
        var tail = await Read(reader, new LogQuery { LogGroupName = group, Tail = 7 });
        Assert.Equal(Enumerable.Range(BigCount - 7, 7).Select(j => $"s{j % 3}-e{j / 3}"), tail.Select(e => e.Message));
        var oneStream = await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = new[] { "stream-1" }, Tail = 3 });
        Assert.Equal(Expected(1).TakeLast(3), oneStream.Select(e => e.Message));
        // More than there are: all of them.
        var small = "/logs/" + LocalAws.UniqueName("tail");
        await WireContractTests.SeedLogs(_aws.Endpoint, small, streams: 1, events: 4);
        Assert.Equal(4, (await Read(reader, new LogQuery { LogGroupName = small, Tail = 50 })).Count);
    }

    [Fact]
    public async Task Start_and_end_times_bound_the_read_inclusively()
    {
        var group = await BigGroup();
        var reader = new LogReader(Client());
        var all = await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = new[] { "stream-0" } });
        var (from, to) = (all[10].Timestamp, all[20].Timestamp);
        // GetLogEvents, then FilterLogEvents (more names than are read directly; the others do not exist)
        foreach (var streams in new[] { new[] { "stream-0" }, Enumerable.Range(0, LogReader.MaxDirectStreams + 1).Select(i => $"stream-{i * 3}").ToArray() })
        {
            var part = await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = streams, StartTime = from, EndTime = to });
            Assert.Equal(all.Skip(10).Take(11).Select(e => e.Message), part.Select(e => e.Message));
        }
    }

    [Fact]
    public async Task More_than_100_stream_names_are_read_100_at_a_time_and_merged_in_time_order()
    {
        var group = "/logs/" + LocalAws.UniqueName("many");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os, time
c = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])
base = int(time.time() * 1000) - 600000
c.create_log_group(logGroupName='{group}')
for i in range(150):
    c.create_log_stream(logGroupName='{group}', logStreamName='s%03d' % i)
    c.put_log_events(logGroupName='{group}', logStreamName='s%03d' % i,
        logEvents=[{{'timestamp': base + k * 150 + (149 - i), 'message': 'm%d' % (k * 150 + 149 - i)}} for k in range(4)])
");
        var logs = Client();
        var names = Enumerable.Range(0, 150).Select(i => $"s{i:000}").ToArray();
        var events = await Read(new LogReader(logs), new LogQuery { LogGroupName = group, LogStreamNames = names, PageSize = 50 });
        Assert.Equal(Enumerable.Range(0, 600).Select(n => $"m{n}"), events.Select(e => e.Message));
        Assert.All(logs.StreamNameCounts, count => Assert.InRange(count, 1, LogReader.MaxStreamsPerCall));
        Assert.Contains(100, logs.StreamNameCounts);
        Assert.Contains(50, logs.StreamNameCounts);
    }

    /// <summary>
    /// 20,000 events over 4 streams: event j is in stream j % 4 at base + j / 3 ms, so each timestamp is shared by 3 events
    /// of different streams. Named in reverse, the streams' order decides ties: the expected order is by timestamp, then
    /// descending stream.
    /// </summary>
    private Task<string> FourStreams() => SeededGroup("four", $@"
for i in range(4):
    c.create_log_stream(logGroupName=group, logStreamName='stream-%d' % i)
    c.put_log_events(logGroupName=group, logStreamName='stream-%d' % i,
        logEvents=[{{'timestamp': base + j // 3, 'message': 'e%d' % j}} for j in range(i, {FourCount}, 4)])
");

    private const int FourCount = 20_000;
    private static readonly string[] FourNames = { "stream-3", "stream-2", "stream-1", "stream-0" };

    [Fact]
    public async Task A_few_named_streams_are_read_with_GetLogEvents_and_merged_in_time_order_once()
    {
        var group = await FourStreams();
        var logs = Client();
        var events = await Read(new LogReader(logs), new LogQuery { LogGroupName = group, LogStreamNames = FourNames, PageSize = 250 });

        var expected = Enumerable.Range(0, FourCount).OrderBy(j => j / 3).ThenByDescending(j => j % 4).Select(j => $"e{j}");
        Assert.Equal(expected, events.Select(e => e.Message));
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.Timestamp <= pair.Second.Timestamp));
        Assert.All(events, e => Assert.Equal($"stream-{int.Parse(e.Message![1..]) % 4}", e.LogStreamName));
        Assert.True(logs.Calls("GetLogEvents") >= 4 * 20, $"{logs.Calls("GetLogEvents")} pages");
        Assert.Equal(0, logs.Calls("FilterLogEvents"));
    }

    [Fact]
    public async Task More_than_eight_named_streams_are_read_with_FilterLogEvents()
    {
        var group = "/logs/" + LocalAws.UniqueName("nine");
        await WireContractTests.SeedLogs(_aws.Endpoint, group, streams: LogReader.MaxDirectStreams + 1, events: 3);
        var names = Enumerable.Range(0, LogReader.MaxDirectStreams + 1).Select(i => $"stream-{i}").ToArray();
        foreach (var (streams, direct) in new[] { (names[..^1], true), (names, false) })
        {
            var logs = Client();
            var events = await Read(new LogReader(logs), new LogQuery { LogGroupName = group, LogStreamNames = streams });
            Assert.Equal(streams.Length * 3, events.Count);
            Assert.Equal(direct, logs.Calls("GetLogEvents") > 0);
            Assert.Equal(direct, logs.Calls("FilterLogEvents") == 0);
        }
    }

    [Fact]
    public async Task A_writer_that_has_enough_ends_the_reading_of_named_streams_leaving_no_prefetch_behind()
    {
        var group = await FourStreams();
        var logs = Client();
        var query = new LogQuery { LogGroupName = group, LogStreamNames = FourNames, PageSize = 250 };
        Assert.Single(await Read(new LogReader(logs), query, stopAfter: 1));
        Assert.Equal(4, logs.Calls("GetLogEvents")); // the first page of each stream, needed to know which event is first

        // Past half of each first page (150 of 250 events each), every stream prefetches its second page, which fails here;
        // the stop abandons those prefetches, and their failures must be observed, not thrown at the finalizer.
        var marker = "prefetch-" + Guid.NewGuid().ToString("N");
        var unobserved = new ConcurrentQueue<Exception>();
        void Watch(object? sender, UnobservedTaskExceptionEventArgs args)
        {
            if (args.Exception.Flatten().InnerExceptions.Any(e => e.Message == marker)) unobserved.Enqueue(args.Exception);
        }
        TaskScheduler.UnobservedTaskException += Watch;
        try
        {
            logs = Client();
            var failed = 0;
            logs.BeforeGet = async (request, _) =>
            {
                await Task.Yield();
                if (request.NextToken is null) return;
                Interlocked.Increment(ref failed);
                throw new InvalidOperationException(marker);
            };
            Assert.Equal(600, (await Read(new LogReader(logs), query, stopAfter: 600)).Count);
            Assert.Equal(8, logs.Calls("GetLogEvents"));
            await Until(() => Volatile.Read(ref failed) == 4, CancellationToken.None);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.Empty(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Watch;
        }
    }

    [Fact]
    public async Task Cancelling_a_read_waiting_on_slow_pages_ends_it_within_a_second()
    {
        var group = await FourStreams();
        var logs = Client();
        var slow = 0;
        logs.BeforeGet = (request, cancel) =>
        {
            if (request.NextToken is null) return Task.CompletedTask;
            Interlocked.Increment(ref slow);
            return Task.Delay(Timeout.Infinite, cancel); // AWS never answers the second pages
        };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var written = 0;
        var reading = new LogReader(logs).ReadAsync(new LogQuery { LogGroupName = group, LogStreamNames = FourNames, PageSize = 250 },
            _ => { Interlocked.Increment(ref written); return true; }, cancel.Token);
        await Until(() => Volatile.Read(ref slow) == 4, cancel.Token); // every stream's second page is asked for and hangs

        var clock = System.Diagnostics.Stopwatch.StartNew();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.InRange(written, 1, 4 * 250);
    }

    [Fact]
    public async Task A_missing_log_group_is_ObjectNotFound_naming_it()
    {
        var group = "/logs/none-" + Guid.NewGuid().ToString("N");
        var reader = new LogReader(Client());
        foreach (var streams in new[] { null, new[] { "one" } })
        {
            var error = await Assert.ThrowsAsync<AwsGuardException>(() => Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = streams }));
            Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
            Assert.Equal(group, error.Target);
            Assert.Contains(group, error.Message);
        }
    }

    [Fact]
    public async Task Bad_input_is_InvalidArgument_before_any_call()
    {
        var logs = Client();
        var reader = new LogReader(logs);
        var now = DateTime.UtcNow;
        var bad = new[]
        {
            new LogQuery { LogGroupName = "g", StartTime = now, EndTime = now.AddSeconds(-1) },
            new LogQuery { LogGroupName = "g", Follow = true, EndTime = now },
            new LogQuery { LogGroupName = "g", LogStreamNames = new[] { "a" }, LogStreamNamePrefix = "b" },
            new LogQuery { LogGroupName = "g", Tail = 0 },
            new LogQuery { LogGroupName = "" },
        };
        foreach (var query in bad)
            Assert.Equal(ErrorKind.InvalidArgument, (await Assert.ThrowsAsync<AwsGuardException>(() => Read(reader, query))).Kind);
        Assert.Equal(0, logs.Calls());
    }

    [Fact]
    public async Task Follow_writes_late_and_new_events_once_and_slows_down_when_throttled()
    {
        var group = "/logs/" + LocalAws.UniqueName("follow");
        await WireContractTests.SeedLogs(_aws.Endpoint, group, streams: 2, events: 5);
        var logs = Client();
        logs.ThrottleFilterCalls = 3; // the 2nd to 4th FilterLogEvents answer ThrottlingException, past the retries
        var reader = new LogReader(logs);
        var seen = new ConcurrentQueue<LogEvent>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var following = reader.ReadAsync(new LogQuery { LogGroupName = group, Follow = true, StartTime = DateTime.UtcNow.AddHours(-1), PollInterval = TimeSpan.FromMilliseconds(50) },
            e => { seen.Enqueue(e); return true; }, cancel.Token);
        await Until(() => seen.Count >= 10, cancel.Token);

        // New events, one later than all, one at the newest timestamp already written, one older than it (late arrivals).
        var newest = seen.Max(e => TimeSpec.ToEpochMilliseconds(e.Timestamp));
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
c = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])
c.put_log_events(logGroupName='{group}', logStreamName='stream-0', logEvents=[{{'timestamp': {newest} + 5, 'message': 'later'}}])
c.put_log_events(logGroupName='{group}', logStreamName='stream-1', logEvents=[{{'timestamp': {newest} - 3, 'message': 'older'}}, {{'timestamp': {newest}, 'message': 'same'}}])
");
        await Until(() => seen.Count >= 13, cancel.Token);
        var pollsBefore = logs.Calls("FilterLogEvents");
        await Until(() => logs.Calls("FilterLogEvents") >= pollsBefore + 3, cancel.Token); // a few more polls: nothing new may come
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => following);

        var messages = seen.Select(e => e.Message).ToList();
        Assert.Equal(13, messages.Count);
        Assert.Equal(13, messages.Distinct().Count());
        Assert.Contains("later", messages);
        Assert.Contains("same", messages);
        Assert.Contains("older", messages);
        Assert.Equal(3, logs.Throttled);
    }

    public static TheoryData<string> Selections => new() { "one stream", "named streams", "whole group" };

    private static string[]? Selected(string selection) => selection switch
    {
        "one stream" => new[] { "a" },
        "named streams" => new[] { "a", "b" },
        _ => null,
    };

    private static bool IsSelected(string selection, string stream) => Selected(selection) is not { } names || names.Contains(stream);

    /// <summary>Puts events (stream, epoch ms, message) with boto3; <paramref name="create"/> makes the group and streams a, b, c first.</summary>
    private Task Put(string group, IEnumerable<(string Stream, long Timestamp, string Message)> events, bool create = false)
    {
        var batches = string.Join(",\n", events.GroupBy(e => e.Stream).Select(stream =>
            $"('{stream.Key}', [{string.Join(", ", stream.OrderBy(e => e.Timestamp).Select(e => $"{{'timestamp': {e.Timestamp}, 'message': '{e.Message}'}}"))}])"));
        return Tools.Python(_aws.Endpoint, $@"
import boto3, os
c = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])
if {(create ? "True" : "False")}:
    c.create_log_group(logGroupName='{group}')
    for s in 'abc':
        c.create_log_stream(logGroupName='{group}', logStreamName=s)
for stream, events in [{batches}]:
    c.put_log_events(logGroupName='{group}', logStreamName=stream, logEvents=events)
");
    }

    private static long Now() => TimeSpec.ToEpochMilliseconds(DateTime.UtcNow);

    /// <summary>
    /// Runs a follow until <paramref name="last"/> is written, then for a few more polls (a repeat or a late stray would show
    /// in them), and returns everything written. <paramref name="arrive"/> puts events once the first
    /// <paramref name="initial"/> events are written, and must put <paramref name="last"/> after all of its others.
    /// </summary>
    private async Task<List<LogEvent>> Follow(LogQuery query, int initial, Func<List<LogEvent>, Task> arrive, string last)
    {
        var logs = Client();
        var written = new ConcurrentQueue<LogEvent>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        query.Follow = true;
        query.PollInterval = TimeSpan.FromMilliseconds(50);
        var following = new LogReader(logs).ReadAsync(query, e => { written.Enqueue(e); return true; }, cancel.Token);
        await Until(() => written.Count >= initial, cancel.Token);
        await arrive(written.ToList());
        await Until(() => written.Any(e => e.Message == last), cancel.Token);
        var polls = logs.Calls("FilterLogEvents");
        await Until(() => logs.Calls("FilterLogEvents") >= polls + 3, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => following);
        return written.ToList();
    }

    /// <summary>
    /// History in streams a, b and c: one event 4 minutes old, five in the last 20 seconds (all distinct timestamps).
    /// Then, while following, each stream gets a new event, one at the newest timestamp already written, one 2 minutes
    /// old, one 3.5 minutes old and one 10 minutes old (late arrivals), and stream a a last one.
    /// </summary>
    private async Task<(string Group, List<(string Stream, long Timestamp, string Message)> History)> FollowGroup(string kind)
    {
        var group = "/logs/" + LocalAws.UniqueName(kind);
        var now = Now();
        var history = new List<(string Stream, long Timestamp, string Message)>();
        foreach (var (stream, i) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            history.Add((stream, now - 240_000 + i, $"{stream}-old"));
            for (var k = 0; k < 5; k++) history.Add((stream, now - 20_000 + k * 3_000 + i * 1_000, $"{stream}-h{k}"));
        }
        await Put(group, history, create: true);
        return (group, history);
    }

    private Func<List<LogEvent>, Task> Arrivals(string group) => async written =>
    {
        var now = Now();
        var newest = written.Max(e => TimeSpec.ToEpochMilliseconds(e.Timestamp));
        await Put(group, new[] { "a", "b", "c" }.SelectMany(s => new[]
        {
            (s, now + 1_000, $"{s}-new"), (s, newest, $"{s}-same"), (s, now - 120_000, $"{s}-late2m"),
            (s, now - 210_000, $"{s}-late3m30s"), (s, now - 600_000, $"{s}-late10m"),
        }));
        await Put(group, new[] { ("a", now + 2_000, "a-last") });
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Tail_then_follow_writes_the_newest_events_then_only_what_arrives_late_ones_included(string selection)
    {
        var (group, history) = await FollowGroup("tailfollow");
        var written = await Follow(new LogQuery { LogGroupName = group, LogStreamNames = Selected(selection), Tail = 3 }, 3, Arrivals(group), "a-last");

        var tail = history.Where(e => IsSelected(selection, e.Stream)).OrderBy(e => e.Timestamp).TakeLast(3).Select(e => e.Message);
        Assert.Equal(tail, written.Take(3).Select(e => e.Message));
        // Every arrival of the streams read, once, late ones included; none of the history the tail left out; nothing
        // older than the five minutes a poll looks back.
        var arrived = new[] { "a", "b", "c" }.Where(s => IsSelected(selection, s))
            .SelectMany(s => new[] { $"{s}-new", $"{s}-same", $"{s}-late2m", $"{s}-late3m30s" }).Append("a-last");
        Assert.Equal(arrived.OrderBy(m => m, StringComparer.Ordinal), written.Skip(3).Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Start_time_then_follow_never_writes_an_event_older_than_the_start(string selection)
    {
        var (group, history) = await FollowGroup("startfollow");
        var start = DateTime.UtcNow.AddMinutes(-3);
        var existing = history.Where(e => IsSelected(selection, e.Stream) && e.Timestamp >= TimeSpec.ToEpochMilliseconds(start)).OrderBy(e => e.Timestamp).ToList();
        var written = await Follow(new LogQuery { LogGroupName = group, LogStreamNames = Selected(selection), StartTime = start }, existing.Count, Arrivals(group), "a-last");

        Assert.Equal(existing.Select(e => e.Message), written.Take(existing.Count).Select(e => e.Message));
        var arrived = new[] { "a", "b", "c" }.Where(s => IsSelected(selection, s))
            .SelectMany(s => new[] { $"{s}-new", $"{s}-same", $"{s}-late2m" }).Append("a-last"); // not late3m30s: before the start
        Assert.Equal(arrived.OrderBy(m => m, StringComparer.Ordinal), written.Skip(existing.Count).Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
        Assert.All(written, e => Assert.True(e.Timestamp >= start.AddMilliseconds(-1), $"{e.Message} at {e.Timestamp:o} is before {start:o}"));
    }

    [Fact]
    public async Task Following_a_group_whose_events_are_all_older_than_the_start_writes_only_what_arrives()
    {
        var group = "/logs/" + LocalAws.UniqueName("oldonly");
        var now = Now();
        await Put(group, new[] { ("a", now - 240_000, "a-old") }, create: true);
        var written = await Follow(new LogQuery { LogGroupName = group, StartTime = DateTime.UtcNow.AddMinutes(-3) }, 0,
            _ => Put(group, new[] { ("b", Now(), "b-new") }), "b-new");
        Assert.Equal(new[] { "b-new" }, written.Select(e => e.Message));
    }

    [Fact]
    public async Task Follow_with_a_filter_pattern_writes_only_matching_arrivals_late_ones_included()
    {
        var (group, _) = await FollowGroup("patternfollow");
        var written = await Follow(new LogQuery { LogGroupName = group, FilterPattern = "late2m" }, 0, async _ =>
        {
            await Arrivals(group)(new List<LogEvent> { new() { Timestamp = DateTime.UtcNow } });
            await Put(group, new[] { ("b", Now() + 3_000, "b-late2m-last") });
        }, "b-late2m-last");
        Assert.Equal(new[] { "a-late2m", "b-late2m", "b-late2m-last", "c-late2m" }, written.Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tail_with_a_start_or_an_end_time_gives_the_newest_events_inside_them()
    {
        var (group, history) = await FollowGroup("tailbounds");
        var reader = new LogReader(Client());
        var ordered = history.OrderBy(e => e.Timestamp).ToList();
        // -Tail with -StartTime: the newest N at or after the start; fewer when fewer are.
        var start = TimeSpec.FromEpochMilliseconds(ordered[^4].Timestamp);
        Assert.Equal(ordered.TakeLast(2).Select(e => e.Message), (await Read(reader, new LogQuery { LogGroupName = group, StartTime = start, Tail = 2 })).Select(e => e.Message));
        Assert.Equal(ordered.TakeLast(4).Select(e => e.Message), (await Read(reader, new LogQuery { LogGroupName = group, StartTime = start, Tail = 10 })).Select(e => e.Message));
        // -Tail with -EndTime: the newest N at or before the end (inclusive), for one stream and the group.
        var end = TimeSpec.FromEpochMilliseconds(ordered[^6].Timestamp);
        Assert.Equal(ordered.Take(ordered.Count - 5).TakeLast(3).Select(e => e.Message),
            (await Read(reader, new LogQuery { LogGroupName = group, EndTime = end, Tail = 3 })).Select(e => e.Message));
        var aOnly = ordered.Where(e => e.Stream == "a" && e.Timestamp <= ordered[^6].Timestamp).TakeLast(2).Select(e => e.Message);
        Assert.Equal(aOnly, (await Read(reader, new LogQuery { LogGroupName = group, LogStreamNames = new[] { "a" }, EndTime = end, Tail = 2 })).Select(e => e.Message));
        // Both: the newest N between them; the old events (4 minutes back) are found when the window reaches them.
        Assert.Equal(ordered.Take(4).Select(e => e.Message),
            (await Read(reader, new LogQuery { LogGroupName = group, StartTime = TimeSpec.FromEpochMilliseconds(ordered[0].Timestamp), EndTime = TimeSpec.FromEpochMilliseconds(ordered[3].Timestamp), Tail = 4 })).Select(e => e.Message));
    }

    [Fact]
    public void Seen_events_forget_what_polls_no_longer_reach_and_respect_their_bound()
    {
        var now = TimeSpec.FromEpochMilliseconds(200_000);
        var seen = new SeenEvents(TimeSpan.FromSeconds(10), maxIds: 3, () => now);
        LogEvent At(long ms, string id) => new() { Timestamp = TimeSpec.FromEpochMilliseconds(ms), EventId = id };
        Assert.True(seen.Add(At(100_000, "a")));      // an old event, written by the read before the follow
        Assert.False(seen.Add(At(100_000, "a")));
        Assert.True(seen.Add(At(100_000, "b")));      // same millisecond, another event
        Assert.Equal(90_000, seen.PollStart());       // the window below the newest event written, which is before now
        Assert.True(seen.Add(At(195_000, "c")));
        Assert.Equal(1, seen.Count);                  // a and b are below every poll from now on
        Assert.Equal(185_000, seen.PollStart());
        Assert.True(seen.Add(At(1_000_000, "future"))); // stamped in the future: polls start below now, not below it
        Assert.Equal(190_000, seen.PollStart());
        now = TimeSpec.FromEpochMilliseconds(250_000);
        Assert.Equal(240_000, seen.PollStart());
        Assert.Equal(1, seen.Count);                  // c fell below the polls; the future event is kept
        foreach (var id in new[] { "e", "f", "g" }) Assert.True(seen.Add(At(245_000, id)));
        Assert.Equal(3, seen.Count);                  // the bound dropped the oldest; polls now start after it
        Assert.Equal(245_001, seen.PollStart());
        Assert.False(seen.Add(At(245_000, "e")));
        Assert.Equal(240_000, new SeenEvents(TimeSpan.FromSeconds(10), 3, () => now).PollStart()); // nothing written: below now
    }

    private static async Task Until(Func<bool> condition, CancellationToken cancel)
    {
        while (!condition()) await Task.Delay(20, cancel); // polling a condition, bounded by the test's token
    }

    /// <summary>Counts calls per operation and the stream names each FilterLogEvents carried; can throttle some FilterLogEvents.</summary>
    private sealed class Counting : ILogsClient
    {
        private readonly ILogsClient _inner;
        private readonly ConcurrentDictionary<string, int> _calls = new();
        public readonly ConcurrentBag<int> StreamNameCounts = new();
        public int ThrottleFilterCalls;
        public Func<GetLogEventsRequest, CancellationToken, Task>? BeforeGet; // runs before each GetLogEvents: a slow or failing AWS
        public int Throttled;

        public Counting(ILogsClient inner) => _inner = inner;

        public int Calls(string? operation = null) => operation is null ? _calls.Values.Sum() : _calls.GetValueOrDefault(operation);

        public async Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancel)
        {
            _calls.AddOrUpdate("GetLogEvents", 1, (_, n) => n + 1);
            if (BeforeGet is { } before) await before(request, cancel);
            return await _inner.GetLogEventsAsync(request, cancel);
        }

        public Task<FilterLogEventsResponse> FilterLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancel)
        {
            var number = _calls.AddOrUpdate("FilterLogEvents", 1, (_, n) => n + 1);
            if (request.LogStreamNames is { } names) StreamNameCounts.Add(names.Count);
            if (number >= 2 && Throttled < ThrottleFilterCalls)
            {
                Throttled++;
                throw new WireServiceException("CloudWatch Logs", "FilterLogEvents", "ThrottlingException", "Rate exceeded", HttpStatusCode.BadRequest, null);
            }
            return _inner.FilterLogEventsAsync(request, cancel);
        }

        public Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancel)
        {
            _calls.AddOrUpdate("DescribeLogStreams", 1, (_, n) => n + 1);
            return _inner.DescribeLogStreamsAsync(request, cancel);
        }

        public Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancel)
        {
            _calls.AddOrUpdate("DescribeLogGroups", 1, (_, n) => n + 1);
            return _inner.DescribeLogGroupsAsync(request, cancel);
        }
    }
}
