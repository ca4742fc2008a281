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
    Task<IamPage<string>> ListRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel);
    Task<IamRole> CreateRoleAsync(string roleName, string trustPolicy, string? description, int? maxSessionDurationSeconds,
        string? permissionsBoundaryArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel);
    Task<IamPage<AttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel);
    Task<IamPolicy> GetPolicyAsync(string arn, CancellationToken cancel);
    Task<IamPolicyVersion> GetPolicyVersionAsync(string arn, string versionId, CancellationToken cancel);
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

    public async Task<IamPage<string>> ListRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel)
    {
        var r = await Call("ListRolePolicies", cancel,
            ("RoleName", JsonShape.Required(roleName, "RoleName", "ListRolePolicies")), ("Marker", marker), ("MaxItems", maxItems?.ToString())).ConfigureAwait(false);
        return Page(r, r.Child("PolicyNames").Children("member").Select(m => m.Value));
    }

    public async Task<IamRole> CreateRoleAsync(string roleName, string trustPolicy, string? description, int? maxSessionDurationSeconds,
        string? permissionsBoundaryArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel)
    {
        var parameters = new List<(string, string?)>
        {
            ("RoleName", JsonShape.Required(roleName, "RoleName", "CreateRole")),
            ("AssumeRolePolicyDocument", JsonShape.Required(trustPolicy, "AssumeRolePolicyDocument", "CreateRole")),
            ("Description", description),
            ("MaxSessionDuration", maxSessionDurationSeconds?.ToString()),
            ("PermissionsBoundary", permissionsBoundaryArn),
        };
        var n = 0;
        foreach (var tag in tags ?? new Dictionary<string, string>())
        {
            n++;
            parameters.Add(($"Tags.member.{n}.Key", tag.Key));
            parameters.Add(($"Tags.member.{n}.Value", tag.Value));
        }
        var r = await Call("CreateRole", cancel, parameters.ToArray()).ConfigureAwait(false);
        return ReadRole(r.Child("Role"));
    }

    public async Task<IamPage<AttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel)
    {
        var r = await Call("ListAttachedRolePolicies", cancel,
            ("RoleName", JsonShape.Required(roleName, "RoleName", "ListAttachedRolePolicies")), ("Marker", marker), ("MaxItems", maxItems?.ToString())).ConfigureAwait(false);
        return Page(r, r.Child("AttachedPolicies").Children("member").Select(m => new AttachedPolicy
        {
            PolicyName = m.Text("PolicyName"),
            PolicyArn = m.Text("PolicyArn"),
        }));
    }

    public async Task<IamPolicy> GetPolicyAsync(string arn, CancellationToken cancel)
    {
        var r = await Call("GetPolicy", cancel, ("PolicyArn", JsonShape.Required(arn, "PolicyArn", "GetPolicy"))).ConfigureAwait(false);
        var policy = r.Child("Policy");
        return new IamPolicy { PolicyName = policy.Text("PolicyName"), Arn = policy.Text("Arn"), DefaultVersionId = policy.Text("DefaultVersionId") };
    }

    public async Task<IamPolicyVersion> GetPolicyVersionAsync(string arn, string versionId, CancellationToken cancel)
    {
        var r = await Call("GetPolicyVersion", cancel,
            ("PolicyArn", JsonShape.Required(arn, "PolicyArn", "GetPolicyVersion")),
            ("VersionId", JsonShape.Required(versionId, "VersionId", "GetPolicyVersion"))).ConfigureAwait(false);
        var version = r.Child("PolicyVersion");
        return new IamPolicyVersion
        {
            VersionId = version.Text("VersionId"),
            IsDefaultVersion = version.Bool("IsDefaultVersion") ?? false,
            Document = DecodePolicy(version.Text("Document")),
        };
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

public sealed class AttachedPolicy
{
    public string? PolicyName { get; set; }
    public string? PolicyArn { get; set; }
}

public sealed class IamPolicy
{
    public string? PolicyName { get; set; }
    public string? Arn { get; set; }
    public string? DefaultVersionId { get; set; }
}

public sealed class IamPolicyVersion
{
    public string? VersionId { get; set; }
    public bool IsDefaultVersion { get; set; }
    /// <summary>The policy as JSON (decoded from IAM's URL encoding).</summary>
    public string? Document { get; set; }
}

/// <summary>One page of an IAM listing: its items, and the Marker of the next page when IsTruncated.</summary>
public sealed class IamPage<T>
{
    public List<T> Items { get; set; } = new();
    public bool IsTruncated { get; set; }
    public string? Marker { get; set; }
}
