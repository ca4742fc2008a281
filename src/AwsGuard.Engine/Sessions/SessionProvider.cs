using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.SecurityToken;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Resolves credentials, region and endpoint once per cmdlet invocation, in AWS Tools for PowerShell's order,
/// and caches what is costly to make again (assumed-role credentials, clients) for the life of a runspace.
/// </summary>
public sealed class SessionProvider
{
    private static readonly Regex RoleArnPattern = new(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$", RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}$", RegexOptions.CultureInvariant);

    private readonly Func<string, string?> _environment;
    private readonly ConcurrentDictionary<string, AWSCredentials> _credentials = new();
    private readonly ConcurrentDictionary<string, object> _clients = new();

    public SessionProvider(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>First hit wins: keys, -Credential, -ProfileName, AWS.Tools' session variables, environment, shared files, container and instance metadata.</summary>
    public AwsSession Resolve(SessionParameters p, Action<string>? warn = null)
    {
        var endpoint = ParseEndpoint(p.EndpointUrl);
        ValidateAssumeRole(p);
        // The SDK reads AWS_SHARED_CREDENTIALS_FILE once per process; read it on every resolution instead.
        var store = new CredentialProfileStoreChain(p.ProfileLocation ?? _environment("AWS_SHARED_CREDENTIALS_FILE"));

        var (credentials, source, identity, profile) = ResolveBase(p, store, warn);
        var region = ResolveRegion(p, profile, store, out var regionSource);

        if (p.AssumeRoleArn is { } roleArn)
        {
            (credentials, identity) = AssumeRole(credentials, identity, roleArn, p.ExternalId, region, endpoint);
            source = $"role {roleArn} assumed with {source}" + (p.ExternalId is null ? "" : " and an external id");
        }
        return new AwsSession(credentials, source, identity, region, regionSource, endpoint);
    }

    /// <summary>One client per (service, region, credential identity, endpoint) in this runspace.</summary>
    public T GetClient<T>(string service, AwsSession session, string region, Func<AWSCredentials, string, Uri?, T> create)
        where T : class
    {
        var key = string.Join("|", service, region, session.IdentityKey, session.Endpoint?.AbsoluteUri ?? "");
        return (T)_clients.GetOrAdd(key, _ => create(session.Credentials, region, session.Endpoint));
    }

    private (AWSCredentials, string, string, CredentialProfile?) ResolveBase(SessionParameters p, CredentialProfileStoreChain store, Action<string>? warn)
    {
        if (!string.IsNullOrEmpty(p.AccessKey) || !string.IsNullOrEmpty(p.SecretKey))
        {
            if (string.IsNullOrEmpty(p.AccessKey) || string.IsNullOrEmpty(p.SecretKey))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "IncompleteKeys",
                    "-AccessKey and -SecretKey go together: pass both, or neither.");
            return (Keys(p.AccessKey!, p.SecretKey!, p.SessionToken), "the -AccessKey and -SecretKey parameters",
                KeysIdentity(p.AccessKey!, p.SecretKey!), null);
        }
        if (p.Credential is not null)
        {
            var credential = ForeignCredentials.TryWrap(p.Credential)
                ?? throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidCredential",
                    $"-Credential takes an AWSCredentials object (as Get-AWSCredential returns); got {p.Credential.GetType().FullName}.");
            return (credential, "the -Credential parameter", "credential:" + ObjectIdentity(p.Credential), null);
        }
        if (!string.IsNullOrEmpty(p.ProfileName))
            return FromProfile(p.ProfileName!, store, $"profile '{p.ProfileName}'", p);

        switch (p.StoredCredentials)
        {
            case string storedProfile when storedProfile.Length > 0:
                return FromProfile(storedProfile, store, $"profile '{storedProfile}' from $StoredAWSCredentials", p);
            case { } stored:
                var credential = ForeignCredentials.TryWrap(stored);
                if (credential is not null)
                    return (credential, "$StoredAWSCredentials (Set-AWSCredential)", "stored:" + ObjectIdentity(stored), null);
                warn?.Invoke($"$StoredAWSCredentials holds a {stored.GetType().FullName} that AwsGuard cannot read " +
                             "(its shape may have changed in this AWS.Tools version); it is ignored.");
                break;
        }

        if (_environment("AWS_PROFILE") is { Length: > 0 } envProfile)
            return FromProfile(envProfile, store, $"profile '{envProfile}' from AWS_PROFILE", p);
        if (_environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } envKey && _environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } envSecret)
            return (Keys(envKey, envSecret, _environment("AWS_SESSION_TOKEN")), "the AWS_ACCESS_KEY_ID environment variable",
                KeysIdentity(envKey, envSecret), null);
        if (store.TryGetProfile("default", out _))
            return FromProfile("default", store, "profile 'default'", p);

        if (_environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { Length: > 0 } || _environment("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { Length: > 0 })
            return (new GenericContainerCredentials(), "container credentials", "container", null);
        if (!string.Equals(_environment("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)
            && TryInstanceProfile() is { } instance)
            return (instance, "EC2 instance metadata", "instance", null);

        throw new AwsGuardException(ErrorKind.AuthenticationError, "NoCredentials",
            "No AWS credentials were found. Tried, in order: -AccessKey/-SecretKey, -Credential, -ProfileName, " +
            "$StoredAWSCredentials (Set-AWSCredential), AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
            $"the 'default' profile in {DescribeFiles(p.ProfileLocation)}, container credentials and EC2 instance metadata. " +
            "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, or set AWS_PROFILE.");
    }

    private (AWSCredentials, string, string, CredentialProfile?) FromProfile(string name, CredentialProfileStoreChain store, string source, SessionParameters p)
    {
        if (!store.TryGetProfile(name, out var profile))
            throw new AwsGuardException(ErrorKind.ObjectNotFound, "ProfileNotFound",
                $"The profile '{name}' was not found in {DescribeFiles(p.ProfileLocation)}.", name);
        var identity = "profile:" + name + "@" + (p.ProfileLocation ?? "");

        // A role profile is assumed with AwsGuard's STS client, so -EndpointUrl and -Region reach STS too.
        if (!string.IsNullOrEmpty(profile.Options.RoleArn) && !string.IsNullOrEmpty(profile.Options.SourceProfile))
        {
            var (baseCredentials, _, baseIdentity, _) = FromProfile(profile.Options.SourceProfile, store, source, p);
            var region = p.Region ?? profile.Region?.SystemName ?? "us-east-1";
            var (assumed, _) = AssumeRole(baseCredentials, baseIdentity, profile.Options.RoleArn, profile.Options.ExternalID, region, ParseEndpoint(p.EndpointUrl));
            return (assumed, $"{source} (role {profile.Options.RoleArn})", identity, profile);
        }
        if (!AWSCredentialsFactory.TryGetAWSCredentials(profile, store, out var credentials))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ProfileNotUsable",
                $"The profile '{name}' does not hold credentials AwsGuard can use (keys, a role with source_profile, SSO, or credential_process).", name);
        return (_credentials.GetOrAdd(identity, credentials), source, identity, profile);
    }

    private (AWSCredentials, string) AssumeRole(AWSCredentials source, string sourceIdentity, string roleArn, string? externalId, string? region, Uri? endpoint)
    {
        var identity = $"assume:{roleArn}|{externalId}|{sourceIdentity}";
        var stsRegion = region ?? "us-east-1";
        var credentials = _credentials.GetOrAdd(identity, _ => new AssumedRoleCredentials(
            () => GetClient("sts", new AwsSession(source, "", sourceIdentity, stsRegion, null, endpoint), stsRegion, AwsClients.Sts),
            roleArn, externalId));
        return (credentials, identity);
    }

    private string? ResolveRegion(SessionParameters p, CredentialProfile? profile, CredentialProfileStoreChain store, out string? source)
    {
        source = null;
        if (!string.IsNullOrEmpty(p.Region)) { source = "-Region"; return p.Region; }
        if (!string.IsNullOrEmpty(p.ProfileName) && profile?.Region is { } explicitProfileRegion)
        { source = $"profile '{p.ProfileName}'"; return explicitProfileRegion.SystemName; }
        if (!string.IsNullOrEmpty(p.StoredRegion)) { source = "$StoredAWSRegion"; return p.StoredRegion; }
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            if (_environment(variable) is { Length: > 0 } value) { source = variable; return value; }
        var profileName = profile?.Name ?? _environment("AWS_PROFILE") ?? "default";
        if ((profile ?? (store.TryGetProfile(profileName, out var named) ? named : null))?.Region is { } fileRegion)
        { source = $"profile '{profileName}'"; return fileRegion.SystemName; }
        return null;
    }

    private static Uri? ParseEndpoint(string? endpointUrl)
    {
        if (string.IsNullOrEmpty(endpointUrl)) return null;
        if (Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidEndpointUrl",
            $"-EndpointUrl '{endpointUrl}' is not an absolute http:// or https:// URL.", endpointUrl);
    }

    private static void ValidateAssumeRole(SessionParameters p)
    {
        if (p.ExternalId is not null && p.AssumeRoleArn is null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ExternalIdWithoutRole", "-ExternalId is only used with -AssumeRoleArn.");
        if (p.AssumeRoleArn is { } arn && !RoleArnPattern.IsMatch(arn))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRoleArn",
                $"-AssumeRoleArn '{arn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/Name).", arn);
        if (p.ExternalId is { } id && !ExternalIdPattern.IsMatch(id))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidExternalId",
                $"-ExternalId must be 2 to 1224 characters of letters, digits and +=,.@:/-_ (it has {id.Length}).");
    }

    private static AWSCredentials Keys(string accessKey, string secretKey, string? token) =>
        string.IsNullOrEmpty(token) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);

    /// <summary>The access key id with a digest of the secret: two secrets never share a client, and no secret is held in a key.</summary>
    private static string KeysIdentity(string accessKey, string secretKey)
    {
        using var sha = SHA256.Create();
        return "keys:" + accessKey + ":" + Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(secretKey)), 0, 12);
    }

    private static string ObjectIdentity(object value) =>
        System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value).ToString();

    private string DescribeFiles(string? profileLocation)
    {
        var files = new List<string>();
        if (!string.IsNullOrEmpty(profileLocation)) files.Add(profileLocation!);
        else files.Add(_environment("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine("~", ".aws", "credentials"));
        files.Add(_environment("AWS_CONFIG_FILE") ?? Path.Combine("~", ".aws", "config"));
        return string.Join(" and ", files);
    }

    private static AWSCredentials? TryInstanceProfile()
    {
        try
        {
            var instance = new InstanceProfileAWSCredentials();
            instance.GetCredentials();
            return instance;
        }
        catch (Exception)
        {
            return null; // not on EC2, or no role attached: the next step reports that nothing was found
        }
    }
}
