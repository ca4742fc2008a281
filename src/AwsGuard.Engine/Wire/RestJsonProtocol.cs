using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// REST-JSON (EFS): the operation's method and path with {labels} bound from members, other members in the query
/// string, a JSON body when the operation has one, JSON answers; errors named by the x-amzn-ErrorType header or
/// the body's __type / code / ErrorCode, with message / Message.
/// </summary>
internal static class RestJsonProtocol
{
    public const string ContentType = "application/json";
    private static readonly Regex Label = new(@"\{(\w+)\}", RegexOptions.CultureInvariant);

    /// <summary>
    /// The request for <paramref name="pathTemplate"/> ("/2015-02-01/file-systems/{FileSystemId}") with each label
    /// percent-encoded from <paramref name="labels"/>, the non-null <paramref name="query"/> members, and the body written
    /// by <paramref name="writeBody"/> (none when null).
    /// </summary>
    public static WireRequest CreateRequest(string service, string signingName, WireEndpoint endpoint, string operation, string method,
        string pathTemplate, IReadOnlyDictionary<string, string>? labels = null, IEnumerable<KeyValuePair<string, string?>>? query = null,
        Action<Utf8JsonWriter>? writeBody = null)
    {
        var path = Label.Replace(pathTemplate, m =>
            labels is not null && labels.TryGetValue(m.Groups[1].Value, out var value) && !string.IsNullOrEmpty(value)
                ? Uri.EscapeDataString(value)
                : throw new AwsGuardException(ErrorKind.InvalidArgument, "MissingParameter", $"{operation} needs {m.Groups[1].Value}.", m.Groups[1].Value));
        var request = new WireRequest(service, operation, signingName, endpoint.SigningRegion, method, endpoint.Url, path);
        if (query is not null)
            foreach (var member in query)
                if (member.Value is not null) request.Query.Add(new KeyValuePair<string, string>(member.Key, member.Value));
        if (writeBody is not null)
        {
            request.Headers["Content-Type"] = ContentType;
            request.Body = Json11Protocol.Serialize(writeBody);
        }
        return request;
    }

    /// <summary>Sends the request; the answer is made by <paramref name="read"/> while its JSON document lives (default element for an empty body).</summary>
    public static async Task<T> InvokeAsync<T>(WireContext context, WireRequest request, Func<JsonElement, T> read, CancellationToken cancel)
    {
        var response = await context.Transport.SendAsync(request, context.Credentials, context.Retry, ParseError, cancel).ConfigureAwait(false);
        if (response.Body.Length == 0) return read(default);
        using var document = JsonDocument.Parse(response.Body);
        return read(document.RootElement);
    }

    public static WireServiceException ParseError(WireRequest request, WireResponse response)
    {
        string? code = null, message = null;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            code = root.Str("__type") ?? root.Str("code") ?? root.Str("ErrorCode");
            message = root.Str("message") ?? root.Str("Message");
        }
        catch (JsonException)
        {
            // not JSON (a proxy's or load balancer's page): the header or the status speaks
        }
        // The header wins, as in botocore: "FileSystemNotFound:http://internal.amazon.com/coral/..." names the error.
        code = JsonShape.ErrorName(response.Header("x-amzn-ErrorType")) ?? JsonShape.ErrorName(code);
        code = string.IsNullOrEmpty(code) ? response.Status.ToString(CultureInfo.InvariantCulture) : code;
        message = string.IsNullOrEmpty(message) ? $"{request.Service} {request.Operation} answered {response.Status} {code}." : message;
        return new WireServiceException(request.Service, request.Operation, code!, message!, (HttpStatusCode)response.Status, response.Header("x-amzn-RequestId"));
    }
}
