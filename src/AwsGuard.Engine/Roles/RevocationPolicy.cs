using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace AwsGuard.Engine.Roles;

/// <summary>
/// The inline policy the IAM console's "Revoke active sessions" puts on a role: same name, same shape, so the console
/// shows AwsGuard's revocation as its own and either side can update the other's.
/// </summary>
public static class RevocationPolicy
{
    public const string Name = "AWSRevokeOlderSessions";

    /// <summary>IAM refuses inline policies on roles under this path (service-linked roles).</summary>
    public const string ServiceLinkedPath = "/aws-service-role/";

    /// <summary>
    /// The console's document for <paramref name="before"/>: one Deny of "*" on "*" while aws:TokenIssueTime is earlier,
    /// the time in ISO 8601 UTC with milliseconds (JavaScript's toISOString, which the console uses).
    /// </summary>
    public static string Document(DateTime before) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"," +
        "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + Format(before) + "\"}}}]}";

    public static string Format(DateTime time) => Normalize(time).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>UTC, cut to the millisecond the policy can state. An Unspecified time is local, as PowerShell's Get-Date and casts mean it.</summary>
    public static DateTime Normalize(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    /// <summary>
    /// The revocation time an existing document states: the latest aws:TokenIssueTime of a DateLessThan condition in a Deny
    /// statement. Reads every way JSON allows the console's and the documented forms to be written (Statement as object or
    /// array, values as string or array, keys in any case). Null when the document states none.
    /// </summary>
    public static DateTime? ReadTime(string? document)
    {
        if (string.IsNullOrWhiteSpace(document)) return null;
        try
        {
            using var json = JsonDocument.Parse(document!);
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("Statement", out var statements)) return null;
            var times = Items(statements)
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Effect", out var effect) && effect.ValueKind == JsonValueKind.String && effect.GetString() == "Deny")
                .Where(s => s.TryGetProperty("Condition", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("DateLessThan", out var d) && d.ValueKind == JsonValueKind.Object)
                .SelectMany(s => s.GetProperty("Condition").GetProperty("DateLessThan").EnumerateObject())
                .Where(key => string.Equals(key.Name, "aws:TokenIssueTime", StringComparison.OrdinalIgnoreCase)) // condition keys are case-insensitive
                .SelectMany(key => Items(key.Value))
                .Select(value => value.ValueKind == JsonValueKind.String && TryParse(value.GetString(), out var t) ? t : (DateTime?)null)
                .Where(t => t.HasValue)
                .ToList();
            return times.Count == 0 ? null : times.Max();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static System.Collections.Generic.IEnumerable<JsonElement> Items(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().ToList() : new[] { element };

    private static bool TryParse(string? text, out DateTime time)
    {
        var ok = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
        if (ok) time = Normalize(DateTime.SpecifyKind(time, DateTimeKind.Utc));
        return ok;
    }
}
