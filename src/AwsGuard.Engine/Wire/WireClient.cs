using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>What every wire client is built on: the context (credentials, retry, transport) that all its calls share.</summary>
public abstract class WireClient
{
    private protected WireClient(AWSCredentials credentials, AwsRetry? retry, WireTransport? transport) =>
        Context = new WireContext(credentials, retry, transport);

    private protected WireContext Context { get; }
}
