namespace AwsGuard;

/// <summary>A role created for a third party: what to hand to the third party (RoleArn, ExternalId) and the documents it was made of.</summary>
public sealed class ThirdPartyRole
{
    public string RoleName { get; set; } = "";
    public string RoleArn { get; set; } = "";
    public string AccountId { get; set; } = "";

    /// <summary>The external id the trust policy requires: the one the third party gave.</summary>
    public string ExternalId { get; set; } = "";

    /// <summary>The trust policy (JSON): only the third party's principal, only with the external id.</summary>
    public string TrustPolicy { get; set; } = "";

    /// <summary>The role's one inline policy (JSON): exactly the actions on the resources given.</summary>
    public string PermissionPolicy { get; set; } = "";

    public override string ToString() => RoleArn;
}
