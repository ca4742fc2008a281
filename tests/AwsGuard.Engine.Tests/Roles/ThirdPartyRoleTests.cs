using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Roles;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Roles;

/// <summary>New-ThirdPartyRole's checks (before any call) and documents.</summary>
public sealed class ThirdPartyRolePlanTests
{
    private static readonly string[] Ec2 = { "ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances" };

    private static ThirdPartyRolePlan Plan(string? account = "999988887777", string externalId = "Zq7x9a-Vendor", string[]? actions = null,
        string[]? resources = null, bool allowWildcard = false, string? principalArn = null, TimeSpan? duration = null, string roleName = "VendorEc2") =>
        ThirdPartyRolePlan.Create(roleName, account, principalArn, externalId, actions ?? Ec2, resources, allowWildcard, duration, null, null, null);

    [Theory]
    [InlineData("99998888777", "Zq7x9a", "ec2:DescribeInstances", "InvalidAccountId")]
    [InlineData("9999888877770", "Zq7x9a", "ec2:DescribeInstances", "InvalidAccountId")]
    [InlineData("99998888777a", "Zq7x9a", "ec2:DescribeInstances", "InvalidAccountId")]
    [InlineData("999988887777", "", "ec2:DescribeInstances", "InvalidExternalId")]
    [InlineData("999988887777", "a", "ec2:DescribeInstances", "InvalidExternalId")]
    [InlineData("999988887777", "has space", "ec2:DescribeInstances", "InvalidExternalId")]
    [InlineData("999988887777", "semi;colon", "ec2:DescribeInstances", "InvalidExternalId")]
    [InlineData("999988887777", "Zq7x9a", "*", "WildcardAction")]
    [InlineData("999988887777", "Zq7x9a", "ec2:*", "WildcardAction")]
    [InlineData("999988887777", "Zq7x9a", "DescribeInstances", "InvalidAction")]
    [InlineData("999988887777", "Zq7x9a", "ec2:Describe Instances", "InvalidAction")]
    public void Bad_input_is_refused_with_its_own_error_id(string account, string externalId, string action, string errorId)
    {
        var error = Assert.Throws<AwsGuardException>(() => Plan(account, externalId, new[] { action }));
        Assert.Equal((ErrorKind.InvalidArgument, errorId), (error.Kind, error.ErrorId));
    }

    [Fact]
    public void External_id_length_follows_IAM_2_to_1224()
    {
        Assert.Equal(1224, Plan(externalId: new string('x', 1224)).ExternalId.Length);
        Assert.Equal("InvalidExternalId", Assert.Throws<AwsGuardException>(() => Plan(externalId: new string('x', 1225))).ErrorId);
        Assert.Equal("ab", Plan(externalId: "ab").ExternalId);
        Assert.Equal("a_b+c=d,e.f@g:h/i-j", Plan(externalId: "a_b+c=d,e.f@g:h/i-j").ExternalId);
    }

    [Fact]
    public void Other_inputs_are_checked_too()
    {
        Assert.Equal("InvalidResource", Assert.Throws<AwsGuardException>(() => Plan(resources: new[] { "i-0abc" })).ErrorId);
        Assert.Equal("InvalidPrincipalArn", Assert.Throws<AwsGuardException>(() => Plan(account: null, principalArn: "arn:aws:iam::999988887777:group/Ops")).ErrorId);
        Assert.Equal("InvalidMaxSessionDuration", Assert.Throws<AwsGuardException>(() => Plan(duration: TimeSpan.FromMinutes(59))).ErrorId);
        Assert.Equal("InvalidMaxSessionDuration", Assert.Throws<AwsGuardException>(() => Plan(duration: TimeSpan.FromHours(13))).ErrorId);
        Assert.Equal("InvalidRoleReference", Assert.Throws<AwsGuardException>(() => Plan(roleName: "arn:aws:iam::111122223333:role/X")).ErrorId);
        Assert.Equal("InvalidRoleReference", Assert.Throws<AwsGuardException>(() => Plan(roleName: "bad name")).ErrorId);
    }

    [Fact]
    public void Wildcard_actions_pass_with_AllowWildcardAction_and_partial_wildcards_always()
    {
        Assert.Equal(new[] { "ec2:*" }, Plan(actions: new[] { "ec2:*" }, allowWildcard: true).Actions);
        Assert.Equal(new[] { "ec2:Describe*" }, Plan(actions: new[] { "ec2:Describe*" }).Actions);
    }

    [Fact]
    public void The_trust_names_only_the_principal_with_StringEquals_external_id_and_the_permissions_exactly_the_actions()
    {
        var plan = Plan(externalId: "a+b/c=d");
        using var trust = JsonDocument.Parse(plan.TrustPolicy);
        var statement = Assert.Single(trust.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal("arn:aws:iam::999988887777:root", statement.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        Assert.Equal("a+b/c=d", statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("sts:ExternalId").GetString());
        Assert.Contains("\"a+b/c=d\"", plan.TrustPolicy); // written as typed, not \u002B

        using var permissions = JsonDocument.Parse(plan.PermissionPolicy);
        var allow = Assert.Single(permissions.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal(Ec2, allow.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("*", allow.GetProperty("Resource").GetString());
        Assert.Equal(TimeSpan.FromHours(1), plan.MaxSession);

        Assert.Equal("arn:aws:iam::999988887777:role/VendorApp", Plan(account: null, principalArn: "arn:aws:iam::999988887777:role/VendorApp").Principal);
    }

    [Fact]
    public void Write_actions_on_every_resource_draw_one_warning_naming_them()
    {
        var warning = Assert.Single(Plan().Warnings);
        Assert.Contains("ec2:StartInstances, ec2:StopInstances", warning);
        Assert.DoesNotContain("DescribeInstances", warning);
        Assert.Empty(Plan(actions: new[] { "ec2:DescribeInstances" }).Warnings);
        Assert.Empty(Plan(resources: new[] { "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc" }).Warnings);
    }
}

/// <summary>New-ThirdPartyRole's role in moto, read back with the AWS CLI and judged by Get-RoleTrust's reader.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class ThirdPartyRoleCreatorTests
{
    private readonly LocalAws _aws;

    public ThirdPartyRoleCreatorTests(LocalAws aws) => _aws = aws;

    private static ThirdPartyRolePlan SeedScenario(string roleName) => ThirdPartyRolePlan.Create(roleName, "999988887777", null, "Vendor-8c1f+2e",
        new[] { "ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances" }, null, false, null, null, "EC2 scheduler (vendor)",
        new Dictionary<string, string> { ["vendor"] = "scheduler" });

    [Fact]
    public async Task The_seed_scenario_reads_back_as_intended_and_shows_no_high_finding()
    {
        var name = LocalAws.UniqueName("vendor");
        var iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        var plan = SeedScenario(name);
        var role = await new ThirdPartyRoleCreator(iam).CreateAsync(plan, CancellationToken.None);
        Assert.Equal(($"arn:aws:iam::123456789012:role/{name}", "123456789012", "Vendor-8c1f+2e"), (role.RoleArn, role.AccountId, role.ExternalId));

        var cli = JsonDocument.Parse(await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", name, "--output", "json")).RootElement.GetProperty("Role");
        AssertSameJson(plan.TrustPolicy, cli.GetProperty("AssumeRolePolicyDocument").GetRawText());
        Assert.Equal(3600, cli.GetProperty("MaxSessionDuration").GetInt32());
        var inline = JsonDocument.Parse(await Tools.Aws(_aws.Endpoint, "iam", "get-role-policy", "--role-name", name, "--policy-name", ThirdPartyRolePlan.PermissionPolicyName, "--output", "json")).RootElement;
        AssertSameJson(plan.PermissionPolicy, inline.GetProperty("PolicyDocument").GetRawText());
        var list = JsonDocument.Parse(await Tools.Aws(_aws.Endpoint, "iam", "list-role-policies", "--role-name", name, "--output", "json")).RootElement;
        Assert.Equal(new[] { ThirdPartyRolePlan.PermissionPolicyName }, list.GetProperty("PolicyNames").EnumerateArray().Select(p => p.GetString()));

        var trust = Assert.Single(await new RoleTrustReader(iam, new OrganizationsClient(Tools.Keys, LocalAws.Region, _aws.Endpoint))
            .ReadAsync(RoleReference.Parse(name), CancellationToken.None));
        Assert.Equal((TrustRelationship.External, true), (trust.Relationship, trust.ExternalIdRequired));
        Assert.True(trust.Risk < TrustRisk.High, string.Join("; ", trust.Findings));
    }

    [Fact]
    public async Task An_existing_role_is_ResourceExists_and_stays_as_it_was()
    {
        var name = LocalAws.UniqueName("vendor");
        var iam = new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        await new ThirdPartyRoleCreator(iam).CreateAsync(SeedScenario(name), CancellationToken.None);
        var other = ThirdPartyRolePlan.Create(name, "111100002222", null, "other-id", new[] { "s3:GetObject" }, null, false, null, null, null, null);

        var error = await Assert.ThrowsAsync<AwsGuardException>(() => new ThirdPartyRoleCreator(iam).CreateAsync(other, CancellationToken.None));
        Assert.Equal((ErrorKind.ResourceExists, "EntityAlreadyExists"), (error.Kind, error.ErrorId));
        Assert.Contains("999988887777", (await iam.GetRoleAsync(name, CancellationToken.None)).AssumeRolePolicyDocument);
        Assert.Contains("ec2:StartInstances", (await iam.GetRolePolicyAsync(name, ThirdPartyRolePlan.PermissionPolicyName, CancellationToken.None)).PolicyDocument);
    }

    [Fact]
    public async Task When_the_policy_cannot_be_put_the_new_role_is_taken_away()
    {
        var name = LocalAws.UniqueName("vendor");
        var iam = FailingIam.Wrap(new IamClient(Tools.Keys, LocalAws.Region, _aws.Endpoint), nameof(IIamClient.PutRolePolicyAsync));
        await Assert.ThrowsAsync<WireServiceException>(() => new ThirdPartyRoleCreator(iam).CreateAsync(SeedScenario(name), CancellationToken.None));
        Assert.Contains("NoSuchEntity", await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", name));
    }

    private static void AssertSameJson(string expected, string actual) =>
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement), JsonSerializer.Serialize(JsonDocument.Parse(actual).RootElement));

    /// <summary>An IIamClient that passes every call to moto except one method, which is denied as IAM denies it.</summary>
    public class FailingIam : DispatchProxy
    {
        private IIamClient _inner = null!;
        private string _method = "";

        public static IIamClient Wrap(IIamClient inner, string method)
        {
            var proxy = Create<IIamClient, FailingIam>();
            ((FailingIam)(object)proxy)._inner = inner;
            ((FailingIam)(object)proxy)._method = method;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == _method)
                throw new WireServiceException("IAM", targetMethod.Name, "AccessDenied", "not authorized to perform: iam:PutRolePolicy", HttpStatusCode.Forbidden, null);
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
