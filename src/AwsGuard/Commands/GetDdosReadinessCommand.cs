using System.Collections.Generic;
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
    private DdosReadinessScanner _scanner = null!;

    [Parameter(Position = 0, ParameterSetName = ArnSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourceArn { get; set; }

    [Parameter(ParameterSetName = ScanSet)]
    public SwitchParameter AllRegions { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _scanner = DdosReadinessScanner.ForSession(Provider, Session);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        foreach (var arn in ResourceArn ?? new string[0])
            await TryItemAsync(arn, async () => WriteObject(await _scanner.EvaluateAsync(arn, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        if (!EverythingByDefault(nameof(ResourceArn))) return;
        IReadOnlyList<string> regions = AllRegions
            ? await _scanner.EnabledRegionsAsync(CancelToken).ConfigureAwait(false)
            : new[] { Session.RequireRegion() };
        foreach (var region in regions)
        {
            await TryItemAsync(region, () => _scanner.ScanLoadBalancersAsync(region, WriteObject, CancelToken)).ConfigureAwait(false);
            await TryItemAsync(region, () => _scanner.ScanElasticIpsAsync(region, WriteObject, CancelToken)).ConfigureAwait(false);
        }
        await TryItemAsync("CloudFront", () => _scanner.ScanDistributionsAsync(WriteObject, CancelToken)).ConfigureAwait(false);
        await TryItemAsync("Route 53", () => _scanner.ScanHostedZonesAsync(WriteObject, CancelToken)).ConfigureAwait(false);
    }
}
