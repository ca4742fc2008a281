using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AwsGuard.Engine.Policies;
using AwsGuard.Engine.PublicAccess;

namespace AwsGuard.Engine.Roles;

/// <summary>What <see cref="TrustDecision"/> judges one role by; read by <see cref="RoleTrustReader"/>, or written by a test.</summary>
public sealed class RoleTrustFacts
{
    public string RoleName { get; set; } = "";
    public string RoleArn { get; set; } = "";
    public string AccountId { get; set; } = "";
    /// <summary>The trust policy as JSON.</summary>
    public string TrustPolicy { get; set; } = "";
    public DateTime? CreateDate { get; set; }
    public DateTime? LastUsed { get; set; }
    public RolePermissions Permissions { get; set; } = new();
    /// <summary>The caller's organization's account ids; null when they could not be listed (then no account is Organization).</summary>
    public ISet<string>? OrganizationAccounts { get; set; }
    public DateTime Now { get; set; } = DateTime.UtcNow;
}

/// <summary>
/// Judges a role's trust policy: one <see cref="RoleTrust"/> per principal of every Allow statement that grants
/// sts:AssumeRole, sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML. Rules and decisions:
/// <list type="bullet">
/// <item>Relationship: an AWS principal's account (bare id or from its ARN) is SameAccount, Organization (a listed account of the
/// caller's organization) or External; "*", a wildcard account or a NotPrincipal is Everyone, unless a condition pins it (by
/// <see cref="ConditionRules"/>) with aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths,
/// aws:userid, aws:SourceAccount, aws:SourceArn or aws:SourceOwner: then the pinned account decides (Organization for an
/// organization pin when the organization is known, else External). Federated SAML providers are SamlProvider, any other
/// Federated principal is OidcProvider; Service principals are Service.</item>
/// <item>ExternalIdRequired: sts:ExternalId under a fixed-value operator, not IfExists, not negated, no wildcard or variable.
/// MfaRequired: Bool aws:MultiFactorAuthPresent true or NumericLessThan(Equals) aws:MultiFactorAuthAge, not IfExists.</item>
/// <item>PublicTrust (Critical): Everyone, unpinned. OidcSubjectNotPinned (Critical): no &lt;provider&gt;:sub condition that
/// binds to fixed values, where a value starting with a wildcard or "repo:*" matches any repository; OidcAudienceMissing (High):
/// no &lt;provider&gt;:aud pinned to fixed values.</item>
/// <item>For External trust without MFA: ExternalIdNotEnforced (High) when an sts:ExternalId condition exists but does not
/// require one value, else ExternalIdMissing (High) when there is none. ExternalWholeAccount (Low): the principal is the account
/// (its id or root) and no condition but sts:ExternalId narrows it. StaleExternalTrust (Medium): the role's last use, or its creation
/// when never used, is more than 90 days ago (or unknown).</item>
/// <item>AdminToExternal (High): the role's permissions allow "*" on "*" and the trust is External or Everyone.</item>
/// <item>ServiceSourceNotPinned (Low): a service whose documentation asks for aws:SourceArn or aws:SourceAccount in the trust
/// policy (<see cref="SourcePinnedServices"/>) without either pinned. Other services (ec2, lambda, vmie ...) are no finding.</item>
/// </list>
/// </summary>
public static class TrustDecision
{
    public static readonly string[] AssumeActions = { "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML" };

    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(90);

    /// <summary>Services whose documentation (cross-service confused deputy prevention) pins the role with aws:SourceArn/aws:SourceAccount.</summary>
    public static readonly IReadOnlyCollection<string> SourcePinnedServices = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "config.amazonaws.com", "sns.amazonaws.com", "states.amazonaws.com", "events.amazonaws.com", "scheduler.amazonaws.com",
        "transfer.amazonaws.com", "datasync.amazonaws.com", "sagemaker.amazonaws.com", "firehose.amazonaws.com",
        "logs.amazonaws.com", "codebuild.amazonaws.com", "appsync.amazonaws.com",
    };

    private static readonly HashSet<string> PrincipalPinKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:userid",
        "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner",
    };

    private static readonly Regex AccountArn = new(@"^arn:[a-z-]+:(?:iam|sts)::(?<account>\d{12}):(?<rest>.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex AccountId = new(@"^\d{12}$", RegexOptions.CultureInvariant);

    /// <summary>Trust that reaches outside the account and its organization: External, Everyone, and identity providers (-ExternalOnly).</summary>
    public static bool IsOutside(TrustRelationship relationship) =>
        relationship is TrustRelationship.External or TrustRelationship.Everyone or TrustRelationship.OidcProvider or TrustRelationship.SamlProvider;

    /// <summary>The role's trusts, in the policy's order. A trust policy that is not a policy is a MalformedPolicy error.</summary>
    public static IReadOnlyList<RoleTrust> Decide(RoleTrustFacts facts)
    {
        var results = new List<RoleTrust>();
        foreach (var statement in PolicyDocument.Parse(facts.TrustPolicy, "trust policy").Grants(AssumeActions))
        {
            if (statement.Principal is not { } principal) continue;
            var entries = principal.IsNot
                ? new[] { (Type: "*", Value: principal.Text) }
                : principal.Entries.Select(e => (e.Type, e.Value)).ToArray();
            foreach (var (type, value) in entries)
                results.Add(Judge(facts, statement, type, value, principal.IsNot));
        }
        return results;
    }

    private static RoleTrust Judge(RoleTrustFacts facts, PolicyStatement statement, string type, string value, bool notPrincipal)
    {
        var conditions = statement.Conditions;
        var trust = new RoleTrust
        {
            RoleName = facts.RoleName,
            RoleArn = facts.RoleArn,
            AccountId = facts.AccountId,
            Principal = value,
            Conditions = conditions.Select(c => c.ToString()).ToArray(),
            LastUsed = facts.LastUsed,
            Permissions = facts.Permissions,
            ExternalIdRequired = conditions.Any(RequiresExternalId),
            MfaRequired = conditions.Any(RequiresMfa),
        };
        var findings = new List<RoleTrustFinding>();

        if (string.Equals(type, "Service", StringComparison.OrdinalIgnoreCase))
        {
            trust.PrincipalType = TrustPrincipalType.Service;
            trust.Relationship = TrustRelationship.Service;
            if (SourcePinnedServices.Contains(value) && !conditions.Any(c => IsPin(c, "aws:SourceArn", "aws:SourceAccount")))
                findings.Add(Finding("ServiceSourceNotPinned", TrustRisk.Low,
                    $"{value} acts for other accounts too; its documentation asks to pin the role with aws:SourceArn or aws:SourceAccount, and no condition does."));
        }
        else if (string.Equals(type, "Federated", StringComparison.OrdinalIgnoreCase))
        {
            trust.PrincipalType = TrustPrincipalType.Federated;
            trust.TrustedAccountId = AccountArn.Match(value) is { Success: true } m ? m.Groups["account"].Value : null;
            if (value.IndexOf(":saml-provider/", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                trust.Relationship = TrustRelationship.SamlProvider;
            }
            else
            {
                trust.Relationship = TrustRelationship.OidcProvider;
                JudgeOidc(value, conditions, findings);
            }
        }
        else
        {
            var account = AccountOf(value);
            trust.PrincipalType = account is null && (type == "*" || PolicyPattern.HasWildcard(value) || notPrincipal)
                ? TrustPrincipalType.Everyone : TrustPrincipalType.AWS;
            if (trust.PrincipalType == TrustPrincipalType.Everyone)
            {
                var pins = conditions.Where(c => PrincipalPinKeys.Contains(c.Key) && ConditionRules.Restricts(c, out _)).ToList();
                if (pins.Count == 0)
                {
                    trust.Relationship = TrustRelationship.Everyone;
                    findings.Add(Finding("PublicTrust", TrustRisk.Critical,
                        $"{(notPrincipal ? "A NotPrincipal" : $"'{value}'")} lets any AWS principal assume the role: no condition pins it to an account, organization or principal" +
                        (trust.ExternalIdRequired ? " (an external id is no such pin: anyone may send it)." : ".")));
                }
                else
                {
                    trust.TrustedAccountId = PinnedAccount(pins);
                    trust.Relationship = trust.TrustedAccountId is { } pinned ? RelationshipOf(pinned, facts)
                        : facts.OrganizationAccounts is not null && pins.Any(c => c.Key.StartsWith("aws:PrincipalOrg", StringComparison.OrdinalIgnoreCase))
                            ? TrustRelationship.Organization : TrustRelationship.External;
                }
            }
            else
            {
                trust.TrustedAccountId = account;
                trust.Relationship = account is null ? TrustRelationship.External : RelationshipOf(account, facts);
            }
            if (trust.Relationship == TrustRelationship.External) JudgeExternal(facts, trust, type, value, conditions, findings);
            if (facts.Permissions.AdminLike && trust.Relationship is TrustRelationship.External or TrustRelationship.Everyone)
                findings.Add(Finding("AdminToExternal", TrustRisk.High,
                    $"The role's permissions allow every action on every resource, and {(trust.Relationship == TrustRelationship.Everyone ? "anyone" : $"account {trust.TrustedAccountId ?? value}")} outside can assume it."));
        }

        trust.Findings = findings.ToArray();
        trust.Risk = findings.Count == 0 ? TrustRisk.None : findings.Max(f => f.Risk);
        return trust;
    }

    private static void JudgeExternal(RoleTrustFacts facts, RoleTrust trust, string type, string value, IReadOnlyList<PolicyCondition> conditions, List<RoleTrustFinding> findings)
    {
        var who = trust.TrustedAccountId is { } a ? $"account {a}" : $"'{value}'";
        if (!trust.MfaRequired)
        {
            var weak = conditions.FirstOrDefault(c => IsExternalId(c) && !RequiresExternalId(c));
            if (weak is not null)
                findings.Add(Finding("ExternalIdNotEnforced", TrustRisk.High,
                    $"The external id condition '{weak}' does not require one fixed value ({WhyNotRequired(weak)}), so {who} can leave it out or send any."));
            else if (!trust.ExternalIdRequired)
                findings.Add(Finding("ExternalIdMissing", TrustRisk.High,
                    $"{who} is trusted without an sts:ExternalId (or MFA) condition: a service it runs for others can be tricked into using this role (confused deputy)."));
        }
        var wholeAccount = AccountId.IsMatch(value) || (AccountArn.Match(value) is { Success: true } m && m.Groups["rest"].Value == "root");
        if (wholeAccount && conditions.All(IsExternalId))
            findings.Add(Finding("ExternalWholeAccount", TrustRisk.Low,
                $"The whole {who} is trusted: every administrator there can assume the role. Name the principal (role ARN) the third party uses, where it tells you."));
        var reference = facts.LastUsed ?? facts.CreateDate;
        if (reference is null || facts.Now - reference.Value > StaleAfter)
            findings.Add(Finding("StaleExternalTrust", TrustRisk.Medium, facts.LastUsed is { } used
                ? $"The role was last used {used:yyyy-MM-dd}, more than {StaleAfter.TotalDays:0} days ago; remove the trust to {who} if it is no longer needed."
                : $"The role has never been used{(facts.CreateDate is { } created ? $" since it was created {created:yyyy-MM-dd}" : "")}; remove the trust to {who} if it is not needed."));
    }

    private static void JudgeOidc(string value, IReadOnlyList<PolicyCondition> conditions, List<RoleTrustFinding> findings)
    {
        var slash = value.IndexOf(":oidc-provider/", StringComparison.OrdinalIgnoreCase);
        var provider = slash >= 0 ? value.Substring(slash + ":oidc-provider/".Length) : value;
        bool Keyed(PolicyCondition c, string claim) => string.Equals(c.Key, provider + ":" + claim, StringComparison.OrdinalIgnoreCase);

        var subjects = conditions.Where(c => Keyed(c, "sub")).ToList();
        if (!subjects.Any(c => c.Binds(out _) && c.PinsFixedValues(v => !MatchesAnySubject(v), out _)))
        {
            var why = subjects.Count == 0 ? "there is no sub condition"
                : subjects.Select(c => c.Binds(out var w) ? (c.PinsFixedValues(v => !MatchesAnySubject(v), out w) ? "" : w) : w).First(w => w.Length > 0);
            findings.Add(Finding("OidcSubjectNotPinned", TrustRisk.Critical,
                $"Any identity {provider} issues a token to can assume the role: {why}. Pin {provider}:sub (for GitHub, repo:OWNER/REPO:...)."));
        }
        if (!conditions.Any(c => Keyed(c, "aud") && c.Binds(out _) && c.PinsFixedValues(null, out _)))
            findings.Add(Finding("OidcAudienceMissing", TrustRisk.High,
                $"No condition pins {provider}:aud to fixed values (sts.amazonaws.com for GitHub): tokens meant for other audiences are accepted."));
    }

    /// <summary>A sub value that any repository (or any subject) matches: a leading wildcard, or repo: followed by one.</summary>
    private static bool MatchesAnySubject(string value)
    {
        var v = value.Trim();
        return v.Length == 0 || v[0] is '*' or '?' || (v.StartsWith("repo:", StringComparison.OrdinalIgnoreCase) && v.Length > 5 && v[5] is '*' or '?');
    }

    private static bool IsExternalId(PolicyCondition c) => string.Equals(c.Key, "sts:ExternalId", StringComparison.OrdinalIgnoreCase);

    private static bool RequiresExternalId(PolicyCondition c) => IsExternalId(c) && c.Binds(out _) && !c.IsNegated && c.PinsFixedValues(null, out _);

    private static string WhyNotRequired(PolicyCondition c) =>
        !c.Binds(out var why) ? why : c.IsNegated ? $"{c.Operator} passes every other value" : c.PinsFixedValues(null, out why) ? "" : why;

    private static bool RequiresMfa(PolicyCondition c)
    {
        if (!c.Binds(out _) || c.IsNegated) return false;
        if (string.Equals(c.Key, "aws:MultiFactorAuthPresent", StringComparison.OrdinalIgnoreCase))
            return string.Equals(c.BaseOperator, "Bool", StringComparison.OrdinalIgnoreCase) && c.Values.All(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));
        return string.Equals(c.Key, "aws:MultiFactorAuthAge", StringComparison.OrdinalIgnoreCase)
               && c.BaseOperator.StartsWith("NumericLessThan", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsPin(PolicyCondition c, params string[] keys) =>
        keys.Any(k => string.Equals(c.Key, k, StringComparison.OrdinalIgnoreCase)) && ConditionRules.Restricts(c, out _);

    /// <summary>The one account the pins name (an account key's value, or the account of every pinned ARN); null when they name none or several.</summary>
    private static string? PinnedAccount(IEnumerable<PolicyCondition> pins)
    {
        var accounts = pins
            .Where(c => c.Key is var k && (k.Equals("aws:PrincipalAccount", StringComparison.OrdinalIgnoreCase) || k.Equals("aws:SourceAccount", StringComparison.OrdinalIgnoreCase)
                                           || k.Equals("aws:PrincipalArn", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(c => c.Values.Select(AccountOf))
            .Distinct().ToList();
        return accounts.Count == 1 ? accounts[0] : null;
    }

    /// <summary>The account of an AWS principal: a 12-digit id, or the account field of an IAM or STS ARN without wildcards there.</summary>
    private static string? AccountOf(string value) =>
        AccountId.IsMatch(value) ? value : AccountArn.Match(value) is { Success: true } m ? m.Groups["account"].Value : null;

    private static TrustRelationship RelationshipOf(string account, RoleTrustFacts facts) =>
        account == facts.AccountId ? TrustRelationship.SameAccount
        : facts.OrganizationAccounts?.Contains(account) == true ? TrustRelationship.Organization
        : TrustRelationship.External;

    private static RoleTrustFinding Finding(string code, TrustRisk risk, string message) => new() { Code = code, Risk = risk, Message = message };
}
