using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Logs;

/// <summary>
/// Turns what a user types for -StartTime/-EndTime into a UTC instant: a DateTime, an ISO 8601 string (no zone means
/// local time), epoch milliseconds, or a span before now such as 90s, 5m, 2h, 1d, 1w or 1h30m; and what they type for
/// -PollInterval into a TimeSpan: seconds, a span such as 90s or 1m30s, or hh:mm:ss.
/// </summary>
public static class TimeSpec
{
    public const string AcceptedForms =
        "a DateTime, an ISO 8601 time such as 2024-05-01T13:45:00Z or 2024-05-01 13:45 (no zone means local time), " +
        "epoch milliseconds such as 1714571100000, or a span before now such as 90s, 5m, 2h, 1d, 1w or 1h30m";

    public const string AcceptedIntervals =
        "seconds such as 5 or 2.5, a span such as 90s, 2m or 1m30s, or a TimeSpan such as 00:00:05";

    public static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromHours(1);

    private static readonly Regex Relative = new(@"^(?:(\d+)([smhdw]))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly string[] IsoForms =
    {
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    };

    /// <summary>The instant <paramref name="value"/> names, Kind Utc.</summary>
    /// <param name="nowUtc">"Now" for relative spans.</param>
    /// <param name="local">The zone a time without one is in (the machine's, unless a test says otherwise).</param>
    /// <exception cref="FormatException">The value is none of the accepted forms; the message lists them.</exception>
    public static DateTime Parse(object? value, DateTime nowUtc, TimeZoneInfo? local = null)
    {
        local ??= TimeZoneInfo.Local;
        switch (value)
        {
            case DateTime time:
                return time.Kind switch
                {
                    DateTimeKind.Utc => time,
                    // Unspecified is what [datetime]'2024-05-01 13:45' gives in PowerShell: the user means their local time.
                    _ => LocalToUtc(DateTime.SpecifyKind(time, DateTimeKind.Unspecified), time.Kind == DateTimeKind.Local ? TimeZoneInfo.Local : local),
                };
            case DateTimeOffset offset:
                return offset.UtcDateTime;
            case int or long or uint or ulong:
                return FromEpochMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture), value);
            case double or float:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (number != Math.Floor(number)) throw Bad(value);
                return FromEpochMilliseconds((long)number, value);
            case short or decimal or byte or sbyte or ushort:
                // What PowerShell makes of 90s and 1d in an expression or a variable; typed as an argument, the text reaches
                // the parser instead. No one means 90 ms after 1970, so it is refused, not read as epoch milliseconds.
                throw new FormatException($"{value} ({value.GetType().Name}) is not a time: PowerShell reads 90s and 1d in an expression or a variable " +
                    $"as numbers. Type the span as an argument or quote it ('90s'), or use {AcceptedForms}.");
            case string text:
                return ParseText(text.Trim(), nowUtc, local);
            default:
                throw Bad(value);
        }
    }

    private static DateTime ParseText(string text, DateTime nowUtc, TimeZoneInfo local)
    {
        if (text.Length > 0 && IsDigits(text))
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? FromEpochMilliseconds(ms, text) : throw Bad(text);

        if (SpanSeconds(text) is { } seconds)
        {
            var now = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
            if (seconds > (now - UnixEpoch).TotalSeconds) throw Bad(text); // before 1970: no log event is that old
            return now.AddSeconds(-seconds);
        }

        // With a zone (Z or +hh:mm) the string names an instant; without one it is a wall-clock time in the local zone.
        if (DateTimeOffset.TryParseExact(text, new[] { "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK" },
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned) && HasZone(text))
            return zoned.UtcDateTime;
        if (DateTime.TryParseExact(text, IsoForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
            return LocalToUtc(wall, local);
        throw Bad(text);
    }

    /// <summary>The seconds a span such as 90s, 5m or 1h30m names; null when the text is no such span.</summary>
    private static double? SpanSeconds(string text)
    {
        var relative = Relative.Match(text);
        if (!relative.Success) return null;
        double seconds = 0;
        for (var i = 0; i < relative.Groups[1].Captures.Count; i++)
        {
            var count = double.Parse(relative.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture);
            seconds += count * char.ToLowerInvariant(relative.Groups[2].Captures[i].Value[0]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => 7 * 86400,
            };
        }
        return seconds;
    }

    /// <summary>
    /// The -PollInterval <paramref name="value"/> names: a number (or numeric text) is seconds, text may also be a span
    /// (90s, 1m30s) or a TimeSpan (00:00:05). At least <see cref="MinPollInterval"/>: every poll is a FilterLogEvents call,
    /// whose quota (a few a second per account and Region) every reader shares; at most <see cref="MaxPollInterval"/>.
    /// </summary>
    /// <exception cref="FormatException">Not an interval, or out of bounds; the message says which forms and bounds hold.</exception>
    public static TimeSpan ParseInterval(object? value) =>
        ParseInterval(value, MinPollInterval, MaxPollInterval, "The poll interval must be at least 1 second and at most 1 hour");

    /// <summary>An interval in the forms <see cref="ParseInterval(object)"/> takes, from <paramref name="min"/> to <paramref name="max"/>; <paramref name="bounds"/> says so in the error.</summary>
    /// <exception cref="FormatException">Not an interval, or out of bounds.</exception>
    public static TimeSpan ParseInterval(object? value, TimeSpan min, TimeSpan max, string bounds)
    {
        double? seconds = value switch
        {
            TimeSpan span => span.TotalSeconds,
            string text => IntervalSeconds(text.Trim()),
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            _ => null,
        };
        if (seconds is not { } result || double.IsNaN(result)) throw new FormatException($"'{value}' is not an interval. Use {AcceptedIntervals}.");
        if (result < min.TotalSeconds || result > max.TotalSeconds)
            throw new FormatException($"{bounds}; '{value}' is {result:0.###} seconds.");
        return TimeSpan.FromTicks((long)Math.Round(result * TimeSpan.TicksPerSecond));
    }

    private static double? IntervalSeconds(string text)
    {
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)) return seconds;
        if (SpanSeconds(text) is { } span) return span;
        return text.IndexOf(':') >= 0 && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var time) ? time.TotalSeconds : null;
    }

    /// <summary>
    /// A wall-clock time in <paramref name="zone"/> as UTC. In the hour a DST change skips, the time is read with the offset in
    /// force before the change (02:30 on a spring-forward night is 03:30 daylight time); in the hour that repeats, the first
    /// occurrence is meant (daylight time), so a start time never skips the repeated hour's events.
    /// </summary>
    public static DateTime LocalToUtc(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsAmbiguousTime(wall))
        {
            offset = TimeSpan.MinValue;
            foreach (var candidate in zone.GetAmbiguousTimeOffsets(wall)) if (candidate > offset) offset = candidate;
        }
        else if (zone.IsInvalidTime(wall))
        {
            offset = zone.GetUtcOffset(wall.AddHours(-3)); // before the skipped hour; no zone changes twice within 3 h
        }
        else
        {
            offset = zone.GetUtcOffset(wall);
        }
        return DateTime.SpecifyKind(wall - offset, DateTimeKind.Utc);
    }

    private static readonly DateTime UnixEpoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static DateTime FromEpochMilliseconds(long milliseconds) => UnixEpoch.AddTicks(milliseconds * TimeSpan.TicksPerMillisecond);

    /// <summary>Epoch milliseconds of a UTC time, rounded down (CloudWatch Logs' unit).</summary>
    public static long ToEpochMilliseconds(DateTime utc) => (utc.ToUniversalTime() - UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    private static DateTime FromEpochMilliseconds(long milliseconds, object value) =>
        milliseconds is < 0 or > 253_402_300_799_999L ? throw Bad(value) : FromEpochMilliseconds(milliseconds);

    private static bool HasZone(string text) =>
        text.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$");

    private static bool IsDigits(string text)
    {
        foreach (var c in text) if (c is < '0' or > '9') return false;
        return true;
    }

    private static FormatException Bad(object? value) =>
        new($"'{value}' is not a time. Use {AcceptedForms}.");
}
