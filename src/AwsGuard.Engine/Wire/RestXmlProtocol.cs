using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace AwsGuard.Engine.Wire;

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
