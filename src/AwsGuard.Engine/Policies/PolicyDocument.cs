using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace AwsGuard.Engine.Policies;

/// <summary>
/// An IAM policy document (identity, resource or trust policy) read into statement facts: who, which actions, under which
/// conditions. Decisions stay with the caller: S3's exposure rules (PublicAccess/PolicyEvaluator) and role trust ask the
/// same facts different questions. Element names and values are read leniently (a single value or an array; strings,
/// bools and numbers alike).
/// </summary>
public sealed class PolicyDocument
{
    private PolicyDocument(IReadOnlyList<PolicyStatement> statements) => Statements = statements;

    /// <summary>Every statement, in order; one that is not a JSON object is left out (its number is not reused).</summary>
    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>
    /// Reads a policy; one that is not a JSON object with a Statement is an InvalidArgument <see cref="AwsGuardException"/>
    /// (MalformedPolicy) whose message names it as <paramref name="what"/> ("bucket policy", "trust policy").
    /// </summary>
    public static PolicyDocument Parse(string policyJson, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policyJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", $"The {what} is not valid JSON: " + e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !TryGet(document.RootElement, "Statement", out var statements))
                throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", $"The {what} has no Statement.");
            return new PolicyDocument(Items(statements)
                .Select((statement, i) => statement.ValueKind == JsonValueKind.Object ? ReadStatement(statement, i + 1) : null)
                .OfType<PolicyStatement>().ToList());
        }
    }

    /// <summary>
    /// The Allow statements that grant any of <paramref name="actions"/>, each with its principal and condition facts:
    /// for a trust policy and "sts:AssumeRole", who can assume the role and under which conditions.
    /// </summary>
    public IEnumerable<PolicyStatement> Grants(params string[] actions) =>
        Statements.Where(s => s.IsAllow && actions.Any(s.CoversAction));

    private static PolicyStatement ReadStatement(JsonElement statement, int index)
    {
        var effect = TryGet(statement, "Effect", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var sid = TryGet(statement, "Sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        StatementPrincipal? principal = null;
        if (TryGet(statement, "NotPrincipal", out var notPrincipal)) principal = ReadPrincipal(notPrincipal, isNot: true);
        else if (TryGet(statement, "Principal", out var p)) principal = ReadPrincipal(p, isNot: false);

        var notAction = TryGet(statement, "NotAction", out var na);
        IReadOnlyList<string>? actions = notAction ? Strings(na).ToList() : TryGet(statement, "Action", out var a) ? Strings(a).ToList() : null;
        IReadOnlyList<string> resources = TryGet(statement, "Resource", out var r) ? Strings(r).ToList() : Array.Empty<string>();

        var conditions = new List<PolicyCondition>();
        if (TryGet(statement, "Condition", out var condition) && condition.ValueKind == JsonValueKind.Object)
            foreach (var op in condition.EnumerateObject())
                if (op.Value.ValueKind == JsonValueKind.Object)
                    foreach (var key in op.Value.EnumerateObject())
                        conditions.Add(new PolicyCondition(op.Name, key.Name, Strings(key.Value).ToList()));

        return new PolicyStatement
        {
            Index = index, Sid = sid, IsAllow = string.Equals(effect, "Allow", StringComparison.OrdinalIgnoreCase), Principal = principal,
            Actions = actions, IsNotAction = notAction, Resources = resources, Conditions = conditions,
        };
    }

    private static StatementPrincipal ReadPrincipal(JsonElement element, bool isNot)
    {
        var entries = new List<PolicyPrincipal>();
        if (element.ValueKind == JsonValueKind.String)
            entries.Add(new PolicyPrincipal { Type = "*", Value = element.GetString() ?? "" });
        else if (element.ValueKind == JsonValueKind.Object)
            foreach (var type in element.EnumerateObject())
            {
                var values = Strings(type.Value).ToList();
                if (values.Count == 0) values.Add(""); // the type alone still names a kind of principal
                entries.AddRange(values.Select(v => new PolicyPrincipal { Type = type.Name, Value = v }));
            }
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText();
        return new StatementPrincipal { IsNot = isNot, Entries = entries, Text = isNot ? "NotPrincipal " + text : text };
    }

    /// <summary>A policy element's values as strings: a string, an array, a bool or a number all count.</summary>
    private static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var s in Strings(item)) yield return s;
                break;
            case JsonValueKind.String:
                yield return element.GetString() ?? "";
                break;
            case JsonValueKind.True:
                yield return "true";
                break;
            case JsonValueKind.False:
                yield return "false";
                break;
            case JsonValueKind.Number:
            case JsonValueKind.Object:
                yield return element.GetRawText();
                break;
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) yield return item;
        else
            yield return element;
    }

    /// <summary>Element names are case-sensitive in IAM, but a lenient match costs nothing here.</summary>
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
        value = default;
        return false;
    }
}

/// <summary>One statement's facts.</summary>
public sealed class PolicyStatement
{
    /// <summary>1-based position in the document.</summary>
    public int Index { get; internal set; }
    public string? Sid { get; internal set; }

    /// <summary>"statement 'Sid'", or "statement 3" when it has no Sid.</summary>
    public string Label => string.IsNullOrEmpty(Sid) ? $"statement {Index}" : $"statement '{Sid}'";

    /// <summary>Effect Allow; anything else (Deny, missing) is not.</summary>
    public bool IsAllow { get; internal set; }

    /// <summary>Principal or NotPrincipal; null in an identity policy, which names none.</summary>
    public StatementPrincipal? Principal { get; internal set; }

    /// <summary>The Action (or, when <see cref="IsNotAction"/>, NotAction) patterns; null when the statement has neither.</summary>
    public IReadOnlyList<string>? Actions { get; internal set; }
    public bool IsNotAction { get; internal set; }
    public IReadOnlyList<string> Resources { get; internal set; } = Array.Empty<string>();

    /// <summary>Every condition; they are ANDed.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; internal set; } = Array.Empty<PolicyCondition>();

    /// <summary>An Allow of the action "*" (or "*:*") on the resource "*": every action on everything, as AdministratorAccess grants.</summary>
    public bool AllowsEverything =>
        IsAllow && !IsNotAction && Actions is not null && Actions.Any(a => a.Trim() is "*" or "*:*") && Resources.Any(r => r.Trim() == "*");

    /// <summary>Whether the statement's Action (or NotAction) covers <paramref name="action"/>; actions match case-insensitively, with wildcards.</summary>
    public bool CoversAction(string action) =>
        Actions is not null && IsNotAction != Actions.Any(pattern => PolicyPattern.Matches(pattern.Trim(), action, ignoreCase: true));
}
