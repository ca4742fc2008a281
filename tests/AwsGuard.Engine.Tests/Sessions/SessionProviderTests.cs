using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3.Model;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;

namespace AwsGuard.Engine.Tests.Sessions;

/// <summary>
/// The provider's resolution order, one source at a time, each proven by a real call to the local AWS:
/// moto answers GetCallerIdentity with the account of the key that signed it.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class SessionProviderTests : IDisposable
{
    private readonly LocalAws _aws;
    private readonly string _folder = Directory.CreateTempSubdirectory("awsguard-profiles-").FullName;
    private readonly Dictionary<string, string> _environment = new() { ["AWS_EC2_METADATA_DISABLED"] = "true" };

    public SessionProviderTests(LocalAws aws) => _aws = aws;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SessionProvider NewProvider() => new(name => _environment.TryGetValue(name, out var value) ? value : null);

    private string CredentialsFile(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    private SessionParameters Parameters(Action<SessionParameters>? configure = null)
    {
        var p = new SessionParameters { EndpointUrl = _aws.Endpoint.AbsoluteUri, ProfileLocation = CredentialsFile("") };
        configure?.Invoke(p);
        return p;
    }

    private static string AccessKeyOf(AwsSession session) => session.Credentials.GetCredentials().AccessKey;

    [Fact]
    public void ExplicitKeysWinOverEverySource()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIAFROMENVIRONMENT0";
        _environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret";
        var p = Parameters(p =>
        {
            p.AccessKey = "AKIAFROMPARAMETERS00";
            p.SecretKey = "parameter-secret";
            p.ProfileName = "ignored";
            p.StoredCredentials = "ignored";
        });

        var session = NewProvider().Resolve(p);

        Assert.Equal("AKIAFROMPARAMETERS00", AccessKeyOf(session));
        Assert.Equal("the -AccessKey and -SecretKey parameters", session.CredentialSource);
    }

    [Fact]
    public void AnAccessKeyWithoutItsSecretIsRejected()
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p => p.AccessKey = "AKIAONLYTHEKEY000000")));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Audit\n", null, "InvalidRoleArn")] // read from a file with its newline
    [InlineData("arn:aws:iam::123456789012:role/Audit", "a1b2c3d4\n", "InvalidExternalId")]
    public void ARoleArnOrExternalIdWithATrailingNewlineIsRefusedBeforeAnyCall(string roleArn, string? externalId, string errorId)
    {
        var p = Parameters(p => { p.AccessKey = "AKIAEXPLICIT00000000"; p.SecretKey = "secret"; p.AssumeRoleArn = roleArn; p.ExternalId = externalId; });
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(p));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public void CredentialFromAnotherSdkCopyIsReadByShape()
    {
        var p = Parameters(p =>
        {
            p.Credential = new ForeignSdkCredentials("AKIAFOREIGNCREDENTIAL", "foreign-secret");
            p.ProfileName = "ignored";
        });

        var session = NewProvider().Resolve(p);

        Assert.Equal("AKIAFOREIGNCREDENTIAL", AccessKeyOf(session));
        Assert.Equal("the -Credential parameter", session.CredentialSource);
    }

    [Fact]
    public void ProfileNameWinsOverSessionVariablesAndEnvironment()
    {
        _environment["AWS_PROFILE"] = "fromenv";
        var p = Parameters(p =>
        {
            p.ProfileLocation = CredentialsFile(
                "[chosen]\naws_access_key_id = AKIACHOSENPROFILE000\naws_secret_access_key = s1\nregion = ap-south-1\n" +
                "[fromenv]\naws_access_key_id = AKIAENVPROFILE000000\naws_secret_access_key = s2\n");
            p.ProfileName = "chosen";
            p.StoredCredentials = "fromenv";
            p.StoredRegion = "eu-north-1";
        });

        var session = NewProvider().Resolve(p);

        Assert.Equal("AKIACHOSENPROFILE000", AccessKeyOf(session));
        Assert.Equal("ap-south-1", session.Region);
        Assert.Equal("profile 'chosen'", session.RegionSource);
    }

    [Fact]
    public void StoredCredentialsAsProfileNameOrAsAwsToolsHolder()
    {
        var file = CredentialsFile("[stored]\naws_access_key_id = AKIASTOREDPROFILE000\naws_secret_access_key = s\n");
        _environment["AWS_PROFILE"] = "missing-so-it-must-not-be-read";

        var byName = NewProvider().Resolve(Parameters(p => { p.ProfileLocation = file; p.StoredCredentials = "stored"; }));
        var byHolder = NewProvider().Resolve(Parameters(p =>
            p.StoredCredentials = new AwsToolsLikeHolder(new ForeignSdkCredentials("AKIAHELDBYAWSTOOLS00", "held-secret"))));

        Assert.Equal("AKIASTOREDPROFILE000", AccessKeyOf(byName));
        Assert.Equal("AKIAHELDBYAWSTOOLS00", AccessKeyOf(byHolder));
        Assert.Equal("$StoredAWSCredentials (Set-AWSCredential)", byHolder.CredentialSource);
    }

    [Fact]
    public void AnUnreadableStoredCredentialWarnsAndFallsThrough()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIAFALLTHROUGH00000";
        _environment["AWS_SECRET_ACCESS_KEY"] = "s";
        var warnings = new List<string>();

        var session = NewProvider().Resolve(Parameters(p => p.StoredCredentials = new object()), warnings.Add);

        Assert.Equal("AKIAFALLTHROUGH00000", AccessKeyOf(session));
        Assert.Contains(warnings, w => w.Contains("$StoredAWSCredentials"));
    }

    [Fact]
    public void AwsProfileVariableWinsOverEnvironmentKeys()
    {
        _environment["AWS_PROFILE"] = "envprofile";
        _environment["AWS_ACCESS_KEY_ID"] = "AKIAENVKEYS000000000";
        _environment["AWS_SECRET_ACCESS_KEY"] = "s";
        var p = Parameters(p => p.ProfileLocation = CredentialsFile("[envprofile]\naws_access_key_id = AKIAENVPROFILE000001\naws_secret_access_key = s\n"));

        Assert.Equal("AKIAENVPROFILE000001", AccessKeyOf(NewProvider().Resolve(p)));
    }

    [Fact]
    public void EnvironmentKeysWinOverTheDefaultProfile()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIAENVKEYS000000001";
        _environment["AWS_SECRET_ACCESS_KEY"] = "s";
        _environment["AWS_SESSION_TOKEN"] = "token";
        var p = Parameters(p => p.ProfileLocation = CredentialsFile("[default]\naws_access_key_id = AKIADEFAULTPROFILE00\naws_secret_access_key = s\n"));

        var session = NewProvider().Resolve(p);

        Assert.Equal("AKIAENVKEYS000000001", AccessKeyOf(session));
        Assert.Equal("token", session.Credentials.GetCredentials().Token);
    }

    [Fact]
    public void TheDefaultProfileIsTheLastFileSource()
    {
        var p = Parameters(p => p.ProfileLocation = CredentialsFile("[default]\naws_access_key_id = AKIADEFAULTPROFILE01\naws_secret_access_key = s\n"));

        var session = NewProvider().Resolve(p);

        Assert.Equal("AKIADEFAULTPROFILE01", AccessKeyOf(session));
        Assert.Equal("profile 'default'", session.CredentialSource);
    }

    [Fact]
    public void NoCredentialsIsOneErrorThatListsEverySourceTried()
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters()));

        Assert.Equal("NoCredentials", error.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, error.Kind);
        foreach (var source in new[] { "-AccessKey", "-Credential", "-ProfileName", "$StoredAWSCredentials", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "'default' profile", "container", "instance metadata" })
            Assert.Contains(source, error.Message);
    }

    [Fact]
    public void AMissingProfileIsObjectNotFound()
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p => p.ProfileName = "nope")));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("'nope'", error.Message);
    }

    [Fact]
    public void KeysRotatedInPlaceTakeEffectOnTheNextResolve()
    {
        var provider = NewProvider();
        var file = CredentialsFile("[bob]\naws_access_key_id = AKIABOBBEFOREROTATE1\naws_secret_access_key = before\n");
        SessionParameters Bob() => Parameters(p => { p.ProfileLocation = file; p.ProfileName = "bob"; });

        var before = provider.Resolve(Bob());
        File.WriteAllText(file, "[bob]\naws_access_key_id = AKIABOBAFTERROTATE01\naws_secret_access_key = after\n");
        var after = provider.Resolve(Bob());

        Assert.Equal("AKIABOBBEFOREROTATE1", AccessKeyOf(before));
        Assert.Equal("AKIABOBAFTERROTATE01", AccessKeyOf(after));
        Assert.NotEqual(before.IdentityKey, after.IdentityKey); // so no client made for the old keys is reused
        Assert.Same(after.Credentials, provider.Resolve(Bob()).Credentials); // unchanged files keep the cache
    }

    [Fact]
    public void ASwitchedSharedCredentialsFileTakesEffectOnTheNextResolve()
    {
        var provider = NewProvider();
        SessionParameters Bob() => Parameters(p => { p.ProfileLocation = null; p.ProfileName = "bob"; });

        _environment["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile("[bob]\naws_access_key_id = AKIABOBFIRSTFILE0001\naws_secret_access_key = s\n");
        var first = provider.Resolve(Bob());
        _environment["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile("[bob]\naws_access_key_id = AKIABOBOTHERFILE0001\naws_secret_access_key = s\n");
        var second = provider.Resolve(Bob());

        Assert.Equal("AKIABOBFIRSTFILE0001", AccessKeyOf(first));
        Assert.Equal("AKIABOBOTHERFILE0001", AccessKeyOf(second));
    }

    [Fact]
    public void ARegionOnlyDefaultProfileIsPassedOverButANamedOneIsAnError()
    {
        var file = CredentialsFile("[default]\nregion = eu-west-1\n");

        var passedOver = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p => p.ProfileLocation = file)));
        var named = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p => { p.ProfileLocation = file; p.ProfileName = "default"; })));

        Assert.Equal("NoCredentials", passedOver.ErrorId); // container credentials and instance metadata were tried after it
        Assert.Equal("ProfileNotUsable", named.ErrorId);
        Assert.Contains("'default'", named.Message);
    }

    [Fact]
    public void ARegionOnlyDefaultProfileStillGivesTheRegion()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIAENVKEYS000000002";
        _environment["AWS_SECRET_ACCESS_KEY"] = "s";

        var session = NewProvider().Resolve(Parameters(p => p.ProfileLocation = CredentialsFile("[default]\nregion = eu-west-1\n")));

        Assert.Equal("eu-west-1", session.Region);
        Assert.Equal("profile 'default'", session.RegionSource);
    }

    [Fact]
    public void AnInvalidRegionIsRefusedNamingWhereItCameFrom()
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p =>
            p.ProfileLocation = CredentialsFile("[default]\naws_access_key_id = AKIABADREGION0000001\naws_secret_access_key = s\nregion = us-east-1-regional\n"))));

        Assert.Equal("InvalidRegion", error.ErrorId);
        Assert.Contains("profile 'default'", error.Message);
    }

    [Theory]
    [InlineData("eu-west-3", null, null, null, "eu-west-3", "-Region")]
    [InlineData(null, "ca-central-1", "sa-east-1", null, "ca-central-1", "$StoredAWSRegion")]
    [InlineData(null, null, "sa-east-1", "us-west-1", "sa-east-1", "AWS_REGION")]
    [InlineData(null, null, null, "us-west-1", "us-west-1", "AWS_DEFAULT_REGION")]
    [InlineData(null, null, null, null, "eu-central-1", "profile 'default'")]
    public void RegionResolvesInOrder(string? parameter, string? stored, string? awsRegion, string? defaultRegion, string expected, string source)
    {
        if (awsRegion is not null) _environment["AWS_REGION"] = awsRegion;
        if (defaultRegion is not null) _environment["AWS_DEFAULT_REGION"] = defaultRegion;
        var p = Parameters(p =>
        {
            p.ProfileLocation = CredentialsFile("[default]\naws_access_key_id = AKIAREGIONTEST000000\naws_secret_access_key = s\nregion = eu-central-1\n");
            p.Region = parameter;
            p.StoredRegion = stored;
        });

        var session = NewProvider().Resolve(p);

        Assert.Equal(expected, session.Region);
        Assert.Equal(source, session.RegionSource);
    }

    [Fact]
    public async Task KeysReachTheLocalAwsThroughEndpointUrl()
    {
        var provider = NewProvider();
        var session = provider.Resolve(Parameters(p => { p.AccessKey = LocalAws.AccessKey; p.SecretKey = LocalAws.SecretKey; p.Region = LocalAws.Region; }));
        var s3 = provider.GetClient("s3", session, LocalAws.Region, AwsClients.S3);
        var bucket = LocalAws.UniqueName("endpoint");

        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a/b.txt", ContentBody = "hello" });
        using var read = await s3.GetObjectAsync(bucket, "a/b.txt");
        using var reader = new StreamReader(read.ResponseStream);

        Assert.Equal("hello", await reader.ReadToEndAsync());
        Assert.Same(s3, provider.GetClient("s3", session, LocalAws.Region, AwsClients.S3));
        Assert.NotSame(s3, provider.GetClient("s3", session, "eu-west-1", AwsClients.S3));
    }

    [Fact]
    public void AnEndpointThatIsNotAnHttpUrlIsRejectedBeforeAnyCall()
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p => p.EndpointUrl = "ftp://example")));
        Assert.Equal("InvalidEndpointUrl", error.ErrorId);
    }

    [Fact]
    public async Task AssumeRoleWithExternalIdActsInTheOtherAccount()
    {
        var provider = NewProvider();
        var role = $"arn:aws:iam::210987654321:role/{LocalAws.UniqueName("audit")}";
        var externalId = "ext-" + Guid.NewGuid().ToString("N");
        var session = provider.Resolve(Parameters(p =>
        {
            p.AccessKey = LocalAws.AccessKey;
            p.SecretKey = LocalAws.SecretKey;
            p.Region = LocalAws.Region;
            p.AssumeRoleArn = role;
            p.ExternalId = externalId;
        }));

        var identity = await IdentityReader.ForSession(provider, session).GetAsync(CancellationToken.None);

        Assert.Equal("210987654321", identity.Account);
        Assert.StartsWith("arn:aws:sts::210987654321:assumed-role/", identity.Arn);
        Assert.Contains(externalId, await MotoStateAsync()); // moto recorded the external id AwsGuard sent
        Assert.Same(session.Credentials, provider.Resolve(Parameters(p =>
        {
            p.AccessKey = LocalAws.AccessKey; p.SecretKey = LocalAws.SecretKey; p.Region = LocalAws.Region;
            p.AssumeRoleArn = role; p.ExternalId = externalId;
        })).Credentials);
    }

    [Fact]
    public async Task ARoleProfileIsAssumedThroughTheSameEndpoint()
    {
        var provider = NewProvider();
        var externalId = "prof-" + Guid.NewGuid().ToString("N");
        var session = provider.Resolve(Parameters(p =>
        {
            p.ProfileLocation = CredentialsFile(
                $"[base]\naws_access_key_id = {LocalAws.AccessKey}\naws_secret_access_key = {LocalAws.SecretKey}\n" +
                $"[crossaccount]\nrole_arn = arn:aws:iam::333344445555:role/Reader\nsource_profile = base\nexternal_id = {externalId}\nregion = us-east-1\n");
            p.ProfileName = "crossaccount";
        }));

        var identity = await IdentityReader.ForSession(provider, session).GetAsync(CancellationToken.None);

        Assert.Equal("333344445555", identity.Account);
        Assert.Contains(externalId, await MotoStateAsync());
    }

    [Theory]
    [InlineData("arn:aws:iam::12345:role/Short", null)]
    [InlineData("arn:aws:s3:::bucket", null)]
    [InlineData(null, "an-external-id")]
    [InlineData("arn:aws:iam::123456789012:role/Ok", "x")]
    public void AssumeRoleInputIsValidatedBeforeAnyCall(string? roleArn, string? externalId)
    {
        var error = Assert.Throws<AwsGuardException>(() => NewProvider().Resolve(Parameters(p =>
        {
            p.AccessKey = "AKIA0000000000000000"; p.SecretKey = "s";
            p.AssumeRoleArn = roleArn; p.ExternalId = externalId;
        })));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    private async Task<string> MotoStateAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(_aws.Endpoint, "moto-api/data.json"));
    }

    /// <summary>The shape of AWSCredentials from another AWSSDK.Core: a GetCredentials() whose result has the keys.</summary>
    private sealed class ForeignSdkCredentials
    {
        private readonly string _key, _secret;
        public ForeignSdkCredentials(string key, string secret) { _key = key; _secret = secret; }
        public ForeignKeys GetCredentials() => new(_key, _secret);
    }

    private sealed record ForeignKeys(string AccessKey, string SecretKey, string? Token = null);

    /// <summary>AWS.Tools' AWSPSCredentials keeps its credentials in a non-public member.</summary>
    private sealed class AwsToolsLikeHolder
    {
        public AwsToolsLikeHolder(object credentials) => Credentials = credentials;
        internal object Credentials { get; }
        public override string ToString() => "stored";
    }
}
