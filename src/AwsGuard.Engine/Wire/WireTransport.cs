using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// Sends wire requests: signs each attempt with the SDK's signer and the session's credentials, retries by the
/// <see cref="AwsRetry"/>, turns error answers into <see cref="WireServiceException"/> through the protocol's
/// parser, and writes one call-log line per call (retries included), as the SDK clients do.
/// All wire calls share one HttpClient.
/// </summary>
internal sealed class WireTransport
{
    /// <summary>How long one attempt may take before it counts as a timeout (and is retried).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<WireTransport> SharedTransport = new(() => new WireTransport(CreateHttpClient()));

    private readonly HttpMessageInvoker _http;

    public WireTransport(HttpMessageInvoker http)
    {
        _http = http;
    }

    public static WireTransport Shared => SharedTransport.Value;

    /// <summary>Sends the request and returns the successful answer; error answers become the exception <paramref name="parseError"/> makes.</summary>
    public async Task<WireResponse> SendAsync(WireRequest request, AWSCredentials credentials, AwsRetry policy,
        Func<WireRequest, WireResponse, WireServiceException> parseError, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int? lastStatus = null;
        try
        {
            var response = await policy.ExecuteAsync(async (_, token) =>
            {
                lastStatus = null;
                var answer = await SendOnceAsync(request, credentials, token).ConfigureAwait(false);
                lastStatus = answer.Status;
                if (!answer.IsSuccess) throw parseError(request, answer);
                return answer;
            }, error => error is WireServiceException service
                ? AwsRetry.IsRetryable((int)service.StatusCode, service.ErrorCode)
                : AwsRetry.IsTransient(error, cancel), cancel).ConfigureAwait(false);
            EngineOutput.LogCall(request.Service, request.Operation, request.SigningRegion, response.Status, null, clock.ElapsedMilliseconds);
            return response;
        }
        catch (Exception error)
        {
            EngineOutput.LogCall(request.Service, request.Operation, request.SigningRegion, lastStatus, (error as WireServiceException)?.ErrorCode,
                clock.ElapsedMilliseconds);
            throw;
        }
    }

    private async Task<WireResponse> SendOnceAsync(WireRequest request, AWSCredentials credentials, CancellationToken cancel)
    {
        var keys = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        var signed = WireSigner.Sign(request, keys, DateTime.UtcNow);

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Endpoint, request.Query.Length == 0 ? request.Path : request.Path + "?" + request.Query));
        var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = null;
        foreach (var header in Merge(request.Headers, signed))
        {
            if (string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase)) continue; // HttpClient sends the same value
            if (header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        if (request.Body.Length > 0 || request.Method != "GET") message.Content = content;
        else content.Dispose();

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        attempt.CancelAfter(AttemptTimeout);
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(message, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException timeout) when (!cancel.IsCancellationRequested)
        {
            throw new HttpRequestException($"No answer within {AttemptTimeout.TotalSeconds:0} s.", timeout);
        }
        using var _ = response;
        try
        {
            body = await ReadBodyAsync(response, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException timeout) when (!cancel.IsCancellationRequested)
        {
            throw new HttpRequestException($"The answer did not arrive within {AttemptTimeout.TotalSeconds:0} s.", timeout);
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers) headers[header.Key] = string.Join(",", header.Value);
        foreach (var header in response.Content.Headers) headers[header.Key] = string.Join(",", header.Value);
        return new WireResponse((int)response.StatusCode, headers, body);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancel)
    {
#if NET8_0_OR_GREATER
        return await response.Content.ReadAsByteArrayAsync(cancel).ConfigureAwait(false);
#else
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, 81920, cancel).ConfigureAwait(false);
        return buffer.ToArray();
#endif
    }

    private static IEnumerable<KeyValuePair<string, string>> Merge(IDictionary<string, string> first, IDictionary<string, string> second)
    {
        foreach (var pair in first) yield return pair;
        foreach (var pair in second) yield return pair;
    }

    private static HttpMessageInvoker CreateHttpClient()
    {
#if NET8_0_OR_GREATER
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
#else
        var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
#endif
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
