using System;
using Amazon.Runtime;
using RetryPolicy = AwsGuard.Engine.Sessions.RetryPolicy;

namespace AwsGuard.Engine.Wire;

/// <summary>What every call of one wire client shares: credentials, transport and retry policy.</summary>
internal sealed class WireContext
{
    public WireContext(AWSCredentials credentials, RetryPolicy? retry, WireTransport? transport)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        Retry = retry ?? RetryPolicy.Default;
        Transport = transport ?? WireTransport.Shared;
    }

    public AWSCredentials Credentials { get; }
    public RetryPolicy Retry { get; }
    public WireTransport Transport { get; }
}
