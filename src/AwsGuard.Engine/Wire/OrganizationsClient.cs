using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The AWS Organizations operations AwsGuard uses. Paging stays with the caller (NextToken).</summary>
public interface IOrganizationsClient
{
    Task<ListAccountsResponse> ListAccountsAsync(string? nextToken, CancellationToken cancel);
}

/// <summary>AWS Organizations over AWS JSON 1.1 (target prefix AWSOrganizationsV20161128), on the partition's one endpoint.</summary>
public sealed class OrganizationsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IOrganizationsClient
{
    internal const string ServiceId = "Organizations";
    internal const string TargetPrefix = "AWSOrganizationsV20161128";
    private readonly WireEndpoint _endpoint = WireEndpoints.Organizations(region, endpoint);

    /// <summary>One page of the organization's accounts; only the management account or a delegated administrator may call it.</summary>
    public Task<ListAccountsResponse> ListAccountsAsync(string? nextToken, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "organizations", _endpoint, TargetPrefix, "ListAccounts",
            w => w.Opt("NextToken", nextToken),
            r => new ListAccountsResponse
            {
                Accounts = r.Array("Accounts").Select(a => new OrganizationAccount
                {
                    Id = a.Str("Id"),
                    Arn = a.Str("Arn"),
                    Name = a.Str("Name"),
                    Email = a.Str("Email"),
                    Status = a.Str("Status"),
                }).ToList(),
                NextToken = r.Str("NextToken"),
            }, cancel);
}

public sealed class ListAccountsResponse
{
    public List<OrganizationAccount> Accounts { get; set; } = new();
    public string? NextToken { get; set; }
}

public sealed class OrganizationAccount
{
    public string? Id { get; set; }
    public string? Arn { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    /// <summary>ACTIVE, SUSPENDED or PENDING_CLOSURE.</summary>
    public string? Status { get; set; }
}
