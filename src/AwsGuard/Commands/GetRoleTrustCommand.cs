using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Concurrency;
using AwsGuard.Engine.Roles;

namespace AwsGuard.Commands;

/// <summary>Who can assume the account's roles (other accounts, everyone, identity providers, services), and what is wrong with each trust.</summary>
[Cmdlet(VerbsCommon.Get, "RoleTrust", DefaultParameterSetName = ByName)]
[OutputType(typeof(RoleTrust))]
public sealed class GetRoleTrustCommand : AwsCmdlet
{
    private const string ByName = "RoleName";
    private const string ByArn = "RoleArn";
    // IAM's control plane is rate-limited per account: a few roles at a time keep a large account well inside it.
    private const int RolesAtOnce = 8;

    private BoundedWork _work = null!;

    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? RoleName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByArn, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? RoleArn { get; set; }

    [Parameter]
    public SwitchParameter ExternalOnly { get; set; }

    [Parameter]
    public TrustRisk MinimumRisk { get; set; } = TrustRisk.None;

    /// <summary>The record's reader: each account piped in is read with its own session.</summary>
    private RoleTrustReader Reader => Service(RoleTrustReader.ForSession);

    protected override Task BeginProcessingAsync()
    {
        _work = new BoundedWork(RolesAtOnce, CancelToken);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        if (EverythingForRecord(nameof(RoleName), nameof(RoleArn)))
        {
            await TryItemAsync(SessionTarget, ReadEveryRoleAsync).ConfigureAwait(false);
            return;
        }
        var byArn = ParameterSetName == ByArn;
        foreach (var input in (byArn ? RoleArn : RoleName) ?? Array.Empty<string>())
            await _work.StartAsync(() => ReadAsync(input, byArn)).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        await _work.WhenAllAsync().ConfigureAwait(false);
        if (EverythingByDefault(nameof(RoleName), nameof(RoleArn))) await ReadEveryRoleAsync().ConfigureAwait(false);
    }

    /// <summary>Every role of the session's account, in one read; a role that cannot be judged is its own error.</summary>
    private async Task ReadEveryRoleAsync()
    {
        foreach (var role in await Reader.ReadEveryRoleAsync(CancelToken).ConfigureAwait(false))
            await TryItemAsync(role.RoleName, () =>
            {
                WriteTrusts(TrustDecision.Decide(role));
                return Task.CompletedTask;
            }).ConfigureAwait(false);
    }

    private Task ReadAsync(string input, bool requireArn) => TryItemAsync(input, async () =>
        WriteTrusts(await Reader.ReadAsync(RoleReference.Parse(input, requireArn), CancelToken).ConfigureAwait(false)));

    private void WriteTrusts(IEnumerable<RoleTrust> trusts)
    {
        foreach (var trust in trusts)
            if (trust.Risk >= MinimumRisk && (!ExternalOnly || TrustDecision.IsOutside(trust.Relationship)))
                WriteObject(trust);
    }
}
