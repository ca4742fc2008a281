using System;
using System.Reflection;
using Amazon.Runtime;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// Credentials read by shape from an object of another AWSSDK.Core copy (AWS.Tools' Get-AWSCredential output,
/// or the holder Set-AWSCredential leaves in $StoredAWSCredentials), read again on every use so a refreshing
/// source stays fresh.
/// </summary>
internal sealed class ForeignCredentials : AWSCredentials
{
    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private readonly object _source;
    private readonly MethodInfo _getCredentials;

    private ForeignCredentials(object source, MethodInfo getCredentials)
    {
        _source = source;
        _getCredentials = getCredentials;
    }

    /// <summary>AWSCredentials of any AWSSDK.Core, or an object that holds one in a member named Credentials; null for anything else.</summary>
    public static AWSCredentials? TryWrap(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case AWSCredentials own:
                return own;
        }
        var type = value.GetType();
        var getCredentials = type.GetMethod("GetCredentials", Type.EmptyTypes);
        if (getCredentials is not null && HasKeys(getCredentials.ReturnType))
            return new ForeignCredentials(value, getCredentials);

        // AWS.Tools keeps the AWSCredentials in a non-public member of its holder type.
        var inner = type.GetProperty("Credentials", AnyInstance)?.GetValue(value)
                    ?? type.GetField("Credentials", AnyInstance)?.GetValue(value)
                    ?? type.GetField("<Credentials>k__BackingField", AnyInstance)?.GetValue(value);
        return inner is null || ReferenceEquals(inner, value) ? null : TryWrap(inner);
    }

    public override ImmutableCredentials GetCredentials()
    {
        var keys = _getCredentials.Invoke(_source, null)
                   ?? throw new InvalidOperationException("The credentials object returned no keys.");
        var type = keys.GetType();
        string? Read(string name) => type.GetProperty(name)?.GetValue(keys) as string;
        return new ImmutableCredentials(Read("AccessKey"), Read("SecretKey"), Read("Token"));
    }

    private static bool HasKeys(Type type) =>
        type.GetProperty("AccessKey") is not null && type.GetProperty("SecretKey") is not null;
}
