using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using AwsGuard.Engine.Diagnostics;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Makes the SDK clients AwsGuard uses, configured one way: the call log in their pipeline, and with an
/// endpoint override (moto, MinIO, a VPC endpoint) path-style S3 with checksums only when required.
/// S3's error answers that the SDK hands back as responses are turned into the errors they are.
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

    public static IAmazonEC2 Ec2(AWSCredentials credentials, string region, Uri? endpoint)
    {
        var config = new AmazonEC2Config();
        Configure(config, region, endpoint);
        return new LoggedEc2Client(credentials, config);
    }

    private static void Configure(ClientConfig config, string region, Uri? endpoint)
    {
        AwsRegions.Require(region); // the SDK would take any name and build a host from it
        // The endpoint is ServiceEndpoints' decision, made for the session's profile and environment; the SDK's own
        // reading of AWS_ENDPOINT_URL* and the default profile must not second-guess it.
        config.IgnoreConfiguredEndpointUrls = true;
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region;
        }
        AwsRetry.Configure(config);
    }

    private sealed class LoggedS3Client : AmazonS3Client
    {
        public LoggedS3Client(AWSCredentials credentials, AmazonS3Config config) : base(credentials, config) { }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new S3ErrorAnswerHandler());
            pipeline.AddHandler(new CallLogHandler()); // outermost: it sees the error the handler above raises
        }
    }

    /// <summary>
    /// The SDK hands a 404 answer to GetBucketPolicy (NoSuchBucketPolicy, NoSuchBucket) back as a response whose Policy is the
    /// error document; this raises it as the AmazonS3Exception it is, for every caller and for the call log.
    /// </summary>
    private sealed class S3ErrorAnswerHandler : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            base.InvokeSync(executionContext);
            ThrowIfError(executionContext.ResponseContext.Response);
        }

        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            var response = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            ThrowIfError(executionContext.ResponseContext.Response);
            return response;
        }

        private static void ThrowIfError(AmazonWebServiceResponse? response)
        {
            if (response is not GetBucketPolicyResponse { } answer) return;
            var text = answer.Policy;
            var status = (int)answer.HttpStatusCode;
            var isDocument = text?.TrimStart().StartsWith("{", StringComparison.Ordinal) ?? false;
            var looksLikeError = text is not null && text.TrimStart().StartsWith("<", StringComparison.Ordinal) && text.Contains("<Error>");
            if (isDocument || (status < 300 && !looksLikeError)) return;
            var code = text is null ? null : Regex.Match(text, "<Code>([^<]*)</Code>").Groups[1].Value;
            var message = text is null ? null : Regex.Match(text, "<Message>([^<]*)</Message>").Groups[1].Value;
            throw new AmazonS3Exception(string.IsNullOrEmpty(message) ? $"GetBucketPolicy answered {status}." : message,
                ErrorType.Sender, string.IsNullOrEmpty(code) ? status.ToString() : code, "", answer.HttpStatusCode);
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

    private sealed class LoggedEc2Client : AmazonEC2Client
    {
        public LoggedEc2Client(AWSCredentials credentials, AmazonEC2Config config) : base(credentials, config) { }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new CallLogHandler());
        }
    }
}
