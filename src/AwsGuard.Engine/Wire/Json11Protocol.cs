using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// AWS JSON 1.1: POST / with X-Amz-Target "&lt;prefix&gt;.&lt;Operation&gt;", Content-Type application/x-amz-json-1.1,
/// a JSON body; errors as {"__type": "...", "message": "..."}.
/// </summary>
internal static class Json11Protocol
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static WireRequest CreateRequest(string service, string signingName, WireEndpoint endpoint, string targetPrefix, string operation, byte[] body)
    {
        var request = new WireRequest(service, operation, signingName, endpoint.SigningRegion, "POST", endpoint.Url, "/");
        request.Headers["X-Amz-Target"] = targetPrefix + "." + operation;
        request.Headers["Content-Type"] = ContentType;
        request.Body = body;
        return request;
    }

    /// <summary>The answer's JSON, copied out of the parsed document (default when the body is empty).</summary>
    public static Task<JsonElement> InvokeAsync(WireContext context, string service, string signingName, WireEndpoint endpoint,
        string targetPrefix, string operation, Action<Utf8JsonWriter> writeBody, CancellationToken cancel) =>
        InvokeAsync(context, service, signingName, endpoint, targetPrefix, operation, writeBody,
            root => root.ValueKind == JsonValueKind.Undefined ? root : root.Clone(), cancel);

    /// <summary>
    /// The answer, made by <paramref name="read"/> from the JSON while its document lives (default element when the body
    /// is empty): no copy of a large answer, such as a page of 10,000 log events, is made to outlive the parse.
    /// </summary>
    public static async Task<T> InvokeAsync<T>(WireContext context, string service, string signingName, WireEndpoint endpoint,
        string targetPrefix, string operation, Action<Utf8JsonWriter> writeBody, Func<JsonElement, T> read, CancellationToken cancel)
    {
        var request = CreateRequest(service, signingName, endpoint, targetPrefix, operation, Serialize(writeBody));
        var response = await context.Transport.SendAsync(request, context.Credentials, context.Retry, ParseError, cancel).ConfigureAwait(false);
        if (response.Body.Length == 0) return read(default);
        using var document = JsonDocument.Parse(response.Body);
        return read(document.RootElement);
    }

    public static byte[] Serialize(Action<Utf8JsonWriter> writeBody)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeBody(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static WireServiceException ParseError(WireRequest request, WireResponse response)
    {
        string? code = null, message = null, detail = null;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                code = root.Str("__type") ?? root.Str("code");
                message = root.Str("message") ?? root.Str("Message");
                // Storage Gateway nests the precise reason: {"__type": "InvalidGatewayRequestException", "error": {"errorCode": "TargetNotFound"}}
                if (root.TryGetProperty("error", out var error)) detail = error.Str("errorCode");
            }
        }
        catch (JsonException)
        {
            // not JSON: an XML error (moto answers a call IAM denies so) is read as one; a proxy's page leaves the status to speak
            var error = Xml.Parse(response.Body)?.Root?.DescendantsAndSelf().FirstOrDefault(d => d.Name.LocalName == "Error");
            code = error.Text("Code");
            message = error.Text("Message");
        }
        code = JsonShape.ErrorName(code ?? response.Header("x-amzn-ErrorType"));
        if (!string.IsNullOrEmpty(detail))
        {
            // The precise code becomes the error id (TargetNotFound maps to ObjectNotFound); the message keeps both.
            message = $"{message} ({code}: {detail})";
            code = detail;
        }
        code = string.IsNullOrEmpty(code) ? response.Status.ToString(CultureInfo.InvariantCulture) : code;
        message = string.IsNullOrEmpty(message) ? $"{request.Service} {request.Operation} answered {response.Status} {code}." : message;
        return new WireServiceException(request.Service, request.Operation, code!, message!, (HttpStatusCode)response.Status, response.Header("x-amzn-RequestId"));
    }
}

/// <summary>Reading and writing the JSON members of AWS shapes: absent and null are the same, nothing is written for null.</summary>
internal static class JsonShape
{
    public static string? Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Long(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    public static int? Int(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public static double? Double(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public static bool? Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>A JSON-protocol timestamp: epoch seconds, possibly fractional; as UTC.</summary>
    public static DateTime? EpochSeconds(this JsonElement e, string name) =>
        Double(e, name) is { } seconds ? new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)) : null;

    public static System.Collections.Generic.IEnumerable<JsonElement> Array(this JsonElement e, string name)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            foreach (var item in v.EnumerateArray()) yield return item;
    }

    public static void Opt(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    public static void Opt(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    public static void Opt(this Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    public static void Opt(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v) w.WriteBoolean(name, v);
    }

    public static void Opt(this Utf8JsonWriter w, string name, System.Collections.Generic.IEnumerable<string>? values)
    {
        if (values is null) return;
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    /// <summary>An error's shape name: "aws.protocoltests#FooError" or "FooError:http://..." -> "FooError"; null for nothing.</summary>
    public static string? ErrorName(string? code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        var hash = code!.LastIndexOf('#');
        if (hash >= 0) code = code.Substring(hash + 1);
        var colon = code.IndexOf(':');
        if (colon >= 0) code = code.Substring(0, colon);
        return code.Length == 0 ? null : code;
    }

    public static string Required(string? value, string name, string operation) =>
        string.IsNullOrEmpty(value)
            ? throw new AwsGuardException(ErrorKind.InvalidArgument, "MissingParameter", $"{operation} needs {name}.", name)
            : value!;
}
