using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Logs;

/// <summary>
/// Reads a log group as a stream of <see cref="LogEvent"/>s, page by page: never more than two pages per cursor in memory
/// (the one being written and the next, fetched in the background). Up to <see cref="MaxDirectStreams"/> named streams
/// without a pattern: one cursor per stream, GetLogEvents from the head with one explicit end time (now, unless given),
/// following nextForwardToken until it repeats. Anything else: FilterLogEvents until no nextToken comes back, at most 100
/// stream names per call and cursor. Several cursors are merged in time order. Tail reads windows back from the end, each four
/// times longer than the last, until one holds enough events. Follow then writes the events that arrive after the read
/// started, by their ingestion time, late ones too: it polls FilterLogEvents from <see cref="DedupWindow"/> below the newest
/// timestamp written (or below now, when earlier), never below the start time, and writes only event ids not yet written;
/// throttling slows the polls down instead of failing.
/// </summary>
public sealed class LogReader
{
    public const int MaxStreamsPerCall = 100;
    /// <summary>Most streams read with GetLogEvents at once: its quota is 25 calls a second per account, shared by every reader.</summary>
    public const int MaxDirectStreams = 8;
    public static readonly TimeSpan DedupWindow = TimeSpan.FromMinutes(5);
    public const int MaxSeenIds = 100_000;
    private static readonly TimeSpan MaxBackoffInterval = TimeSpan.FromMinutes(1);

    private readonly ILogsClient _logs;
    private readonly Func<DateTime> _utcNow;
    private readonly TimeSpan _window;

    public LogReader(ILogsClient logs, Func<DateTime>? utcNow = null, TimeSpan? dedupWindow = null)
    {
        _logs = logs ?? throw new ArgumentNullException(nameof(logs));
        _utcNow = utcNow ?? (() => DateTime.UtcNow);
        _window = dedupWindow ?? DedupWindow;
    }

    public static LogReader ForSession(SessionProvider provider, AwsSession session) =>
        new(provider.GetClient("logs", session, session.RequireRegion(), WireClients.Logs));

    /// <summary>
    /// Reads what <paramref name="query"/> asks for and hands each event to <paramref name="write"/> as it comes, in time
    /// order; <paramref name="write"/> returns false when it needs no more, which ends the reading (and the paging) at once.
    /// </summary>
    public async Task ReadAsync(LogQuery query, Func<LogEvent, bool> write, CancellationToken cancel)
    {
        query.Validate();
        try
        {
            // Follow writes what is ingested from here on; of what was there before, only what the read writes.
            var startedAt = TimeSpec.ToEpochMilliseconds(_utcNow());
            var seen = query.Follow ? new SeenEvents(_window, MaxSeenIds, _utcNow) : null;
            Func<LogEvent, bool> emit = seen is null ? write : e => { seen.Add(e); return write(e); };
            if (query.Tail is { } count)
            {
                foreach (var e in await TailAsync(query, count, cancel).ConfigureAwait(false))
                    if (!emit(e)) return;
            }
            else if (!await ForwardAsync(query, query.StartTime, query.EndTime, emit, cancel).ConfigureAwait(false))
            {
                return;
            }
            if (seen is not null) await FollowAsync(query, seen, startedAt, write, cancel).ConfigureAwait(false);
        }
        catch (WireServiceException error) when (error.ErrorCode == "ResourceNotFoundException")
        {
            var what = query.LogStreamNames switch
            {
                { Count: 1 } one => $"Log group '{query.LogGroupName}' or its stream '{one[0]}'",
                { } names when query.ReadsStreamsDirectly => $"Log group '{query.LogGroupName}' or one of its streams '{string.Join("', '", names)}'",
                _ => $"Log group '{query.LogGroupName}'",
            };
            throw new AwsGuardException(ErrorKind.ObjectNotFound, error.ErrorCode, $"{what} was not found: {error.Message}", query.LogGroupName);
        }
    }

    /// <summary>Events from <paramref name="start"/> to <paramref name="end"/> (both inclusive, null = open), oldest first.</summary>
    private Task<bool> ForwardAsync(LogQuery query, DateTime? start, DateTime? end, Func<LogEvent, bool> write, CancellationToken cancel)
    {
        if (!query.ReadsStreamsDirectly)
            return MergeAsync(Chunks(query.LogStreamNames).Select(names => FilterEvents(query, names, Ms(start), Ms(end))).ToList(), write, cancel);
        var until = TimeSpec.ToEpochMilliseconds(end ?? _utcNow()); // one end for all the streams
        return MergeAsync(query.LogStreamNames!.Distinct().Select(stream => GetEvents(query, stream, Ms(start), until)).ToList(), write, cancel);
    }

    /// <summary>Writes the cursors' events in time order; false when the writer wanted no more.</summary>
    private static async Task<bool> MergeAsync(List<Cursor> cursors, Func<LogEvent, bool> write, CancellationToken cancel)
    {
        // Cancelled when the merge ends, however it ends, so that no prefetch outlives the read.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await Task.WhenAll(cursors.Select(cursor => cursor.FillAsync(reading.Token))).ConfigureAwait(false); // first pages together
            while (true)
            {
                cancel.ThrowIfCancellationRequested(); // a page may last long: stop between its events too
                // The earliest head of the cursors; on equal timestamps the first cursor, so ties keep the order streams were given.
                Cursor? earliest = null;
                foreach (var cursor in cursors)
                    if (await cursor.FillAsync(reading.Token).ConfigureAwait(false) && (earliest is null || cursor.Current.Timestamp < earliest.Current.Timestamp))
                        earliest = cursor;
                if (earliest is null) return true;
                var next = earliest.Current;
                earliest.Advance();
                if (!write(next)) return false;
            }
        }
        finally
        {
            reading.Cancel();
            foreach (var cursor in cursors) await cursor.AbandonAsync().ConfigureAwait(false);
        }
    }

    private static IEnumerable<List<string>?> Chunks(IReadOnlyList<string>? names)
    {
        if (names is not { Count: > 0 }) { yield return null; yield break; }
        for (var i = 0; i < names.Count; i += MaxStreamsPerCall) yield return names.Skip(i).Take(MaxStreamsPerCall).ToList();
    }

    private Cursor GetEvents(LogQuery query, string stream, long? start, long end)
    {
        string? token = null;
        var ended = false;
        return new Cursor(async cancel =>
        {
            if (ended) return null;
            var page = await _logs.GetLogEventsAsync(new GetLogEventsRequest
            {
                LogGroupName = query.LogGroupName,
                LogStreamName = stream,
                StartTime = start,
                EndTime = end + 1, // GetLogEvents' end is exclusive, FilterLogEvents' inclusive: make both inclusive
                StartFromHead = true,
                NextToken = token,
                Limit = query.PageSize,
            }, cancel).ConfigureAwait(false);
            // The same forward token again is GetLogEvents' only sign of the end; the end time keeps a live stream from going on forever.
            ended = page.NextForwardToken is null || page.NextForwardToken == token;
            token = page.NextForwardToken;
            return page.Events.Select(e => LogEventParser.Create(query.LogGroupName, stream, e.Timestamp, e.IngestionTime, e.Message, null, query.ParseJson)).ToList();
        });
    }

    private Cursor FilterEvents(LogQuery query, List<string>? names, long? start, long? end)
    {
        string? token = null;
        var ended = false;
        return new Cursor(async cancel =>
        {
            if (ended) return null;
            var page = await _logs.FilterLogEventsAsync(new FilterLogEventsRequest
            {
                LogGroupName = query.LogGroupName,
                LogStreamNames = names,
                LogStreamNamePrefix = names is null && !string.IsNullOrEmpty(query.LogStreamNamePrefix) ? query.LogStreamNamePrefix : null,
                StartTime = start,
                EndTime = end,
                FilterPattern = string.IsNullOrEmpty(query.FilterPattern) ? null : query.FilterPattern,
                Interleaved = true,
                NextToken = token,
                Limit = query.PageSize,
            }, cancel).ConfigureAwait(false);
            token = page.NextToken;
            ended = token is null;
            return page.Events.Select(e => LogEventParser.Create(query.LogGroupName, e.LogStreamName, e.Timestamp, e.IngestionTime, e.Message, e.EventId, query.ParseJson)).ToList();
        });
    }

    /// <summary>
    /// The newest <paramref name="count"/> events, oldest first. No API reads backwards across streams, so windows reaching
    /// back from the end (1 minute, then 4, 16, ... until the start time or 1970) are read forward, keeping the last
    /// <paramref name="count"/> in a ring, until a window holds enough.
    /// </summary>
    private async Task<IReadOnlyCollection<LogEvent>> TailAsync(LogQuery query, int count, CancellationToken cancel)
    {
        var upper = query.EndTime ?? _utcNow();
        for (var span = TimeSpan.FromMinutes(1); ; span = TimeSpan.FromTicks(span.Ticks * 4))
        {
            var from = upper.Ticks - span.Ticks <= TimeSpec.FromEpochMilliseconds(0).Ticks ? (DateTime?)null : upper - span;
            var whole = from is null || (query.StartTime is { } start && from <= start);
            if (whole) from = query.StartTime;
            var ring = new Queue<LogEvent>(Math.Min(count, 10_000));
            await ForwardAsync(query, from, query.EndTime, e =>
            {
                if (ring.Count == count) ring.Dequeue();
                ring.Enqueue(e);
                return true;
            }, cancel).ConfigureAwait(false);
            if (ring.Count >= count || whole) return ring;
        }
    }

    /// <summary>
    /// Writes, once each, the events ingested at or after <paramref name="startedAt"/> (epoch milliseconds) and stamped no
    /// earlier than the start time: what arrives during the follow, new or late, and nothing that was there before.
    /// </summary>
    private async Task FollowAsync(LogQuery query, SeenEvents seen, long startedAt, Func<LogEvent, bool> write, CancellationToken cancel)
    {
        var interval = query.PollInterval;
        var notBefore = Ms(query.StartTime) ?? long.MinValue;
        // An event ingested before the start was there already: written by the read, or left out by -Tail.
        bool Arrived(LogEvent e) => TimeSpec.ToEpochMilliseconds(e.IngestionTime) >= startedAt;
        while (true)
        {
            await Task.Delay(interval, cancel).ConfigureAwait(false);
            var from = Math.Max(seen.PollStart(), notBefore);
            try
            {
                var cursors = Chunks(query.LogStreamNames).Select(names => FilterEvents(query, names, from, null)).ToList();
                if (!await MergeAsync(cursors, e => !Arrived(e) || !seen.Add(e) || write(e), cancel).ConfigureAwait(false)) return;
                interval = query.PollInterval;
            }
            catch (Exception error) when (!cancel.IsCancellationRequested && AwsErrors.Explain(error).Kind == ErrorKind.LimitsExceeded)
            {
                // Throttled past the retries: the account's FilterLogEvents quota is shared, so poll less often rather than give up.
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Math.Max(MaxBackoffInterval.Ticks, query.PollInterval.Ticks)));
                EngineOutput.Current?.Verbose($"Throttled while following {query.LogGroupName}; polling every {interval.TotalSeconds:0.#} s for now.");
            }
        }
    }

    private static long? Ms(DateTime? time) => time is { } t ? TimeSpec.ToEpochMilliseconds(t) : null;

    /// <summary>
    /// A read's pages as a sequence of events: null from the page source means the read is over. Once half of a page is
    /// written, the next page is fetched in the background (never more than one ahead), so that several cursors' calls
    /// overlap and the writing seldom waits. Half, not at once: a reader that wants only the first few events (-First 1)
    /// makes no call beyond the first page.
    /// </summary>
    private sealed class Cursor
    {
        private readonly Func<CancellationToken, Task<List<LogEvent>?>> _nextPage;
        private List<LogEvent> _page = new();
        private int _index;
        private bool _ended;
        private Task<List<LogEvent>?>? _prefetch;

        public Cursor(Func<CancellationToken, Task<List<LogEvent>?>> nextPage) => _nextPage = nextPage;

        public LogEvent Current => _page[_index];

        public void Advance() => _index++;

        /// <summary>True when there is a current event; fetches pages (skipping empty ones) as needed.</summary>
        public async Task<bool> FillAsync(CancellationToken cancel)
        {
            while (_index >= _page.Count && !_ended)
            {
                var fetching = _prefetch ?? _nextPage(cancel);
                _prefetch = null;
                var page = await fetching.ConfigureAwait(false);
                if (page is null) { _ended = true; _page = new(); }
                else { _page = page; }
                _index = 0;
            }
            if (_prefetch is null && !_ended && _index * 2 >= _page.Count) _prefetch = _nextPage(cancel);
            return _index < _page.Count;
        }

        /// <summary>Waits for a prefetch the read no longer wants (cancelled by then), so its failure is observed, not left behind.</summary>
        public async Task AbandonAsync()
        {
            if (_prefetch is not { } abandoned) return;
            _prefetch = null;
            try { await abandoned.ConfigureAwait(false); }
            catch { } // the read is over, by an early stop or another error: this page and what became of it are moot
        }
    }
}
