using System;
using System.Collections.Generic;
using Amazon.Runtime;
using System.Collections.Concurrent;
using Amazon.SecurityToken;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.Util;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// SigV4 for wire requests through AWSSDK.Core's own <see cref="AWS4Signer"/>: this class only carries the request
/// into the SDK's request shape and the resulting headers back. No cryptography here.
/// </summary>
internal static class WireSigner
{
    private static readonly ConcurrentDictionary<string, IClientConfig> Configs = new();

    /// <summary>
    /// Signs <paramref name="request"/> at <paramref name="signedAt"/> (UTC) and returns the headers to send in addition to its own:
    /// Host, X-Amz-Date, X-Amz-Security-Token (with session credentials), X-Amz-Content-SHA256 (for the "s3" signing name), Authorization.
    /// </summary>
    public static IDictionary<string, string> Sign(WireRequest request, ImmutableCredentials credentials, DateTime signedAt)
    {
        var sdkRequest = new DefaultRequest(new WireOriginalRequest(), request.SigningName)
        {
            HttpMethod = request.Method,
            Endpoint = request.Endpoint,
            ResourcePath = request.Path,
            Content = request.Body,
            AuthenticationRegion = request.SigningRegion,
            OverrideSigningServiceName = request.SigningName,
        };
        foreach (var header in request.Headers) sdkRequest.Headers[header.Key] = header.Value;
        if (credentials.UseToken) sdkRequest.Headers[HeaderKeys.XAmzSecurityTokenHeader] = credentials.Token;

        var isS3 = request.SigningName == "s3";
        var signer = new AWS4Signer(signPayload: true);
        if (!isS3) sdkRequest.Headers.Remove(HeaderKeys.XAmzContentSha256Header);
        var config = ConfigFor(request.SigningName, request.SigningRegion);
        var result = signer.SignRequest(sdkRequest, config, new RequestMetrics(), credentials.AccessKey, credentials.SecretKey, signedAt.ToUniversalTime());

        var added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in sdkRequest.Headers)
            if (!request.Headers.ContainsKey(header.Key)) added[header.Key] = header.Value;
        if (!isS3) added.Remove(HeaderKeys.XAmzContentSha256Header);
        added[HeaderKeys.AuthorizationHeader] = result.ForAuthorizationHeader;
        return added;
    }

    private sealed class WireOriginalRequest : AmazonWebServiceRequest
    {
    }

    /// <summary>
    /// Only the signing service name and region are read from it; an SDK config of a package we have stands in for it,
    /// made once per (service, region).
    /// </summary>
    private static IClientConfig ConfigFor(string service, string region) =>
        Configs.GetOrAdd(service + "|" + region, _ => new AmazonSecurityTokenServiceConfig
        {
            AuthenticationRegion = region,
            AuthenticationServiceName = service,
        });
}
