using System;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using Xunit;

namespace AwsGuard.Engine.Tests.Infrastructure;

/// <summary>
/// moto's server as the tests' local AWS: the one ./build.ps1 -Task Test started (AWSGUARD_MOTO_URL),
/// or, when the tests run alone, one started here on a free loopback port and stopped at the end.
/// Tests stay independent of each other by using unique names.
/// </summary>
public sealed class LocalAws : IDisposable
{
    public const string AccessKey = "AKIAAWSGUARDTEST0001";
    public const string SecretKey = "awsguard-test-secret-key-0000000000000001";
    public const string Region = "us-east-1";

    private readonly Process? _server;

    public LocalAws()
    {
        var existing = Environment.GetEnvironmentVariable("AWSGUARD_MOTO_URL");
        if (!string.IsNullOrEmpty(existing))
        {
            Endpoint = new Uri(existing);
            return;
        }
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _server = StartServer("moto_server", new[] { "-H", "127.0.0.1", "-p", port.ToString() }, new Uri(Endpoint, "moto-api/"),
            "Install it with: pip install \"moto[server]\"");
    }

    public Uri Endpoint { get; }

    /// <summary>A name no other test uses: lower case, digits and dashes, valid for buckets and IAM alike.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}".Substring(0, Math.Min(prefix.Length + 13, 63));

    public void Dispose()
    {
        if (_server is { HasExited: false }) _server.Kill(entireProcessTree: true);
        _server?.Dispose();
    }

    /// <summary>Starts a local server and polls <paramref name="health"/> until it answers 200 (bounded by a deadline).</summary>
    internal static Process StartServer(string file, string[] args, Uri health, string installHint)
    {
        Process? server;
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            server = Process.Start(start);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{file} could not be started; the tests need it. {installHint}", e);
        }
        server!.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited)
                throw new InvalidOperationException($"{file} exited with code {server.ExitCode} before answering.");
            try
            {
                if (http.GetAsync(health).Result.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (AggregateException) { }
            Thread.Sleep(100); // polling for a condition, not a fixed wait
        }
        server.Kill(entireProcessTree: true);
        throw new TimeoutException($"{file} did not answer within 60 s.");
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalAwsCollection : ICollectionFixture<LocalAws>
{
    public const string Name = "local AWS";
}
