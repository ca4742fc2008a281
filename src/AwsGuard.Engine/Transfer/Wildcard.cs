using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// PowerShell's wildcard language (* ? [abc] [a-z], ` escapes), case-insensitive, on a relative path with / separators.
/// The engine has no System.Management.Automation, so WildcardPattern is not available here. As in PowerShell,
/// * also matches /, so "*.log" matches "a/b.log".
/// </summary>
public static class Wildcard
{
    public static Regex ToRegex(string pattern)
    {
        var text = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length) { text.Append(Regex.Escape(pattern[++i].ToString())); continue; }
            if (c == '*') { text.Append(".*"); continue; }
            if (c == '?') { text.Append('.'); continue; }
            var close = c == '[' ? pattern.IndexOf(']', i + 1) : -1;
            if (close > i + 1)
            {
                // A set: each member literal except the range dash.
                text.Append('[');
                foreach (var member in pattern.Substring(i + 1, close - i - 1))
                    text.Append(member == '-' ? "-" : Regex.Escape(member.ToString()).Replace("]", "\\]"));
                text.Append(']');
                i = close;
                continue;
            }
            text.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(text.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>Keeps a relative path that matches any include (or there are none) and no exclude.</summary>
    public static Func<string, bool> Filter(IEnumerable<string>? include, IEnumerable<string>? exclude)
    {
        var keep = (include ?? Array.Empty<string>()).Select(ToRegex).ToArray();
        var drop = (exclude ?? Array.Empty<string>()).Select(ToRegex).ToArray();
        return path => (keep.Length == 0 || keep.Any(r => r.IsMatch(path))) && !drop.Any(r => r.IsMatch(path));
    }
}
