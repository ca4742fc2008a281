using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>The calling account's S3 Block Public Access settings.</summary>
public static class AccountBlockPublicAccess
{
    /// <summary>The account id from STS GetCallerIdentity, then S3 Control; null when the account has none configured.</summary>
    public static async Task<BlockPublicAccessFlags?> ReadAsync(SessionProvider provider, AwsSession session, string region, CancellationToken cancel)
    {
        var identity = await IdentityReader.ForSession(provider, session).GetAsync(cancel).ConfigureAwait(false);
        var client = provider.GetClient("s3control", session, region, WireClients.S3Control);
        return await client.GetPublicAccessBlockAsync(identity.Account, cancel).ConfigureAwait(false);
    }
}
