using System;
using System.Threading;
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
    private readonly AWSCredentials _source;
    private readonly Func<IAmazonSecurityTokenService> _sts;
    private readonly string _roleArn;
    private readonly string? _externalId;

    /// <param name="source">The credentials <paramref name="sts"/> signs with, made ready first by <see cref="PrepareAsync"/>.</param>
    public AssumedRoleCredentials(AWSCredentials source, Func<IAmazonSecurityTokenService> sts, string roleArn, string? externalId)
    {
        _source = source;
        _sts = sts;
        _roleArn = roleArn;
        _externalId = externalId;
    }

    /// <summary>
    /// Assumes the role now unless fresh keys are held, honouring <paramref name="cancel"/>: the SDK asks for
    /// credentials without a token, so a caller with a budget (tab completion) makes them ready first.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancel)
    {
        if (_source is AssumedRoleCredentials chained) await chained.PrepareAsync(cancel).ConfigureAwait(false);
        if (currentState is null || currentState.Expiration <= DateTime.UtcNow + PreemptExpiryTime) currentState = await AssumeAsync(cancel).ConfigureAwait(false);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        AssumeAsync(CancellationToken.None).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => AssumeAsync(CancellationToken.None);

    private async Task<CredentialsRefreshState> AssumeAsync(CancellationToken cancel)
    {
        var response = await _sts().AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            ExternalId = _externalId,
            RoleSessionName = "AwsGuard-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmss"),
        }, cancel).ConfigureAwait(false);
        var c = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
            c.Expiration ?? DateTime.UtcNow.AddHours(1));
    }
}
