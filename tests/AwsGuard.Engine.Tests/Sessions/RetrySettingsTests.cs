using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Sessions;

/// <summary>
/// AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and the profile's max_attempts and retry_mode decide the attempts of SDK and wire
/// clients alike: counted at a FaultProxy that throttles every request.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class RetrySettingsTests : IDisposable
{
    private readonly LocalAws _aws;
    private readonly string _folder = Directory.CreateTempSubdirectory("awsguard-retry-").FullName;
    private readonly Dictionary<string, string> _environment = new() { ["AWS_EC2_METADATA_DISABLED"] = "true" };

    public RetrySettingsTests(LocalAws aws) => _aws = aws;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string? Environment(string name) => _environment.TryGetValue(name, out var value) ? value : null;

    /// <summary>A session through a proxy that throttles everything, with keys from a profile whose config says <paramref name="config"/>.</summary>
    private (SessionProvider, AwsSession) Session(FaultProxy proxy, string config = "")
    {
        var credentials = Path.Combine(_folder, "credentials");
        File.WriteAllText(credentials, $"[retry]\naws_access_key_id = {LocalAws.AccessKey}\naws_secret_access_key = {LocalAws.SecretKey}\n");
        File.WriteAllText(Path.Combine(_folder, "config"), "[profile retry]\nregion = us-east-1\n" + config);
        var provider = new SessionProvider(Environment);
        return (provider, provider.Resolve(new SessionParameters { ProfileName = "retry", ProfileLocation = credentials, EndpointUrl = proxy.Endpoint.AbsoluteUri }));
    }

    private FaultProxy Throttling() => new(_aws.Endpoint, new FaultPlan { FaultRate = 1, Faults = new[] { Fault.Throttling } });

    /// <summary>Attempts of one wire call (Logs) and one SDK call (S3) through the session's clients.</summary>
    private static async Task<(int Wire, int Sdk)> AttemptsAsync(FaultProxy proxy, SessionProvider provider, AwsSession session)
    {
        var logs = provider.GetClient("logs", session, "us-east-1", WireClients.Logs);
        await Assert.ThrowsAnyAsync<Exception>(() => logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest(), CancellationToken.None));
        var wire = proxy.Requests;
        var s3 = provider.GetClient("s3", session, "us-east-1", AwsClients.S3);
        await Assert.ThrowsAnyAsync<Exception>(() => s3.ListBucketsAsync(new ListBucketsRequest(), CancellationToken.None));
        return (wire, proxy.Requests - wire);
    }

    [Fact]
    public async Task Nothing_set_keeps_five_attempts()
    {
        using var proxy = Throttling();
        var (provider, session) = Session(proxy);
        Assert.Equal((5, 5), await AttemptsAsync(proxy, provider, session));
    }

    [Fact]
    public async Task Environment_max_attempts_wins_over_the_profile_for_sdk_and_wire_clients()
    {
        _environment["AWS_MAX_ATTEMPTS"] = "2";
        using var proxy = Throttling();
        var (provider, session) = Session(proxy, "max_attempts = 4\n");
        Assert.Equal((2, 2), await AttemptsAsync(proxy, provider, session));
    }

    [Fact]
    public async Task Profile_max_attempts_and_standard_mode_default()
    {
        using (var proxy = Throttling())
        {
            var (provider, session) = Session(proxy, "max_attempts = 4\n");
            Assert.Equal((4, 4), await AttemptsAsync(proxy, provider, session));
        }
        using (var proxy = Throttling())
        {
            var (provider, session) = Session(proxy, "retry_mode = standard\n");
            Assert.Equal((3, 3), await AttemptsAsync(proxy, provider, session)); // the SDKs' standard default
        }
    }

    [Fact]
    public async Task Adaptive_mode_limits_its_rate_after_throttling()
    {
        _environment["AWS_RETRY_MODE"] = "adaptive";
        using var proxy = Throttling();
        var (provider, session) = Session(proxy);
        Assert.Equal(AwsRetryMode.Adaptive, session.Retry.Mode);
        Assert.Equal((3, 3), await AttemptsAsync(proxy, provider, session));
        Assert.NotNull(session.Retry.CurrentRate); // throttling turned the client-side limit on (wire calls)
    }

    [Theory]
    [InlineData("AWS_MAX_ATTEMPTS", "zero")]
    [InlineData("AWS_MAX_ATTEMPTS", "0")]
    [InlineData("AWS_RETRY_MODE", "fast")]
    public void A_bad_setting_is_an_error_naming_it(string variable, string value)
    {
        _environment[variable] = value;
        var error = Assert.Throws<AwsGuardException>(() => AwsRetry.FromSettings(Environment, null, null, "default"));
        Assert.Equal("InvalidRetrySetting", error.ErrorId);
        Assert.Contains(variable, error.Message);
    }

    [Fact]
    public void Legacy_mode_defaults_to_five_attempts_and_sessions_with_one_setting_share_a_policy()
    {
        _environment["AWS_RETRY_MODE"] = "legacy";
        var legacy = AwsRetry.FromSettings(Environment, null, null, "default");
        Assert.Equal((AwsRetryMode.Legacy, 5), (legacy.Mode, legacy.MaxAttempts));
        Assert.Same(legacy, AwsRetry.FromSettings(Environment, null, null, "other"));
    }
}
