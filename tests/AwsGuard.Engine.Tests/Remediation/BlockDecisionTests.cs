using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Remediation;
using Xunit;

namespace AwsGuard.Engine.Tests.Remediation;

/// <summary>The pure decision of Block-PublicBucket and the state comparison of Unblock-PublicBucket, over facts built as the scanner builds them.</summary>
public sealed class BlockDecisionTests
{
    private const string Owner = "FULL_CONTROL id=owner";
    private const string PublicRead = "READ uri=" + AclEvaluator.AllUsers;
    private const string PublicStatement = "{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}";
    private const string PartnerStatement = "{\"Sid\":\"Partner\",  \"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"}";

    private static BlockFacts Facts(BucketAccessMethod method, string[]? acl = null, string? policy = null, BlockPublicAccessFlags? block = null,
        bool allowTagged = false, bool ignoreAllowTag = false, string[]? objectAcl = null)
    {
        acl ??= new[] { Owner };
        var facts = new BucketFacts("b", objectAcl is null ? null : "k")
        {
            Region = "us-east-1",
            Acl = Fetched<IReadOnlyList<AclGrant>>.Answer("s3:GetBucketAcl", Grants(acl)),
            Policy = policy is null ? Fetched<string>.Missing("s3:GetBucketPolicy") : Fetched<string>.Answer("s3:GetBucketPolicy", policy),
            BucketBlock = block is null ? Fetched<BlockPublicAccessFlags>.Missing("s3:GetBucketPublicAccessBlock") : Fetched<BlockPublicAccessFlags>.Answer("s3:GetBucketPublicAccessBlock", block),
            ObjectAcl = objectAcl is null ? null : Fetched<IReadOnlyList<AclGrant>>.Answer("s3:GetObjectAcl", Grants(objectAcl)),
        };
        var state = new BucketAccessState { Acl = acl, Policy = policy, BlockPublicAccess = block, ObjectAcl = objectAcl };
        return new BlockFacts(method, ExposureDecision.Decide(facts), state, allowTagged, ignoreAllowTag);
    }

    private static IReadOnlyList<AclGrant> Grants(string[] grants) => grants.Select(g =>
    {
        var (permission, grantee) = AccessStates.SplitGrant(g);
        return grantee.StartsWith("uri=") ? new AclGrant(grantee.Substring(4), null, permission) : new AclGrant(null, grantee.Substring(3), permission);
    }).ToList();

    private static string Policy(params string[] statements) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}";

    [Fact]
    public void BlockPublicAccessTurnsOnTheAclFlagsForAPublicAclAndKeepsEveryFlagAlreadyOn()
    {
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, acl: new[] { Owner, PublicRead },
            block: new BlockPublicAccessFlags(false, false, true, false)));
        Assert.Equal(BlockOutcome.Change, plan.Outcome);
        Assert.Equal("BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=False", plan.After.BlockPublicAccess!.ToString());
        Assert.Equal(new[] { Owner, PublicRead }, plan.After.Acl);
        Assert.Contains(plan.Reasons, r => r.Contains("AllUsers"));
    }

    [Fact]
    public void BlockPublicAccessTurnsOnThePolicyFlagsForAPublicPolicyOnly()
    {
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, policy: Policy(PublicStatement)));
        Assert.Equal("BlockPublicAcls=False, IgnorePublicAcls=False, BlockPublicPolicy=True, RestrictPublicBuckets=True", plan.After.BlockPublicAccess!.ToString());
        Assert.Equal(new[] { "PutPublicAccessBlock: BlockPublicPolicy, RestrictPublicBuckets on (was not configured)" },
            AccessStates.DescribeAll(Facts(BucketAccessMethod.BlockPublicAccess, policy: Policy(PublicStatement)).State, plan.After));
    }

    [Fact]
    public void BlockPublicAccessCoversAPublicObjectAclWithTheAclFlags()
    {
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, objectAcl: new[] { Owner, PublicRead }));
        Assert.Equal(BlockOutcome.Change, plan.Outcome);
        Assert.True(plan.After.BlockPublicAccess!.IgnorePublicAcls);
        Assert.False(plan.After.BlockPublicAccess.RestrictPublicBuckets);
    }

    [Fact]
    public void RemovePublicGrantsRemovesOnlyPublicGrantsAndStatementsKeepingTheRestAsWritten()
    {
        var authenticatedWrite = "WRITE uri=" + AclEvaluator.AuthenticatedUsers;
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.RemovePublicGrants, acl: new[] { Owner, PublicRead, authenticatedWrite, "READ id=partner" },
            policy: Policy(PublicStatement, PartnerStatement)));
        Assert.Equal(BlockOutcome.Change, plan.Outcome);
        Assert.Equal(new[] { Owner, "READ id=partner" }, plan.After.Acl);
        Assert.Equal(Policy(PartnerStatement), plan.After.Policy);
        Assert.Null(plan.After.BlockPublicAccess);
    }

    [Fact]
    public void RemovePublicGrantsDeletesAPolicyLeftWithoutStatements()
    {
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.RemovePublicGrants, policy: Policy(PublicStatement)));
        Assert.Null(plan.After.Policy);
        Assert.Equal(new[] { StatePart.Policy }, AccessStates.Diff(Facts(BucketAccessMethod.RemovePublicGrants, policy: Policy(PublicStatement)).State, plan.After));
    }

    [Fact]
    public void AnExposureAlreadyNeutralisedIsLeftAlone()
    {
        // IgnorePublicAcls neutralises the ACL; only the policy is in effect.
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.RemovePublicGrants, acl: new[] { Owner, PublicRead }, policy: Policy(PublicStatement),
            block: new BlockPublicAccessFlags(false, true, false, false)));
        Assert.Equal(new[] { Owner, PublicRead }, plan.After.Acl);
        Assert.Null(plan.After.Policy);
    }

    [Fact]
    public void NotPublicAndBlockedBucketsNeedNothing()
    {
        Assert.Equal(BlockOutcome.NothingToDo, BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess)).Outcome);
        var blocked = BlockDecision.Decide(Facts(BucketAccessMethod.RemovePublicGrants, acl: new[] { Owner, PublicRead }, block: new BlockPublicAccessFlags(true, true, false, false)));
        Assert.Equal(BlockOutcome.NothingToDo, blocked.Outcome);
        Assert.Empty(AccessStates.Diff(new BucketAccessState { Acl = new[] { Owner, PublicRead }, BlockPublicAccess = new BlockPublicAccessFlags(true, true, false, false) }, blocked.After));
    }

    [Fact]
    public void AnAllowTaggedBucketIsSkippedUnlessTheTagIsIgnored()
    {
        Assert.Equal(BlockOutcome.AllowTagged, BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, acl: new[] { Owner, PublicRead }, allowTagged: true)).Outcome);
        Assert.Equal(BlockOutcome.Change, BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, acl: new[] { Owner, PublicRead }, allowTagged: true, ignoreAllowTag: true)).Outcome);
    }

    [Fact]
    public void AnUnknownBucketIsRefusedNamingTheFailedCall()
    {
        var plan = BlockDecision.Decide(Facts(BucketAccessMethod.BlockPublicAccess, policy: "not a policy"));
        Assert.Equal(BlockOutcome.Unknown, plan.Outcome);
        Assert.Contains(plan.Reasons, r => r.Contains("s3:GetBucketPolicy failed with MalformedPolicy"));
    }

    [Fact]
    public void APolicyOnlyS3CallsPublicCannotLoseAStatement()
    {
        const string conditioned = "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}}";
        var facts = new BucketFacts("b", null)
        {
            Region = "us-east-1",
            Acl = Fetched<IReadOnlyList<AclGrant>>.Answer("s3:GetBucketAcl", Grants(new[] { Owner })),
            Policy = Fetched<string>.Answer("s3:GetBucketPolicy", Policy(conditioned)),
            PolicyStatus = Fetched<PolicyStatusAnswer>.Answer("s3:GetBucketPolicyStatus", new PolicyStatusAnswer(true)),
        };
        var state = new BucketAccessState { Acl = new[] { Owner }, Policy = Policy(conditioned) };
        var exposure = ExposureDecision.Decide(facts);
        Assert.Equal(BlockOutcome.NoPublicStatement, BlockDecision.Decide(new BlockFacts(BucketAccessMethod.RemovePublicGrants, exposure, state, false, false)).Outcome);
        Assert.True(BlockDecision.Decide(new BlockFacts(BucketAccessMethod.BlockPublicAccess, exposure, state, false, false)).After.BlockPublicAccess!.RestrictPublicBuckets);
    }

    [Fact]
    public void ARestoreRelaxesBlockPublicAccessFirstAndABlockTightensItLast()
    {
        var open = new BucketAccessState { Acl = new[] { Owner, PublicRead }, Policy = Policy(PublicStatement) };
        var closed = new BucketAccessState { Acl = new[] { Owner }, Policy = Policy(PartnerStatement), BlockPublicAccess = new BlockPublicAccessFlags(true, true, true, true) };
        Assert.Equal(new[] { StatePart.Policy, StatePart.Acl, StatePart.BlockPublicAccess }, AccessStates.Diff(open, closed));
        Assert.Equal(new[] { StatePart.BlockPublicAccess, StatePart.Policy, StatePart.Acl }, AccessStates.Diff(closed, open));
    }

    [Fact]
    public void StatesCompareGrantsAsSetsAndPoliciesByContent()
    {
        var recorded = new BucketAccessState { Acl = new[] { Owner, "READ id=partner" }, Policy = Policy(PartnerStatement) };
        var found = new BucketAccessState { Acl = new[] { "READ id=partner", Owner }, Policy = "{ \"Version\": \"2012-10-17\", \"Statement\": [ " + PartnerStatement.Replace("  ", " ") + " ] }" };
        Assert.Empty(AccessStates.Differences(recorded, found));
        found.BlockPublicAccess = new BlockPublicAccessFlags();
        Assert.Equal(new[] { "Block Public Access is configured with every flag off, recorded not configured" }, AccessStates.Differences(recorded, found));
    }

    [Fact]
    public void AGrantOfAnotherFormIsRefused()
    {
        var error = Assert.Throws<AwsGuardException>(() => AccessStates.SplitGrant("READ everyone"));
        Assert.Equal("InvalidGrant", error.ErrorId);
    }
}
