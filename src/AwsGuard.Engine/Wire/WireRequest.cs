using System;
using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.Wire;

/// <summary>One HTTP request of the wire client, before signing: what the protocol built, and how to sign it.</summary>
internal sealed class WireRequest(string service, string operation, string signingName, string signingRegion, string method, Uri endpoint, string path)
{
    /// <summary>The service id for the call log and errors ("CloudWatch Logs", "IAM").</summary>
    public string Service { get; } = service;
    public string Operation { get; } = operation;

    /// <summary>The SigV4 service name ("logs", "iam", "s3").</summary>
    public string SigningName { get; } = signingName;
    public string SigningRegion { get; } = signingRegion;
    public string Method { get; } = method;

    /// <summary>Scheme, host and port; the path goes in <see cref="Path"/>.</summary>
    public Uri Endpoint { get; } = endpoint;

    /// <summary>The resource path, not yet URL-encoded beyond what the protocol needs.</summary>
    public string Path { get; } = path;

    /// <summary>The canonical query string (names sorted, RFC 3986-encoded), empty for none: see <see cref="WithQuery"/>.</summary>
    public string Query { get; private set; } = "";

    /// <summary>Sets the query from its parameters (null values left out), in the canonical form that is both sent and signed.</summary>
    public WireRequest WithQuery(params (string Name, string? Value)[] parameters)
    {
        Query = string.Join("&", parameters.Where(p => p.Value is not null).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)));
        return this;
    }

    /// <summary>Headers to send and sign (Host, X-Amz-Date and Authorization are added by the signer).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public byte[] Body { get; set; } = Array.Empty<byte>();
}

/// <summary>A whole HTTP answer: status, headers and body, read completely before the protocol looks at it.</summary>
internal sealed class WireResponse(int status, IReadOnlyDictionary<string, string> headers, byte[] body)
{
    public int Status { get; } = status;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;
    public byte[] Body { get; } = body;
    public bool IsSuccess => Status is >= 200 and < 300;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
