using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using AwsGuard.Engine.PublicAccess;

namespace AwsGuard.Engine.Remediation;

/// <summary>
/// A bucket policy's statements, each judged on its own by <see cref="PolicyEvaluator"/> (a statement is public exactly when a
/// policy of that statement alone is). Removing statements keeps every other statement and top-level member as its own text.
/// </summary>
public static class PolicyStatements
{
    /// <summary>The policy without its public statements, or null when none is left (the policy is then deleted).</summary>
    public static string? WithoutPublic(string policy)
    {
        using var document = Parse(policy);
        var root = document.RootElement;
        var statements = Statements(root).ToList();
        var kept = statements.Where(s => !IsPublic(s)).Select(s => s.GetRawText()).ToList();
        if (kept.Count == statements.Count) return policy;
        if (kept.Count == 0) return null;

        var text = new StringBuilder("{");
        foreach (var member in root.EnumerateObject())
        {
            if (text.Length > 1) text.Append(',');
            text.Append(JsonSerializer.Serialize(member.Name)).Append(':');
            text.Append(member.NameEquals("Statement") ? "[" + string.Join(",", kept) + "]" : member.Value.GetRawText());
        }
        return text.Append('}').ToString();
    }

    /// <summary>Each statement with a label (its Sid, else its position: "statement 2") and its text without whitespace,
    /// so that statements compare by content.</summary>
    public static IReadOnlyList<(string Label, string Text)> Labelled(string policy)
    {
        using var document = Parse(policy);
        return Statements(document.RootElement).Select((s, i) => (Label(s, i), JsonSerializer.Serialize(s))).ToList();
    }

    private static bool IsPublic(JsonElement statement) =>
        PolicyEvaluator.Evaluate("{\"Statement\":[" + statement.GetRawText() + "]}").IsPublic;

    private static string Label(JsonElement statement, int index) =>
        statement.ValueKind == JsonValueKind.Object && statement.TryGetProperty("Sid", out var sid) && sid.ValueKind == JsonValueKind.String && sid.GetString() is { Length: > 0 } text
            ? $"'{text}'"
            : $"statement {index + 1}";

    private static IEnumerable<JsonElement> Statements(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statement))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", "The bucket policy has no Statement.");
        return statement.ValueKind == JsonValueKind.Array ? statement.EnumerateArray().ToList() : new List<JsonElement> { statement };
    }

    private static JsonDocument Parse(string policy)
    {
        try
        {
            return JsonDocument.Parse(policy);
        }
        catch (JsonException e)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "MalformedPolicy", "The bucket policy is not valid JSON: " + e.Message);
        }
    }
}
