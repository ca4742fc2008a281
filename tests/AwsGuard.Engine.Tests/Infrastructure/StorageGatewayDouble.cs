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
/// A test double under tests/doubles as the tests' AWS service where moto has none: the one ./build.ps1 -Task Test
/// started (its URL in <c>variable</c>), or one started here on a free loopback port.
/// </summary>
public abstract class DoubleServer : IDisposable
{
    protected static readonly HttpClient Http = new();
    private readonly Process? _server;

    protected DoubleServer(string variable, string script)
    {
        var existing = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(existing))
        {
            Endpoint = new Uri(existing);
            return;
        }
        var port = LocalAws.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _server = LocalAws.StartServer("python3", new[] { Script(script), "--port", port.ToString() }, new Uri(Endpoint, "_double/health"),
            "It needs python3.");
    }

    public Uri Endpoint { get; }

    /// <summary>How many API calls the double has answered, all tests together: compare before and after.</summary>
    public async Task<int> RequestCountAsync() =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(Endpoint, "_double/requests"))).RootElement.GetProperty("count").GetInt32();

    /// <summary>POSTs JSON to one of the double's admin paths and answers its JSON.</summary>
    protected async Task<JsonElement> PostAsync(string path, object body)
    {
        var answer = await Http.PostAsync(new Uri(Endpoint, path), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    public void Dispose()
    {
        if (_server is { HasExited: false }) _server.Kill(entireProcessTree: true);
        _server?.Dispose();
    }

    private static string Script(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tests", "doubles", name);
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException($"tests/doubles/{name} was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>tests/doubles/storage_gateway_double.py (AWSGUARD_SGW_URL). Each test seeds its own gateways.</summary>
public sealed class StorageGatewayDouble() : DoubleServer("AWSGUARD_SGW_URL", "storage_gateway_double.py")
{
    /// <summary>Seeds gateways (the double's /_double/seed format) and answers what it made.</summary>
    public async Task<JsonElement> SeedAsync(object spec) => (await PostAsync("_double/seed", spec)).GetProperty("Gateways");
}

[CollectionDefinition(Name)]
public sealed class StorageGatewayCollection : ICollectionFixture<StorageGatewayDouble>
{
    public const string Name = "Storage Gateway double";
}

/// <summary>tests/doubles/ec2_import_double.py (AWSGUARD_EC2_URL): ImportImage and its tasks. Each test uses its own disk key.</summary>
public sealed class Ec2ImportDouble() : DoubleServer("AWSGUARD_EC2_URL", "ec2_import_double.py")
{
    /// <summary>Makes the import of <paramref name="s3Key"/> fail with <paramref name="failWith"/> after converting, or hold at converting.</summary>
    public Task SetOutcomeAsync(string s3Key, string? failWith = null, bool hold = false) =>
        PostAsync("_double/outcome", failWith is null ? new { s3Key, hold } : (object)new { s3Key, failWith });

    /// <summary>The ImportImage parameters the task was started with (form names, as sent).</summary>
    public async Task<JsonElement> RequestOfAsync(string importTaskId)
    {
        foreach (var task in JsonDocument.Parse(await Http.GetStringAsync(new Uri(Endpoint, "_double/tasks"))).RootElement.EnumerateArray())
            if (task.GetProperty("ImportTaskId").GetString() == importTaskId) return task.GetProperty("Request");
        throw new Xunit.Sdk.XunitException($"The double has no task {importTaskId}.");
    }
}

[CollectionDefinition(Name)]
public sealed class Ec2ImportCollection : ICollectionFixture<Ec2ImportDouble>
{
    public const string Name = "EC2 import double";
}
