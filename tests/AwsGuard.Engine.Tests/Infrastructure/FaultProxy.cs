using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Tests.Infrastructure;

/// <summary>What a <see cref="FaultProxy"/> can do to a request instead of (or on top of) forwarding it.</summary>
public enum Fault
{
    /// <summary>503 SlowDown, in the request's protocol's error format.</summary>
    SlowDown,
    /// <summary>400 throttling (ThrottlingException for JSON 1.1 and REST-XML, Throttling for Query), in the protocol's format.</summary>
    Throttling,
    /// <summary>The connection is closed before any answer.</summary>
    ResetBeforeResponse,
    /// <summary>The upstream answer's headers and half its body are sent, then the connection is closed.</summary>
    ResetMidBody,
    /// <summary>The request is forwarded after <see cref="FaultPlan.Latency"/>.</summary>
    Latency,
}

/// <summary>Which fraction of requests get a fault, which faults, and the seed that makes the choice repeatable.</summary>
public sealed class FaultPlan
{
    /// <summary>0 (never) to 1 (every request).</summary>
    public double FaultRate { get; set; }
    public int Seed { get; set; } = 1;
    /// <summary>The faults to choose from, uniformly; all of them unless set.</summary>
    public IReadOnlyList<Fault> Faults { get; set; } = (Fault[])Enum.GetValues(typeof(Fault));
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>
/// An HTTP/1.1 proxy on loopback in front of a local endpoint (moto) that injects faults into a seeded fraction of
/// requests and counts them. Point a client's endpoint at <see cref="Endpoint"/>. Decisions are taken in arrival
/// order from one seeded generator, so a sequential client sees the same faults on every run.
/// Protocols: JSON 1.1 (X-Amz-Target header), Query (form body with Action=), else REST-XML/S3.
/// It speaks HTTP on raw sockets rather than through HttpListener because the resets must be real: on Unix,
/// HttpListenerResponse.Abort() before the headers are out flushes a complete, empty "200 OK" (chunked, zero-length)
/// and only then closes, so a "reset before the response" reached clients as a valid empty success.
/// Here a reset is a TCP RST (linger 0), after nothing or after the headers and half the body.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Content-Length", "Expect" };
    private const int MaxHeaderBytes = 64 * 1024;

    private readonly Uri _upstream;
    private readonly FaultPlan _plan;
    private readonly Random _random;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Fault, int> _injected = new();
    private readonly object _gate = new();
    private readonly HashSet<Socket> _open = new();
    private int _requests;
    private volatile FaultPlan _current;

    public FaultProxy(Uri upstream, FaultPlan plan)
    {
        _upstream = upstream;
        _plan = plan;
        _current = plan;
        _random = new Random(plan.Seed);
        foreach (Fault fault in Enum.GetValues(typeof(Fault))) _injected[fault] = 0;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>Where clients should send their requests.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Called with every request's method, target and headers as they arrived, before any fault: lets a test check
    /// what a client sends (such as SSE-C headers, which moto ignores).
    /// </summary>
    public Action<string, string, IReadOnlyList<(string Name, string Value)>>? OnRequest { get; set; }

    /// <summary>Faults injected so far, of every kind.</summary>
    public int Injected
    {
        get { lock (_gate) return _injected.Values.Sum(); }
    }

    /// <summary>Requests received so far, faulted or not.</summary>
    public int Requests
    {
        get { lock (_gate) return _requests; }
    }

    /// <summary>Faults of one kind injected so far.</summary>
    public int InjectedOf(Fault fault)
    {
        lock (_gate) return _injected[fault];
    }

    /// <summary>Changes the fault rate from the next request on (e.g. 0 while a test seeds data).</summary>
    public double FaultRate
    {
        get => _current.FaultRate;
        set => _current = new FaultPlan { FaultRate = value, Seed = _plan.Seed, Faults = _plan.Faults, Latency = _plan.Latency };
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Socket[] open;
        lock (_gate) open = _open.ToArray();
        foreach (var socket in open) socket.Dispose();
        _http.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            socket.NoDelay = true; // head and body go out as separate writes: no Nagle/delayed-ACK stalls
            lock (_gate) _open.Add(socket);
            _ = Task.Run(() => Serve(socket));
        }
    }

    private Fault? Decide()
    {
        lock (_gate)
        {
            _requests++;
            var plan = _current;
            var roll = _random.NextDouble();
            var pick = _random.Next(plan.Faults.Count == 0 ? 1 : plan.Faults.Count);
            if (plan.Faults.Count == 0 || roll >= plan.FaultRate) return null;
            var fault = plan.Faults[pick];
            _injected[fault]++;
            return fault;
        }
    }

    /// <summary>One client connection: requests in turn (keep-alive) until the client closes, asks to close, or a fault resets it.</summary>
    private async Task Serve(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new ConnectionReader(stream);
            while (!_stop.IsCancellationRequested)
            {
                var request = await reader.ReadRequestAsync(_stop.Token).ConfigureAwait(false);
                if (request is null) return; // the client closed the connection between requests
                OnRequest?.Invoke(request.Method, request.Target, request.Headers);
                var fault = Decide();
                switch (fault)
                {
                    case Fault.ResetBeforeResponse:
                        Reset(socket);
                        return;
                    case Fault.SlowDown:
                    case Fault.Throttling:
                        await WriteError(stream, request, fault.Value).ConfigureAwait(false);
                        continue;
                    case Fault.Latency:
                        await Task.Delay(_current.Latency, _stop.Token).ConfigureAwait(false);
                        break;
                }
                if (!await Forward(stream, request, midBodyReset: fault == Fault.ResetMidBody).ConfigureAwait(false))
                {
                    Reset(socket);
                    return;
                }
                if (string.Equals(request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase)) return;
            }
        }
        catch (Exception)
        {
            Reset(socket); // a broken request or a failed upstream: the client sees a reset and nothing else
        }
        finally
        {
            lock (_gate) _open.Remove(socket);
            socket.Dispose();
        }
    }

    /// <summary>A real connection reset: close with linger 0, so the peer gets RST instead of an orderly end.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception)
        {
            // already gone
        }
    }

    /// <summary>Forwards the request upstream and the answer back; false when the caller must reset after half the body.</summary>
    private async Task<bool> Forward(NetworkStream client, ProxyRequest request, bool midBodyReset)
    {
        using var upstream = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, request.Target));
        if (request.Body.Length > 0 || request.Method is "POST" or "PUT") upstream.Content = new ByteArrayContent(request.Body);
        foreach (var (name, value) in request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) upstream.Headers.Host = value; // signed: keep it
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) upstream.Content?.Headers.TryAddWithoutValidation(name, value);
            else upstream.Headers.TryAddWithoutValidation(name, value);
        }
        using var answer = await _http.SendAsync(upstream, _stop.Token).ConfigureAwait(false);
        var payload = await answer.Content.ReadAsByteArrayAsync(_stop.Token).ConfigureAwait(false);
        var headers = new List<(string, string)>();
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (HopByHop.Contains(header.Key) || header.Key.Equals("Server", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Date", StringComparison.OrdinalIgnoreCase)) continue;
            headers.Add((header.Key, string.Join(",", header.Value)));
        }
        var head = Head((int)answer.StatusCode, answer.ReasonPhrase, headers, payload.Length);
        if (midBodyReset)
        {
            // the headers promise the whole body; half of it (or none, if there is nothing to halve) arrives, then RST
            await client.WriteAsync(head, _stop.Token).ConfigureAwait(false);
            if (payload.Length > 1) await client.WriteAsync(payload.AsMemory(0, payload.Length / 2), _stop.Token).ConfigureAwait(false);
            await client.FlushAsync(_stop.Token).ConfigureAwait(false);
            return false;
        }
        await client.WriteAsync(head.Concat(payload).ToArray(), _stop.Token).ConfigureAwait(false);
        await client.FlushAsync(_stop.Token).ConfigureAwait(false);
        return true;
    }

    private static byte[] Head(int status, string? reason, IEnumerable<(string Name, string Value)> headers, int contentLength)
    {
        var text = new StringBuilder();
        text.Append("HTTP/1.1 ").Append(status).Append(' ').Append(string.IsNullOrEmpty(reason) ? "Status" : reason).Append("\r\n");
        foreach (var (name, value) in headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
        text.Append("Content-Length: ").Append(contentLength).Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private async Task WriteError(NetworkStream client, ProxyRequest request, Fault fault)
    {
        var status = fault == Fault.SlowDown ? 503 : 400;
        string contentType, text;
        if (request.Header("X-Amz-Target") is not null)
        {
            var code = fault == Fault.SlowDown ? "SlowDown" : "ThrottlingException";
            contentType = "application/x-amz-json-1.1";
            text = $"{{\"__type\":\"{code}\",\"message\":\"Injected by FaultProxy\"}}";
        }
        else if ((request.Header("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                 && Encoding.UTF8.GetString(request.Body).Contains("Action="))
        {
            var code = fault == Fault.SlowDown ? "SlowDown" : "Throttling";
            contentType = "text/xml";
            text = $"<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code>" +
                   "<Message>Injected by FaultProxy</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>";
        }
        else
        {
            var code = fault == Fault.SlowDown ? "SlowDown" : "ThrottlingException";
            contentType = "application/xml";
            text = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>Injected by FaultProxy</Message>" +
                   "<RequestId>fault-proxy</RequestId></Error>";
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        var head = Head(status, fault == Fault.SlowDown ? "Service Unavailable" : "Bad Request", new[] { ("Content-Type", contentType) }, bytes.Length);
        await client.WriteAsync(head.Concat(bytes).ToArray(), _stop.Token).ConfigureAwait(false);
        await client.FlushAsync(_stop.Token).ConfigureAwait(false);
    }

    private sealed class ProxyRequest
    {
        public string Method = "";
        public string Target = "";
        public readonly List<(string Name, string Value)> Headers = new();
        public byte[] Body = Array.Empty<byte>();

        public string? Header(string name)
        {
            foreach (var (n, v) in Headers)
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return v;
            return null;
        }
    }

    /// <summary>Reads HTTP/1.1 requests off one connection: request line, headers, a Content-Length or chunked body.</summary>
    private sealed class ConnectionReader
    {
        private readonly NetworkStream _stream;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start, _end;

        public ConnectionReader(NetworkStream stream) => _stream = stream;

        /// <summary>The next request, or null if the connection ended cleanly before one began.</summary>
        public async Task<ProxyRequest?> ReadRequestAsync(CancellationToken cancel)
        {
            var headLine = await ReadLineAsync(cancel, allowEnd: true).ConfigureAwait(false);
            if (headLine is null) return null;
            var parts = headLine.Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal)) throw new InvalidOperationException("Bad request line: " + headLine);
            var request = new ProxyRequest { Method = parts[0], Target = parts[1] };
            var headerBytes = 0;
            for (string? line; (line = await ReadLineAsync(cancel, allowEnd: false).ConfigureAwait(false)) != "";)
            {
                headerBytes += line!.Length;
                if (headerBytes > MaxHeaderBytes) throw new InvalidOperationException("Headers too large.");
                var colon = line.IndexOf(':');
                if (colon <= 0) throw new InvalidOperationException("Bad header line: " + line);
                request.Headers.Add((line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim()));
            }
            if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
                await _stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n"), cancel).ConfigureAwait(false);
            if ((request.Header("Transfer-Encoding") ?? "").Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                using var body = new System.IO.MemoryStream();
                while (true)
                {
                    var sizeLine = (await ReadLineAsync(cancel, allowEnd: false).ConfigureAwait(false))!;
                    var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                    if (size == 0)
                    {
                        while (await ReadLineAsync(cancel, allowEnd: false).ConfigureAwait(false) != "") { } // trailers
                        break;
                    }
                    body.Write(await ReadExactlyAsync(size, cancel).ConfigureAwait(false));
                    await ReadLineAsync(cancel, allowEnd: false).ConfigureAwait(false);
                }
                request.Body = body.ToArray();
            }
            else if (request.Header("Content-Length") is { } length)
            {
                request.Body = await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cancel).ConfigureAwait(false);
            }
            return request;
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancel, bool allowEnd)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }
                if (_end - _start > MaxHeaderBytes) throw new InvalidOperationException("Line too long.");
                if (!await FillAsync(cancel).ConfigureAwait(false))
                {
                    if (allowEnd && _start == _end) return null;
                    throw new System.IO.EndOfStreamException("The connection ended inside a request.");
                }
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancel)
        {
            var result = new byte[count];
            var done = 0;
            while (done < count)
            {
                if (_start == _end && !await FillAsync(cancel).ConfigureAwait(false))
                    throw new System.IO.EndOfStreamException("The connection ended inside a request body.");
                var take = Math.Min(count - done, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, done, take);
                _start += take;
                done += take;
            }
            return result;
        }

        private async Task<bool> FillAsync(CancellationToken cancel)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel).ConfigureAwait(false);
            _end += read;
            return read > 0;
        }
    }
}
