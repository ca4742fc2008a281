using System;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>Where a wire call goes and for which region it is signed.</summary>
public sealed class WireEndpoint
{
    public WireEndpoint(Uri url, string signingRegion)
    {
        Url = url;
        SigningRegion = signingRegion;
    }

    public Uri Url { get; }
    public string SigningRegion { get; }
}

/// <summary>
/// Endpoints of the services the wire client calls, per botocore's endpoints.json: regional endpoints under the
/// partition's DNS suffix (from the SDK's partition data, as <see cref="AwsRegions"/> checks the name); IAM's one
/// endpoint per partition, signed for that partition's home region. An endpoint override (as <see cref="ServiceEndpoints"/> picks it) replaces the
/// host and keeps the signing region.
/// </summary>
public static class WireEndpoints
{
    public static WireEndpoint Logs(string region, Uri? endpointOverride) => Regional("logs", region, endpointOverride);

    public static WireEndpoint Efs(string region, Uri? endpointOverride) => Regional("elasticfilesystem", region, endpointOverride);

    public static WireEndpoint CloudWatch(string region, Uri? endpointOverride) => Regional("monitoring", region, endpointOverride);

    public static WireEndpoint StorageGateway(string region, Uri? endpointOverride) => Regional("storagegateway", region, endpointOverride);

    public static WireEndpoint Events(string region, Uri? endpointOverride) => Regional("events", region, endpointOverride);

    public static WireEndpoint Sns(string region, Uri? endpointOverride) => Regional("sns", region, endpointOverride);

    public static WireEndpoint CloudTrail(string region, Uri? endpointOverride) => Regional("cloudtrail", region, endpointOverride);

    public static WireEndpoint ElasticLoadBalancing(string region, Uri? endpointOverride) => Regional("elasticloadbalancing", region, endpointOverride);

    public static WireEndpoint Wafv2(string region, Uri? endpointOverride) => Regional("wafv2", region, endpointOverride);

    /// <summary>CloudFront: one endpoint per partition (cloudfront.amazonaws.com, signed for us-east-1).</summary>
    public static WireEndpoint CloudFront(string region, Uri? endpointOverride) =>
        Global(region, endpointOverride, ("aws", "cloudfront.amazonaws.com", "us-east-1"), ("aws-cn", "cloudfront.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"));

    /// <summary>Route 53: one endpoint per partition (route53.amazonaws.com, signed for us-east-1).</summary>
    public static WireEndpoint Route53(string region, Uri? endpointOverride) =>
        Global(region, endpointOverride, ("aws", "route53.amazonaws.com", "us-east-1"), ("aws-cn", "route53.amazonaws.com.cn", "cn-northwest-1"),
            ("aws-us-gov", "route53.us-gov.amazonaws.com", "us-gov-west-1"));

    /// <summary>Shield: shield.us-east-1.amazonaws.com for the commercial partition, which holds every subscription and protection.</summary>
    public static WireEndpoint Shield(string region, Uri? endpointOverride) =>
        Global(region, endpointOverride, ("aws", "shield.us-east-1.amazonaws.com", "us-east-1"));

    /// <summary>
    /// IAM: iam.amazonaws.com (us-east-1), iam.cn-north-1.amazonaws.com.cn (cn-north-1), iam.us-gov.amazonaws.com
    /// (us-gov-west-1); in the other partitions iam.&lt;region&gt;.&lt;suffix&gt;, as botocore names their home regions.
    /// </summary>
    public static WireEndpoint Iam(string region, Uri? endpointOverride)
    {
        var (host, signingRegion) = AwsRegions.PartitionOf(region) switch
        {
            "aws" => ("iam.amazonaws.com", "us-east-1"),
            "aws-cn" => ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            "aws-us-gov" => ("iam.us-gov.amazonaws.com", "us-gov-west-1"),
            _ => ($"iam.{region}.{AwsRegions.DnsSuffixOf(region)}", region),
        };
        return new WireEndpoint(endpointOverride ?? new Uri("https://" + host + "/"), signingRegion);
    }

    /// <summary>
    /// Organizations: one endpoint per partition, as botocore's endpoints.json names it: organizations.us-east-1.amazonaws.com
    /// (aws), organizations.cn-northwest-1.amazonaws.com.cn (aws-cn), organizations.us-gov-west-1.amazonaws.com (aws-us-gov);
    /// elsewhere the region's own.
    /// </summary>
    public static WireEndpoint Organizations(string region, Uri? endpointOverride)
    {
        var home = AwsRegions.PartitionOf(region) switch
        {
            "aws" => "us-east-1",
            "aws-cn" => "cn-northwest-1",
            "aws-us-gov" => "us-gov-west-1",
            _ => region,
        };
        return Regional("organizations", home, endpointOverride);
    }

    /// <summary>S3 Control: &lt;account&gt;.s3-control.&lt;region&gt;.&lt;suffix&gt;; with an override, no account prefix (moto serves it by path).</summary>
    public static WireEndpoint S3Control(string region, string accountId, Uri? endpointOverride)
    {
        AwsRegions.Require(region);
        if (endpointOverride is not null) return new WireEndpoint(endpointOverride, region);
        return new WireEndpoint(new Uri($"https://{accountId}.s3-control.{region}.{AwsRegions.DnsSuffixOf(region)}/"), region);
    }

    /// <summary>A service with one endpoint per partition; in a partition not listed, its regional endpoint.</summary>
    private static WireEndpoint Global(string region, Uri? endpointOverride, params (string Partition, string Host, string SigningRegion)[] homes)
    {
        var partition = AwsRegions.PartitionOf(region);
        foreach (var home in homes)
            if (home.Partition == partition) return new WireEndpoint(endpointOverride ?? new Uri("https://" + home.Host + "/"), home.SigningRegion);
        return Regional(homes[0].Host.Split('.')[0], region, endpointOverride);
    }

    private static WireEndpoint Regional(string prefix, string region, Uri? endpointOverride)
    {
        AwsRegions.Require(region);
        return new WireEndpoint(endpointOverride ?? new Uri($"https://{prefix}.{region}.{AwsRegions.DnsSuffixOf(region)}/"), region);
    }
}
