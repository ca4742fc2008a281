using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace AwsGuard.Engine.Policies;

/// <summary>
/// One condition of a statement (operator, key, values) and what it does to a request, after IAM's condition rules.
/// ForAllValues passes when the request has no value for the key, and an operator ending in IfExists when the request
/// lacks the key: neither binds a request to the listed values; ForAnyValue counts as the plain operator. Only
/// StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals and ArnLike pin a key to fixed values: negated operators
/// (StringNotEquals, ArnNotLike, NotIpAddress ...), Null, Bool, Numeric and Date operators never do. Wildcards (* and ?)
/// unpin a value only under the operators that honour them (StringLike, ArnLike, ArnEquals and their negations; under
/// StringEquals a * is a literal), and a policy variable (any "${", even the escapes ${*}, ${?}, ${$}) under every operator.
/// Address ranges (IpAddress) are fixed when every CIDR is /8 or narrower for IPv4 and /32 or narrower for IPv6 (a bare
/// address is /32 or /128); one wider range, or a value that is not an address, unpins them.
/// </summary>
public sealed class PolicyCondition
{
    public PolicyCondition(string op, string key, IReadOnlyList<string> values)
    {
        Operator = op;
        Key = key;
        Values = values;
        var bare = op;
        if (bare.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase)) { ForAllValues = true; bare = bare.Substring("ForAllValues:".Length); }
        else if (bare.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase)) { ForAnyValue = true; bare = bare.Substring("ForAnyValue:".Length); }
        if (bare.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase)) { IfExists = true; bare = bare.Substring(0, bare.Length - "IfExists".Length); }
        BaseOperator = bare;
    }

    /// <summary>The operator as written (ForAnyValue:StringLikeIfExists).</summary>
    public string Operator { get; }

    /// <summary>The operator without its set qualifier and IfExists (StringLike).</summary>
    public string BaseOperator { get; }

    public string Key { get; }
    public IReadOnlyList<string> Values { get; }
    public bool ForAllValues { get; }
    public bool ForAnyValue { get; }
    public bool IfExists { get; }

    /// <summary>StringNotEquals, ArnNotLike, NotIpAddress ...: passes for every value but the listed ones (and when the key is absent).</summary>
    public bool IsNegated => BaseOperator.IndexOf("Not", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>Whether * and ? in the values are wildcards under this operator.</summary>
    public bool HonoursWildcards => WildcardOperators.Contains(BaseOperator);

    public bool UsesPolicyVariable => Values.Any(v => v.IndexOf("${", StringComparison.Ordinal) >= 0);

    /// <summary>Whether a request must carry the key, with one of the values, to pass; <paramref name="why"/> says why not.</summary>
    public bool Binds(out string why)
    {
        why = ForAllValues ? $"{Operator} {Key} passes when the request has no value"
            : IfExists ? $"{Operator} {Key} passes when the request lacks the key"
            : Values.Count == 0 ? $"{Operator} {Key} has no value"
            : "";
        return why.Length == 0;
    }

    /// <summary>
    /// Whether the condition pins the key to fixed values: a fixed-value operator, no policy variable, and no wildcard
    /// where the operator honours them unless <paramref name="allowedWildcard"/> accepts that value. Assumes <see cref="Binds"/>.
    /// </summary>
    public bool PinsFixedValues(Func<string, bool>? allowedWildcard, out string why)
    {
        if (!FixedValueOperators.Contains(BaseOperator))
        {
            why = $"{Operator} does not pin {Key} to fixed values";
            return false;
        }
        foreach (var value in Values)
        {
            if (value.IndexOf("${", StringComparison.Ordinal) >= 0)
            {
                why = $"{Operator} {Key} '{value}' uses a policy variable";
                return false;
            }
            if (HonoursWildcards && PolicyPattern.HasWildcard(value) && allowedWildcard?.Invoke(value) != true)
            {
                why = $"{Operator} {Key} '{value}' uses a wildcard";
                return false;
            }
        }
        why = $"{Operator} {Key} {string.Join(", ", Values)}";
        return true;
    }

    /// <summary>Whether the condition limits the key to address ranges no wider than /8 (IPv4) or /32 (IPv6). Assumes <see cref="Binds"/>.</summary>
    public bool PinsAddressRanges(out string why)
    {
        if (!string.Equals(BaseOperator, "IpAddress", StringComparison.OrdinalIgnoreCase))
        {
            why = $"{Operator} does not limit {Key} to address ranges";
            return false;
        }
        foreach (var value in Values)
            if (!NarrowCidr(value, out var problem))
            {
                why = $"{Operator} {Key} '{value}' {problem}";
                return false;
            }
        why = $"{Operator} {Key} {string.Join(", ", Values)}";
        return true;
    }

    public override string ToString() => $"{Operator} {Key} {string.Join(", ", Values)}";

    private static readonly HashSet<string> FixedValueOperators = new(StringComparer.OrdinalIgnoreCase)
    {
        "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    };

    private static readonly HashSet<string> WildcardOperators = new(StringComparer.OrdinalIgnoreCase)
    {
        "StringLike", "StringNotLike", "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike",
    };

    /// <summary>A CIDR (or bare address) no wider than /8 (IPv4) or /32 (IPv6).</summary>
    private static bool NarrowCidr(string value, out string problem)
    {
        var text = value.Trim();
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text.Substring(0, slash);
        if (!IPAddress.TryParse(address, out var ip))
        {
            problem = "is not an IP address or CIDR";
            return false;
        }
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        var full = v4 ? 32 : 128;
        var prefix = full;
        if (slash >= 0 && (!int.TryParse(text.Substring(slash + 1), out prefix) || prefix < 0 || prefix > full))
        {
            problem = "has an invalid prefix length";
            return false;
        }
        var limit = v4 ? 8 : 32;
        if (prefix < limit)
        {
            problem = $"is wider than /{limit} ({(v4 ? "IPv4" : "IPv6")})";
            return false;
        }
        problem = "";
        return true;
    }
}
