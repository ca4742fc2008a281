using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Organizations;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Organizations;

/// <summary>The Organizations wire client against moto, checked against what the AWS CLI reads; the lister's refusals with a fake.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class OrganizationsTests
{
    private readonly LocalAws _aws;

    public OrganizationsTests(LocalAws aws) => _aws = aws;

    /// <summary>An organization in a management account of its own (so tests never share one): its keys and ids.</summary>
    private async Task<(ImmutableCredentials Keys, JsonElement Facts)> SeedAsync(int accounts)
    {
        var output = await Tools.Python(_aws.Endpoint, $@"
import boto3, json, os, random
ep = os.environ['ENDPOINT']
management = str(random.randint(10**11, 10**12 - 1))
c = boto3.client('sts', endpoint_url=ep).assume_role(RoleArn='arn:aws:iam::%s:role/OrgAdmin' % management, RoleSessionName='seed')['Credentials']
org = boto3.client('organizations', endpoint_url=ep, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
org.create_organization(FeatureSet='ALL')
root = org.list_roots()['Roots'][0]['Id']
ou = org.create_organizational_unit(ParentId=root, Name='Workloads')['OrganizationalUnit']['Id']
ids = []
for i in range({accounts}):
    a = org.create_account(Email='m%d@example.com' % i, AccountName='member%d' % i)['CreateAccountStatus']['AccountId']
    ids.append(a)
org.move_account(AccountId=ids[0], SourceParentId=root, DestinationParentId=ou)
print(json.dumps(dict(Key=c['AccessKeyId'], Secret=c['SecretAccessKey'], Token=c['SessionToken'], Management=management, Root=root, Ou=ou, Members=ids)))
");
        var facts = JsonDocument.Parse(output).RootElement.Clone();
        return (new ImmutableCredentials(facts.GetProperty("Key").GetString(), facts.GetProperty("Secret").GetString(), facts.GetProperty("Token").GetString()), facts);
    }

    [Fact]
    public async Task Client_reads_accounts_roots_units_and_parents_as_the_cli_does()
    {
        var (keys, facts) = await SeedAsync(accounts: 3);
        IOrganizationsClient org = new OrganizationsClient(new SessionAWSCredentials(keys.AccessKey, keys.SecretKey, keys.Token), LocalAws.Region, _aws.Endpoint);

        var accounts = new List<OrganizationAccount>();
        string? token = null;
        do
        {
            var page = await org.ListAccountsAsync(token, CancellationToken.None);
            accounts.AddRange(page.Items);
            token = page.NextToken;
        } while (token is not null);
        var cli = JsonDocument.Parse(await Tools.AwsAs(_aws.Endpoint, keys, "organizations", "list-accounts", "--output", "json")).RootElement
            .GetProperty("Accounts").EnumerateArray()
            .Select(a => $"{a.GetProperty("Id").GetString()} {a.GetProperty("Name").GetString()} {a.GetProperty("Email").GetString()} {a.GetProperty("Status").GetString()}")
            .OrderBy(x => x);
        Assert.Equal(cli, accounts.Select(a => $"{a.Id} {a.Name} {a.Email} {a.Status}").OrderBy(x => x));
        Assert.Equal(4, accounts.Count); // the management account and three members
        Assert.All(accounts, a => Assert.Equal(DateTimeKind.Utc, a.JoinedTimestamp!.Value.Kind));

        var root = Assert.Single((await org.ListRootsAsync(null, CancellationToken.None)).Items);
        Assert.Equal(facts.GetProperty("Root").GetString(), root.Id);
        Assert.Equal("Root", root.Name);
        var unit = Assert.Single((await org.ListOrganizationalUnitsForParentAsync(root.Id, null, CancellationToken.None)).Items);
        Assert.Equal("Workloads", unit.Name);
        Assert.Equal(unit.Name, (await org.DescribeOrganizationalUnitAsync(unit.Id, CancellationToken.None)).Name);

        var member = facts.GetProperty("Members")[0].GetString()!;
        Assert.Equal(member, Assert.Single((await org.ListAccountsForParentAsync(unit.Id, null, CancellationToken.None)).Items).Id);
        var parent = Assert.Single((await org.ListParentsAsync(member, null, CancellationToken.None)).Items);
        var cliParent = JsonDocument.Parse(await Tools.AwsAs(_aws.Endpoint, keys, "organizations", "list-parents", "--child-id", member, "--output", "json"))
            .RootElement.GetProperty("Parents")[0];
        Assert.Equal((cliParent.GetProperty("Id").GetString(), cliParent.GetProperty("Type").GetString()), (parent.Id, parent.Type));
    }

    [Fact]
    public async Task Lister_writes_paths_and_roles_and_leaves_the_own_account_without_a_role()
    {
        var (keys, facts) = await SeedAsync(accounts: 2);
        var org = new OrganizationsClient(new SessionAWSCredentials(keys.AccessKey, keys.SecretKey, keys.Token), LocalAws.Region, _aws.Endpoint);
        var management = facts.GetProperty("Management").GetString()!;
        var lister = new OrganizationAccounts(org, _ => Task.FromResult($"arn:aws-us-gov:sts::{management}:assumed-role/OrgAdmin/seed"),
            (_, _) => throw new InvalidOperationException("no regions asked for"));
        var written = new List<AwsGuardAccount>();
        await lister.ListAsync(new AccountQuery { RoleName = "Audit", RoleExternalId = "ext-1" }, a => { written.Add(a); return Task.CompletedTask; },
            e => throw e, CancellationToken.None);

        Assert.Equal(3, written.Count);
        var own = Assert.Single(written, a => a.AccountId == management);
        Assert.Null(own.AssumeRoleArn);
        Assert.Null(own.ExternalId);
        var moved = Assert.Single(written, a => a.AccountId == facts.GetProperty("Members")[0].GetString());
        Assert.Equal("Root/Workloads", moved.OrganizationalUnitPath);
        Assert.Equal($"arn:aws-us-gov:iam::{moved.AccountId}:role/Audit", moved.AssumeRoleArn); // the caller's partition
        Assert.Equal("ext-1", moved.ExternalId);
    }

    [Theory]
    [InlineData("AccessDeniedException", "OrganizationAccessDenied")]
    [InlineData("AWSOrganizationsNotInUseException", "NotInOrganization")]
    public async Task Lister_outside_the_management_account_names_the_permission(string code, string errorId)
    {
        var lister = new OrganizationAccounts(new RefusingOrganizations(code), _ => Task.FromResult("arn:aws:sts::111122223333:assumed-role/R/s"),
            (_, _) => throw new InvalidOperationException());
        var error = await Assert.ThrowsAsync<AwsGuardException>(() =>
            lister.ListAsync(new AccountQuery { RoleName = "Audit" }, _ => Task.CompletedTask, _ => { }, CancellationToken.None));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("organizations:ListAccounts", error.RecommendedAction);
    }

    [Fact]
    public async Task Lister_refuses_bad_input_before_any_call()
    {
        var lister = new OrganizationAccounts(new RefusingOrganizations("never"), _ => throw new InvalidOperationException("called"),
            (_, _) => throw new InvalidOperationException());
        foreach (var (query, id) in new[]
                 {
                     (new AccountQuery { RoleName = "a b" }, "InvalidRoleName"),
                     (new AccountQuery { RoleName = "Audit", AccountIds = new[] { "12" } }, "InvalidAccountId"),
                     (new AccountQuery { RoleName = "Audit", OrganizationalUnitIds = new[] { "Workloads" } }, "InvalidOrganizationalUnitId"),
                 })
            Assert.Equal(id, (await Assert.ThrowsAsync<AwsGuardException>(() => lister.ListAsync(query, _ => Task.CompletedTask, _ => { }, CancellationToken.None))).ErrorId);
    }

    /// <summary>Answers every call with one Organizations error code.</summary>
    private sealed class RefusingOrganizations(string code) : IOrganizationsClient
    {
        private Task<T> Refuse<T>(string operation) =>
            Task.FromException<T>(new WireServiceException("Organizations", operation, code, "refused", System.Net.HttpStatusCode.BadRequest, null));

        public Task<OrganizationsPage<OrganizationAccount>> ListAccountsAsync(string? nextToken, CancellationToken cancel) => Refuse<OrganizationsPage<OrganizationAccount>>("ListAccounts");
        public Task<OrganizationsPage<OrganizationAccount>> ListAccountsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) => Refuse<OrganizationsPage<OrganizationAccount>>("ListAccountsForParent");
        public Task<OrganizationsPage<OrganizationNode>> ListRootsAsync(string? nextToken, CancellationToken cancel) => Refuse<OrganizationsPage<OrganizationNode>>("ListRoots");
        public Task<OrganizationsPage<OrganizationNode>> ListOrganizationalUnitsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) => Refuse<OrganizationsPage<OrganizationNode>>("ListOrganizationalUnitsForParent");
        public Task<OrganizationsPage<OrganizationNode>> ListParentsAsync(string childId, string? nextToken, CancellationToken cancel) => Refuse<OrganizationsPage<OrganizationNode>>("ListParents");
        public Task<OrganizationNode> DescribeOrganizationalUnitAsync(string organizationalUnitId, CancellationToken cancel) => Refuse<OrganizationNode>("DescribeOrganizationalUnit");
    }
}
