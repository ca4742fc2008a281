using System.Security;

namespace AwsGuard;

/// <summary>
/// The CHAP setting of one iSCSI target of a Storage Gateway for one initiator (or, with <see cref="ChapEnabled"/>
/// false, a target without CHAP). TargetArn and InitiatorName bind Set-GatewayChap's parameters by property name.
/// The secrets are SecureStrings only: no plain-text copy is kept, and ToString and the default view never show them.
/// </summary>
public sealed class ChapCredential
{
    public string TargetArn { get; set; } = "";

    /// <summary>The gateway's account and region (from the target ARN).</summary>
    public string AccountId { get; set; } = "";
    public string Region { get; set; } = "";

    /// <summary>The target's iSCSI qualified name (the part of the ARN after /target/), for the initiator's -NodeAddress.</summary>
    public string TargetName { get; set; } = "";

    public string GatewayArn { get; set; } = "";

    /// <summary>The volume behind the target, where known (an audit of a gateway knows it; a target ARN alone does not).</summary>
    public string? VolumeArn { get; set; }

    /// <summary>The initiator this entry is for; null when the target has no CHAP entry.</summary>
    public string? InitiatorName { get; set; }

    public bool ChapEnabled { get; set; }

    /// <summary>The target authenticates back to the initiator (a SecretToAuthenticateTarget is set).</summary>
    public bool MutualChap { get; set; }

    /// <summary>The secret the initiator presents to the target (Connect-IscsiTarget -ChapSecret).</summary>
    public SecureString? InitiatorSecret { get; set; }

    /// <summary>The secret the target presents to the initiator in mutual CHAP (the initiator's Set-IscsiChapSecret).</summary>
    public SecureString? TargetSecret { get; set; }

    public override string ToString() => $"{TargetArn} {InitiatorName} (secrets hidden)";
}
