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

    /// <summary>Headers to send and sign (Host, X-Amz-Date and Authorization are added by the signer).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Query string parameters (REST protocols), unencoded; the signer and transport encode them alike.</summary>
    public List<KeyValuePair<string, string>> Query { get; } = new();

    /// <summary>Adds query parameters, leaving out null values (an absent marker or filter).</summary>
    public WireRequest WithQuery(params (string Name, string? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
            if (value is not null) Query.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    public byte[] Body { get; set; } = Array.Empty<byte>();

    /// <summary>
    /// The query string as SigV4 canonicalizes it and as it is sent: RFC 3986 encoded, sorted by name then value; "" when none.
    /// </summary>
    public string CanonicalQuery => string.Join("&", Query
        .Select(p => (Name: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(p.Value)))
        .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => p.Name + "=" + p.Value));
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
