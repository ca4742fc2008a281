using System;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Credentials of a role assumed through STS with AwsGuard's own STS client, so the assumption honours
/// the session's endpoint and region (the SDK's own AssumeRoleAWSCredentials always calls AWS).
/// Renewed by the SDK's refresh logic before they expire.
/// </summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly Func<IAmazonSecurityTokenService> _sts;
    private readonly string _roleArn;
    private readonly string? _externalId;

    public AssumedRoleCredentials(Func<IAmazonSecurityTokenService> sts, string roleArn, string? externalId)
    {
        _sts = sts;
        _roleArn = roleArn;
        _externalId = externalId;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts().AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            ExternalId = _externalId,
            RoleSessionName = "AwsGuard-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmss"),
        }).ConfigureAwait(false);
        var c = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
            c.Expiration ?? DateTime.UtcNow.AddHours(1));
    }
}
