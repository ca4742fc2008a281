using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Identity;

namespace AwsGuard.Commands;

/// <summary>Shows who AwsGuard acts as, and which source the credentials and region came from.</summary>
[Cmdlet(VerbsCommon.Get, "AwsGuardIdentity")]
[OutputType(typeof(CallerIdentity))]
public sealed class GetAwsGuardIdentityCommand : AwsCmdlet
{
    /// <summary>
    /// Once without pipeline input (a failure ends the command); with it, once per piped account or region, each
    /// failure that record's error.
    /// </summary>
    protected override Task ProcessRecordAsync() =>
        OnPipeline(() => MyInvocation.ExpectingInput) ? TryItemAsync(SessionTarget, WriteIdentityAsync) : WriteIdentityAsync();

    private async Task WriteIdentityAsync() =>
        WriteObject(await Service(IdentityReader.ForSession).GetAsync(CancelToken).ConfigureAwait(false));
}
