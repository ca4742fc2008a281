using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.PublicAccess;
using Xunit;

namespace AwsGuard.Engine.Tests.PublicAccess;

/// <summary>Pure tests of the decision layer below the S3 calls: merges, failures and PolicyStatus (which moto cannot answer).</summary>
public sealed class ExposureDecisionTests
{
    private const string PublicPolicy = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}";
    private const string RestrictedPolicy = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}}}";
    private static readonly AwsGuardException Denied = new(ErrorKind.PermissionDenied, "AccessDenied", "Access Denied");

    private static BucketFacts Facts(string? policy = null, bool publicAcl = false) => new("bucket-a", null)
    {
        Region = "us-east-1",
        Acl = Fetched<IReadOnlyList<AclGrant>>.Answer("s3:GetBucketAcl", publicAcl
            ? new[] { new AclGrant(AclEvaluator.AllUsers, null, "READ") }
            : new[] { new AclGrant(null, "owner", "FULL_CONTROL") }),
        Policy = policy is null ? Fetched<string>.Missing("s3:GetBucketPolicy") : Fetched<string>.Answer("s3:GetBucketPolicy", policy),
    };

    [Fact]
    public void MergeIsFlagByFlag()
    {
        var merged = BlockPublicAccessFlags.Merge(new BlockPublicAccessFlags(true, false, false, true), new BlockPublicAccessFlags(false, true, false, false));
        Assert.True(merged.BlockPublicAcls);
        Assert.True(merged.IgnorePublicAcls);
        Assert.False(merged.BlockPublicPolicy);
        Assert.True(merged.RestrictPublicBuckets);
        Assert.False(BlockPublicAccessFlags.Merge(null, null).IgnorePublicAcls);
    }

    [Fact]
    public void AwsSaysPublicLocalSaysNotAwsWins()
    {
        var facts = Facts(RestrictedPolicy);
        facts.PolicyStatus = Fetched<PolicyStatusAnswer>.Answer("s3:GetBucketPolicyStatus", new PolicyStatusAnswer(true));
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.Public, r.Status);
        Assert.True(r.PublicWrite);
        Assert.False(r.PublicRead);
        var status = Assert.Single(r.Reasons, x => x.Source == ExposureSource.PolicyStatus);
        Assert.Contains("local analysis found no public statement", status.Detail);
    }

    [Fact]
    public void AwsSaysNotPublicLocalSaysPublicLocalStandsAndDisagreementIsReported()
    {
        var facts = Facts(PublicPolicy);
        facts.PolicyStatus = Fetched<PolicyStatusAnswer>.Answer("s3:GetBucketPolicyStatus", new PolicyStatusAnswer(false));
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.Public, r.Status);
        Assert.Contains("local finding stands", Assert.Single(r.Reasons, x => x.Source == ExposureSource.PolicyStatus).Detail);
    }

    [Fact]
    public void AgreementIsAReasonToo()
    {
        var facts = Facts(PublicPolicy);
        facts.PolicyStatus = Fetched<PolicyStatusAnswer>.Answer("s3:GetBucketPolicyStatus", new PolicyStatusAnswer(true));
        var r = ExposureDecision.Decide(facts);
        Assert.Contains("also calls the policy public", Assert.Single(r.Reasons, x => x.Source == ExposureSource.PolicyStatus).Detail);
    }

    [Fact]
    public void PolicyStatusWithoutIsPublicLeavesTheLocalAnalysis()
    {
        var facts = Facts(RestrictedPolicy);
        facts.PolicyStatus = Fetched<PolicyStatusAnswer>.Answer("s3:GetBucketPolicyStatus", new PolicyStatusAnswer(null));
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.NotPublic, r.Status);
        Assert.DoesNotContain(r.Reasons, x => x.Source == ExposureSource.PolicyStatus);
    }

    [Fact]
    public void FailedPolicyStatusDoesNotMakeUnknown()
    {
        var facts = Facts(RestrictedPolicy);
        facts.PolicyStatus = Fetched<PolicyStatusAnswer>.Failure("s3:GetBucketPolicyStatus", Denied);
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.NotPublic, r.Status);
        Assert.Contains(r.Reasons, x => x.FailedCall == "s3:GetBucketPolicyStatus");
    }

    [Fact]
    public void ProvenPublicPolicyWinsOverAFailedAclCall()
    {
        var facts = Facts(PublicPolicy);
        facts.Acl = Fetched<IReadOnlyList<AclGrant>>.Failure("s3:GetBucketAcl", Denied);
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.Public, r.Status);
        Assert.Contains(r.Reasons, x => x.FailedCall == "s3:GetBucketAcl");
    }

    [Fact]
    public void FailedRestrictFlagSourceWithPublicPolicyIsUnknownUnlessTheOtherLevelRestricts()
    {
        var facts = Facts(PublicPolicy);
        facts.Account = Fetched<BlockPublicAccessFlags>.Failure(PublicAccessScanner.AccountCall, Denied);
        Assert.Equal(ExposureStatus.Unknown, ExposureDecision.Decide(facts).Status);

        facts.BucketBlock = Fetched<BlockPublicAccessFlags>.Answer("s3:GetBucketPublicAccessBlock", new BlockPublicAccessFlags(false, false, false, true));
        Assert.Equal(ExposureStatus.Blocked, ExposureDecision.Decide(facts).Status);
    }

    [Fact]
    public void BlockedKeepsReasonsMarkedNeutralisedAndClearsReadWrite()
    {
        var facts = Facts(PublicPolicy, publicAcl: true);
        facts.Account = Fetched<BlockPublicAccessFlags>.Answer(PublicAccessScanner.AccountCall, new BlockPublicAccessFlags(false, true, false, false));
        facts.BucketBlock = Fetched<BlockPublicAccessFlags>.Answer("s3:GetBucketPublicAccessBlock", new BlockPublicAccessFlags(false, false, false, true));
        var r = ExposureDecision.Decide(facts);
        Assert.Equal(ExposureStatus.Blocked, r.Status);
        Assert.False(r.IsPublic);
        Assert.False(r.PublicRead);
        Assert.All(r.Reasons.Where(x => x.Source is ExposureSource.Acl or ExposureSource.Policy), x => Assert.True(x.Neutralised));
        Assert.Contains(r.Reasons, x => x.Source == ExposureSource.AccountBlockPublicAccess && x.Permissions.Contains("IgnorePublicAcls"));
        Assert.Contains(r.Reasons, x => x.Source == ExposureSource.BucketBlockPublicAccess && x.Permissions.Contains("RestrictPublicBuckets"));
        Assert.True(r.EffectiveBlockPublicAccess.IgnorePublicAcls && r.EffectiveBlockPublicAccess.RestrictPublicBuckets);
    }

    [Fact]
    public void MalformedPolicyIsUnknown()
    {
        var r = ExposureDecision.Decide(Facts("{oops"));
        Assert.Equal(ExposureStatus.Unknown, r.Status);
        Assert.Contains(r.Reasons, x => x.ErrorId == "MalformedPolicy");
    }

    [Theory]
    [InlineData(null, "us-east-1")]
    [InlineData("", "us-east-1")]
    [InlineData("EU", "eu-west-1")]
    [InlineData("ap-south-1", "ap-south-1")]
    public void LocationConstraintToRegion(string? constraint, string region) =>
        Assert.Equal(region, PublicAccessScanner.RegionOf(constraint));
}
