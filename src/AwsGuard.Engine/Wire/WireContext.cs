using System;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>What every call of one wire client shares: credentials, transport and retry policy.</summary>
internal sealed class WireContext
{
    public WireContext(AWSCredentials credentials, AwsRetry? retry, WireTransport? transport)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        Retry = retry ?? AwsRetry.ForNewClient;
        Transport = transport ?? WireTransport.Shared;
    }

    public AWSCredentials Credentials { get; }
    public AwsRetry Retry { get; }
    public WireTransport Transport { get; }
}
