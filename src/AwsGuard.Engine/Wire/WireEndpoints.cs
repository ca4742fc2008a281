using System;
using System.Text.RegularExpressions;

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
/// Endpoints of the services the wire client calls, per botocore's endpoints.json: regional endpoints in the standard
/// partition (amazonaws.com), China (amazonaws.com.cn) and GovCloud; IAM's one endpoint per partition, signed for that
/// partition's home region. An endpoint override (-EndpointUrl) replaces the host and keeps the signing region.
/// </summary>
public static class WireEndpoints
{
    private static readonly Regex RegionPattern = new("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant);

    public static WireEndpoint Logs(string region, Uri? endpointOverride) => Regional("logs", region, endpointOverride);

    public static WireEndpoint StorageGateway(string region, Uri? endpointOverride) => Regional("storagegateway", region, endpointOverride);

    /// <summary>IAM: iam.amazonaws.com (us-east-1), iam.cn-north-1.amazonaws.com.cn (cn-north-1), iam.us-gov.amazonaws.com (us-gov-west-1).</summary>
    public static WireEndpoint Iam(string region, Uri? endpointOverride)
    {
        Validate(region);
        var (host, signingRegion) = Partition(region) switch
        {
            "aws-cn" => ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            "aws-us-gov" => ("iam.us-gov.amazonaws.com", "us-gov-west-1"),
            _ => ("iam.amazonaws.com", "us-east-1"),
        };
        return new WireEndpoint(endpointOverride ?? new Uri("https://" + host + "/"), signingRegion);
    }

    /// <summary>S3 Control: &lt;account&gt;.s3-control.&lt;region&gt;.&lt;suffix&gt;; with an override, no account prefix (moto serves it by path).</summary>
    public static WireEndpoint S3Control(string region, string accountId, Uri? endpointOverride)
    {
        Validate(region);
        if (endpointOverride is not null) return new WireEndpoint(endpointOverride, region);
        return new WireEndpoint(new Uri($"https://{accountId}.s3-control.{region}.{DnsSuffix(region)}/"), region);
    }

    /// <summary>"aws-cn" for cn-*, "aws-us-gov" for us-gov-*, else "aws".</summary>
    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    private static string DnsSuffix(string region) => Partition(region) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";

    private static WireEndpoint Regional(string prefix, string region, Uri? endpointOverride)
    {
        Validate(region);
        return new WireEndpoint(endpointOverride ?? new Uri($"https://{prefix}.{region}.{DnsSuffix(region)}/"), region);
    }

    private static void Validate(string region)
    {
        if (region is null || !RegionPattern.IsMatch(region))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRegion",
                $"'{region}' is not an AWS region name (for example us-east-1, cn-north-1, us-gov-west-1).", region);
    }
}
