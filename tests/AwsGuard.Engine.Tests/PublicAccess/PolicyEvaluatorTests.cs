using System.Linq;
using AwsGuard.Engine.PublicAccess;
using Xunit;

namespace AwsGuard.Engine.Tests.PublicAccess;

/// <summary>Pure tests of the policy evaluator's parsing and condition rules (no AWS).</summary>
public sealed class PolicyEvaluatorTests
{
    private static PolicyAnalysis Eval(string statements) =>
        PolicyEvaluator.Evaluate("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}");

    private static PolicyAnalysis WithCondition(string condition, string action = "\"s3:GetObject\"") =>
        Eval("[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":" + action + ",\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":" + condition + "}]");

    [Fact]
    public void StatementAsSingleObjectWithStringFields()
    {
        var a = Eval("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}");
        Assert.True(a.IsPublic);
        Assert.True(a.PublicRead);
        Assert.False(a.PublicWrite);
    }

    [Fact]
    public void ArraysEverywhere()
    {
        var a = Eval("[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"*\"]},\"Action\":[\"s3:GetObject\",\"s3:DeleteObject\"],\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"]}]");
        Assert.True(a.PublicRead);
        Assert.True(a.PublicWrite);
        Assert.Equal(new[] { "s3:GetObject", "s3:DeleteObject" }, a.Reasons.Single().Permissions);
    }

    [Theory]
    [InlineData("{\"AWS\":\"111122223333\"}", false)]
    [InlineData("{\"AWS\":\"arn:aws:iam::111122223333:role/R\"}", false)]
    [InlineData("{\"CanonicalUser\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}", false)]
    [InlineData("{\"Service\":\"cloudtrail.amazonaws.com\"}", false)]
    [InlineData("{\"Service\":\"*\"}", true)]
    [InlineData("{\"AWS\":\"arn:aws:iam::*:root\"}", true)]
    [InlineData("{\"AWS\":\"arn:aws:iam::111122223333:role/?eader\"}", true)]
    [InlineData("{\"Federated\":\"accounts.google.com\"}", true)]
    [InlineData("\"*\"", true)]
    public void Principals(string principal, bool reachesWildcard)
    {
        var a = Eval("{\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}");
        Assert.Equal(reachesWildcard, a.IsPublic);
    }

    [Fact]
    public void ConditionValuesAsBoolAndNumberParse()
    {
        Assert.False(WithCondition("{\"StringEquals\":{\"aws:SourceAccount\":111122223333}}").IsPublic);
        Assert.False(WithCondition("{\"StringEquals\":{\"aws:SourceAccount\":[111122223333, \"444455556666\"]}}").IsPublic);
        Assert.True(WithCondition("{\"Bool\":{\"aws:SecureTransport\":true}}").IsPublic);
        Assert.True(WithCondition("{\"NumericLessThan\":{\"s3:max-keys\":10}}").IsPublic);
    }

    [Theory]
    [InlineData("${aws:username}")]
    [InlineData("vpc-${aws:PrincipalTag/vpc}")]
    [InlineData("${*}")]
    public void PolicyVariablesUnpin(string value)
    {
        var a = WithCondition("{\"StringEquals\":{\"aws:SourceVpc\":\"" + value + "\"}}");
        Assert.True(a.IsPublic);
        Assert.Contains("policy variable", a.Reasons.Single().Detail);
    }

    [Theory]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("203.0.113.0/24", false)]
    [InlineData("10.0.0.0/7", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("2001:db8::/32", false)]
    [InlineData("2001:db8::/48", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2001:db8::/31", true)]
    [InlineData("::/0", true)]
    [InlineData("not-an-ip", true)]
    [InlineData("10.0.0.0/33", true)]
    public void SourceIpWidth(string cidr, bool isPublic) =>
        Assert.Equal(isPublic, WithCondition("{\"IpAddress\":{\"aws:SourceIp\":\"" + cidr + "\"}}").IsPublic);

    [Fact]
    public void OneWideCidrAmongNarrowOnesUnpins() =>
        Assert.True(WithCondition("{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/16\"]}}").IsPublic);

    [Theory]
    [InlineData("StringEquals", "aws:SourceVpc", "vpc-91237329", false)]
    [InlineData("StringLike", "aws:SourceVpc", "vpc-*", true)]
    [InlineData("StringEquals", "aws:SourceVpc", "vpc-*", false)] // under StringEquals * is a literal: still one fixed value
    [InlineData("StringEqualsIgnoreCase", "aws:SourceVpce", "VPCE-1A2B", false)]
    [InlineData("StringNotEquals", "aws:SourceVpc", "vpc-91237329", true)]
    [InlineData("StringNotLike", "aws:SourceVpc", "vpc-9*", true)]
    [InlineData("StringEqualsIfExists", "aws:SourceVpc", "vpc-91237329", true)]
    [InlineData("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", true)]
    [InlineData("ForAnyValue:StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", false)]
    [InlineData("Null", "aws:SourceVpc", "false", true)]
    [InlineData("StringEquals", "aws:Referer", "https://example.com/", true)]
    [InlineData("StringEquals", "aws:SOURCEVPC", "vpc-91237329", false)] // keys are case-insensitive
    [InlineData("ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic", false)]
    [InlineData("ArnEquals", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", true)]
    [InlineData("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*", true)]
    [InlineData("StringLike", "aws:userid", "AROAEXAMPLEID:*", false)]
    [InlineData("StringLike", "aws:userid", "AROA*:*", true)]
    [InlineData("StringEquals", "aws:userid", "AIDAEXAMPLEUSERID", false)]
    [InlineData("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:111122223333:accesspoint/*", false)]
    [InlineData("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:*:111122223333:accesspoint/*", false)]
    [InlineData("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:*:accesspoint/*", true)]
    [InlineData("StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/*", false)]
    [InlineData("StringLike", "aws:PrincipalOrgPaths", "o-*/r-ab12/*", true)]
    [InlineData("StringEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:111122223333:key/k", false)]
    [InlineData("StringLike", "s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:*", true)]
    [InlineData("StringEquals", "s3:DataAccessPointAccount", "111122223333", false)]
    [InlineData("StringEquals", "aws:PrincipalAccount", "111122223333", false)]
    [InlineData("StringEquals", "aws:SourceOwner", "111122223333", false)]
    [InlineData("IpAddress", "aws:SourceVpc", "10.0.0.0/8", true)]
    [InlineData("StringEquals", "aws:SourceIp", "10.0.0.1", true)]
    [InlineData("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", true)]
    public void ConditionRulesTable(string op, string key, string value, bool isPublic) =>
        Assert.Equal(isPublic, WithCondition("{\"" + op + "\":{\"" + key + "\":\"" + value + "\"}}").IsPublic);

    [Fact]
    public void OneRestrictingConditionAmongOthersRestricts() =>
        Assert.False(WithCondition("{\"Bool\":{\"aws:SecureTransport\":\"true\"},\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}").IsPublic);

    [Fact]
    public void EmptyValueListDoesNotRestrict() =>
        Assert.True(WithCondition("{\"StringEquals\":{\"aws:SourceVpc\":[]}}").IsPublic);

    [Theory]
    [InlineData("\"s3:GetObject\"", true, false)]
    [InlineData("\"s3:ListBucket\"", true, false)]
    [InlineData("\"s3:Get*\"", true, false)]
    [InlineData("\"s3:PutObject\"", false, true)]
    [InlineData("\"s3:DeleteObject\"", false, true)]
    [InlineData("\"s3:PutBucketAcl\"", false, true)]
    [InlineData("\"s3:PutBucketPolicy\"", false, true)]
    [InlineData("\"s3:*\"", true, true)]
    [InlineData("\"*\"", true, true)]
    [InlineData("\"s3:*Object\"", true, true)]
    [InlineData("\"S3:getobject\"", true, false)]
    [InlineData("[\"s3:GetObject\",\"s3:PutObjectAcl\"]", true, true)]
    public void ActionsDecideReadAndWrite(string actions, bool read, bool write)
    {
        var a = Eval("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":" + actions + ",\"Resource\":\"*\"}");
        Assert.Equal(read, a.PublicRead);
        Assert.Equal(write, a.PublicWrite);
    }

    [Fact]
    public void NotActionWithAllowIsReadAndWrite()
    {
        var a = Eval("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":[\"s3:GetObject\"],\"Resource\":\"*\"}");
        Assert.True(a.PublicRead);
        Assert.True(a.PublicWrite);
    }

    [Fact]
    public void NotPrincipalWithAllowIsPublicAndWithDenyIsNot()
    {
        Assert.True(Eval("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}").IsPublic);
        Assert.False(Eval("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}").IsPublic);
    }

    [Fact]
    public void DenyNeverMakesPublic() =>
        Assert.False(Eval("[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]").IsPublic);

    [Fact]
    public void ReasonNamesStatementPrincipalAndWhy()
    {
        var a = Eval("[{\"Sid\":\"VpcOnly\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"aws:SourceVpc\":\"vpc-*\"}}}]");
        var r = a.Reasons.Single();
        Assert.Equal("VpcOnly", r.StatementId);
        Assert.Equal(ExposureSource.Policy, r.Source);
        Assert.Contains("{\"AWS\":\"*\"}", r.Principal);
        Assert.Contains("'VpcOnly'", r.Detail);
        Assert.Contains("wildcard", r.Detail);
    }

    [Fact]
    public void WildcardAccessIgnoresConditions()
    {
        var a = WithCondition("{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}", "\"s3:PutObject\"");
        Assert.False(a.IsPublic);
        Assert.True(a.WildcardWrite);
        Assert.False(a.WildcardRead);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"Version\":\"2012-10-17\"}")]
    [InlineData("[]")]
    public void MalformedPolicyIsInvalidArgument(string text)
    {
        var e = Assert.Throws<AwsGuardException>(() => PolicyEvaluator.Evaluate(text));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("MalformedPolicy", e.ErrorId);
    }
}
