using System;
using AwsGuard.Engine.Logs;
using Xunit;

namespace AwsGuard.Engine.Tests.Logs;

/// <summary>-StartTime/-EndTime forms, table-driven, including DST and UTC edges.</summary>
public sealed class TimeSpecTests
{
    private static readonly DateTime Now = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData("90s", "2024-03-10T11:58:30")]
    [InlineData("5m", "2024-03-10T11:55:00")]
    [InlineData("2h", "2024-03-10T10:00:00")]
    [InlineData("1d", "2024-03-09T12:00:00")]
    [InlineData("1w", "2024-03-03T12:00:00")]
    [InlineData("1h30m", "2024-03-10T10:30:00")]
    [InlineData("1d2h3m4s", "2024-03-09T09:56:56")]
    [InlineData("0s", "2024-03-10T12:00:00")]
    [InlineData("2H", "2024-03-10T10:00:00")]
    // Relative spans count back in UTC: a span across the New York DST change (07:00 UTC) is still exactly that long.
    [InlineData("6h", "2024-03-10T06:00:00")]
    // Zoned ISO strings are instants, whatever the local zone.
    [InlineData("2024-03-10T07:30:00Z", "2024-03-10T07:30:00")]
    [InlineData("2024-03-10T07:30:00.250Z", "2024-03-10T07:30:00.250")]
    [InlineData("2024-03-10T09:30:00+02:00", "2024-03-10T07:30:00")]
    [InlineData("2023-12-31T23:59:59-05:00", "2024-01-01T04:59:59")]
    // No zone: New York wall-clock time. Winter is UTC-5, summer UTC-4.
    [InlineData("2024-01-15T08:00:00", "2024-01-15T13:00:00")]
    [InlineData("2024-07-15 08:00", "2024-07-15T12:00:00")]
    [InlineData("2024-07-15", "2024-07-15T04:00:00")]
    // Spring forward: 02:30 does not exist on 2024-03-10; it is read with the offset before the change (EST).
    [InlineData("2024-03-10T02:30:00", "2024-03-10T07:30:00")]
    [InlineData("2024-03-10T01:59:59", "2024-03-10T06:59:59")]
    [InlineData("2024-03-10T03:00:00", "2024-03-10T07:00:00")]
    // Fall back: 01:30 on 2024-11-03 happens twice; the first (EDT) is meant, so a start time misses neither.
    [InlineData("2024-11-03T01:30:00", "2024-11-03T05:30:00")]
    [InlineData("2024-11-03T02:00:00", "2024-11-03T07:00:00")]
    // Epoch milliseconds, as text.
    [InlineData("1628662114657", "2021-08-11T06:08:34.657")]
    [InlineData("0", "1970-01-01T00:00:00")]
    public void Text_forms_name_the_expected_UTC_instant(string text, string expectedUtc)
    {
        var parsed = TimeSpec.Parse(text, Now, NewYork);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), parsed);
    }

    [Fact]
    public void Numbers_are_epoch_milliseconds_and_DateTimes_keep_their_meaning()
    {
        var expected = new DateTime(2021, 8, 11, 6, 8, 34, 657, DateTimeKind.Utc);
        Assert.Equal(expected, TimeSpec.Parse(1628662114657L, Now, NewYork));
        Assert.Equal(expected, TimeSpec.Parse(1628662114657d, Now, NewYork));
        Assert.Equal(expected, TimeSpec.Parse(expected, Now, NewYork));
        Assert.Equal(expected, TimeSpec.Parse(new DateTimeOffset(expected).ToOffset(TimeSpan.FromHours(9)), Now, NewYork));
        // [datetime]'2024-01-15 08:00' is Kind Unspecified in PowerShell: local wall-clock time.
        Assert.Equal(new DateTime(2024, 1, 15, 13, 0, 0, DateTimeKind.Utc), TimeSpec.Parse(new DateTime(2024, 1, 15, 8, 0, 0), Now, NewYork));
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, 5, DateTimeKind.Utc), TimeSpec.Parse(5, Now, NewYork));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("5x")]
    [InlineData("m5")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("2024-13-01")]
    [InlineData("2024-03-10T25:00:00")]
    [InlineData("100000w")]
    [InlineData("99999999999999999999")]
    public void Other_text_is_refused_with_the_accepted_forms(string text)
    {
        var error = Assert.Throws<FormatException>(() => TimeSpec.Parse(text, Now, NewYork));
        Assert.Contains("1h30m", error.Message);
        Assert.Contains("epoch milliseconds", error.Message);
    }

    [Fact]
    public void Other_types_and_fractions_are_refused()
    {
        Assert.Throws<FormatException>(() => TimeSpec.Parse(1.5, Now, NewYork));
        Assert.Throws<FormatException>(() => TimeSpec.Parse(-1L, Now, NewYork));
        Assert.Throws<FormatException>(() => TimeSpec.Parse(new object(), Now, NewYork));
        Assert.Throws<FormatException>(() => TimeSpec.Parse(null, Now, NewYork));
    }

    [Fact]
    public void The_numbers_PowerShell_makes_of_90s_and_1d_are_refused_not_read_as_epoch_milliseconds()
    {
        // Typed as an argument, 90s and 1d reach the parser as text (the cmdlet's attribute sees to it); as a value in an
        // expression or a variable they are an Int16 and a decimal, which no one means as milliseconds after 1970.
        foreach (var number in new object[] { (short)90, 1m, (byte)5, (sbyte)5, (ushort)5 })
            Assert.Contains("'90s'", Assert.Throws<FormatException>(() => TimeSpec.Parse(number, Now, NewYork)).Message);
        Assert.Equal(new DateTime(2024, 3, 10, 11, 58, 30, DateTimeKind.Utc), TimeSpec.Parse("90s", Now, NewYork));
        Assert.Equal(new DateTime(2024, 3, 9, 12, 0, 0, DateTimeKind.Utc), TimeSpec.Parse("1d", Now, NewYork));
    }

    public static TheoryData<object, double> Intervals => new()
    {
        { 5, 5 }, { 5L, 5 }, { 2.5, 2.5 }, { (short)90, 90 }, { 1m, 1 }, // a number is seconds, whatever its type
        { "5", 5 }, { " 2.5 ", 2.5 }, { "90s", 90 }, { "2m", 120 }, { "1m30s", 90 }, { "1h", 3600 },
        { "00:00:05", 5 }, { "00:01:30", 90 }, { TimeSpan.FromSeconds(1), 1 }, { TimeSpan.FromMinutes(10), 600 },
    };

    [Theory]
    [MemberData(nameof(Intervals))]
    public void Poll_intervals_are_seconds_spans_or_TimeSpans(object value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), TimeSpec.ParseInterval(value));

    public static TheoryData<object?, string> BadIntervals => new()
    {
        { 0.5, "at least" }, { 0, "at least" }, { -5, "at least" }, { "00:00:00.2", "at least" }, { TimeSpan.FromTicks(5), "at least" },
        { "500ms", "00:00:05" }, { "2h", "at most" }, { 86400, "at most" }, { 1e300, "at most" }, { "", "00:00:05" }, { "5x", "00:00:05" },
        { "1.5m", "00:00:05" }, { null, "00:00:05" }, { DateTime.UtcNow, "00:00:05" },
    };

    [Theory]
    [MemberData(nameof(BadIntervals))]
    public void Sub_second_long_and_unreadable_poll_intervals_are_refused_saying_why(object? value, string saying) =>
        Assert.Contains(saying, Assert.Throws<FormatException>(() => TimeSpec.ParseInterval(value)).Message);

    [Fact]
    public void Epoch_milliseconds_round_trip()
    {
        var time = new DateTime(2024, 3, 10, 7, 30, 0, 123, DateTimeKind.Utc);
        Assert.Equal(time, TimeSpec.FromEpochMilliseconds(TimeSpec.ToEpochMilliseconds(time)));
        Assert.Equal(1710055800123L, TimeSpec.ToEpochMilliseconds(time));
    }
}
