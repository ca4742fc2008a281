namespace AwsGuard;

/// <summary>
/// One account of the organization (and, with -TargetRegion or -AllRegions, one region of it). AssumeRoleArn, ExternalId
/// and Region bind every AwsGuard cmdlet's session parameters by property name, so each item is acted on in its own account.
/// </summary>
public sealed class AwsGuardAccount
{
    public string AccountId { get; set; } = "";
    public string AccountName { get; set; } = "";
    public string Email { get; set; } = "";
    /// <summary>ACTIVE, SUSPENDED or PENDING_CLOSURE, as Organizations states it.</summary>
    public string Status { get; set; } = "";
    /// <summary>The names from the root down to the account's parent: Root/Security/Audit.</summary>
    public string OrganizationalUnitPath { get; set; } = "";
    /// <summary>arn:&lt;partition&gt;:iam::&lt;id&gt;:role/&lt;RoleName&gt;; null for the caller's own account, reached with its own credentials.</summary>
    public string? AssumeRoleArn { get; set; }
    public string? ExternalId { get; set; }
    /// <summary>The region to act in; null without -TargetRegion or -AllRegions (each cmdlet's own region then applies).</summary>
    public string? Region { get; set; }

    public override string ToString() => Region is null ? $"{AccountId} ({AccountName})" : $"{AccountId} ({AccountName}) {Region}";
}
