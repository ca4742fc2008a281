using System;
using System.Linq;

namespace AwsGuard;

/// <summary>The kind of principal a trust policy names.</summary>
public enum TrustPrincipalType
{
    AWS,
    Service,
    Federated,
    /// <summary>"*", {"AWS": "*"}, a wildcard account, or a NotPrincipal: anyone it does not exclude.</summary>
    Everyone,
}

/// <summary>How the trusted principal relates to the role's account.</summary>
public enum TrustRelationship
{
    SameAccount,
    /// <summary>An account of the caller's organization (known only when the caller may list the organization's accounts).</summary>
    Organization,
    External,
    Everyone,
    Service,
    SamlProvider,
    OidcProvider,
}

/// <summary>How much a trust can be misused; a trust's risk is the highest of its findings.</summary>
public enum TrustRisk
{
    None,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>One problem of a trust: a stable code (PublicTrust, ExternalIdMissing ...), its risk and a line a human understands.</summary>
public sealed class RoleTrustFinding
{
    public string Code { get; set; } = "";
    public TrustRisk Risk { get; set; }
    public string Message { get; set; } = "";

    public override string ToString() => $"{Code} ({Risk}): {Message}";
}

/// <summary>What a role may do: its policy names, and whether any of them allows every action on every resource.</summary>
public sealed class RolePermissions
{
    /// <summary>The managed policies attached to the role, by name.</summary>
    public JoinedList<string> AttachedPolicies { get; set; } = new string[0];

    /// <summary>The role's inline policies, by name.</summary>
    public JoinedList<string> InlinePolicies { get; set; } = new string[0];

    /// <summary>Some policy allows "*" on "*" (AdministratorAccess or its like).</summary>
    public bool AdminLike { get; set; }

    public override string ToString() =>
        string.Join(", ", AttachedPolicies.Concat(InlinePolicies.Select(p => p + " (inline)"))) + (AdminLike ? " [admin-like]" : "");
}

/// <summary>One principal a role's trust policy lets assume the role, how it relates to the account, and what is wrong with it.</summary>
public sealed class RoleTrust
{
    public string RoleName { get; set; } = "";
    public string RoleArn { get; set; } = "";

    /// <summary>The role's account.</summary>
    public string AccountId { get; set; } = "";

    public TrustPrincipalType PrincipalType { get; set; }

    /// <summary>The principal as the trust policy wrote it (an account id, an ARN, a service, a provider, "*").</summary>
    public string Principal { get; set; } = "";

    /// <summary>The account the principal belongs to (for a provider, the account that holds it); null for services and everyone.</summary>
    public string? TrustedAccountId { get; set; }

    public TrustRelationship Relationship { get; set; }

    /// <summary>The statement requires sts:ExternalId to be one fixed value.</summary>
    public bool ExternalIdRequired { get; set; }

    /// <summary>The statement requires a session with MFA (aws:MultiFactorAuthPresent true or aws:MultiFactorAuthAge, not IfExists).</summary>
    public bool MfaRequired { get; set; }

    /// <summary>The statement's conditions as written ("StringEquals sts:ExternalId a1b2").</summary>
    public JoinedList<string> Conditions { get; set; } = new string[0];

    /// <summary>The highest risk of <see cref="Findings"/>; None when there is none.</summary>
    public TrustRisk Risk { get; set; }

    public JoinedList<RoleTrustFinding> Findings { get; set; } = new RoleTrustFinding[0];

    /// <summary>The finding with the highest risk (the first of equals): what the table view shows.</summary>
    public RoleTrustFinding? TopFinding => Findings.OrderByDescending(f => f.Risk).FirstOrDefault();

    /// <summary>When the role was last used (UTC), as IAM tracks it; null when never (or not within IAM's tracking period).</summary>
    public DateTime? LastUsed { get; set; }

    public RolePermissions Permissions { get; set; } = new();

    public override string ToString() => $"{RoleName}: {Relationship} {Principal} ({Risk})";
}
