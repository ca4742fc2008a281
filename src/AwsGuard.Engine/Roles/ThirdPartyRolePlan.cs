using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Roles;

/// <summary>
/// A role for a third party, checked and written out before any call: the trust policy names exactly the third party's
/// account root (or one principal ARN) for sts:AssumeRole with StringEquals sts:ExternalId; the one inline policy allows exactly
/// the actions on the resources. Rules (IAM's, from botocore's iam model where it states them):
/// <list type="bullet">
/// <item>Account id: 12 digits. Principal ARN: arn:PARTITION:iam::ACCOUNT:root, :user/..., or :role/....</item>
/// <item>External id: 2 to 1,224 characters of letters, digits and +=,.@:/- (and _).</item>
/// <item>Actions: service:Action (letters, digits and - in the service; letters, digits and the wildcards * ? in the name);
/// "*" and "service:*" only with allowWildcardAction. Resources: "*" or an ARN.</item>
/// <item>Write actions (not Describe, Get, List, Search, Lookup, View, BatchGet, Query, Scan, Select) on "*" are allowed but
/// listed in <see cref="Warnings"/>: resource ARNs narrow what the third party can change.</item>
/// <item>Max session duration 1 to 12 hours; description up to 1,000 characters; up to 50 tags.</item>
/// </list>
/// </summary>
public sealed class ThirdPartyRolePlan
{
    public const string PermissionPolicyName = "ThirdPartyAccess";
    public static readonly TimeSpan MinSessionDuration = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxSessionDuration = TimeSpan.FromHours(12);

    private static readonly Regex AccountId = new(@"^\d{12}$", RegexOptions.CultureInvariant);
    private static readonly Regex PrincipalArn = new(@"^arn:aws[a-z-]*:iam::\d{12}:(?:root|(?:user|role)/[\w+=,.@/-]{1,512})$", RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}$", RegexOptions.CultureInvariant);
    private static readonly Regex ActionPattern = new(@"^(?<service>[A-Za-z0-9-]+):(?<name>[A-Za-z0-9*?]+)$", RegexOptions.CultureInvariant);
    private static readonly Regex BoundaryArn = new(@"^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy/[\w+=,.@/-]+$", RegexOptions.CultureInvariant);
    private static readonly string[] ReadPrefixes = { "Describe", "Get", "List", "Search", "Lookup", "View", "BatchGet", "Query", "Scan", "Select" };

    private ThirdPartyRolePlan(string roleName, string principal, string externalId, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        TimeSpan maxSessionDuration, string? permissionsBoundary, string? description, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> warnings)
    {
        RoleName = roleName;
        Principal = principal;
        ExternalId = externalId;
        Actions = actions;
        Resources = resources;
        MaxSession = maxSessionDuration;
        PermissionsBoundary = permissionsBoundary;
        Description = description;
        Tags = tags;
        Warnings = warnings;
        TrustPolicy = Json(w =>
        {
            w.WriteStartObject("Principal");
            w.WriteString("AWS", principal);
            w.WriteEndObject();
            w.WriteString("Action", "sts:AssumeRole");
            w.WriteStartObject("Condition");
            w.WriteStartObject("StringEquals");
            w.WriteString("sts:ExternalId", externalId);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        PermissionPolicy = Json(w =>
        {
            WriteList(w, "Action", actions);
            WriteList(w, "Resource", resources);
        });
    }

    public string RoleName { get; }
    /// <summary>The trusted principal: the account's root ARN, or the principal ARN given.</summary>
    public string Principal { get; }
    public string ExternalId { get; }
    public IReadOnlyList<string> Actions { get; }
    public IReadOnlyList<string> Resources { get; }
    public TimeSpan MaxSession { get; }
    public string? PermissionsBoundary { get; }
    public string? Description { get; }
    public IReadOnlyDictionary<string, string> Tags { get; }
    public string TrustPolicy { get; }
    public string PermissionPolicy { get; }
    /// <summary>Allowed but worth a second look (write actions on every resource).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Checks every input; the first that breaks a rule is an InvalidArgument <see cref="AwsGuardException"/> naming it.</summary>
    public static ThirdPartyRolePlan Create(string roleName, string? thirdPartyAccountId, string? thirdPartyPrincipalArn, string externalId,
        IReadOnlyList<string> actions, IReadOnlyList<string>? resources, bool allowWildcardAction, TimeSpan? maxSessionDuration,
        string? permissionsBoundary, string? description, IReadOnlyDictionary<string, string>? tags)
    {
        var reference = RoleReference.Parse(roleName);
        if (reference.Account is not null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRoleReference", $"'{roleName}' is an ARN; -RoleName takes the new role's name.", roleName);

        string principal;
        if (thirdPartyPrincipalArn is not null)
        {
            if (!PrincipalArn.IsMatch(thirdPartyPrincipalArn.Trim()))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidPrincipalArn",
                    $"'{thirdPartyPrincipalArn}' is not an IAM principal ARN: expected arn:aws:iam::123456789012:root, :role/Name or :user/Name.", thirdPartyPrincipalArn);
            principal = thirdPartyPrincipalArn.Trim();
        }
        else
        {
            var account = (thirdPartyAccountId ?? "").Trim();
            if (!AccountId.IsMatch(account))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidAccountId", $"'{thirdPartyAccountId}' is not an AWS account id: expected 12 digits.", thirdPartyAccountId);
            principal = $"arn:aws:iam::{account}:root";
        }

        if (!ExternalIdPattern.IsMatch(externalId ?? ""))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidExternalId",
                $"The external id '{externalId}' breaks IAM's rules: 2 to 1,224 characters of letters, digits and _+=,.@:/-. Use the one the third party gave you.", externalId);

        if (actions.Count == 0) throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidAction", "Give at least one action (service:Action).", null);
        foreach (var action in actions)
        {
            var match = ActionPattern.Match(action ?? "");
            if (action?.Trim() == "*" || (match.Success && match.Groups["name"].Value == "*"))
            {
                if (!allowWildcardAction)
                    throw new AwsGuardException(ErrorKind.InvalidArgument, "WildcardAction", $"'{action}' allows every action{(match.Success ? $" of {match.Groups["service"].Value}" : "")}. " +
                        "Name the actions the third party needs, or add -AllowWildcardAction.", action);
            }
            else if (!match.Success)
            {
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidAction", $"'{action}' is not an action name: expected service:Action, such as ec2:DescribeInstances.", action);
            }
        }

        var scope = resources is { Count: > 0 } ? resources.Select(r => r.Trim()).ToList() : new List<string> { "*" };
        foreach (var resource in scope.Where(r => r != "*" && !r.StartsWith("arn:", StringComparison.Ordinal)))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidResource", $"'{resource}' is not a resource: expected * or an ARN (arn:aws:ec2:us-east-1:123456789012:instance/i-0abc...).", resource);

        var duration = maxSessionDuration ?? MinSessionDuration;
        if (duration < MinSessionDuration || duration > MaxSessionDuration || duration.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidMaxSessionDuration", $"The maximum session duration must be whole seconds from 1 to 12 hours; {duration} is not.", duration);
        if (permissionsBoundary is not null && !BoundaryArn.IsMatch(permissionsBoundary))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidPermissionsBoundary", $"'{permissionsBoundary}' is not a managed policy ARN (arn:aws:iam::123456789012:policy/Name).", permissionsBoundary);
        if (description is { Length: > 1000 })
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidDescription", "The description is longer than 1,000 characters.", description);
        var tagSet = tags ?? new Dictionary<string, string>();
        if (tagSet.Count > 50) throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidTag", "IAM allows at most 50 tags on a role.", null);

        var writes = actions.Where(a => !IsRead(a)).ToList();
        var warnings = new List<string>();
        if (writes.Count > 0 && scope.Contains("*"))
            warnings.Add($"{string.Join(", ", writes)} may change every resource of the account (Resource *). " +
                         "Give -Resource with the ARNs the third party needs to change, where it tells you them.");
        return new ThirdPartyRolePlan(reference.Name, principal, externalId!, actions.Select(a => a.Trim()).ToList(), scope, duration, permissionsBoundary,
            description, tagSet, warnings);
    }

    private static bool IsRead(string action)
    {
        var colon = action.IndexOf(':');
        var name = colon < 0 ? action : action.Substring(colon + 1);
        return name != "*" && ReadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            w.WriteString(name, values[0]);
            return;
        }
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    /// <summary>A one-statement Allow policy, indented (it is shown under -WhatIf and handed to the third party).</summary>
    private static string Json(Action<Utf8JsonWriter> statement)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("Version", "2012-10-17");
            w.WriteStartArray("Statement");
            w.WriteStartObject();
            w.WriteString("Effect", "Allow");
            statement(w);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
