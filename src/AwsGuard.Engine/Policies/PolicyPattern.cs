using System;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Policies;

/// <summary>IAM's wildcards in actions, principals and condition values: * is any run of characters, ? is one character.</summary>
public static class PolicyPattern
{
    public static bool HasWildcard(string? value) => value is not null && value.IndexOfAny(new[] { '*', '?' }) >= 0;

    /// <summary>Whether <paramref name="value"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        if (!HasWildcard(pattern))
            return string.Equals(pattern, value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return Regex.IsMatch(value, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>An action's service prefix and name ("s3:GetObject" is ("s3", "GetObject")); a bare "*" is ("*", "*").</summary>
    public static (string Service, string Name) SplitAction(string action)
    {
        var trimmed = action.Trim();
        var colon = trimmed.IndexOf(':');
        return colon < 0 ? (trimmed, trimmed) : (trimmed.Substring(0, colon), trimmed.Substring(colon + 1));
    }
}
