using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace AwsGuard.Engine.Tests.Infrastructure;

/// <summary>
/// tests/doubles/storage_gateway_double.py as the tests' Storage Gateway (moto has none): the one ./build.ps1 -Task Test
/// started (AWSGUARD_SGW_URL), or one started here on a free loopback port. Each test seeds its own gateways.
/// </summary>
public sealed class StorageGatewayDouble : IDisposable
{
    private static readonly HttpClient Http = new();
    private readonly Process? _server;

    public StorageGatewayDouble()
    {
        var existing = Environment.GetEnvironmentVariable("AWSGUARD_SGW_URL");
        if (!string.IsNullOrEmpty(existing))
        {
            Endpoint = new Uri(existing);
            return;
        }
        var port = LocalAws.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _server = LocalAws.StartServer("python3", new[] { Script(), "--port", port.ToString() }, new Uri(Endpoint, "_double/health"),
            "It needs python3.");
    }

    public Uri Endpoint { get; }

    /// <summary>Seeds gateways (the double's /_double/seed format) and answers what it made.</summary>
    public async Task<JsonElement> SeedAsync(object spec)
    {
        var answer = await Http.PostAsync(new Uri(Endpoint, "_double/seed"),
            new StringContent(JsonSerializer.Serialize(spec), Encoding.UTF8, "application/json"));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Gateways");
    }

    /// <summary>How many API calls the double has answered, all tests together: compare before and after.</summary>
    public async Task<int> RequestCountAsync() =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(Endpoint, "_double/requests"))).RootElement.GetProperty("count").GetInt32();

    public void Dispose()
    {
        if (_server is { HasExited: false }) _server.Kill(entireProcessTree: true);
        _server?.Dispose();
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tests", "doubles", "storage_gateway_double.py");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("tests/doubles/storage_gateway_double.py was not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class StorageGatewayCollection : ICollectionFixture<StorageGatewayDouble>
{
    public const string Name = "Storage Gateway double";
}
