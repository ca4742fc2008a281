using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Sessions;

/// <summary>What decides a service's endpoint: -EndpointUrl, the environment and the chosen profile's settings.</summary>
public sealed class EndpointFacts
{
    public string? Parameter { get; set; }
    public Func<string, string?> Environment { get; set; } = _ => null;

    /// <summary>The profile the settings below come from, for sources in messages.</summary>
    public string ProfileName { get; set; } = "default";

    public string? ProfileEndpointUrl { get; set; }
    public bool? ProfileIgnoresConfiguredEndpoints { get; set; }

    /// <summary>The profile's `services` setting: the name of the [services name] section below.</summary>
    public string? ServicesName { get; set; }

    /// <summary>That section's endpoint_url per service key (s3, cloudwatch_logs...).</summary>
    public IReadOnlyDictionary<string, string> ServicesEndpointUrls { get; set; } = new Dictionary<string, string>();
}

/// <summary>Where one service's calls go and why; a null Url means AWS's own endpoint for the region.</summary>
public sealed class ResolvedEndpoint
{
    public ResolvedEndpoint(Uri? url, string source)
    {
        Url = url;
        Source = source;
    }

    public Uri? Url { get; }
    public string Source { get; }
}

/// <summary>
/// Endpoints as the AWS SDKs define them (the SDKs and Tools reference guide, "Service-specific endpoints"), one rule
/// for SDK and wire clients alike: -EndpointUrl; then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
/// ignore_configured_endpoint_urls is true, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, the profile's services
/// section, the profile's endpoint_url; else AWS's endpoint. Variable and key names derive from the SDKs' service ids.
/// </summary>
public static class ServiceEndpoints
{
    /// <summary>AwsGuard's client keys (as <see cref="SessionProvider.GetClient{T}"/> takes them) and the SDKs' service ids.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceIds = new Dictionary<string, string>
    {
        ["s3"] = "S3",
        ["s3control"] = "S3 Control",
        ["sts"] = "STS",
        ["iam"] = "IAM",
        ["logs"] = "CloudWatch Logs",
        ["storagegateway"] = "Storage Gateway",
        ["organizations"] = "Organizations",
        ["ec2"] = "EC2",
    };

    /// <summary>"CloudWatch Logs" -> AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.</summary>
    public static string EnvironmentVariable(string serviceId) => "AWS_ENDPOINT_URL_" + serviceId.ToUpperInvariant().Replace(' ', '_');

    /// <summary>"CloudWatch Logs" -> cloudwatch_logs, its key in a [services] section.</summary>
    public static string ConfigKey(string serviceId) => serviceId.ToLowerInvariant().Replace(' ', '_');

    /// <summary>Every service's endpoint, by client key; a configured value that is no http(s) URL is an error naming its source.</summary>
    public static IReadOnlyDictionary<string, ResolvedEndpoint> ResolveAll(EndpointFacts facts) =>
        ServiceIds.ToDictionary(service => service.Key, service => Resolve(service.Value, facts));

    public static ResolvedEndpoint Resolve(string serviceId, EndpointFacts facts)
    {
        if (!string.IsNullOrEmpty(facts.Parameter)) return Parsed(facts.Parameter!, "-EndpointUrl");
        if (IsTrue(facts.Environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
            return new ResolvedEndpoint(null, "default (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)");
        if (facts.ProfileIgnoresConfiguredEndpoints == true)
            return new ResolvedEndpoint(null, $"default (profile '{facts.ProfileName}' ignore_configured_endpoint_urls)");

        var serviceVariable = EnvironmentVariable(serviceId);
        if (facts.Environment(serviceVariable) is { Length: > 0 } serviceUrl) return Parsed(serviceUrl, serviceVariable);
        if (facts.Environment("AWS_ENDPOINT_URL") is { Length: > 0 } globalUrl) return Parsed(globalUrl, "AWS_ENDPOINT_URL");
        if (facts.ServicesEndpointUrls.TryGetValue(ConfigKey(serviceId), out var sectionUrl) && sectionUrl.Length > 0)
            return Parsed(sectionUrl, $"profile '{facts.ProfileName}' services '{facts.ServicesName}'");
        if (!string.IsNullOrEmpty(facts.ProfileEndpointUrl))
            return Parsed(facts.ProfileEndpointUrl!, $"profile '{facts.ProfileName}' endpoint_url");
        return new ResolvedEndpoint(null, "default");
    }

    /// <summary>The endpoint_url of each service in the config file's [services name] section (`s3 =` then indented `endpoint_url = ...`).</summary>
    public static IReadOnlyDictionary<string, string> ReadServicesSection(string configPath, string servicesName)
    {
        var urls = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] lines;
        try { lines = File.ReadAllLines(configPath); }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException) { return urls; }

        var inSection = false;
        string? service = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                inSection = Regex.IsMatch(line, @"^\[\s*services\s+" + Regex.Escape(servicesName) + @"\s*\]$");
                service = null;
                continue;
            }
            if (!inSection) continue;
            var equals = line.IndexOf('=');
            if (equals < 0) continue;
            var key = line.Substring(0, equals).Trim();
            var value = line.Substring(equals + 1).Trim();
            if (!char.IsWhiteSpace(raw[0])) service = value.Length == 0 ? key : null; // `s3 =` opens the service's sub-settings
            else if (service is not null && key.Equals("endpoint_url", StringComparison.OrdinalIgnoreCase)) urls[service] = value;
        }
        return urls;
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static ResolvedEndpoint Parsed(string url, string source)
    {
        if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return new ResolvedEndpoint(uri, source);
        throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidEndpointUrl",
            $"{source} '{url}' is not an absolute http:// or https:// URL.", url);
    }
}
