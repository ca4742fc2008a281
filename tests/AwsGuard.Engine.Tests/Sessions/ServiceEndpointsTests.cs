using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;

namespace AwsGuard.Engine.Tests.Sessions;

/// <summary>The endpoint order of the SDKs' "service-specific endpoints", as one decision over facts, then through the provider.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class ServiceEndpointsTests : IDisposable
{
    private readonly LocalAws _aws;
    private readonly string _folder = Directory.CreateTempSubdirectory("awsguard-endpoints-").FullName;

    public ServiceEndpointsTests(LocalAws aws) => _aws = aws;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static EndpointFacts Facts(Dictionary<string, string> environment, Action<EndpointFacts>? configure = null)
    {
        var facts = new EndpointFacts { Environment = name => environment.TryGetValue(name, out var value) ? value : null, ProfileName = "p" };
        configure?.Invoke(facts);
        return facts;
    }

    private static Dictionary<string, string> AllSettings() => new()
    {
        ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = "http://service-variable/",
        ["AWS_ENDPOINT_URL"] = "http://global-variable/",
    };

    private static void AllProfileSettings(EndpointFacts facts)
    {
        facts.ServicesName = "local";
        facts.ServicesEndpointUrls = new Dictionary<string, string> { ["cloudwatch_logs"] = "http://services-section/" };
        facts.ProfileEndpointUrl = "http://profile/";
    }

    [Theory]
    [InlineData("S3", "AWS_ENDPOINT_URL_S3", "s3")]
    [InlineData("CloudWatch Logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "cloudwatch_logs")]
    [InlineData("Storage Gateway", "AWS_ENDPOINT_URL_STORAGE_GATEWAY", "storage_gateway")]
    [InlineData("S3 Control", "AWS_ENDPOINT_URL_S3_CONTROL", "s3_control")]
    [InlineData("IAM", "AWS_ENDPOINT_URL_IAM", "iam")]
    [InlineData("STS", "AWS_ENDPOINT_URL_STS", "sts")]
    [InlineData("EC2", "AWS_ENDPOINT_URL_EC2", "ec2")]
    public void NamesDeriveFromTheServiceId(string serviceId, string variable, string configKey)
    {
        Assert.Equal(variable, ServiceEndpoints.EnvironmentVariable(serviceId));
        Assert.Equal(configKey, ServiceEndpoints.ConfigKey(serviceId));
    }

    [Fact]
    public void EachSourceWinsOverTheOnesAfterIt()
    {
        var environment = AllSettings();
        var facts = Facts(environment, AllProfileSettings);
        var seen = new List<(string?, string)>();
        void See() { var e = ServiceEndpoints.Resolve("CloudWatch Logs", facts); seen.Add((e.Url?.AbsoluteUri, e.Source)); }

        facts.Parameter = "http://parameter/"; See(); facts.Parameter = null;
        See(); environment.Remove("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
        See(); environment.Remove("AWS_ENDPOINT_URL");
        See(); facts.ServicesEndpointUrls = new Dictionary<string, string>();
        See(); facts.ProfileEndpointUrl = null;
        See();

        Assert.Equal(new (string?, string)[]
        {
            ("http://parameter/", "-EndpointUrl"),
            ("http://service-variable/", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"),
            ("http://global-variable/", "AWS_ENDPOINT_URL"),
            ("http://services-section/", "profile 'p' services 'local'"),
            ("http://profile/", "profile 'p' endpoint_url"),
            (null, "default"),
        }, seen);
    }

    [Fact]
    public void AServiceVariableAppliesToItsServiceOnly()
    {
        var endpoints = ServiceEndpoints.ResolveAll(Facts(new() { ["AWS_ENDPOINT_URL_STORAGE_GATEWAY"] = "http://sgw:1/" }));

        Assert.Equal("http://sgw:1/", endpoints["storagegateway"].Url!.AbsoluteUri);
        Assert.All(endpoints.Where(e => e.Key != "storagegateway"), e => Assert.Null(e.Value.Url));
    }

    [Fact]
    public void IgnoringConfiguredEndpointsLeavesOnlyTheParameter()
    {
        var environment = AllSettings();
        environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
        Assert.Null(ServiceEndpoints.Resolve("CloudWatch Logs", Facts(environment, AllProfileSettings)).Url);
        Assert.Null(ServiceEndpoints.Resolve("CloudWatch Logs", Facts(AllSettings(), facts =>
        {
            AllProfileSettings(facts);
            facts.ProfileIgnoresConfiguredEndpoints = true;
        })).Url);
        Assert.Equal("http://parameter/", ServiceEndpoints.Resolve("CloudWatch Logs", Facts(environment, facts => facts.Parameter = "http://parameter/")).Url!.AbsoluteUri);
    }

    [Fact]
    public void AConfiguredValueThatIsNoUrlIsAnErrorNamingItsSource()
    {
        var error = Assert.Throws<AwsGuardException>(() => ServiceEndpoints.Resolve("S3", Facts(new() { ["AWS_ENDPOINT_URL_S3"] = "localhost:5000" })));

        Assert.Equal("InvalidEndpointUrl", error.ErrorId);
        Assert.Contains("AWS_ENDPOINT_URL_S3", error.Message);
    }

    [Fact]
    public void TheServicesSectionIsReadWithItsSubSettings()
    {
        var config = Path.Combine(_folder, "config");
        File.WriteAllText(config, "[profile p]\nservices = local\n[services other]\ns3 =\n  endpoint_url = http://other/\n" +
                                  "[services local]\ns3 =\n  endpoint_url = http://s3-local/\n  addressing_style = path\n" +
                                  "cloudwatch_logs =\n  endpoint_url = http://logs-local/\nsts = http://not-a-sub-setting/\n");

        var urls = ServiceEndpoints.ReadServicesSection(config, "local");

        Assert.Equal(new Dictionary<string, string> { ["s3"] = "http://s3-local/", ["cloudwatch_logs"] = "http://logs-local/" }, urls);
    }

    private (SessionProvider, SessionParameters) ProfileSession(string config, Action<SessionParameters>? configure = null)
    {
        var credentials = Path.Combine(_folder, "credentials");
        File.WriteAllText(credentials, $"[p]\naws_access_key_id = {LocalAws.AccessKey}\naws_secret_access_key = {LocalAws.SecretKey}\n");
        File.WriteAllText(Path.Combine(_folder, "config"), config);
        var p = new SessionParameters { ProfileName = "p", ProfileLocation = credentials, Region = LocalAws.Region };
        configure?.Invoke(p);
        return (new SessionProvider(name => name == "AWS_EC2_METADATA_DISABLED" ? "true" : null), p);
    }

    [Fact]
    public async Task AProfileEndpointUrlIsHonoured()
    {
        var (provider, p) = ProfileSession($"[profile p]\nendpoint_url = {_aws.Endpoint.AbsoluteUri}\n");
        var session = provider.Resolve(p);

        var identity = await IdentityReader.ForSession(provider, session).GetAsync(CancellationToken.None);

        Assert.Matches(@"^\d{12}$", identity.Account); // moto answered: AWS would refuse these keys
        Assert.All(identity.Endpoints, e => Assert.Equal((_aws.Endpoint.AbsoluteUri, "profile 'p' endpoint_url"), (e.Url, e.Source)));
    }

    [Fact]
    public async Task AProfileServicesSectionIsHonoured()
    {
        var (provider, p) = ProfileSession($"[profile p]\nservices = local\n[services local]\nsts =\n  endpoint_url = {_aws.Endpoint.AbsoluteUri}\n");
        var session = provider.Resolve(p);

        var identity = await IdentityReader.ForSession(provider, session).GetAsync(CancellationToken.None);

        Assert.Matches(@"^\d{12}$", identity.Account);
        Assert.Equal("profile 'p' services 'local'", identity.Endpoints.Single(e => e.Service == "STS").Source);
        Assert.Null(identity.Endpoints.Single(e => e.Service == "S3").Url);
    }

    [Fact]
    public void EndpointUrlWinsOverTheProfile()
    {
        var (provider, p) = ProfileSession("[profile p]\nendpoint_url = http://profile:1/\nservices = local\n[services local]\nsts =\n  endpoint_url = http://services:1/\n",
            p => p.EndpointUrl = _aws.Endpoint.AbsoluteUri);

        var session = provider.Resolve(p);

        Assert.All(session.Endpoints.Values, e => Assert.Equal((_aws.Endpoint, "-EndpointUrl"), (e.Url, e.Source)));
    }
}
