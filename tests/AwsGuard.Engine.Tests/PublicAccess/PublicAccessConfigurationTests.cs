using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;

namespace AwsGuard.Engine.Tests.PublicAccess;

/// <summary>
/// One bucket per configuration, seeded on moto through the SDK, evaluated by the scanner; the expected Status, PublicRead
/// and PublicWrite are written from AWS's documented rules ("The meaning of public", Block Public Access, Object Ownership),
/// not from what the code does. Where moto accepts what real S3 refuses (a public ACL on a BucketOwnerEnforced bucket),
/// the expectation is AWS's documented effect (ACLs disabled: the grant is void).
/// </summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicAccessConfigurationTests
{
    private const string AllUsers = "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"";
    private const string AuthenticatedUsers = "uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"";
    private const string Key = "data/report.csv";

    private readonly MotoS3 _s3;

    public PublicAccessConfigurationTests(LocalAws aws) => _s3 = new MotoS3(aws);

    private sealed record Case(
        Func<MotoS3, Task<string>> Setup,
        ExposureStatus Status,
        bool Read,
        bool Write,
        BlockPublicAccessFlags? Account = null,
        string? ObjectKey = null,
        ExposureSource? ExpectReasonFrom = null);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // ---- ACLs (canned and explicit grants)
        ["acl private"] = new(s => s.NewBucketAsync(S3CannedACL.Private), ExposureStatus.NotPublic, false, false),
        ["acl public-read"] = new(s => s.NewBucketAsync(S3CannedACL.PublicRead), ExposureStatus.Public, true, false, ExpectReasonFrom: ExposureSource.Acl),
        // Canned public-read-write is READ + WRITE to AllUsers; moto 5.2.1 renders only the first permission of a canned grant,
        // so the same ACL is seeded as the two grants real S3 returns for it.
        ["acl public-read-write (as its two grants)"] = new(s => Grant(s, r => { r.GrantRead = AllUsers; r.GrantWrite = AllUsers; }), ExposureStatus.Public, true, true),
        ["acl authenticated-read"] = new(s => s.NewBucketAsync(S3CannedACL.AuthenticatedRead), ExposureStatus.Public, true, false),
        ["acl log-delivery-write"] = new(s => s.NewBucketAsync(S3CannedACL.LogDeliveryWrite), ExposureStatus.NotPublic, false, false),
        ["grant AllUsers WRITE"] = new(s => Grant(s, r => r.GrantWrite = AllUsers), ExposureStatus.Public, false, true),
        ["grant AllUsers WRITE_ACP"] = new(s => Grant(s, r => r.GrantWriteACP = AllUsers), ExposureStatus.Public, false, true),
        ["grant AuthenticatedUsers READ_ACP"] = new(s => Grant(s, r => r.GrantReadACP = AuthenticatedUsers), ExposureStatus.Public, true, false),
        ["grant AllUsers FULL_CONTROL"] = new(s => Grant(s, r => r.GrantFullControl = AllUsers), ExposureStatus.Public, true, true),

        // ---- Policies: principals and effects
        ["policy Principal * GetObject"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"")), ExposureStatus.Public, true, false, ExpectReasonFrom: ExposureSource.Policy),
        ["policy {AWS:*} PutObject"] = new(s => Policy(s, Allow("{\"AWS\":\"*\"}", "[\"s3:PutObject\"]")), ExposureStatus.Public, false, true),
        ["policy arn:aws:iam::*:root s3:*"] = new(s => Policy(s, Allow("{\"AWS\":[\"arn:aws:iam::*:root\"]}", "\"s3:*\"")), ExposureStatus.Public, true, true),
        ["policy Federated principal"] = new(s => Policy(s, Allow("{\"Federated\":\"cognito-identity.amazonaws.com\"}", "\"s3:GetObject\"")), ExposureStatus.Public, true, false),
        ["policy NotPrincipal with Allow"] = new(s => Policy(s, "{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"R/*\"}"), ExposureStatus.Public, true, false),
        ["policy fixed account principal"] = new(s => Policy(s, Allow("{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "\"s3:*\"")), ExposureStatus.NotPublic, false, false),
        ["policy Deny to *"] = new(s => Policy(s, "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"R\",\"R/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}"), ExposureStatus.NotPublic, false, false),
        ["policy Deny does not cancel a public Allow"] = new(s => Policy(s,
            "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"R/*\"}",
            Allow("\"*\"", "\"s3:GetObject\"")), ExposureStatus.Public, true, false),
        ["policy NotAction with Allow"] = new(s => Policy(s, "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"s3:DeleteBucket\",\"Resource\":\"R/*\"}"), ExposureStatus.Public, true, true),
        ["policy s3:Get* and s3:ListBucket"] = new(s => Policy(s, Allow("\"*\"", "[\"s3:Get*\",\"s3:ListBucket\"]")), ExposureStatus.Public, true, false),
        ["policy one restricted and one public statement"] = new(s => Policy(s,
            Allow("\"*\"", "\"s3:PutObject\"", "{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-91237329\"}}"),
            Allow("\"*\"", "\"s3:ListBucket\"")), ExposureStatus.Public, true, false),

        // ---- Policies: conditions that restrict (AWS's keys with fixed values)
        ["cond StringEquals aws:SourceVpc fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-91237329\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond StringEquals aws:SourceVpce fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:*\"", "{\"StringEquals\":{\"aws:SourceVpce\":[\"vpce-1a2b3c4d\",\"vpce-5e6f7a8b\"]}}")), ExposureStatus.NotPublic, false, false),
        ["cond IpAddress 10.0.0.0/8"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond IpAddress narrow public 203.0.113.0/24"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"198.51.100.7\"]}}")), ExposureStatus.NotPublic, false, false),
        ["cond IpAddress IPv6 /32"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond StringEquals aws:SourceArn fixed"] = new(s => Policy(s, Allow("{\"Service\":\"*\"}", "\"s3:PutObject\"", "{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:cloudtrail:us-east-1:111122223333:trail/main\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:SourceAccount as number"] = new(s => Policy(s, Allow("\"*\"", "\"s3:PutObject\"", "{\"StringEquals\":{\"aws:SourceAccount\":111122223333}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:SourceOwner fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:PutObject\"", "{\"StringEquals\":{\"aws:SourceOwner\":\"111122223333\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:PrincipalOrgID fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:PrincipalAccount fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringEquals\":{\"aws:PrincipalAccount\":[\"111122223333\"]}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:PrincipalOrgPaths under a fixed org"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":\"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond aws:userid ROLEID:*"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringLike\":{\"aws:userid\":\"AROAEXAMPLEID:*\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond s3:DataAccessPointArn any name, fixed account"] = new(s => Policy(s, Allow("\"*\"", "\"s3:*\"", "{\"StringLike\":{\"s3:DataAccessPointArn\":\"arn:aws:s3:us-east-1:111122223333:accesspoint/*\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond s3:DataAccessPointAccount fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:*\"", "{\"StringEquals\":{\"s3:DataAccessPointAccount\":\"111122223333\"}}")), ExposureStatus.NotPublic, false, false),
        ["cond kms key id fixed"] = new(s => Policy(s, Allow("\"*\"", "\"s3:PutObject\"", "{\"StringEquals\":{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}}")), ExposureStatus.NotPublic, false, false),

        // ---- Policies: conditions that do not restrict
        ["cond StringLike aws:SourceVpc vpc-*"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringLike\":{\"aws:SourceVpc\":\"vpc-*\"}}")), ExposureStatus.Public, true, false),
        ["cond IpAddress /7 is too wide"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/7\"}}")), ExposureStatus.Public, true, false),
        ["cond IpAddress 0.0.0.0/0"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"0.0.0.0/0\"]}}")), ExposureStatus.Public, true, false),
        ["cond IpAddress IPv6 /31 is too wide"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/31\"}}")), ExposureStatus.Public, true, false),
        ["cond NotIpAddress"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}")), ExposureStatus.Public, true, false),
        ["cond StringNotEquals aws:SourceVpc"] = new(s => Policy(s, Allow("\"*\"", "\"s3:PutObject\"", "{\"StringNotEquals\":{\"aws:SourceVpc\":\"vpc-91237329\"}}")), ExposureStatus.Public, false, true),
        ["cond policy variable in aws:PrincipalArn"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:user/${aws:username}\"}}")), ExposureStatus.Public, true, false),
        ["cond ArnLike aws:PrincipalArn with account wildcard"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/Reader\"}}")), ExposureStatus.Public, true, false),
        ["cond StringLike aws:userid *:alice"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringLike\":{\"aws:userid\":\"*:alice\"}}")), ExposureStatus.Public, true, false),
        ["cond Bool aws:SecureTransport only"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"Bool\":{\"aws:SecureTransport\":true}}")), ExposureStatus.Public, true, false),
        ["cond StringEqualsIfExists aws:SourceVpc"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"", "{\"StringEqualsIfExists\":{\"aws:SourceVpc\":\"vpc-91237329\"}}")), ExposureStatus.Public, true, false),

        // ---- Block Public Access at bucket level (flag by flag)
        ["bucket IgnorePublicAcls over public-read"] = new(s => WithBlock(s.NewBucketAsync(S3CannedACL.PublicRead), s, ignoreAcls: true), ExposureStatus.Blocked, false, false, ExpectReasonFrom: ExposureSource.BucketBlockPublicAccess),
        ["bucket BlockPublicAcls alone leaves public-read"] = new(s => WithBlock(s.NewBucketAsync(S3CannedACL.PublicRead), s, blockAcls: true), ExposureStatus.Public, true, false),
        ["bucket RestrictPublicBuckets over public policy"] = new(s => WithBlock(Policy(s, Allow("\"*\"", "\"s3:GetObject\"")), s, restrict: true), ExposureStatus.Blocked, false, false, ExpectReasonFrom: ExposureSource.BucketBlockPublicAccess),
        ["bucket BlockPublicPolicy alone leaves public policy"] = new(s => WithBlock(Policy(s, Allow("\"*\"", "\"s3:GetObject\"")), s, blockPolicy: true), ExposureStatus.Public, true, false),
        ["bucket IgnorePublicAcls leaves public policy"] = new(s => WithBlock(Policy(s, Allow("\"*\"", "\"s3:PutObject\""), S3CannedACL.PublicRead), s, ignoreAcls: true), ExposureStatus.Public, false, true),

        // ---- Block Public Access at account level (scanner input) and merged with the bucket's
        ["account IgnorePublicAcls over public-read"] = new(s => s.NewBucketAsync(S3CannedACL.PublicRead), ExposureStatus.Blocked, false, false,
            Account: new BlockPublicAccessFlags(false, true, false, false), ExpectReasonFrom: ExposureSource.AccountBlockPublicAccess),
        ["account RestrictPublicBuckets over public policy"] = new(s => Policy(s, Allow("\"*\"", "\"s3:GetObject\"")), ExposureStatus.Blocked, false, false,
            Account: new BlockPublicAccessFlags(false, false, false, true), ExpectReasonFrom: ExposureSource.AccountBlockPublicAccess),
        ["account BlockPublicAcls+BlockPublicPolicy leave both"] = new(s => Policy(s, Allow("\"*\"", "\"s3:PutObject\""), S3CannedACL.PublicRead), ExposureStatus.Public, true, true,
            Account: new BlockPublicAccessFlags(true, false, true, false)),
        ["account IgnorePublicAcls + bucket RestrictPublicBuckets block both"] = new(s => WithBlock(Policy(s, Allow("\"*\"", "\"s3:PutObject\""), S3CannedACL.PublicRead), s, restrict: true),
            ExposureStatus.Blocked, false, false, Account: new BlockPublicAccessFlags(false, true, false, false)),
        ["account RestrictPublicBuckets + bucket BlockPublicAcls leave the ACL"] = new(s => WithBlock(Policy(s, Allow("\"*\"", "\"s3:PutObject\""), S3CannedACL.PublicRead), s, blockAcls: true),
            ExposureStatus.Public, true, false, Account: new BlockPublicAccessFlags(false, false, false, true)),

        // ---- Object Ownership
        ["BucketOwnerEnforced voids public-read"] = new(s => WithOwnership(s.NewBucketAsync(S3CannedACL.PublicRead), s, ObjectOwnership.BucketOwnerEnforced), ExposureStatus.Blocked, false, false, ExpectReasonFrom: ExposureSource.ObjectOwnership),
        ["BucketOwnerEnforced leaves a public policy"] = new(s => WithOwnership(Policy(s, Allow("\"*\"", "\"s3:GetObject\"")), s, ObjectOwnership.BucketOwnerEnforced), ExposureStatus.Public, true, false),
        ["BucketOwnerPreferred leaves public-read"] = new(s => WithOwnership(s.NewBucketAsync(S3CannedACL.PublicRead), s, ObjectOwnership.BucketOwnerPreferred), ExposureStatus.Public, true, false),

        // ---- Object ACLs (with a key)
        ["object public-read in a private bucket"] = new(s => WithObject(s.NewBucketAsync(), s, S3CannedACL.PublicRead), ExposureStatus.Public, true, false, ObjectKey: Key, ExpectReasonFrom: ExposureSource.ObjectAcl),
        ["object authenticated-read"] = new(s => WithObject(s.NewBucketAsync(), s, S3CannedACL.AuthenticatedRead), ExposureStatus.Public, true, false, ObjectKey: Key),
        ["object private"] = new(s => WithObject(s.NewBucketAsync(), s, S3CannedACL.Private), ExposureStatus.NotPublic, false, false, ObjectKey: Key),
        ["object public-read under bucket IgnorePublicAcls"] = new(s => WithBlock(WithObject(s.NewBucketAsync(), s, S3CannedACL.PublicRead), s, ignoreAcls: true), ExposureStatus.Blocked, false, false, ObjectKey: Key),
        ["object public-read under account IgnorePublicAcls"] = new(s => WithObject(s.NewBucketAsync(), s, S3CannedACL.PublicRead), ExposureStatus.Blocked, false, false,
            Account: new BlockPublicAccessFlags(false, true, false, false), ObjectKey: Key),
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    [Fact]
    public void CoversAtLeastThirtyConfigurations() => Assert.True(Cases.Count >= 30, $"only {Cases.Count} configurations");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EvaluatesConfiguration(string name)
    {
        var c = Cases[name];
        var bucket = await c.Setup(_s3);

        var result = await _s3.Scanner(c.Account).EvaluateAsync(bucket, c.ObjectKey, CancellationToken.None);

        var why = string.Join(" | ", result.Reasons.Select(r => r.ToString()));
        Assert.True(c.Status == result.Status, $"{name}: expected {c.Status}, got {result.Status}: {why}");
        Assert.True(c.Read == result.PublicRead, $"{name}: PublicRead expected {c.Read}: {why}");
        Assert.True(c.Write == result.PublicWrite, $"{name}: PublicWrite expected {c.Write}: {why}");
        Assert.Equal(c.Status == ExposureStatus.Public, result.IsPublic);
        Assert.Equal(bucket, result.BucketName);
        Assert.Equal("us-east-1", result.Region);
        Assert.Equal(c.ObjectKey, result.ObjectKey);
        Assert.DoesNotContain(result.Reasons, r => r.FailedCall is not null);
        if (c.Status == ExposureStatus.NotPublic)
            Assert.DoesNotContain(result.Reasons, r => r.Source is ExposureSource.Acl or ExposureSource.ObjectAcl or ExposureSource.Policy);
        if (c.Status is ExposureStatus.Public or ExposureStatus.Blocked)
        {
            Assert.Contains(result.Reasons, r => r.Source is ExposureSource.Acl or ExposureSource.ObjectAcl or ExposureSource.Policy);
            Assert.All(result.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));
        }
        if (c.Status == ExposureStatus.Blocked)
            Assert.All(result.Reasons.Where(r => r.Source is ExposureSource.Acl or ExposureSource.ObjectAcl or ExposureSource.Policy), r => Assert.True(r.Neutralised));
        if (c.ExpectReasonFrom is { } source)
            Assert.Contains(result.Reasons, r => r.Source == source);
        var expectedEffective = BlockPublicAccessFlags.Merge(c.Account, result.BucketBlockPublicAccess);
        Assert.Equal(expectedEffective.ToString(), result.EffectiveBlockPublicAccess.ToString());
    }

    // ---- seeding helpers: every one goes through the SDK's IAmazonS3 on moto

    private static string Allow(string principal, string action, string? condition = null) =>
        "{\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":" + action + ",\"Resource\":[\"R\",\"R/*\"]"
        + (condition is null ? "" : ",\"Condition\":" + condition) + "}";

    private static async Task<string> Policy(MotoS3 s, string statement, S3CannedACL? acl = null) => await Policy(s, new[] { statement }, acl);

    private static Task<string> Policy(MotoS3 s, string first, string second) => Policy(s, new[] { first, second }, null);

    private static async Task<string> Policy(MotoS3 s, string[] statements, S3CannedACL? acl)
    {
        var bucket = await s.NewBucketAsync(acl);
        var policy = "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}";
        await s.Client().PutBucketPolicyAsync(bucket, policy.Replace("\"R", "\"arn:aws:s3:::" + bucket));
        return bucket;
    }

    private static async Task<string> Grant(MotoS3 s, Action<PutBucketAclRequest> grant)
    {
        var bucket = await s.NewBucketAsync();
        var request = new PutBucketAclRequest { BucketName = bucket };
        grant(request);
        await s.Client().PutBucketAclAsync(request);
        return bucket;
    }

    private static async Task<string> WithBlock(Task<string> made, MotoS3 s, bool blockAcls = false, bool ignoreAcls = false, bool blockPolicy = false, bool restrict = false)
    {
        var bucket = await made;
        await s.Client().PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = blockAcls, IgnorePublicAcls = ignoreAcls, BlockPublicPolicy = blockPolicy, RestrictPublicBuckets = restrict,
            },
        });
        return bucket;
    }

    private static async Task<string> WithOwnership(Task<string> made, MotoS3 s, ObjectOwnership ownership)
    {
        var bucket = await made;
        await s.Client().PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = new List<OwnershipControlsRule> { new() { ObjectOwnership = ownership } } },
        });
        return bucket;
    }

    private static async Task<string> WithObject(Task<string> made, MotoS3 s, S3CannedACL acl)
    {
        var bucket = await made;
        await s.Client().PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key, ContentBody = "a,b\n", CannedACL = acl });
        return bucket;
    }
}
