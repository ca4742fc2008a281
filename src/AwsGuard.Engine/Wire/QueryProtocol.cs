using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// AWS Query: POST / with a form body Action=&lt;Operation&gt;&amp;Version=&lt;api version&gt;&amp;..., XML answers
/// (&lt;OperationResponse&gt;&lt;OperationResult&gt;...), errors as &lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;.
/// </summary>
internal static class QueryProtocol
{
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>The form body, parameters in the given order, percent-encoded as RFC 3986 (as botocore does).</summary>
    public static byte[] Form(string operation, string version, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var form = new StringBuilder("Action=").Append(Uri.EscapeDataString(operation))
            .Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var parameter in parameters)
            if (parameter.Value is not null)
                form.Append('&').Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value));
        return Encoding.UTF8.GetBytes(form.ToString());
    }

    public static WireRequest CreateRequest(string service, string signingName, WireEndpoint endpoint, string operation, byte[] body)
    {
        var request = new WireRequest(service, operation, signingName, endpoint.SigningRegion, "POST", endpoint.Url, "/");
        request.Headers["Content-Type"] = ContentType;
        request.Body = body;
        return request;
    }

    /// <summary>Calls the operation and returns its &lt;OperationResult&gt; element (an empty one when the answer has none).</summary>
    public static async Task<XElement> InvokeAsync(WireContext context, string service, string signingName, WireEndpoint endpoint,
        string operation, string version, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancel)
    {
        var request = CreateRequest(service, signingName, endpoint, operation, Form(operation, version, parameters));
        var response = await context.Transport.SendAsync(request, context.Credentials, context.Retry, ParseError, cancel).ConfigureAwait(false);
        var root = Xml.Parse(response.Body)?.Root;
        return root?.Elements().FirstOrDefault(e => e.Name.LocalName == operation + "Result") ?? new XElement(operation + "Result");
    }

    public static WireServiceException ParseError(WireRequest request, WireResponse response) =>
        Xml.ParseError(request, response, response.Header("x-amzn-RequestId"));
}

/// <summary>
/// REST-XML (S3 Control): the operation's method and path, members in headers, XML answers; errors as
/// &lt;Error&gt;&lt;Code&gt; (S3 style) or &lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;.
/// </summary>
internal static class RestXmlProtocol
{
    public static WireRequest CreateRequest(string service, string signingName, WireEndpoint endpoint, string operation, string method, string path)
        => new(service, operation, signingName, endpoint.SigningRegion, method, endpoint.Url, path);

    /// <summary>Sends the request and returns the answer's root element (null for an empty body).</summary>
    public static async Task<XElement?> InvokeAsync(WireContext context, WireRequest request, CancellationToken cancel)
    {
        var response = await context.Transport.SendAsync(request, context.Credentials, context.Retry, ParseError, cancel).ConfigureAwait(false);
        return Xml.Parse(response.Body)?.Root;
    }

    public static WireServiceException ParseError(WireRequest request, WireResponse response) =>
        Xml.ParseError(request, response, response.Header("x-amz-request-id") ?? response.Header("x-amzn-RequestId"));
}

/// <summary>XML answers read by local names, so a missing or different namespace does not matter.</summary>
internal static class Xml
{
    public static XDocument? Parse(byte[] body)
    {
        if (body.Length == 0) return null;
        try
        {
            return XDocument.Parse(Encoding.UTF8.GetString(body).TrimStart('\uFEFF'));
        }
        catch (XmlException)
        {
            return null;
        }
    }

    public static XElement? Child(this XElement? e, string name) => e?.Elements().FirstOrDefault(c => c.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement? e, string name) =>
        e is null ? Enumerable.Empty<XElement>() : e.Elements().Where(c => c.Name.LocalName == name);

    public static string? Text(this XElement? e, string name) => e.Child(name)?.Value;

    public static bool? Bool(this XElement? e, string name) =>
        e.Text(name) is { } text ? string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase) : null;

    public static int? Int(this XElement? e, string name) =>
        e.Text(name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>An ISO 8601 timestamp as UTC.</summary>
    public static DateTime? Time(this XElement? e, string name) =>
        e.Text(name) is { } text && DateTime.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var v) ? v : null;

    /// <summary>The error in an XML error answer, wherever its &lt;Error&gt; sits; the status alone when the body says nothing.</summary>
    public static WireServiceException ParseError(WireRequest request, WireResponse response, string? requestId)
    {
        var root = Parse(response.Body)?.Root;
        var error = root is null ? null : root.Name.LocalName == "Error" ? root : root.Descendants().FirstOrDefault(d => d.Name.LocalName == "Error");
        var code = error.Text("Code");
        var message = error.Text("Message");
        requestId ??= root.Text("RequestId") ?? error.Text("RequestId");
        code = string.IsNullOrEmpty(code) ? response.Status.ToString(CultureInfo.InvariantCulture) : code;
        message = string.IsNullOrEmpty(message) ? $"{request.Service} {request.Operation} answered {response.Status} {code}." : message;
        return new WireServiceException(request.Service, request.Operation, code!, message!, (HttpStatusCode)response.Status, requestId);
    }
}
