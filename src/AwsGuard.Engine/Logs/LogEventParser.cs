using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace AwsGuard.Engine.Logs;

/// <summary>
/// Makes AwsGuard's LogEvent from what CloudWatch Logs returns: real UTC times, the trailing newline trimmed, and a
/// CloudTrailEvent when the message is a CloudTrail record (a JSON object with eventVersion, eventSource and eventName).
/// </summary>
public static class LogEventParser
{
    public static LogEvent Create(string group, string? stream, long? timestamp, long? ingestionTime, string? message, string? eventId, bool parseJson)
    {
        var text = (message ?? "").TrimEnd('\n', '\r');
        var data = parseJson || LooksLikeCloudTrail(text) ? TryParseObject(text) : null;
        LogEvent result = data is not null && CloudTrail(data) is { } trail ? trail : new LogEvent();
        result.Timestamp = TimeSpec.FromEpochMilliseconds(timestamp ?? 0);
        result.IngestionTime = TimeSpec.FromEpochMilliseconds(ingestionTime ?? 0);
        result.Message = text;
        result.LogGroupName = group;
        result.LogStreamName = stream;
        result.EventId = eventId;
        if (parseJson) result.Data = data ?? TryParseAny(text);
        return result;
    }

    /// <summary>The message as a CloudTrailEvent, or null when it is not a CloudTrail record.</summary>
    internal static CloudTrailEvent? CloudTrail(IDictionary<string, object?> record)
    {
        if (Str(record, "eventVersion") is null || Str(record, "eventSource") is not { } source || Str(record, "eventName") is not { } name)
            return null;
        var identity = Obj(record, "userIdentity");
        var request = Obj(record, "requestParameters");
        // AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity name the role being assumed; any other call made with an
        // assumed-role session names the role its session was issued from (what Revoke-RoleSession needs).
        var roleArn = name.StartsWith("AssumeRole", StringComparison.Ordinal) && request is not null ? Str(request, "roleArn") : null;
        if (roleArn is null && identity is not null && Str(identity, "type") == "AssumedRole"
            && Obj(Obj(identity, "sessionContext"), "sessionIssuer") is { } issuer)
            roleArn = Str(issuer, "arn");
        return new CloudTrailEvent
        {
            EventName = name,
            EventSource = source,
            EventTime = DateTime.TryParse(Str(record, "eventTime"), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time : null,
            AwsRegion = Str(record, "awsRegion"),
            SourceIpAddress = Str(record, "sourceIPAddress"),
            UserArn = identity is null ? null : Str(identity, "arn"),
            BucketName = request is null ? null : Str(request, "bucketName"),
            ObjectKey = request is null ? null : Str(request, "key"),
            AclHeader = request is null ? null : Str(request, "x-amz-acl"),
            RoleArn = roleArn,
            Record = (IDictionary)record, // a ParsedJsonObject: a Dictionary, so IDictionary too
        };
    }

    // Parsing every message of a million-event read would cost more than the read: only likely records are parsed.
    private static bool LooksLikeCloudTrail(string text) =>
        text.Length > 0 && text[0] == '{' && text.IndexOf("\"eventVersion\"", StringComparison.Ordinal) >= 0;

    private static IDictionary<string, object?>? TryParseObject(string text) =>
        text.Length > 0 && text[0] == '{' ? TryParseAny(text) as IDictionary<string, object?> : null;

    private static object? TryParseAny(string text)
    {
        if (text.Length == 0 || (text[0] != '{' && text[0] != '[')) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return Convert(document.RootElement, text);
        }
        catch (JsonException)
        {
            return null; // looked like JSON but is not: it stays text
        }
    }

    /// <summary>
    /// JSON as plain .NET values PowerShell reads naturally ($e.Record.userIdentity.arn); the root object keeps its
    /// <paramref name="source"/> text as its text form.
    /// </summary>
    private static object? Convert(JsonElement e, string? source = null)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var map = source is null ? new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) : new ParsedJsonObject(source);
                foreach (var p in e.EnumerateObject()) map[p.Name] = Convert(p.Value);
                return map;
            case JsonValueKind.Array:
                var list = new List<object?>();
                foreach (var item in e.EnumerateArray()) list.Add(Convert(item));
                return list.ToArray();
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                return e.TryGetInt64(out var whole) ? whole : (object)e.GetDouble(); // the cast keeps whole numbers long, not double
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    private static IDictionary<string, object?>? Obj(IDictionary<string, object?>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value as IDictionary<string, object?> : null;

    private static string? Str(IDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) ? value as string : null;
}
