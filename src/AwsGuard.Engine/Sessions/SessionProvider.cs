using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Resolves credentials, region and endpoint once per cmdlet invocation, in AWS Tools for PowerShell's order,
/// and caches what is costly to make again (assumed-role credentials, clients) for the life of a runspace.
/// </summary>
public sealed class SessionProvider
{
    private static readonly Regex RoleArnPattern = new(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}\z", RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}\z", RegexOptions.CultureInvariant);

    private readonly Func<string, string?> _environment;
    private readonly ConcurrentDictionary<string, AWSCredentials> _credentials = new();
    private readonly ConcurrentDictionary<string, object> _clients = new();
    private readonly ConcurrentDictionary<string, Task<string>> _accounts = new();

    public SessionProvider(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>First hit wins: keys, -Credential, -ProfileName, AWS.Tools' session variables, environment, shared files, container and instance metadata.</summary>
    public AwsSession Resolve(SessionParameters p, Action<string>? warn = null)
    {
        ValidateAssumeRole(p);
        // The SDK reads AWS_SHARED_CREDENTIALS_FILE once per process; read it on every resolution instead.
        var files = new SharedFiles(p.ProfileLocation ?? _environment("AWS_SHARED_CREDENTIALS_FILE"));
        var configProfile = ConfigProfile(p, files, out var configProfileName);
        var endpoints = ServiceEndpoints.ResolveAll(EndpointFactsOf(configProfile, configProfileName, p, files));
        var retry = AwsRetry.FromSettings(_environment, configProfile?.MaxAttempts, configProfile?.RetryMode?.ToString(), configProfileName);

        var (credentials, source, identity, profile) = ResolveBase(p, files, endpoints, retry, warn);
        var region = ResolveRegion(p, profile, files, out var regionSource);
        if (region is not null) AwsRegions.Require(region, regionSource!);

        if (p.AssumeRoleArn is { } roleArn)
        {
            (credentials, identity) = AssumeRole(credentials, identity, roleArn, p.ExternalId, region, endpoints, retry);
            source = $"role {roleArn} assumed with {source}" + (p.ExternalId is null ? "" : " and an external id");
        }
        return new AwsSession(credentials, source, identity, region, regionSource, endpoints, AccountOfRole(p.AssumeRoleArn), retry);
    }

    /// <summary>
    /// <paramref name="session"/> acting through a role: its credentials assume <paramref name="roleArn"/>, cached as
    /// -AssumeRoleArn's are (so a later command with the same source and role reuses them), with its region and endpoints.
    /// </summary>
    public AwsSession WithRole(AwsSession session, string roleArn, string? externalId)
    {
        var (credentials, identity) = AssumeRole(session.Credentials, session.IdentityKey, roleArn, externalId, session.Region, session.Endpoints, session.Retry);
        return new AwsSession(credentials, $"role {roleArn} assumed with {session.CredentialSource}", identity,
            session.Region, session.RegionSource, session.Endpoints, AccountOfRole(roleArn), session.Retry);
    }

    /// <summary>The account id of an IAM role ARN (arn:aws:iam::123456789012:role/Name); null for anything else.</summary>
    public static string? AccountOfRole(string? roleArn) =>
        roleArn is not null && RoleArnPattern.IsMatch(roleArn) ? roleArn.Split(':')[4] : null;

    /// <summary>
    /// The account the session acts in, for results' AccountId: the assumed role's, known from its ARN; else STS
    /// GetCallerIdentity, asked once per credential identity in this runspace (concurrent askers share the call).
    /// </summary>
    public Task<string> AccountIdAsync(AwsSession session, CancellationToken cancel)
    {
        if (session.RoleAccountId is { } known) return Task.FromResult(known);
        var asking = _accounts.GetOrAdd(session.IdentityKey, _ => AskAccountAsync(session, cancel));
        if (asking.IsFaulted || asking.IsCanceled) _accounts.TryRemove(session.IdentityKey, out _); // the next asker tries again
        return asking;
    }

    private async Task<string> AskAccountAsync(AwsSession session, CancellationToken cancel)
    {
        try
        {
            var sts = GetClient("sts", session, session.RegionOrDefault, AwsClients.Sts);
            return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancel).ConfigureAwait(false)).Account;
        }
        catch
        {
            _accounts.TryRemove(session.IdentityKey, out _);
            throw;
        }
    }

    /// <summary>One client per (service, region, credential identity, endpoint) in this runspace, made for the service's endpoint.</summary>
    public T GetClient<T>(string service, AwsSession session, string region, Func<AWSCredentials, string, Uri?, T> create)
        where T : class
    {
        var endpoint = session.EndpointFor(service);
        var key = string.Join("|", service, region, session.IdentityKey, endpoint?.AbsoluteUri ?? "", session.Retry.Mode, session.Retry.MaxAttempts);
        return (T)_clients.GetOrAdd(key, _ => AwsRetry.CreateWith(session.Retry, () => create(session.Credentials, region, endpoint)));
    }

    /// <summary>
    /// The profile the session reads its settings (endpoints, retries) from: the one named (-ProfileName,
    /// $StoredAWSCredentials, AWS_PROFILE), else 'default'.
    /// </summary>
    private CredentialProfile? ConfigProfile(SessionParameters p, SharedFiles files, out string name)
    {
        var named = new[] { p.ProfileName, p.StoredCredentials as string, _environment("AWS_PROFILE") }
            .FirstOrDefault(candidate => !string.IsNullOrEmpty(candidate));
        name = named ?? "default";
        try { return files.Find(name); }
        catch (AwsGuardException) when (named is null) { return null; } // an unreadable file matters only to those who use it
    }

    /// <summary>The endpoint settings of the session's config profile.</summary>
    private EndpointFacts EndpointFactsOf(CredentialProfile? profile, string name, SessionParameters p, SharedFiles files)
    {
        var servicesName = profile?.Services;
        return new EndpointFacts
        {
            Parameter = p.EndpointUrl,
            Environment = _environment,
            ProfileName = name,
            ProfileEndpointUrl = profile?.EndpointUrl,
            ProfileIgnoresConfiguredEndpoints = profile?.IgnoreConfiguredEndpointUrls,
            ServicesName = servicesName,
            ServicesEndpointUrls = string.IsNullOrEmpty(servicesName)
                ? new Dictionary<string, string>()
                : ServiceEndpoints.ReadServicesSection(files.ConfigPath, servicesName!),
        };
    }

    private (AWSCredentials, string, string, CredentialProfile?) ResolveBase(SessionParameters p, SharedFiles files, IReadOnlyDictionary<string, ResolvedEndpoint> endpoints, AwsRetry retry, Action<string>? warn)
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
            return FromProfile(p.ProfileName!, files, $"profile '{p.ProfileName}'", p, endpoints, retry);

        switch (p.StoredCredentials)
        {
            case string storedProfile when storedProfile.Length > 0:
                return FromProfile(storedProfile, files, $"profile '{storedProfile}' from $StoredAWSCredentials", p, endpoints, retry);
            case { } stored:
                var credential = ForeignCredentials.TryWrap(stored);
                if (credential is not null)
                    return (credential, "$StoredAWSCredentials (Set-AWSCredential)", "stored:" + ObjectIdentity(stored), null);
                warn?.Invoke($"$StoredAWSCredentials holds a {stored.GetType().FullName} that AwsGuard cannot read " +
                             "(its shape may have changed in this AWS.Tools version); it is ignored.");
                break;
        }

        if (_environment("AWS_PROFILE") is { Length: > 0 } envProfile)
            return FromProfile(envProfile, files, $"profile '{envProfile}' from AWS_PROFILE", p, endpoints, retry);
        if (_environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } envKey && _environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } envSecret)
            return (Keys(envKey, envSecret, _environment("AWS_SESSION_TOKEN")), "the AWS_ACCESS_KEY_ID environment variable",
                KeysIdentity(envKey, envSecret), null);
        // As in the SDKs' default chain, a default profile without credentials (region only, as `aws configure set
        // region` leaves it) is passed over; only a profile named on purpose must hold credentials.
        if (files.Find("default") is { } defaultProfile && HoldsCredentials(defaultProfile))
            return FromProfile("default", files, "profile 'default'", p, endpoints, retry);

        if (_environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { Length: > 0 } || _environment("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { Length: > 0 })
            return (new GenericContainerCredentials(), "container credentials", "container", null);
        if (!string.Equals(_environment("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)
            && TryInstanceProfile() is { } instance)
            return (instance, "EC2 instance metadata", "instance", null);

        throw new AwsGuardException(ErrorKind.AuthenticationError, "NoCredentials",
            "No AWS credentials were found. Tried, in order: -AccessKey/-SecretKey, -Credential, -ProfileName, " +
            "$StoredAWSCredentials (Set-AWSCredential), AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
            $"the 'default' profile in {files.Describe()}, container credentials and EC2 instance metadata. " +
            "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, or set AWS_PROFILE.");
    }

    /// <summary>
    /// A profile's credentials. Role profiles are assumed with AwsGuard's STS client, so -EndpointUrl and -Region reach
    /// STS too. The source_profile links are walked in a loop, each profile once, so no file can recurse without end;
    /// a profile that is its own source_profile uses its own keys, as the AWS CLI does. Cached by the files' stamp.
    /// </summary>
    private (AWSCredentials, string, string, CredentialProfile?) FromProfile(string name, SharedFiles files, string source, SessionParameters p, IReadOnlyDictionary<string, ResolvedEndpoint> endpoints, AwsRetry retry)
    {
        var profile = files.Find(name) ?? throw new AwsGuardException(ErrorKind.ObjectNotFound, "ProfileNotFound",
            $"The profile '{name}' was not found in {files.Describe()}.", name);

        var roles = new List<CredentialProfile>();
        var current = profile;
        while (IsRoleWithSource(current) && current.Options.SourceProfile != current.Name)
        {
            roles.Add(current);
            var next = current.Options.SourceProfile;
            if (roles.Exists(role => role.Name == next))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "ProfileLoop",
                    $"The profile '{name}' cannot be used: its source_profile chain {string.Join(" -> ", roles.ConvertAll(role => role.Name))} -> {next} is a loop.", name);
            current = files.Find(next) ?? throw new AwsGuardException(ErrorKind.ObjectNotFound, "ProfileNotFound",
                $"{Describe(current, name)} names source_profile '{next}', which was not found in {files.Describe()}.", name);
        }

        AWSCredentials credentials;
        var identity = $"profile:{current.Name}@{files.Stamp}";
        if (IsRoleWithSource(current))
        {
            if (string.IsNullOrEmpty(current.Options.AccessKey) || string.IsNullOrEmpty(current.Options.SecretKey))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "ProfileNotUsable",
                    $"{Describe(current, name)} is its own source_profile but holds no aws_access_key_id and aws_secret_access_key.", name);
            credentials = Keys(current.Options.AccessKey, current.Options.SecretKey, current.Options.Token);
            roles.Add(current);
        }
        else
        {
            credentials = ProfileCredentials(current, name, files, identity);
        }

        for (var i = roles.Count - 1; i >= 0; i--)
        {
            var role = roles[i];
            if (!RoleArnPattern.IsMatch(role.Options.RoleArn))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRoleArn",
                    $"{Describe(role, name)} has role_arn '{role.Options.RoleArn}', which is not an IAM role ARN (arn:aws:iam::123456789012:role/Name).", name);
            (credentials, identity) = AssumeRole(credentials, identity, role.Options.RoleArn, role.Options.ExternalID,
                p.Region ?? role.Region?.SystemName ?? AwsSession.DefaultRegion, endpoints, retry);
        }
        return (credentials, roles.Count == 0 ? source : $"{source} (role {profile.Options.RoleArn})", identity, profile);
    }

    /// <summary>What the SDK makes of a profile that is not a source_profile role (keys, SSO, credential_process...), tried once when first made.</summary>
    private AWSCredentials ProfileCredentials(CredentialProfile profile, string usedBy, SharedFiles files, string identity)
    {
        if (_credentials.TryGetValue(identity, out var cached)) return cached;
        AWSCredentials? credentials;
        try
        {
            if (!AWSCredentialsFactory.TryGetAWSCredentials(profile, files.Store, out credentials))
                credentials = null;
            else
                credentials.GetCredentials(); // a failing credential_process or SSO login shows here, naming the profile
        }
        catch (Exception error) when (error is not AwsGuardException)
        {
            throw new AwsGuardException(ErrorKind.AuthenticationError, "ProfileNotUsable",
                $"{Describe(profile, usedBy)} could not supply credentials: {error.Message}", usedBy);
        }
        if (credentials is null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ProfileNotUsable",
                $"{Describe(profile, usedBy)} does not hold credentials AwsGuard can use (keys, a role with source_profile, SSO, or credential_process).", usedBy);
        return _credentials.GetOrAdd(identity, credentials);
    }

    /// <summary>"The profile 'b' (used by profile 'a')" in messages, so a chain's error names the profile the user gave.</summary>
    private static string Describe(CredentialProfile profile, string usedBy) =>
        profile.Name == usedBy ? $"The profile '{usedBy}'" : $"The profile '{profile.Name}' (used by profile '{usedBy}')";

    private static bool IsRoleWithSource(CredentialProfile profile) =>
        !string.IsNullOrEmpty(profile.Options.RoleArn) && !string.IsNullOrEmpty(profile.Options.SourceProfile);

    /// <summary>Whether a profile says anything about credentials at all (a region-only profile does not).</summary>
    private static bool HoldsCredentials(CredentialProfile profile)
    {
        var o = profile.Options;
        return new[]
        {
            o.AccessKey, o.SecretKey, o.Token, o.RoleArn, o.SourceProfile, o.CredentialSource, o.CredentialProcess,
            o.WebIdentityTokenFile, o.SsoSession, o.SsoStartUrl, o.SsoAccountId, o.SsoRoleName, o.LoginSession, o.EndpointName,
        }.Any(value => !string.IsNullOrEmpty(value));
    }

    private (AWSCredentials, string) AssumeRole(AWSCredentials source, string sourceIdentity, string roleArn, string? externalId, string? region,
        IReadOnlyDictionary<string, ResolvedEndpoint> endpoints, AwsRetry retry)
    {
        var identity = $"assume:{roleArn}|{externalId}|{sourceIdentity}";
        var stsRegion = region ?? AwsSession.DefaultRegion;
        var credentials = _credentials.GetOrAdd(identity, _ => new AssumedRoleCredentials(source,
            () => GetClient("sts", new AwsSession(source, "", sourceIdentity, stsRegion, null, endpoints, retry: retry), stsRegion, AwsClients.Sts),
            roleArn, externalId));
        return (credentials, identity);
    }

    private string? ResolveRegion(SessionParameters p, CredentialProfile? profile, SharedFiles files, out string? source)
    {
        source = null;
        if (!string.IsNullOrEmpty(p.Region)) { source = "-Region"; return p.Region; }
        if (!string.IsNullOrEmpty(p.ProfileName) && profile?.Region is { } explicitProfileRegion)
        { source = $"profile '{p.ProfileName}'"; return explicitProfileRegion.SystemName; }
        if (!string.IsNullOrEmpty(p.StoredRegion)) { source = "$StoredAWSRegion"; return p.StoredRegion; }
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            if (_environment(variable) is { Length: > 0 } value) { source = variable; return value; }
        var profileName = profile?.Name ?? _environment("AWS_PROFILE") ?? "default";
        if ((profile ?? files.Find(profileName))?.Region is { } fileRegion)
        { source = $"profile '{profileName}'"; return fileRegion.SystemName; }
        return null;
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
