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
/// An HTTP proxy on loopback in front of a local endpoint (moto) that injects faults into a seeded fraction of
/// requests and counts them. Point a client's endpoint at <see cref="Endpoint"/>. Decisions are taken in arrival
/// order from one seeded generator, so a sequential client sees the same faults on every run.
/// Protocols: JSON 1.1 (X-Amz-Target header), Query (form body with Action=), else REST-XML/S3.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Content-Length", "Expect" };

    private readonly Uri _upstream;
    private readonly FaultPlan _plan;
    private readonly Random _random;
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Fault, int> _injected = new();
    private readonly object _gate = new();
    private int _requests;
    private volatile FaultPlan _current;

    public FaultProxy(Uri upstream, FaultPlan plan)
    {
        _upstream = upstream;
        _plan = plan;
        _current = plan;
        _random = new Random(plan.Seed);
        foreach (Fault fault in Enum.GetValues(typeof(Fault))) _injected[fault] = 0;
        for (var tries = 0; ; tries++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Endpoint = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
            }
        }
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>Where clients should send their requests.</summary>
    public Uri Endpoint { get; private set; } = null!;

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
        try { _listener.Stop(); } catch (ObjectDisposedException) { }
        _listener.Close();
        _http.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => Handle(context));
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

    private async Task Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            byte[] body;
            using (var buffer = new System.IO.MemoryStream())
            {
                await request.InputStream.CopyToAsync(buffer, _stop.Token).ConfigureAwait(false);
                body = buffer.ToArray();
            }
            var fault = Decide();
            switch (fault)
            {
                case Fault.ResetBeforeResponse:
                    response.Abort();
                    return;
                case Fault.SlowDown:
                case Fault.Throttling:
                    await WriteError(request, response, body, fault.Value).ConfigureAwait(false);
                    return;
                case Fault.Latency:
                    await Task.Delay(_current.Latency, _stop.Token).ConfigureAwait(false);
                    break;
            }
            await Forward(request, response, body, midBodyReset: fault == Fault.ResetMidBody).ConfigureAwait(false);
        }
        catch (Exception)
        {
            try { response.Abort(); } catch (Exception) { }
        }
    }

    private async Task Forward(HttpListenerRequest request, HttpListenerResponse response, byte[] body, bool midBodyReset)
    {
        using var upstream = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_upstream, request.RawUrl));
        if (body.Length > 0 || request.HttpMethod is "POST" or "PUT") upstream.Content = new ByteArrayContent(body);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is null || HopByHop.Contains(name)) continue;
            var value = request.Headers[name]!;
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) upstream.Headers.Host = value; // signed: keep it
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) upstream.Content?.Headers.TryAddWithoutValidation(name, value);
            else upstream.Headers.TryAddWithoutValidation(name, value);
        }
        using var answer = await _http.SendAsync(upstream, _stop.Token).ConfigureAwait(false);
        var payload = await answer.Content.ReadAsByteArrayAsync(_stop.Token).ConfigureAwait(false);
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (HopByHop.Contains(header.Key) || header.Key.Equals("Server", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Date", StringComparison.OrdinalIgnoreCase)) continue;
            response.Headers[header.Key] = string.Join(",", header.Value);
        }
        response.ContentLength64 = payload.Length;
        if (midBodyReset && payload.Length > 1)
        {
            await response.OutputStream.WriteAsync(payload.AsMemory(0, payload.Length / 2), _stop.Token).ConfigureAwait(false);
            await response.OutputStream.FlushAsync(_stop.Token).ConfigureAwait(false);
            response.Abort();
            return;
        }
        if (midBodyReset)
        {
            response.Abort(); // nothing to cut in half: reset before the body
            return;
        }
        await response.OutputStream.WriteAsync(payload, _stop.Token).ConfigureAwait(false);
        response.Close();
    }

    private static async Task WriteError(HttpListenerRequest request, HttpListenerResponse response, byte[] body, Fault fault)
    {
        var status = fault == Fault.SlowDown ? 503 : 400;
        string contentType, text;
        if (request.Headers["X-Amz-Target"] is not null)
        {
            var code = fault == Fault.SlowDown ? "SlowDown" : "ThrottlingException";
            contentType = "application/x-amz-json-1.1";
            text = $"{{\"__type\":\"{code}\",\"message\":\"Injected by FaultProxy\"}}";
        }
        else if ((request.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                 && Encoding.UTF8.GetString(body).Contains("Action="))
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
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
