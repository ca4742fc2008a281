using System.Linq;
using AwsGuard.Engine.Policies;
using Xunit;

namespace AwsGuard.Engine.Tests.Policies;

/// <summary>The general IAM-policy facts, asked what role trust will ask: who can assume this role, under which conditions (no AWS).</summary>
public sealed class PolicyDocumentTests
{
    private const string TrustPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "PartnerAccount",
              "Effect": "Allow",
              "Principal": { "AWS": "111122223333" },
              "Action": "sts:AssumeRole",
              "Condition": { "StringEquals": { "sts:ExternalId": "partner-7f3a" } }
            },
            {
              "Sid": "GitHubDeploy",
              "Effect": "Allow",
              "Principal": { "Federated": "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com" },
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {
                "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                "StringLike": { "token.actions.githubusercontent.com:sub": "repo:example/app:*" }
              }
            },
            {
              "Sid": "AnyoneInOrg",
              "Effect": "Allow",
              "Principal": { "AWS": "*" },
              "Action": "sts:*",
              "Condition": { "StringEqualsIfExists": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }
            },
            {
              "Effect": "Deny",
              "NotPrincipal": { "AWS": "arn:aws:iam::111122223333:role/Admin" },
              "Action": "sts:AssumeRole",
              "Condition": { "ForAnyValue:StringNotLike": { "aws:PrincipalTag/team": ["ops", "sec-${aws:username}"] } }
            }
          ]
        }
        """;

    private static readonly PolicyDocument Trust = PolicyDocument.Parse(TrustPolicy, "trust policy");

    [Fact]
    public void Grants_are_the_allow_statements_covering_the_actions_wildcards_included()
    {
        Assert.Equal(new[] { "PartnerAccount", "AnyoneInOrg" }, Trust.Grants("sts:AssumeRole").Select(s => s.Sid));
        Assert.Equal(new[] { "GitHubDeploy", "AnyoneInOrg" }, Trust.Grants("STS:AssumeRoleWithWebIdentity").Select(s => s.Sid));
        Assert.Empty(Trust.Grants("s3:GetObject"));
        Assert.Equal("statement 4", Trust.Statements[3].Label);
    }

    [Fact]
    public void An_account_principal_names_its_root_and_nobody_else()
    {
        var principal = Trust.Statements[0].Principal!;
        Assert.False(principal.ReachesWildcard);
        Assert.True(principal.AppliesTo("AWS", "arn:aws:iam::111122223333:root"));
        Assert.True(principal.AppliesTo("AWS", "111122223333"));
        Assert.False(principal.AppliesTo("AWS", "arn:aws:iam::999988887777:root"));
        Assert.False(principal.AppliesTo("Service", "111122223333"));
    }

    [Fact]
    public void An_external_id_condition_pins_the_role_to_one_fixed_value()
    {
        var externalId = Trust.Statements[0].Conditions.Single();
        Assert.Equal(("StringEquals", "sts:ExternalId"), (externalId.Operator, externalId.Key));
        Assert.Equal(new[] { "partner-7f3a" }, externalId.Values);
        Assert.True(externalId.Binds(out _));
        Assert.True(externalId.PinsFixedValues(null, out var why));
        Assert.Equal("StringEquals sts:ExternalId partner-7f3a", why);
    }

    [Fact]
    public void A_federated_oidc_principal_reaches_beyond_the_account_and_its_sub_condition_is_a_wildcard()
    {
        var github = Trust.Statements[1];
        var federated = github.Principal!.Entries.Single();
        Assert.True(federated.IsFederated);
        Assert.True(github.Principal.ReachesWildcard);
        Assert.True(github.Principal.AppliesTo("Federated", "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"));

        var audience = github.Conditions.Single(c => c.Key.EndsWith(":aud"));
        Assert.True(audience.PinsFixedValues(null, out _));
        var subject = github.Conditions.Single(c => c.Key == "token.actions.githubusercontent.com:sub");
        Assert.True(subject.HonoursWildcards);
        Assert.False(subject.PinsFixedValues(null, out var why));
        Assert.Contains("uses a wildcard", why);
        Assert.True(subject.PinsFixedValues(value => value.StartsWith("repo:example/app:"), out _)); // a caller may accept a wildcard it trusts
    }

    [Fact]
    public void IfExists_wildcard_principals_and_wildcard_actions()
    {
        var open = Trust.Statements[2];
        Assert.True(open.Principal!.ReachesWildcard);
        Assert.True(open.Principal.AppliesTo("AWS", "arn:aws:iam::999988887777:user/anyone"));
        Assert.True(open.CoversAction("sts:TagSession"));
        var org = open.Conditions.Single();
        Assert.True(org.IfExists);
        Assert.Equal("StringEquals", org.BaseOperator);
        Assert.False(org.Binds(out var why));
        Assert.Contains("lacks the key", why);
    }

    [Fact]
    public void NotPrincipal_negated_operators_set_qualifiers_and_policy_variables()
    {
        var deny = Trust.Statements[3];
        Assert.False(deny.IsAllow);
        Assert.True(deny.Principal!.IsNot);
        Assert.True(deny.Principal.ReachesWildcard);
        Assert.False(deny.Principal.AppliesTo("AWS", "arn:aws:iam::111122223333:role/Admin"));
        Assert.True(deny.Principal.AppliesTo("AWS", "arn:aws:iam::111122223333:role/Other"));
        Assert.StartsWith("NotPrincipal ", deny.Principal.Text);

        var tag = deny.Conditions.Single();
        Assert.True(tag.ForAnyValue);
        Assert.True(tag.IsNegated);
        Assert.True(tag.UsesPolicyVariable);
        Assert.Equal(new[] { "ops", "sec-${aws:username}" }, tag.Values);
        Assert.False(tag.PinsFixedValues(null, out var why));
        Assert.Contains("does not pin", why);
    }

    [Theory]
    [InlineData("ForAllValues:StringEquals", "passes when the request has no value")]
    [InlineData("StringEqualsIfExists", "passes when the request lacks the key")]
    public void Set_qualifiers_and_IfExists_do_not_bind(string op, string expected)
    {
        var condition = new PolicyCondition(op, "sts:ExternalId", new[] { "x" });
        Assert.False(condition.Binds(out var why));
        Assert.Contains(expected, why);
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.0.0.0/7", false)]
    [InlineData("2001:db8::/32", true)]
    [InlineData("::/0", false)]
    [InlineData("not-an-ip", false)]
    public void Address_ranges_are_fixed_up_to_aws_width(string cidr, bool pinned) =>
        Assert.Equal(pinned, new PolicyCondition("IpAddress", "aws:SourceIp", new[] { cidr }).PinsAddressRanges(out _));

    [Fact]
    public void A_malformed_trust_policy_is_named_in_the_error()
    {
        var error = Assert.Throws<AwsGuardException>(() => PolicyDocument.Parse("{\"Version\":\"2012-10-17\"}", "trust policy"));
        Assert.Equal(("MalformedPolicy", ErrorKind.InvalidArgument), (error.ErrorId, error.Kind));
        Assert.Contains("trust policy", error.Message);
    }
}
