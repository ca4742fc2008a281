using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
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

    /// <summary>A list of Key/Value members (tags in IAM and SNS): Tags.member.1.Key=...&amp;Tags.member.1.Value=....</summary>
    public static IEnumerable<(string, string?)> Members(string prefix, IReadOnlyDictionary<string, string>? tags)
    {
        var i = 0;
        foreach (var tag in tags ?? new Dictionary<string, string>())
        {
            i++;
            var n = i.ToString(CultureInfo.InvariantCulture);
            yield return ($"{prefix}.{n}.Key", tag.Key);
            yield return ($"{prefix}.{n}.Value", tag.Value);
        }
    }

    /// <summary>&lt;Tags&gt;&lt;member&gt;&lt;Key/&gt;&lt;Value/&gt; as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ReadTags(XElement result) =>
        result.Child("Tags").Children("member").Where(m => m.Text("Key") is not null)
            .ToDictionary(m => m.Text("Key")!, m => m.Text("Value") ?? "", StringComparer.Ordinal);

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
