using System;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>Makes the wire clients the way <see cref="AwsClients"/> makes SDK clients: fit for <see cref="SessionProvider.GetClient{T}"/>.</summary>
public static class WireClients
{
    public static ILogsClient Logs(AWSCredentials credentials, string region, Uri? endpoint) => new LogsClient(credentials, region, endpoint);

    public static IStorageGatewayClient StorageGateway(AWSCredentials credentials, string region, Uri? endpoint) =>
        new StorageGatewayClient(credentials, region, endpoint);

    public static IIamClient Iam(AWSCredentials credentials, string region, Uri? endpoint) => new IamClient(credentials, region, endpoint);

    public static IOrganizationsClient Organizations(AWSCredentials credentials, string region, Uri? endpoint) => new OrganizationsClient(credentials, region, endpoint);

    public static IS3ControlClient S3Control(AWSCredentials credentials, string region, Uri? endpoint) => new S3ControlClient(credentials, region, endpoint);

    public static IEfsClient Efs(AWSCredentials credentials, string region, Uri? endpoint) => new EfsClient(credentials, region, endpoint);

    public static ICloudWatchClient CloudWatch(AWSCredentials credentials, string region, Uri? endpoint) => new CloudWatchClient(credentials, region, endpoint);

    public static IEventBridgeClient Events(AWSCredentials credentials, string region, Uri? endpoint) => new EventBridgeClient(credentials, region, endpoint);

    public static ISnsClient Sns(AWSCredentials credentials, string region, Uri? endpoint) => new SnsClient(credentials, region, endpoint);

    public static ICloudTrailClient CloudTrail(AWSCredentials credentials, string region, Uri? endpoint) => new CloudTrailClient(credentials, region, endpoint);

    public static IElasticLoadBalancingClient ElasticLoadBalancing(AWSCredentials credentials, string region, Uri? endpoint) =>
        new ElasticLoadBalancingClient(credentials, region, endpoint);

    public static ICloudFrontClient CloudFront(AWSCredentials credentials, string region, Uri? endpoint) => new CloudFrontClient(credentials, region, endpoint);

    public static IRoute53Client Route53(AWSCredentials credentials, string region, Uri? endpoint) => new Route53Client(credentials, region, endpoint);

    public static IWafv2Client Wafv2(AWSCredentials credentials, string region, Uri? endpoint) => new Wafv2Client(credentials, region, endpoint);

    public static IShieldClient Shield(AWSCredentials credentials, string region, Uri? endpoint) => new ShieldClient(credentials, region, endpoint);
}
