using System.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Catalog;
using AwsGuard.Engine.Gateways;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Sessions;

/// <summary>One region rule, from the SDK's partition data, for completion, the session and every client alike.</summary>
public sealed class AwsRegionsTests
{
    private static readonly AWSCredentials Keys = new BasicAWSCredentials("AKIAREGIONRULE000001", "s");

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("eusc-de-east-1", true)]
    [InlineData("cn-northwest-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("us-isob-east-1", true)]
    [InlineData("mx-central-1", true)]
    [InlineData("us-east-1-regional", false)]
    [InlineData("aws-global", false)]
    [InlineData("evil.example.com/x", false)]
    [InlineData("us-east-\u0661", false)]
    [InlineData("", false)]
    [InlineData("us-east-1\n", false)] // a name read from a file with its newline
    public void ARegionIsANameThatMatchesAPartition(string name, bool isRegion) =>
        Assert.Equal(isRegion, AwsRegions.IsRegion(name));

    [Fact]
    public void CompletionOffersOnlyNamesEveryClientAccepts()
    {
        var offered = CompletionNames.Regions().ToList();

        Assert.Contains("eusc-de-east-1", offered);
        Assert.DoesNotContain("us-east-1-regional", offered);
        foreach (var region in offered)
        {
            WireEndpoints.Logs(region, null);
            WireEndpoints.Iam(region, null);
            WireEndpoints.S3Control(region, "123456789012", null);
            AwsClients.S3(Keys, region, null).Dispose();
        }
    }

    [Theory]
    [InlineData("us-east-1-regional")]
    [InlineData("aws-global")]
    public void ANameOutsideTheRuleIsRefusedByTheSessionAndEveryClient(string name)
    {
        AwsGuardException[] errors =
        {
            Assert.Throws<AwsGuardException>(() => new SessionProvider(_ => null).Resolve(new SessionParameters { AccessKey = "AKIAREGIONRULE000001", SecretKey = "s", Region = name })),
            Assert.Throws<AwsGuardException>(() => AwsClients.S3(Keys, name, null)),
            Assert.Throws<AwsGuardException>(() => AwsClients.Sts(Keys, name, new System.Uri("http://127.0.0.1:9/"))),
            Assert.Throws<AwsGuardException>(() => WireEndpoints.Logs(name, null)),
            Assert.Throws<AwsGuardException>(() => WireEndpoints.Iam(name, null)),
        };

        Assert.All(errors, error => Assert.Equal("InvalidRegion", error.ErrorId));
    }

    [Theory]
    [InlineData("eusc-de-east-1", "https://logs.eusc-de-east-1.amazonaws.eu/")]
    [InlineData("us-isob-east-1", "https://logs.us-isob-east-1.sc2s.sgov.gov/")]
    public void RegionalEndpointsUseThePartitionsDnsSuffix(string region, string url) =>
        Assert.Equal(url, WireEndpoints.Logs(region, null).Url.AbsoluteUri);

    [Fact]
    public void StorageGatewayArnsTakeTheSameRule()
    {
        const string gateway = "arn:aws-eusc:storagegateway:eusc-de-east-1:123456789012:gateway/sgw-12A3456B";

        Assert.Equal("eusc-de-east-1", ChapRules.GatewayRegion(gateway));
        Assert.Equal("eusc-de-east-1", ChapRules.ParseTargetArn(gateway + "/target/iqn.1997-05.com.amazon:finance").Region);
        Assert.Equal("InvalidGatewayArn", Assert.Throws<AwsGuardException>(() =>
            ChapRules.GatewayRegion("arn:aws:storagegateway:us-east-1-regional:123456789012:gateway/sgw-12A3456B")).ErrorId);
    }
}
