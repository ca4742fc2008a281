using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.Roles;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.PublicAccess;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Roles;

/// <summary>
/// Get-RoleTrust's judgement, data-driven against moto: every trust policy below is a role in an account of its own (an
/// assumed role's account in moto), with an organization of which one other account is a member. {SELF} is the role's
/// account, {ORG} the member account, 999988887777 an account outside.
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class RoleTrustTests
{
    private const string Outside = "999988887777";
    private const string Aud = "\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\"";
    private const string GitHub = "{\"Federated\":\"arn:aws:iam::{SELF}:oidc-provider/token.actions.githubusercontent.com\"}";

    /// <summary>Name, principal, action, condition, admin-like permissions; expected relationship, risk and finding codes (sorted).</summary>
    private static readonly (string Name, string Principal, string Action, string Condition, bool Admin, TrustRelationship Relationship, TrustRisk Risk, string Codes)[] Cases =
    {
        ("public-star", "\"*\"", "sts:AssumeRole", "", false, TrustRelationship.Everyone, TrustRisk.Critical, "PublicTrust"),
        ("public-aws-star", "{\"AWS\":\"*\"}", "sts:AssumeRole", "", false, TrustRelationship.Everyone, TrustRisk.Critical, "PublicTrust"),
        ("public-with-external-id", "{\"AWS\":\"*\"}", "sts:AssumeRole", "{\"StringEquals\":{\"sts:ExternalId\":\"abc123\"}}", false, TrustRelationship.Everyone, TrustRisk.Critical, "PublicTrust"),
        ("public-wildcard-account", "{\"AWS\":\"arn:aws:iam::*:root\"}", "sts:AssumeRole", "", false, TrustRelationship.Everyone, TrustRisk.Critical, "PublicTrust"),
        ("public-account-like-star", "\"*\"", "sts:AssumeRole", "{\"StringLike\":{\"aws:PrincipalAccount\":\"*\"}}", false, TrustRelationship.Everyone, TrustRisk.Critical, "PublicTrust"),
        ("star-pinned-to-member", "\"*\"", "sts:AssumeRole", "{\"StringEquals\":{\"aws:PrincipalAccount\":\"{ORG}\"}}", false, TrustRelationship.Organization, TrustRisk.None, ""),
        ("star-pinned-to-org-id", "\"*\"", "sts:AssumeRole", "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\"}}", false, TrustRelationship.Organization, TrustRisk.None, ""),
        ("github-no-sub", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{" + Aud + "}}", false, TrustRelationship.OidcProvider, TrustRisk.Critical, "OidcSubjectNotPinned"),
        ("github-sub-any-repo", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{" + Aud + "},\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:*\"}}", false, TrustRelationship.OidcProvider, TrustRisk.Critical, "OidcSubjectNotPinned"),
        ("github-sub-star", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{" + Aud + "},\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"*\"}}", false, TrustRelationship.OidcProvider, TrustRisk.Critical, "OidcSubjectNotPinned"),
        ("github-sub-ifexists", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{" + Aud + "},\"StringLikeIfExists\":{\"token.actions.githubusercontent.com:sub\":\"repo:octo-org/app:*\"}}", false, TrustRelationship.OidcProvider, TrustRisk.Critical, "OidcSubjectNotPinned"),
        ("github-pinned", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{" + Aud + "},\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:octo-org/app:ref:refs/heads/main\"}}", false, TrustRelationship.OidcProvider, TrustRisk.None, ""),
        ("github-pinned-no-aud", GitHub, "sts:AssumeRoleWithWebIdentity", "{\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:octo-org/*\"}}", false, TrustRelationship.OidcProvider, TrustRisk.High, "OidcAudienceMissing"),
        ("eks-no-sub", "{\"Federated\":\"arn:aws:iam::{SELF}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123\"}", "sts:AssumeRoleWithWebIdentity", "{\"StringEquals\":{\"oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud\":\"sts.amazonaws.com\"}}", false, TrustRelationship.OidcProvider, TrustRisk.Critical, "OidcSubjectNotPinned"),
        ("saml", "{\"Federated\":\"arn:aws:iam::{SELF}:saml-provider/Okta\"}", "sts:AssumeRoleWithSAML", "{\"StringEquals\":{\"SAML:aud\":\"https://signin.aws.amazon.com/saml\"}}", false, TrustRelationship.SamlProvider, TrustRisk.None, ""),
        ("external-no-external-id", "{\"AWS\":\"" + Outside + "\"}", "sts:AssumeRole", "", false, TrustRelationship.External, TrustRisk.High, "ExternalIdMissing,ExternalWholeAccount"),
        ("external-id-equals", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringEquals\":{\"sts:ExternalId\":\"Zq7+x=9@a\"}}", false, TrustRelationship.External, TrustRisk.Low, "ExternalWholeAccount"),
        ("external-id-like-exact", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringLike\":{\"sts:ExternalId\":\"Zq7x9a\"}}", false, TrustRelationship.External, TrustRisk.Low, "ExternalWholeAccount"),
        ("external-id-ifexists", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringEqualsIfExists\":{\"sts:ExternalId\":\"Zq7x9a\"}}", false, TrustRelationship.External, TrustRisk.High, "ExternalIdNotEnforced,ExternalWholeAccount"),
        ("external-id-like-star", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringLike\":{\"sts:ExternalId\":\"*\"}}", false, TrustRelationship.External, TrustRisk.High, "ExternalIdNotEnforced,ExternalWholeAccount"),
        ("external-id-not-equals", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringNotEquals\":{\"sts:ExternalId\":\"Zq7x9a\"}}", false, TrustRelationship.External, TrustRisk.High, "ExternalIdNotEnforced,ExternalWholeAccount"),
        ("external-id-variable", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringEquals\":{\"sts:ExternalId\":\"${aws:username}\"}}", false, TrustRelationship.External, TrustRisk.High, "ExternalIdNotEnforced,ExternalWholeAccount"),
        ("external-role-mfa", "{\"AWS\":\"arn:aws:iam::" + Outside + ":role/Auditor\"}", "sts:AssumeRole", "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}", false, TrustRelationship.External, TrustRisk.None, ""),
        ("external-role-mfa-ifexists", "{\"AWS\":\"arn:aws:iam::" + Outside + ":role/Auditor\"}", "sts:AssumeRole", "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"true\"}}", false, TrustRelationship.External, TrustRisk.High, "ExternalIdMissing"),
        ("external-admin", "{\"AWS\":\"arn:aws:iam::" + Outside + ":root\"}", "sts:AssumeRole", "{\"StringEquals\":{\"sts:ExternalId\":\"Zq7x9a\"}}", true, TrustRelationship.External, TrustRisk.High, "AdminToExternal,ExternalWholeAccount"),
        ("member-account", "{\"AWS\":\"{ORG}\"}", "sts:AssumeRole", "", false, TrustRelationship.Organization, TrustRisk.None, ""),
        ("same-account-admin", "{\"AWS\":\"arn:aws:iam::{SELF}:root\"}", "sts:AssumeRole", "", true, TrustRelationship.SameAccount, TrustRisk.None, ""),
        ("service-ec2", "{\"Service\":\"ec2.amazonaws.com\"}", "sts:AssumeRole", "", false, TrustRelationship.Service, TrustRisk.None, ""),
        ("service-lambda", "{\"Service\":\"lambda.amazonaws.com\"}", "sts:AssumeRole", "", false, TrustRelationship.Service, TrustRisk.None, ""),
        ("service-vmie", "{\"Service\":\"vmie.amazonaws.com\"}", "sts:AssumeRole", "{\"StringEquals\":{\"sts:Externalid\":\"vmimport\"}}", false, TrustRelationship.Service, TrustRisk.None, ""),
        ("service-config-unpinned", "{\"Service\":\"config.amazonaws.com\"}", "sts:AssumeRole", "", false, TrustRelationship.Service, TrustRisk.Low, "ServiceSourceNotPinned"),
        ("service-config-pinned", "{\"Service\":\"config.amazonaws.com\"}", "sts:AssumeRole", "{\"StringEquals\":{\"aws:SourceAccount\":\"{SELF}\"}}", false, TrustRelationship.Service, TrustRisk.None, ""),
    };

    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private static Seeded? _seeded;
    private readonly LocalAws _aws;

    public RoleTrustTests(LocalAws aws) => _aws = aws;

    public static IEnumerable<object[]> CaseNames => Cases.Select(c => new object[] { c.Name });

    private sealed record Seeded(AWSCredentials Credentials, string Account, string Member);

    /// <summary>An account of its own (so listing every role lists only these), its organization with one member, and every case's role.</summary>
    private async Task<Seeded> SeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_seeded is not null) return _seeded;
            var cases = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Cases.Select(c => new object[]
            {
                c.Name, c.Admin,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" + c.Principal + ",\"Action\":\"" + c.Action + "\"" +
                (c.Condition.Length > 0 ? ",\"Condition\":" + c.Condition : "") + "}]}",
            }))));
            var (credentials, account, member) = await Tools.PythonInOwnAccount(_aws.Endpoint, $@"
import base64
org = boto3.client('organizations', **kw)
org.create_organization(FeatureSet='ALL')
member = org.create_account(Email='member@example.com', AccountName='member')['CreateAccountStatus']['AccountId']
iam = boto3.client('iam', **kw)
admin = iam.create_policy(PolicyName='admin-like', PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}}]}}))['Policy']['Arn']
self = boto3.client('sts', **kw).get_caller_identity()['Account']
for name, is_admin, trust in json.loads(base64.b64decode('{cases}')):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust.replace('{{SELF}}', self).replace('{{ORG}}', member))
    iam.put_role_policy(RoleName=name, PolicyName='read', PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': 'ec2:Describe*', 'Resource': '*'}}]}}))
    if is_admin:
        iam.attach_role_policy(RoleName=name, PolicyArn=admin)
print(member)
");
            return _seeded = new Seeded(credentials, account, member);
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private RoleTrustReader Reader(Seeded seed, IOrganizationsClient? organizations = null) =>
        new(new IamClient(seed.Credentials, LocalAws.Region, _aws.Endpoint), organizations ?? new OrganizationsClient(seed.Credentials, LocalAws.Region, _aws.Endpoint));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Each_trust_policy_gets_its_relationship_risk_and_findings(string name)
    {
        var expected = Cases.Single(c => c.Name == name);
        var seed = await SeedAsync();
        var trust = Assert.Single(await Reader(seed).ReadAsync(RoleReference.Parse(name), CancellationToken.None));

        Assert.Equal(expected.Relationship, trust.Relationship);
        Assert.Equal(expected.Risk, trust.Risk);
        Assert.Equal(expected.Codes, string.Join(",", trust.Findings.Select(f => f.Code).OrderBy(c => c, StringComparer.Ordinal)));
        Assert.Equal(name, trust.RoleName);
        Assert.Equal($"arn:aws:iam::{seed.Account}:role/{name}", trust.RoleArn);
        Assert.Equal(seed.Account, trust.AccountId);
        Assert.Equal(expected.Admin, trust.Permissions.AdminLike);
        Assert.Equal(new[] { "read" }, trust.Permissions.InlinePolicies);
        Assert.Equal(expected.Admin ? new[] { "admin-like" } : Array.Empty<string>(), trust.Permissions.AttachedPolicies);
        Assert.All(trust.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Fact]
    public async Task Trusted_accounts_principal_types_and_condition_facts_are_reported()
    {
        var seed = await SeedAsync();
        async Task<RoleTrust> Read(string name) => Assert.Single(await Reader(seed).ReadAsync(RoleReference.Parse(name), CancellationToken.None));

        var member = await Read("member-account");
        Assert.Equal((TrustPrincipalType.AWS, seed.Member, seed.Member), (member.PrincipalType, member.TrustedAccountId, member.Principal));
        var pinned = await Read("star-pinned-to-member");
        Assert.Equal((TrustPrincipalType.Everyone, seed.Member), (pinned.PrincipalType, pinned.TrustedAccountId));
        var external = await Read("external-id-equals");
        Assert.Equal((Outside, true, false), (external.TrustedAccountId, external.ExternalIdRequired, external.MfaRequired));
        Assert.Equal(new[] { "StringEquals sts:ExternalId Zq7+x=9@a" }, external.Conditions); // '+' survives IAM's URL encoding
        var mfa = await Read("external-role-mfa");
        Assert.Equal((false, true), (mfa.ExternalIdRequired, mfa.MfaRequired));
        Assert.False((await Read("external-role-mfa-ifexists")).MfaRequired);
        Assert.False((await Read("external-id-ifexists")).ExternalIdRequired);
        var github = await Read("github-pinned");
        Assert.Equal((TrustPrincipalType.Federated, seed.Account), (github.PrincipalType, github.TrustedAccountId));
        Assert.Equal(TrustPrincipalType.Service, (await Read("service-ec2")).PrincipalType);
        Assert.Equal(TrustPrincipalType.Everyone, (await Read("public-star")).PrincipalType);
    }

    private static async Task<(T Result, CountingOutput Output)> Counted<T>(Func<Task<T>> run)
    {
        var output = new CountingOutput();
        var before = EngineOutput.Current;
        EngineOutput.Current = output;
        try
        {
            return (await run(), output);
        }
        finally
        {
            EngineOutput.Current = before;
        }
    }

    private static Dictionary<string, int> Operations(CountingOutput output) =>
        output.Calls.GroupBy(c => c.Split(' ')[1] + " " + c.Split(' ')[2]).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public async Task Every_role_of_the_account_takes_one_call_per_page_and_is_judged_as_by_name()
    {
        var seed = await SeedAsync();
        var (facts, output) = await Counted(() => Reader(seed).ReadEveryRoleAsync(CancellationToken.None));

        Assert.Equal(Cases.Select(c => c.Name).OrderBy(n => n), facts.Select(f => f.RoleName).OrderBy(n => n));
        foreach (var expected in Cases)
        {
            var trust = Assert.Single(TrustDecision.Decide(facts.Single(f => f.RoleName == expected.Name)));
            Assert.Equal((expected.Name, expected.Relationship, expected.Risk, expected.Codes, expected.Admin),
                (trust.RoleName, trust.Relationship, trust.Risk, string.Join(",", trust.Findings.Select(f => f.Code).OrderBy(c => c, StringComparer.Ordinal)), trust.Permissions.AdminLike));
            Assert.Equal(new[] { "read" }, trust.Permissions.InlinePolicies);
        }
        Assert.Equal(new Dictionary<string, int> { ["IAM GetAccountAuthorizationDetails"] = 1, ["Organizations ListAccounts"] = 1 }.OrderBy(p => p.Key),
            Operations(output).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_role_by_name_takes_four_calls_and_shared_policies_are_read_once()
    {
        var seed = await SeedAsync();
        var reader = Reader(seed);
        var (_, output) = await Counted(async () =>
        {
            foreach (var c in Cases) await reader.ReadAsync(RoleReference.Parse(c.Name), CancellationToken.None);
            return true;
        });
        var roles = Cases.Length;
        Assert.Equal(new Dictionary<string, int>
        {
            ["IAM GetRole"] = roles, ["IAM ListRolePolicies"] = roles, ["IAM ListAttachedRolePolicies"] = roles,
            ["IAM GetRolePolicy"] = roles, ["IAM GetPolicy"] = 1, ["IAM GetPolicyVersion"] = 1, ["Organizations ListAccounts"] = 1,
        }.OrderBy(p => p.Key), Operations(output).OrderBy(p => p.Key));
        Assert.Empty(output.Warnings);
    }

    [Fact]
    public async Task Without_permission_to_list_the_organization_members_are_External_and_one_warning_says_so()
    {
        var seed = await SeedAsync();
        var reader = Reader(seed, new DeniedOrganizations());
        var (_, output) = await Counted(async () =>
        {
            var member = Assert.Single(await reader.ReadAsync(RoleReference.Parse("member-account"), CancellationToken.None));
            Assert.Equal(TrustRelationship.External, member.Relationship);
            Assert.Contains(member.Findings, f => f.Code == "ExternalIdMissing");
            var pinned = Assert.Single(await reader.ReadAsync(RoleReference.Parse("star-pinned-to-org-id"), CancellationToken.None));
            Assert.Equal(TrustRelationship.External, pinned.Relationship);
            Assert.Equal(TrustRelationship.SameAccount, Assert.Single(await reader.ReadAsync(RoleReference.Parse("same-account-admin"), CancellationToken.None)).Relationship);
            return true;
        });
        var warning = Assert.Single(output.Warnings);
        Assert.Contains("AccessDeniedException", warning);
        Assert.Contains("External", warning);
    }

    [Fact]
    public async Task A_missing_role_is_ObjectNotFound_and_an_ARN_of_another_account_is_refused()
    {
        var seed = await SeedAsync();
        var missing = await Assert.ThrowsAsync<AwsGuardException>(() => Reader(seed).ReadAsync(RoleReference.Parse("no-such-role"), CancellationToken.None));
        Assert.Equal((ErrorKind.ObjectNotFound, "NoSuchEntity"), (missing.Kind, missing.ErrorId));
        var other = await Assert.ThrowsAsync<AwsGuardException>(() =>
            Reader(seed).ReadAsync(RoleReference.Parse($"arn:aws:iam::{Outside}:role/service-ec2"), CancellationToken.None));
        Assert.Equal((ErrorKind.InvalidArgument, "RoleInOtherAccount"), (other.Kind, other.ErrorId));
    }

    private sealed class DeniedOrganizations : IOrganizationsClient
    {
        public Task<OrganizationsPage<OrganizationAccount>> ListAccountsAsync(string? nextToken, CancellationToken cancel) =>
            throw new WireServiceException("Organizations", "ListAccounts", "AccessDeniedException",
                "You don't have permissions to access this resource.", HttpStatusCode.BadRequest, null);

        // Get-RoleTrust only lists the accounts.
        public Task<OrganizationsPage<OrganizationAccount>> ListAccountsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) => throw new NotSupportedException();
        public Task<OrganizationsPage<OrganizationNode>> ListRootsAsync(string? nextToken, CancellationToken cancel) => throw new NotSupportedException();
        public Task<OrganizationsPage<OrganizationNode>> ListOrganizationalUnitsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) => throw new NotSupportedException();
        public Task<OrganizationsPage<OrganizationNode>> ListParentsAsync(string childId, string? nextToken, CancellationToken cancel) => throw new NotSupportedException();
        public Task<OrganizationNode> DescribeOrganizationalUnitAsync(string organizationalUnitId, CancellationToken cancel) => throw new NotSupportedException();
    }
}

/// <summary>The decisions that need facts moto cannot hold (last use, creation long ago), as pure functions.</summary>
public sealed class TrustDecisionTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);

    private static RoleTrust Judge(DateTime? created, DateTime? lastUsed) => Assert.Single(TrustDecision.Decide(new RoleTrustFacts
    {
        RoleName = "Vendor",
        RoleArn = "arn:aws:iam::111122223333:role/Vendor",
        AccountId = "111122223333",
        TrustPolicy = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:role/App\"},\"Action\":\"sts:AssumeRole\"," +
                      "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"Zq7x9a\"}}}}",
        CreateDate = created,
        LastUsed = lastUsed,
        Now = Now,
    }));

    [Theory]
    [InlineData(400, null, "StaleExternalTrust")]   // never used, created long ago
    [InlineData(400, 91, "StaleExternalTrust")]     // last used more than 90 days ago
    [InlineData(400, 89, "")]                       // used within 90 days
    [InlineData(10, null, "")]                      // new and not used yet
    public void External_trust_unused_for_90_days_is_stale(int createdDaysAgo, int? usedDaysAgo, string codes)
    {
        var trust = Judge(Now.AddDays(-createdDaysAgo), usedDaysAgo is { } d ? Now.AddDays(-d) : null);
        Assert.Equal(codes, string.Join(",", trust.Findings.Select(f => f.Code)));
        Assert.Equal(codes.Length == 0 ? TrustRisk.None : TrustRisk.Medium, trust.Risk);
    }

    [Fact]
    public void A_trust_policy_that_is_not_JSON_is_MalformedPolicy()
    {
        var error = Assert.Throws<AwsGuardException>(() => TrustDecision.Decide(new RoleTrustFacts { TrustPolicy = "{not json" }));
        Assert.Equal("MalformedPolicy", error.ErrorId);
    }

    [Fact]
    public void A_NotPrincipal_reaches_everyone_it_does_not_name()
    {
        var trust = Assert.Single(TrustDecision.Decide(new RoleTrustFacts
        {
            AccountId = "111122223333",
            TrustPolicy = "{\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}]}",
        }));
        Assert.Equal((TrustPrincipalType.Everyone, TrustRelationship.Everyone, TrustRisk.Critical), (trust.PrincipalType, trust.Relationship, trust.Risk));
    }
}
