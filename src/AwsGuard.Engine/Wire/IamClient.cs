using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The IAM operations AwsGuard uses. Paging stays with the caller (Marker / IsTruncated).</summary>
public interface IIamClient
{
    Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancel);
    Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancel);
    Task<RolePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancel);
}

/// <summary>IAM over the Query protocol (version 2010-05-08), on the partition's global endpoint.</summary>
public sealed class IamClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IIamClient
{
    internal const string ServiceId = "IAM";
    internal const string Version = "2010-05-08";
    private readonly WireEndpoint _endpoint = WireEndpoints.Iam(region, endpoint);

    public async Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancel)
    {
        var r = await Call("GetRole", cancel, ("RoleName", JsonShape.Required(roleName, "RoleName", "GetRole"))).ConfigureAwait(false);
        return ReadRole(r.Child("Role"));
    }

    // Listing is not in IIamClient until a cmdlet lists: the wire contract tests keep it honest meanwhile.
    internal async Task<IamPage<IamRole>> ListRolesAsync(string? pathPrefix, string? marker, int? maxItems, CancellationToken cancel)
    {
        var r = await Call("ListRoles", cancel, ("PathPrefix", pathPrefix), ("Marker", marker), ("MaxItems", maxItems?.ToString())).ConfigureAwait(false);
        return Page(r, r.Child("Roles").Children("member").Select(ReadRole));
    }

    public async Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancel)
    {
        await Call("PutRolePolicy", cancel,
            ("RoleName", JsonShape.Required(roleName, "RoleName", "PutRolePolicy")),
            ("PolicyName", JsonShape.Required(policyName, "PolicyName", "PutRolePolicy")),
            ("PolicyDocument", JsonShape.Required(policyDocument, "PolicyDocument", "PutRolePolicy"))).ConfigureAwait(false);
    }

    public async Task<RolePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancel)
    {
        var r = await Call("GetRolePolicy", cancel,
            ("RoleName", JsonShape.Required(roleName, "RoleName", "GetRolePolicy")),
            ("PolicyName", JsonShape.Required(policyName, "PolicyName", "GetRolePolicy"))).ConfigureAwait(false);
        return new RolePolicy
        {
            PolicyName = r.Text("PolicyName") ?? policyName,
            PolicyDocument = DecodePolicy(r.Text("PolicyDocument")),
        };
    }

    internal async Task<IamPage<string>> ListRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel)
    {
        var r = await Call("ListRolePolicies", cancel,
            ("RoleName", JsonShape.Required(roleName, "RoleName", "ListRolePolicies")), ("Marker", marker), ("MaxItems", maxItems?.ToString())).ConfigureAwait(false);
        return Page(r, r.Child("PolicyNames").Children("member").Select(m => m.Value));
    }

    private static IamPage<T> Page<T>(XElement result, IEnumerable<T> items) =>
        new() { Items = items.ToList(), IsTruncated = result.Bool("IsTruncated") ?? false, Marker = result.Text("Marker") };

    /// <summary>IAM returns policy documents URL-encoded (RFC 3986); AwsGuard hands out the JSON itself.</summary>
    internal static string? DecodePolicy(string? document) =>
        document is null ? null : document.TrimStart().StartsWith("{", StringComparison.Ordinal) ? document : Uri.UnescapeDataString(document);

    private static IamRole ReadRole(XElement? e) => new()
    {
        Path = e.Text("Path"),
        RoleName = e.Text("RoleName"),
        Arn = e.Text("Arn"),
        CreateDate = e.Time("CreateDate"),
        AssumeRolePolicyDocument = DecodePolicy(e.Text("AssumeRolePolicyDocument")),
    };

    private Task<XElement> Call(string operation, CancellationToken cancel, params (string Name, string? Value)[] parameters) =>
        QueryProtocol.InvokeAsync(Context, ServiceId, "iam", _endpoint, operation, Version,
            parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)), cancel);
}

public sealed class IamRole
{
    public string? Path { get; set; }
    public string? RoleName { get; set; }
    public string? Arn { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? CreateDate { get; set; }
    /// <summary>The trust policy as JSON (decoded from IAM's URL encoding).</summary>
    public string? AssumeRolePolicyDocument { get; set; }
}

public sealed class RolePolicy
{
    public string? PolicyName { get; set; }
    /// <summary>The policy as JSON (decoded from IAM's URL encoding).</summary>
    public string? PolicyDocument { get; set; }
}

/// <summary>One page of an IAM listing: its items, and the Marker of the next page when IsTruncated.</summary>
internal sealed class IamPage<T>
{
    public List<T> Items { get; set; } = new();
    public bool IsTruncated { get; set; }
    public string? Marker { get; set; }
}
