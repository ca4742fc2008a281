using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Identity;

namespace AwsGuard.Commands;

/// <summary>Shows who AwsGuard acts as, and which source the credentials and region came from.</summary>
[Cmdlet(VerbsCommon.Get, "AwsGuardIdentity")]
[OutputType(typeof(CallerIdentity))]
public sealed class GetAwsGuardIdentityCommand : AwsCmdlet
{
    /// <summary>Each piped account or region: who AwsGuard acts as there.</summary>
    protected override Task ProcessRecordAsync() => TryItemAsync(SessionTarget, WriteIdentityAsync);

    protected override Task EndProcessingAsync() => EverythingByDefault() ? WriteIdentityAsync() : Task.CompletedTask;

    private async Task WriteIdentityAsync() =>
        WriteObject(await Service(IdentityReader.ForSession).GetAsync(CancelToken).ConfigureAwait(false));
}
