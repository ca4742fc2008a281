using System;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.SecurityToken;
using AwsGuard.Engine.Diagnostics;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Makes the SDK clients AwsGuard uses, configured one way: the call log in their pipeline, and with an
/// endpoint override (moto, MinIO, a VPC endpoint) path-style S3 with checksums only when required.
/// </summary>
public static class AwsClients
{
    public static IAmazonS3 S3(AWSCredentials credentials, string region, Uri? endpoint)
    {
        // Bodies are written in 256 KB pieces, not the SDK's 8 KB: fewer, larger writes cost less on both ends.
        var config = new AmazonS3Config { BufferSize = 256 * 1024 };
        Configure(config, region, endpoint);
        if (endpoint is not null)
        {
            config.ForcePathStyle = true;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        return new LoggedS3Client(credentials, config);
    }

    public static IAmazonSecurityTokenService Sts(AWSCredentials credentials, string region, Uri? endpoint)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, region, endpoint);
        return new LoggedStsClient(credentials, config);
    }

    private static void Configure(ClientConfig config, string region, Uri? endpoint)
    {
        AwsRegions.Require(region); // the SDK would take any name and build a host from it
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region;
        }
        RetryPolicy.Configure(config);
    }

    private sealed class LoggedS3Client : AmazonS3Client
    {
        public LoggedS3Client(AWSCredentials credentials, AmazonS3Config config) : base(credentials, config) { }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new CallLogHandler());
        }
    }

    private sealed class LoggedStsClient : AmazonSecurityTokenServiceClient
    {
        public LoggedStsClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config) : base(credentials, config) { }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new CallLogHandler());
        }
    }
}
