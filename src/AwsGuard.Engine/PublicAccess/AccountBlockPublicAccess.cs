using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>The calling account's S3 Block Public Access settings.</summary>
public static class AccountBlockPublicAccess
{
    /// <summary>The session's account id, then S3 Control; null when the account has none configured.</summary>
    public static async Task<BlockPublicAccessFlags?> ReadAsync(SessionProvider provider, AwsSession session, string region, CancellationToken cancel)
    {
        var account = await provider.AccountIdAsync(session, cancel).ConfigureAwait(false);
        var client = provider.GetClient("s3control", session, region, WireClients.S3Control);
        return await client.GetPublicAccessBlockAsync(account, cancel).ConfigureAwait(false);
    }
}
