using System;

namespace AwsGuard;

/// <summary>What Revoke-RoleSession did to one role's AWSRevokeOlderSessions policy.</summary>
public enum RevocationAction
{
    /// <summary>The role had no revocation policy; it has one now.</summary>
    Created,
    /// <summary>The role's revocation policy had an earlier time (or was not a revocation policy); it has the new time now.</summary>
    Updated,
    /// <summary>The role's revocation policy already had this time or a later one, which was kept; nothing was written.</summary>
    Unchanged,
}

/// <summary>One role whose sessions issued before <see cref="RevokedBefore"/> are denied everything.</summary>
public sealed class RoleSessionRevocation
{
    public string RoleName { get; set; } = "";
    public string RoleArn { get; set; } = "";
    public string AccountId { get; set; } = "";
    /// <summary>UTC, to the millisecond, as the policy states it: sessions issued before it are denied.</summary>
    public DateTime RevokedBefore { get; set; }
    public string PolicyName { get; set; } = "";
    public RevocationAction Action { get; set; }
}
