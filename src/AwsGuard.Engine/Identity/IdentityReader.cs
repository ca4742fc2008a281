using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SecurityToken.Model;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Identity;

/// <summary>Asks STS who the session's credentials belong to.</summary>
public static class IdentityReader
{
    public static async Task<CallerIdentity> GetAsync(SessionProvider provider, AwsSession session, CancellationToken cancel)
    {
        var region = session.Region ?? "us-east-1"; // STS answers in any region; a session needs none to ask who it is
        var sts = provider.GetClient("sts", session, region, AwsClients.Sts);
        var answer = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancel).ConfigureAwait(false);
        return new CallerIdentity
        {
            Account = answer.Account,
            Arn = answer.Arn,
            UserId = answer.UserId,
            Region = session.Region,
            RegionSource = session.RegionSource,
            CredentialSource = session.CredentialSource,
            Endpoints = session.Endpoints
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
