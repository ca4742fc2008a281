using System;
using System.Collections.Generic;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// SigV4 for wire requests through AWSSDK.Core's own <see cref="AWS4Signer"/>: this class only carries the request
/// through the SDK's canonicalization and signature (AWS4Signer's own methods). No cryptography here.
/// </summary>
internal static class WireSigner
{
    /// <summary>
    /// Signs <paramref name="request"/> at <paramref name="signedAt"/> (UTC) and returns the headers to send in addition to its own:
    /// Host, X-Amz-Date, X-Amz-Security-Token (with session credentials), X-Amz-Content-SHA256 (for the "s3" signing name), Authorization.
    /// </summary>
    public static IDictionary<string, string> Sign(WireRequest request, ImmutableCredentials credentials, DateTime signedAt)
    {
        signedAt = signedAt.ToUniversalTime();
        var added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        void Add(string name, string value)
        {
            added[name] = value;
            headers[name] = value;
        }

        Add(HeaderKeys.HostHeader, request.Endpoint.IsDefaultPort ? request.Endpoint.Host : request.Endpoint.Host + ":" + request.Endpoint.Port);
        Add(HeaderKeys.XAmzDateHeader, AWS4Signer.FormatDateTime(signedAt, AWSSDKUtils.ISO8601BasicDateTimeFormat));
        if (credentials.UseToken) Add(HeaderKeys.XAmzSecurityTokenHeader, credentials.Token);
        var bodyHash = AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(request.Body), true);
        // S3 (and S3 Control, signed as "s3") wants the payload hash in a header; the other services only in the canonical request.
        if (request.SigningName == "s3") Add(HeaderKeys.XAmzContentSha256Header, bodyHash);

        var sorted = SdkCanonicalizer.SortAndPrune(headers);
        var canonicalRequest = SdkCanonicalizer.Request(request.Endpoint, request.Path, request.Method, sorted, request.Query, bodyHash);
        var result = AWS4Signer.ComputeSignature(credentials, request.SigningRegion, signedAt, request.SigningName,
            SdkCanonicalizer.HeaderNames(sorted), canonicalRequest);
        added[HeaderKeys.AuthorizationHeader] = result.ForAuthorizationHeader;
        return added;
    }

    /// <summary>The SDK's own canonicalization, which it exposes to signers derived from AWS4Signer.</summary>
    private sealed class SdkCanonicalizer : AWS4Signer
    {
        public static IDictionary<string, string> SortAndPrune(IEnumerable<KeyValuePair<string, string>> headers) => SortAndPruneHeaders(headers);

        public static string Request(Uri endpoint, string path, string method, IDictionary<string, string> sortedHeaders, string query, string bodyHash) =>
            CanonicalizeRequest(endpoint, path, method, sortedHeaders, query, bodyHash);

        public static string HeaderNames(IEnumerable<KeyValuePair<string, string>> sortedHeaders) => CanonicalizeHeaderNames(sortedHeaders);
    }
}
