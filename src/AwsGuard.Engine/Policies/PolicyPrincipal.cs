using System;
using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.Policies;

/// <summary>One principal a statement names: its type (AWS, Service, Federated, CanonicalUser; "*" for a bare "*") and value.</summary>
public sealed class PolicyPrincipal
{
    public string Type { get; internal set; } = "";
    public string Value { get; internal set; } = "";

    /// <summary>"*", or a value with * or ? (arn:aws:iam::*:root): anyone, or anyone whose name fits.</summary>
    public bool IsWildcard => PolicyPattern.HasWildcard(Value);

    /// <summary>A Federated principal admits whoever its identity provider admits: the account does not list them.</summary>
    public bool IsFederated => string.Equals(Type, "Federated", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether this entry names <paramref name="principal"/> of <paramref name="type"/>: wildcards as IAM reads them, and an
    /// account id the same as its root ARN (111122223333 is arn:aws:iam::111122223333:root).
    /// </summary>
    public bool Matches(string type, string principal) =>
        (Type == "*" || string.Equals(Type, type, StringComparison.OrdinalIgnoreCase))
        && PolicyPattern.Matches(AsArn(Type, Value), AsArn(type, principal), ignoreCase: false);

    public override string ToString() => Type == "*" ? Value : $"{Type}: {Value}";

    private static string AsArn(string type, string value) =>
        string.Equals(type, "AWS", StringComparison.OrdinalIgnoreCase) && value.Length == 12 && value.All(c => c >= '0' && c <= '9')
            ? $"arn:aws:iam::{value}:root"
            : value;
}

/// <summary>Who a statement applies to: its Principal, or everyone but its NotPrincipal.</summary>
public sealed class StatementPrincipal
{
    /// <summary>NotPrincipal: the statement applies to everyone the entries do not name.</summary>
    public bool IsNot { get; internal set; }

    public IReadOnlyList<PolicyPrincipal> Entries { get; internal set; } = Array.Empty<PolicyPrincipal>();

    /// <summary>The element as the policy wrote it ("NotPrincipal ..." for a NotPrincipal).</summary>
    public string Text { get; internal set; } = "";

    /// <summary>
    /// Whether principals the account does not name can be reached: a wildcard entry, a Federated one, or a NotPrincipal
    /// (it reaches everyone it does not name).
    /// </summary>
    public bool ReachesWildcard => IsNot || Entries.Any(e => e.IsWildcard || e.IsFederated);

    /// <summary>Whether the statement applies to <paramref name="principal"/> of <paramref name="type"/>.</summary>
    public bool AppliesTo(string type, string principal) => IsNot != Entries.Any(e => e.Matches(type, principal));
}
