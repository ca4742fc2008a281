using System;
using System.Collections.Generic;

namespace AwsGuard.Engine.Logs;

/// <summary>
/// The event ids -Follow has written, over the timestamps its polls still reach, so that an event a poll returns again is
/// never written twice. A poll reaches back a window below the newest event written or below now, whichever is earlier
/// (an event stamped in the future cannot move the polls past the present); ids below the poll start are forgotten.
/// Bounded by count too: when more ids than that fall inside the window, the oldest are dropped and polls start after them.
/// </summary>
internal sealed class SeenEvents
{
    private readonly SortedSet<(long Timestamp, string Id)> _ids = new();
    private readonly long _windowMs;
    private readonly int _maxIds;
    private readonly Func<DateTime> _utcNow;
    private long? _newest;
    private long _floor = long.MinValue;

    public SeenEvents(TimeSpan window, int maxIds, Func<DateTime> utcNow)
    {
        _windowMs = (long)window.TotalMilliseconds;
        _maxIds = maxIds;
        _utcNow = utcNow;
    }

    public int Count => _ids.Count;

    /// <summary>True the first time an event is seen: it should be written.</summary>
    public bool Add(LogEvent e)
    {
        var timestamp = TimeSpec.ToEpochMilliseconds(e.Timestamp);
        // AWS always gives FilterLogEvents events an id; without one, stream and message stand in for it.
        var key = (timestamp, e.EventId ?? e.LogStreamName + "\n" + e.Message);
        if (timestamp < _floor || !_ids.Add(key)) return false;
        if (_newest is null || timestamp > _newest) _newest = timestamp;
        PollStart();
        while (_ids.Count > _maxIds)
        {
            _floor = Math.Max(_floor, _ids.Min.Timestamp + 1); // dropped for count: never poll it again
            _ids.Remove(_ids.Min);
        }
        return true;
    }

    /// <summary>Epoch milliseconds the next poll starts at: never lower than the last, so a forgotten id is never returned again.</summary>
    public long PollStart()
    {
        var now = TimeSpec.ToEpochMilliseconds(_utcNow());
        _floor = Math.Max(_floor, Math.Min(_newest ?? now, now) - _windowMs);
        while (_ids.Count > 0 && _ids.Min.Timestamp < _floor) _ids.Remove(_ids.Min);
        return _floor;
    }
}
