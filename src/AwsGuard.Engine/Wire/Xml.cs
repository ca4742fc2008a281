using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace AwsGuard.Engine.Wire;

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
