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
    Task<IamPage<IamRole>> ListRolesAsync(string? pathPrefix, string? marker, int? maxItems, CancellationToken cancel);
    Task<IamPage<string>> ListRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel);
    Task<IamPage<AttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? marker, int? maxItems, CancellationToken cancel);
    Task<ManagedPolicy> GetPolicyAsync(string policyArn, CancellationToken cancel);
    Task<ManagedPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancel);
    Task<IamRole> CreateRoleAsync(string roleName, string trustPolicy, string? description, int? maxSessionDurationSeconds,
        string? permissionsBoundaryArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel);
    Task DeleteRoleAsync(string roleName, CancellationToken cancel);
    Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancel);
    Task<AuthorizationDetailsPage> GetAccountAuthorizationDetailsAsync(IReadOnlyList<string> filter, string? marker, int? maxItems, CancellationToken cancel);
    Task UpdateAssumeRolePolicyAsync(string roleName, string trustPolicy, CancellationToken cancel);
    Task<IReadOnlyDictionary<string, string>> ListRoleTagsAsync(string roleName, CancellationToken cancel);
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

    /// <summary>A page of roles; AWS leaves RoleLastUsed out of ListRoles (GetRole has it).</summary>
    public async Task<IamPage<IamRole>> ListRolesAsync(string? pathPrefix, string? marker, int? maxItems, CancellationToken cancel)
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

    public async Task<ManagedPolicy> GetPolicyAsync(string policyArn, CancellationToken cancel)
    {
        var r = await Call("GetPolicy", cancel, ("PolicyArn", JsonShape.Required(policyArn, "PolicyArn", "GetPolicy"))).ConfigureAwait(false);
        var policy = r.Child("Policy");
        return new ManagedPolicy { PolicyName = policy.Text("PolicyName"), Arn = policy.Text("Arn"), DefaultVersionId = policy.Text("DefaultVersionId") };
    }

    public async Task<ManagedPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancel)
    {
        var r = await Call("GetPolicyVersion", cancel,
            ("PolicyArn", JsonShape.Required(policyArn, "PolicyArn", "GetPolicyVersion")),
            ("VersionId", JsonShape.Required(versionId, "VersionId", "GetPolicyVersion"))).ConfigureAwait(false);
        var version = r.Child("PolicyVersion");
        return new ManagedPolicyVersion
        {
            VersionId = version.Text("VersionId"),
            IsDefaultVersion = version.Bool("IsDefaultVersion") ?? false,
            Document = DecodePolicy(version.Text("Document")),
        };
    }

    public async Task<IamRole> CreateRoleAsync(string roleName, string trustPolicy, string? description, int? maxSessionDurationSeconds,
        string? permissionsBoundaryArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel)
    {
        var parameters = new List<(string, string?)>
        {
            ("RoleName", JsonShape.Required(roleName, "RoleName", "CreateRole")),
            ("AssumeRolePolicyDocument", JsonShape.Required(trustPolicy, "AssumeRolePolicyDocument", "CreateRole")),
            ("Description", description),
            ("MaxSessionDuration", maxSessionDurationSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("PermissionsBoundary", permissionsBoundaryArn),
        };
        parameters.AddRange(QueryProtocol.Members("Tags.member", tags));
        var r = await Call("CreateRole", cancel, parameters.ToArray()).ConfigureAwait(false);
        return ReadRole(r.Child("Role"));
    }

    public Task DeleteRoleAsync(string roleName, CancellationToken cancel) =>
        Call("DeleteRole", cancel, ("RoleName", JsonShape.Required(roleName, "RoleName", "DeleteRole")));

    public Task UpdateAssumeRolePolicyAsync(string roleName, string trustPolicy, CancellationToken cancel) =>
        Call("UpdateAssumeRolePolicy", cancel, ("RoleName", JsonShape.Required(roleName, "RoleName", "UpdateAssumeRolePolicy")),
            ("PolicyDocument", JsonShape.Required(trustPolicy, "PolicyDocument", "UpdateAssumeRolePolicy")));

    public Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancel) =>
        Call("DeleteRolePolicy", cancel, ("RoleName", JsonShape.Required(roleName, "RoleName", "DeleteRolePolicy")),
            ("PolicyName", JsonShape.Required(policyName, "PolicyName", "DeleteRolePolicy")));

    /// <summary>The role's tags (IAM allows at most 50, so one page of 100 holds them all).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListRoleTagsAsync(string roleName, CancellationToken cancel)
    {
        var r = await Call("ListRoleTags", cancel, ("RoleName", JsonShape.Required(roleName, "RoleName", "ListRoleTags")), ("MaxItems", "100")).ConfigureAwait(false);
        return QueryProtocol.ReadTags(r);
    }

    /// <summary>
    /// One page of the account's roles (with their inline policies' documents, attached policies and RoleLastUsed) and
    /// managed policies (with their versions), as <paramref name="filter"/> (Role, LocalManagedPolicy, AWSManagedPolicy ...) selects.
    /// </summary>
    public async Task<AuthorizationDetailsPage> GetAccountAuthorizationDetailsAsync(IReadOnlyList<string> filter, string? marker, int? maxItems, CancellationToken cancel)
    {
        var parameters = filter.Select((f, i) => ($"Filter.member.{i + 1}", (string?)f))
            .Concat(new[] { ("Marker", marker), ("MaxItems", maxItems?.ToString()) }).ToArray();
        var r = await Call("GetAccountAuthorizationDetails", cancel, parameters).ConfigureAwait(false);
        return new AuthorizationDetailsPage
        {
            Roles = r.Child("RoleDetailList").Children("member").Select(m => new RoleDetail
            {
                Role = ReadRole(m),
                InlinePolicies = m.Child("RolePolicyList").Children("member")
                    .Select(p => new RolePolicy { PolicyName = p.Text("PolicyName"), PolicyDocument = DecodePolicy(p.Text("PolicyDocument")) }).ToList(),
                AttachedPolicies = m.Child("AttachedManagedPolicies").Children("member")
                    .Select(p => new AttachedPolicy { PolicyName = p.Text("PolicyName"), PolicyArn = p.Text("PolicyArn") }).ToList(),
            }).ToList(),
            Policies = r.Child("Policies").Children("member").Select(m => new ManagedPolicyDetail
            {
                Arn = m.Text("Arn"),
                PolicyName = m.Text("PolicyName"),
                DefaultDocument = DecodePolicy(m.Child("PolicyVersionList").Children("member")
                    .FirstOrDefault(v => v.Bool("IsDefaultVersion") == true).Text("Document")),
            }).ToList(),
            IsTruncated = r.Bool("IsTruncated") ?? false,
            Marker = r.Text("Marker"),
        };
    }

    private static IamPage<T> Page<T>(XElement result, IEnumerable<T> items) =>
        new() { Items = items.ToList(), IsTruncated = result.Bool("IsTruncated") ?? false, Marker = result.Text("Marker") };

    /// <summary>
    /// IAM returns policy documents URL-encoded (RFC 3986); moto returns some as raw JSON. Only encoded text is decoded, so
    /// a raw document's "%41" stays as written, and the decoder keeps '+' (it is not form encoding: a space is %20).
    /// </summary>
    internal static string? DecodePolicy(string? document) =>
        document is null ? null : document.TrimStart().StartsWith("{", StringComparison.Ordinal) ? document : Uri.UnescapeDataString(document);

    private static IamRole ReadRole(XElement? e) => new()
    {
        Path = e.Text("Path"),
        RoleName = e.Text("RoleName"),
        Arn = e.Text("Arn"),
        CreateDate = e.Time("CreateDate"),
        AssumeRolePolicyDocument = DecodePolicy(e.Text("AssumeRolePolicyDocument")),
        LastUsed = e.Child("RoleLastUsed").Time("LastUsedDate"),
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
    /// <summary>RoleLastUsed's LastUsedDate (UTC): only GetRole returns it; null when never used within IAM's tracking period.</summary>
    public DateTime? LastUsed { get; set; }
}

/// <summary>A managed policy attached to a role.</summary>
public sealed class AttachedPolicy
{
    public string? PolicyName { get; set; }
    public string? PolicyArn { get; set; }
}

public sealed class ManagedPolicy
{
    public string? PolicyName { get; set; }
    public string? Arn { get; set; }
    public string? DefaultVersionId { get; set; }
}

public sealed class ManagedPolicyVersion
{
    public string? VersionId { get; set; }
    public bool IsDefaultVersion { get; set; }
    /// <summary>The policy as JSON (decoded from IAM's URL encoding).</summary>
    public string? Document { get; set; }
}

public sealed class RolePolicy
{
    public string? PolicyName { get; set; }
    /// <summary>The policy as JSON (decoded from IAM's URL encoding).</summary>
    public string? PolicyDocument { get; set; }
}

/// <summary>A page of GetAccountAuthorizationDetails: roles and managed policies, and the Marker of the next page when IsTruncated.</summary>
public sealed class AuthorizationDetailsPage
{
    public List<RoleDetail> Roles { get; set; } = new();
    public List<ManagedPolicyDetail> Policies { get; set; } = new();
    public bool IsTruncated { get; set; }
    public string? Marker { get; set; }
}

public sealed class RoleDetail
{
    public IamRole Role { get; set; } = new();
    public List<RolePolicy> InlinePolicies { get; set; } = new();
    public List<AttachedPolicy> AttachedPolicies { get; set; } = new();
}

public sealed class ManagedPolicyDetail
{
    public string? Arn { get; set; }
    public string? PolicyName { get; set; }
    /// <summary>The default version's document as JSON.</summary>
    public string? DefaultDocument { get; set; }
}

/// <summary>One page of an IAM listing: its items, and the Marker of the next page when IsTruncated.</summary>
public sealed class IamPage<T>
{
    public List<T> Items { get; set; } = new();
    public bool IsTruncated { get; set; }
    public string? Marker { get; set; }
}
