using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Roles;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Roles;

public sealed class RoleReferenceTests
{
    [Theory]
    [InlineData("Deploy", "Deploy", null, null)]
    [InlineData("arn:aws:iam::123456789012:role/Deploy", "Deploy", "123456789012", "/")]
    [InlineData("arn:aws:iam::123456789012:role/team/app/Deploy", "Deploy", "123456789012", "/team/app/")]
    [InlineData("arn:aws-cn:iam::123456789012:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX", "AWSServiceRoleForX", "123456789012", "/aws-service-role/x.amazonaws.com/")]
    [InlineData("arn:aws:sts::210987654321:assumed-role/Deploy/i-0abc@example.com", "Deploy", "210987654321", null)]
    public void Names_and_both_ARN_forms_parse(string input, string name, string? account, string? path)
    {
        var role = RoleReference.Parse(input);
        Assert.Equal(name, role.Name);
        Assert.Equal(account, role.Account);
        Assert.Equal(path, role.Path);
        Assert.Equal(input, role.Input);
    }

    [Theory]
    [InlineData("not a name!", false)]
    [InlineData("arn:aws:iam::123456789012:user/Deploy", false)]
    [InlineData("arn:aws:sts::123456789012:federated-user/Bob", false)]
    [InlineData("arn:aws:iam::12345:role/Deploy", false)]
    [InlineData("Deploy", true)]
    public void Anything_else_is_InvalidArgument(string input, bool requireArn)
    {
        var error = Assert.Throws<AwsGuardException>(() => RoleReference.Parse(input, requireArn));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(input, error.Target);
    }
}

public sealed class RevocationPolicyTests
{
    [Fact]
    public void The_document_is_the_consoles_in_UTC_to_the_millisecond()
    {
        var local = new DateTime(2026, 11, 28, 10, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567).ToLocalTime();
        Assert.Equal(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"," +
            "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-11-28T10:15:30.123Z\"}}}]}",
            RevocationPolicy.Document(local));
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-11-28T10:15:30.123Z\"}}}]}", "2026-11-28T10:15:30.123Z")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],\"Condition\":{\"DateLessThan\":{\"aws:tokenissuetime\":[\"2014-05-07T23:47:00Z\"]}}}}", "2014-05-07T23:47:00.000Z")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2030-01-01T00:00:00Z\"}}},{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-01-01T00:00:00+01:00\"}}}]}", "2025-12-31T23:00:00.000Z")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}", null)]
    [InlineData("not json", null)]
    [InlineData(null, null)]
    public void An_existing_documents_time_is_read_in_any_form_IAM_accepts(string? document, string? expected)
    {
        var time = RevocationPolicy.ReadTime(document);
        Assert.Equal(expected, time is { } t ? RevocationPolicy.Format(t) : null);
        if (time is not null) Assert.Equal(DateTimeKind.Utc, time.Value.Kind);
    }
}

/// <summary>The revoker's decisions and error mapping, over an IIamClient of the test's own: moto does not enforce IAM permissions.</summary>
public sealed class RoleSessionRevokerTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_denied_PutRolePolicy_is_PermissionDenied_naming_the_permission()
    {
        var iam = new FakeIam { DenyPut = true };
        var revoker = new RoleSessionRevoker(iam, _ => Task.FromResult("123456789012"));
        var plan = await revoker.PlanAsync(RoleReference.Parse("app"), Now, CancellationToken.None);
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => revoker.ApplyAsync(plan, CancellationToken.None));
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Equal("AccessDenied", error.ErrorId);
        Assert.Contains("iam:PutRolePolicy", error.Message);
        Assert.Equal("app", error.Target);
    }

    [Fact]
    public async Task Another_accounts_ARN_fails_naming_both_accounts_before_any_IAM_call()
    {
        var iam = new FakeIam();
        var revoker = new RoleSessionRevoker(iam, _ => Task.FromResult("123456789012"));
        var error = await Assert.ThrowsAsync<AwsGuardException>(() =>
            revoker.PlanAsync(RoleReference.Parse("arn:aws:sts::210987654321:assumed-role/app/s"), Now, CancellationToken.None));
        Assert.Contains("210987654321", error.Message);
        Assert.Contains("123456789012", error.Message);
        Assert.Contains("-AssumeRoleArn", error.Message);
        Assert.Empty(iam.Calls);
    }

    [Fact]
    public async Task Names_never_ask_STS_and_ARNs_ask_once()
    {
        var asked = 0;
        var revoker = new RoleSessionRevoker(new FakeIam(), _ => { asked++; return Task.FromResult("123456789012"); });
        await revoker.PlanAsync(RoleReference.Parse("app"), Now, CancellationToken.None);
        Assert.Equal(0, asked);
        await revoker.PlanAsync(RoleReference.Parse("arn:aws:iam::123456789012:role/app"), Now, CancellationToken.None);
        await revoker.PlanAsync(RoleReference.Parse("arn:aws:iam::123456789012:role/app"), Now, CancellationToken.None);
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task A_service_linked_role_by_name_is_refused_after_GetRole_without_a_put()
    {
        var iam = new FakeIam { Path = "/aws-service-role/elasticbeanstalk.amazonaws.com/" };
        var revoker = new RoleSessionRevoker(iam, _ => Task.FromResult("123456789012"));
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => revoker.PlanAsync(RoleReference.Parse("AWSServiceRoleForX"), Now, CancellationToken.None));
        Assert.Equal("ServiceLinkedRole", error.ErrorId);
        Assert.Equal(new[] { "GetRole" }, iam.Calls);
    }

    [Theory]
    [InlineData(null, RevocationAction.Created, 0)]
    [InlineData(-60, RevocationAction.Updated, 0)]
    [InlineData(0, RevocationAction.Unchanged, 0)]
    [InlineData(60, RevocationAction.Unchanged, 60)]
    public async Task The_later_time_wins(int? existingMinutes, RevocationAction action, int effectiveMinutes)
    {
        var iam = new FakeIam { Existing = existingMinutes is { } m ? RevocationPolicy.Document(Now.AddMinutes(m)) : null };
        var revoker = new RoleSessionRevoker(iam, _ => Task.FromResult("123456789012"));
        var plan = await revoker.PlanAsync(RoleReference.Parse("app"), Now, CancellationToken.None);
        Assert.Equal(action, plan.Result.Action);
        Assert.Equal(Now.AddMinutes(effectiveMinutes), plan.Result.RevokedBefore);
        Assert.Equal(existingMinutes > 0, plan.KeepsLaterTime);
        await revoker.ApplyAsync(plan, CancellationToken.None);
        Assert.Equal(action != RevocationAction.Unchanged, iam.Calls.Contains("PutRolePolicy"));
    }

    private sealed class FakeIam : IIamClient
    {
        public List<string> Calls { get; } = new();
        public bool DenyPut { get; set; }
        public string Path { get; set; } = "/";
        public string? Existing { get; set; }

        public Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancel)
        {
            Calls.Add("GetRole");
            return Task.FromResult(new IamRole { RoleName = roleName, Path = Path, Arn = $"arn:aws:iam::123456789012:role{Path}{roleName}" });
        }

        public Task<RolePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancel)
        {
            Calls.Add("GetRolePolicy");
            if (Existing is null) throw new WireServiceException("IAM", "GetRolePolicy", "NoSuchEntity", "not attached", HttpStatusCode.NotFound, null);
            return Task.FromResult(new RolePolicy { PolicyName = policyName, PolicyDocument = Existing });
        }

        public Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancel)
        {
            Calls.Add("PutRolePolicy");
            if (DenyPut)
                throw new WireServiceException("IAM", "PutRolePolicy", "AccessDenied",
                    "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/x is not authorized to perform: iam:PutRolePolicy", HttpStatusCode.Forbidden, "req-1");
            return Task.CompletedTask;
        }

        // The revoker reads and writes one inline policy; the rest of IAM is not its business.
        public Task<IamPage<string>> ListRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel) =>
            throw new NotSupportedException();

        public Task<IamRole> CreateRoleAsync(string roleName, string trustPolicy, string? description, int? maxSessionDurationSeconds,
            string? permissionsBoundaryArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel) => throw new NotSupportedException();

        public Task<IamPage<AttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel) =>
            throw new NotSupportedException();

        public Task<IamPolicy> GetPolicyAsync(string arn, CancellationToken cancel) => throw new NotSupportedException();

        public Task<IamPolicyVersion> GetPolicyVersionAsync(string arn, string versionId, CancellationToken cancel) => throw new NotSupportedException();
    }
}

/// <summary>The revoker against moto's IAM through the real wire client.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class RoleSessionRevokerMotoTests
{
    private readonly LocalAws _aws;

    public RoleSessionRevokerMotoTests(LocalAws aws) => _aws = aws;

    [Fact]
    public async Task Created_then_updated_then_kept_and_a_missing_role_is_ObjectNotFound()
    {
        var role = LocalAws.UniqueName("revoke");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
boto3.client('iam', endpoint_url=os.environ['ENDPOINT']).create_role(RoleName='{role}', AssumeRolePolicyDocument='{{""Version"":""2012-10-17"",""Statement"":[]}}')
");
        var iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        var revoker = new RoleSessionRevoker(iam, _ => Task.FromResult("123456789012"));
        var reference = RoleReference.Parse($"arn:aws:iam::123456789012:role/{role}");
        var first = Now();

        async Task<RevocationPlan> Revoke(DateTime before)
        {
            var plan = await revoker.PlanAsync(reference, before, CancellationToken.None);
            await revoker.ApplyAsync(plan, CancellationToken.None);
            return plan;
        }

        Assert.Equal(RevocationAction.Created, (await Revoke(first)).Result.Action);
        Assert.Equal(RevocationPolicy.Document(first), (await iam.GetRolePolicyAsync(role, RevocationPolicy.Name, CancellationToken.None)).PolicyDocument);
        Assert.Equal(RevocationAction.Updated, (await Revoke(first.AddSeconds(1))).Result.Action);
        var kept = await Revoke(first);
        Assert.Equal(RevocationAction.Unchanged, kept.Result.Action);
        Assert.Equal(first.AddSeconds(1), kept.Result.RevokedBefore);
        Assert.Equal($"arn:aws:iam::123456789012:role/{role}", kept.Result.RoleArn);

        var missing = await Assert.ThrowsAsync<AwsGuardException>(() => revoker.PlanAsync(RoleReference.Parse(role + "-gone"), first, CancellationToken.None));
        Assert.Equal(ErrorKind.ObjectNotFound, missing.Kind);
        Assert.Contains(role + "-gone", missing.Message);
    }

    private static DateTime Now() => RevocationPolicy.Normalize(DateTime.UtcNow);
}
