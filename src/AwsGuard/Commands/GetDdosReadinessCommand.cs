using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Ddos;

namespace AwsGuard.Commands;

/// <summary>Every internet-facing entry point (or the ones named) and what stands between it and a flood: WAF, Shield Advanced, origin exposure.</summary>
[Cmdlet(VerbsCommon.Get, "DdosReadiness", DefaultParameterSetName = ScanSet)]
[OutputType(typeof(DdosReadiness))]
public sealed class GetDdosReadinessCommand : AwsCmdlet
{
    private const string ScanSet = "Scan";
    private const string ArnSet = "ResourceArn";

    [Parameter(Position = 0, ParameterSetName = ArnSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourceArn { get; set; }

    [Parameter(ParameterSetName = ScanSet)]
    public SwitchParameter AllRegions { get; set; }

    /// <summary>The record's scanner: each account (and region) piped in is scanned with its own session.</summary>
    private DdosReadinessScanner Scanner => Service(DdosReadinessScanner.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        if (ResourceArn is null)
        {
            if (EverythingForRecord(nameof(ResourceArn))) await TryItemAsync(SessionTarget, ScanAllAsync).ConfigureAwait(false);
            return;
        }
        var scanner = Scanner;
        foreach (var arn in ResourceArn)
            await TryItemAsync(arn, async () => WriteObject(await scanner.EvaluateAsync(arn, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        if (EverythingByDefault(nameof(ResourceArn))) await ScanAllAsync().ConfigureAwait(false);
    }

    /// <summary>Every entry point of the session's account: its region's (or every enabled region's), then the global ones.</summary>
    private async Task ScanAllAsync()
    {
        var scanner = Scanner;
        foreach (var region in await RegionsAsync(AllRegions).ConfigureAwait(false))
        {
            await TryItemAsync(region, () => scanner.ScanLoadBalancersAsync(region, WriteObject, CancelToken)).ConfigureAwait(false);
            await TryItemAsync(region, () => scanner.ScanElasticIpsAsync(region, WriteObject, CancelToken)).ConfigureAwait(false);
        }
        await TryItemAsync("CloudFront", () => scanner.ScanDistributionsAsync(WriteObject, CancelToken)).ConfigureAwait(false);
        await TryItemAsync("Route 53", () => scanner.ScanHostedZonesAsync(WriteObject, CancelToken)).ConfigureAwait(false);
    }
}
