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

    public static IS3ControlClient S3Control(AWSCredentials credentials, string region, Uri? endpoint) => new S3ControlClient(credentials, region, endpoint);

    public static IOrganizationsClient Organizations(AWSCredentials credentials, string region, Uri? endpoint) =>
        new OrganizationsClient(credentials, region, endpoint);

    public static IEc2RegionsClient Ec2Regions(AWSCredentials credentials, string region, Uri? endpoint) => new Ec2RegionsClient(credentials, region, endpoint);
}
