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
    Task<OrganizationsPage<OrganizationAccount>> ListAccountsAsync(string? nextToken, CancellationToken cancel);
    Task<OrganizationsPage<OrganizationAccount>> ListAccountsForParentAsync(string parentId, string? nextToken, CancellationToken cancel);
    Task<OrganizationsPage<OrganizationNode>> ListRootsAsync(string? nextToken, CancellationToken cancel);
    Task<OrganizationsPage<OrganizationNode>> ListOrganizationalUnitsForParentAsync(string parentId, string? nextToken, CancellationToken cancel);
    /// <summary>The parents of an account or OU (one in practice): their ids and types (ROOT, ORGANIZATIONAL_UNIT).</summary>
    Task<OrganizationsPage<OrganizationNode>> ListParentsAsync(string childId, string? nextToken, CancellationToken cancel);
    Task<OrganizationNode> DescribeOrganizationalUnitAsync(string organizationalUnitId, CancellationToken cancel);
}

/// <summary>AWS Organizations over AWS JSON 1.1 (target prefix AWSOrganizationsV20161128), on the partition's one endpoint.</summary>
public sealed class OrganizationsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IOrganizationsClient
{
    internal const string ServiceId = "Organizations";
    internal const string TargetPrefix = "AWSOrganizationsV20161128";
    private readonly WireEndpoint _endpoint = WireEndpoints.Organizations(region, endpoint);

    public Task<OrganizationsPage<OrganizationAccount>> ListAccountsAsync(string? nextToken, CancellationToken cancel) =>
        Call("ListAccounts", w => w.Opt("NextToken", nextToken), r => Page(r, "Accounts", ReadAccount), cancel);

    public Task<OrganizationsPage<OrganizationAccount>> ListAccountsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) =>
        Call("ListAccountsForParent", w =>
        {
            w.Opt("ParentId", JsonShape.Required(parentId, "ParentId", "ListAccountsForParent"));
            w.Opt("NextToken", nextToken);
        }, r => Page(r, "Accounts", ReadAccount), cancel);

    public Task<OrganizationsPage<OrganizationNode>> ListRootsAsync(string? nextToken, CancellationToken cancel) =>
        Call("ListRoots", w => w.Opt("NextToken", nextToken), r => Page(r, "Roots", ReadNode), cancel);

    public Task<OrganizationsPage<OrganizationNode>> ListOrganizationalUnitsForParentAsync(string parentId, string? nextToken, CancellationToken cancel) =>
        Call("ListOrganizationalUnitsForParent", w =>
        {
            w.Opt("ParentId", JsonShape.Required(parentId, "ParentId", "ListOrganizationalUnitsForParent"));
            w.Opt("NextToken", nextToken);
        }, r => Page(r, "OrganizationalUnits", ReadNode), cancel);

    public Task<OrganizationsPage<OrganizationNode>> ListParentsAsync(string childId, string? nextToken, CancellationToken cancel) =>
        Call("ListParents", w =>
        {
            w.Opt("ChildId", JsonShape.Required(childId, "ChildId", "ListParents"));
            w.Opt("NextToken", nextToken);
        }, r => Page(r, "Parents", ReadNode), cancel);

    public Task<OrganizationNode> DescribeOrganizationalUnitAsync(string organizationalUnitId, CancellationToken cancel) =>
        Call("DescribeOrganizationalUnit",
            w => w.Opt("OrganizationalUnitId", JsonShape.Required(organizationalUnitId, "OrganizationalUnitId", "DescribeOrganizationalUnit")),
            r => ReadNode(r.TryGetProperty("OrganizationalUnit", out var unit) ? unit : default), cancel);

    private static OrganizationsPage<T> Page<T>(JsonElement r, string member, Func<JsonElement, T> read) =>
        new() { Items = r.Array(member).Select(read).ToList(), NextToken = r.Str("NextToken") };

    private static OrganizationAccount ReadAccount(JsonElement e) => new()
    {
        Id = e.Str("Id") ?? "",
        Arn = e.Str("Arn"),
        Email = e.Str("Email"),
        Name = e.Str("Name"),
        // State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED...) replaces Status (ACTIVE, SUSPENDED, PENDING_CLOSURE) from 2025.
        Status = e.Str("State") ?? e.Str("Status"),
        JoinedTimestamp = e.EpochSeconds("JoinedTimestamp"),
    };

    private static OrganizationNode ReadNode(JsonElement e) => new()
    {
        Id = e.Str("Id") ?? "",
        Arn = e.Str("Arn"),
        Name = e.Str("Name"),
        Type = e.Str("Type"),
    };

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> body, Func<JsonElement, T> read, CancellationToken cancel) =>
        Json11Protocol.InvokeAsync(Context, ServiceId, "organizations", _endpoint, TargetPrefix, operation, body, read, cancel);
}

public sealed class OrganizationAccount
{
    public string Id { get; set; } = "";
    public string? Arn { get; set; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    /// <summary>ACTIVE, SUSPENDED, PENDING_CLOSURE (the account's State where the service gives it, else its Status).</summary>
    public string? Status { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? JoinedTimestamp { get; set; }
}

/// <summary>A root or organizational unit (Type is set only by ListParents: ROOT or ORGANIZATIONAL_UNIT).</summary>
public sealed class OrganizationNode
{
    public string Id { get; set; } = "";
    public string? Arn { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
}

/// <summary>One page of an Organizations listing, and the token of the next when there is one.</summary>
public sealed class OrganizationsPage<T>
{
    public List<T> Items { get; set; } = new();
    public string? NextToken { get; set; }
}
