using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Identity;

namespace AwsGuard.Commands;

/// <summary>Shows who AwsGuard acts as, and which source the credentials and region came from.</summary>
[Cmdlet(VerbsCommon.Get, "AwsGuardIdentity")]
[OutputType(typeof(CallerIdentity))]
public sealed class GetAwsGuardIdentityCommand : AwsCmdlet
{
    protected override async Task EndProcessingAsync() =>
        WriteObject(await IdentityReader.ForSession(Provider, Session).GetAsync(CancelToken).ConfigureAwait(false));
}
