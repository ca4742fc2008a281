using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Identity;

/// <summary>Asks STS who the session's credentials belong to.</summary>
public sealed class IdentityReader
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly AwsSession _session;

    /// <param name="session">Where the credentials and region came from, as the answer reports them.</param>
    public IdentityReader(IAmazonSecurityTokenService sts, AwsSession session)
    {
        _sts = sts;
        _session = session;
    }

    public static IdentityReader ForSession(SessionProvider provider, AwsSession session) =>
        new(provider.GetClient("sts", session, session.RegionOrDefault, AwsClients.Sts), session);

    public async Task<CallerIdentity> GetAsync(CancellationToken cancel)
    {
        var answer = await _sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancel).ConfigureAwait(false);
        return new CallerIdentity
        {
            Account = answer.Account,
            AccountId = answer.Account,
            Arn = answer.Arn,
            UserId = answer.UserId,
            Region = _session.Region,
            RegionSource = _session.RegionSource,
            CredentialSource = _session.CredentialSource,
            Endpoints = _session.Endpoints
                .Select(endpoint => new ServiceEndpoint
                {
                    Service = ServiceEndpoints.ServiceIds[endpoint.Key],
                    Url = endpoint.Value.Url?.AbsoluteUri,
                    Source = endpoint.Value.Source,
                })
                .ToArray(),
        };
    }
}
