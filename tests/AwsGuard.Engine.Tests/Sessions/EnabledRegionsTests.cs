using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Sessions;

/// <summary>What -AllRegions means for every cmdlet: the regions EC2 DescribeRegions says the account may use.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class EnabledRegionsTests
{
    private readonly LocalAws _aws;

    public EnabledRegionsTests(LocalAws aws) => _aws = aws;

    [Fact]
    public async Task Lists_the_regions_the_cli_reads_as_enabled_and_leaves_out_those_not_opted_in()
    {
        var listed = await new EnabledRegions(AwsClients.Ec2(Tools.Keys, LocalAws.Region, _aws.Endpoint)).ListAsync(CancellationToken.None);

        var cli = JsonDocument.Parse(await Tools.Aws(_aws.Endpoint, "ec2", "describe-regions", "--region", LocalAws.Region, "--output", "json"))
            .RootElement.GetProperty("Regions").EnumerateArray()
            .Select(r => (Name: r.GetProperty("RegionName").GetString()!, OptIn: r.GetProperty("OptInStatus").GetString()))
            .ToList();
        Assert.Equal(cli.Where(r => r.OptIn != "not-opted-in").Select(r => r.Name).OrderBy(n => n, System.StringComparer.Ordinal), listed);
        Assert.Contains("us-east-1", listed);
        Assert.Contains(cli, r => r.OptIn == "not-opted-in"); // the answer holds regions to leave out, so the filter is tested
        Assert.DoesNotContain("me-south-1", listed);
    }
}
