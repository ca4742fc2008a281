using System;

namespace AwsGuard.Engine.Ddos;

/// <summary>An entry point's ARN, checked before any call: its type, region (for regional resources) and id.</summary>
public sealed class DdosArn(DdosResourceType type, string region, string id)
{
    public DdosResourceType Type { get; } = type;
    public string Region { get; } = region;
    public string Id { get; } = id;

    /// <summary>
    /// Load balancers (…:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app|net/NAME/ID), distributions
    /// (…:cloudfront::ACCOUNT:distribution/ID), hosted zones (…:route53:::hostedzone/ID) and Elastic IPs
    /// (…:ec2:REGION:ACCOUNT:elastic-ip/eipalloc-ID).
    /// </summary>
    public static DdosArn Parse(string? arn)
    {
        var parts = (arn ?? "").Split(new[] { ':' }, 6);
        if (parts.Length == 6 && parts[0] == "arn")
        {
            var resource = parts[5];
            var slash = resource.LastIndexOf('/');
            var id = slash >= 0 ? resource.Substring(slash + 1) : "";
            var kind = (parts[2], resource.Split('/')[0]) switch
            {
                ("elasticloadbalancing", "loadbalancer") when resource.StartsWith("loadbalancer/app/", StringComparison.Ordinal) => DdosResourceType.ApplicationLoadBalancer,
                ("elasticloadbalancing", "loadbalancer") when resource.StartsWith("loadbalancer/net/", StringComparison.Ordinal) => DdosResourceType.NetworkLoadBalancer,
                ("cloudfront", "distribution") => DdosResourceType.CloudFrontDistribution,
                ("route53", "hostedzone") => DdosResourceType.HostedZone,
                ("ec2", "elastic-ip") => DdosResourceType.ElasticIp,
                _ => (DdosResourceType?)null,
            };
            var regional = kind is DdosResourceType.ApplicationLoadBalancer or DdosResourceType.NetworkLoadBalancer or DdosResourceType.ElasticIp;
            if (kind is { } type && id.Length > 0 && (!regional || Sessions.AwsRegions.IsRegion(parts[3])))
                return new DdosArn(type, parts[3], id);
        }
        throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidResourceArn",
            $"'{arn}' is not the ARN of an Application or Network Load Balancer, CloudFront distribution, Route 53 hosted zone or Elastic IP.", arn);
    }
}
