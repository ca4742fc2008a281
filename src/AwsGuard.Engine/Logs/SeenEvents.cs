using System;
using System.Collections.Generic;

namespace AwsGuard.Engine.Logs;

/// <summary>
/// The event ids -Follow has written, over a window of timestamps below the newest one, so that a poll from
/// (newest - window) writes late events (same or earlier timestamp) once and events already written never again.
/// Bounded by count too: when more ids than that fall inside the window, the oldest are dropped and polls start after them.
/// </summary>
internal sealed class SeenEvents
{
    private readonly SortedSet<(long Timestamp, string Id)> _ids = new();
    private readonly long _windowMs;
    private readonly int _maxIds;
    private long? _newest;
    private long _floor = long.MinValue;

    public SeenEvents(TimeSpan window, int maxIds)
    {
        _windowMs = (long)window.TotalMilliseconds;
        _maxIds = maxIds;
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
        var oldest = _newest.Value - _windowMs;
        while (_ids.Count > 0 && (_ids.Min.Timestamp < oldest || _ids.Count > _maxIds))
        {
            if (_ids.Min.Timestamp >= oldest) _floor = Math.Max(_floor, _ids.Min.Timestamp + 1); // dropped for count: never poll it again
            _ids.Remove(_ids.Min);
        }
        return true;
    }

    /// <summary>Epoch milliseconds the next poll starts at; <paramref name="fallback"/> is used before any event was seen.</summary>
    public long PollStart(long fallback) => _newest is { } newest ? Math.Max(newest - _windowMs, _floor) : fallback - _windowMs;
}
