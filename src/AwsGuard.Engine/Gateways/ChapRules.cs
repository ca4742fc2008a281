using System;
using System.Security;
using System.Text.RegularExpressions;
using AwsGuard.Engine.Secrets;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Gateways;

/// <summary>A Storage Gateway iSCSI target ARN, taken apart.</summary>
public sealed class GatewayTarget(string arn, string region, string gatewayArn, string targetName)
{
    public string Arn { get; } = arn;
    public string Region { get; } = region;
    public string GatewayArn { get; } = gatewayArn;

    /// <summary>The IQN after /target/, as initiators address the target.</summary>
    public string TargetName { get; } = targetName;
}

/// <summary>A CHAP change that passed every rule; the secrets stay SecureStrings until the call.</summary>
public sealed class ChapUpdate
{
    internal ChapUpdate(GatewayTarget target, string initiatorName, SecureString initiatorSecret, SecureString? targetSecret)
    {
        Target = target;
        InitiatorName = initiatorName;
        InitiatorSecret = initiatorSecret;
        TargetSecret = targetSecret;
    }

    public GatewayTarget Target { get; }
    public string InitiatorName { get; }
    public SecureString InitiatorSecret { get; }
    public SecureString? TargetSecret { get; }
}

/// <summary>
/// UpdateChapCredentials' rules as Storage Gateway documents them (botocore's storagegateway model): secrets of 12 to
/// 16 bytes in UTF-8 (the documentation's rule; the model's own 1 to 100 characters is looser), the two secrets
/// different, InitiatorName an IqnName (1 to 255 of [0-9a-z:.-]), TargetARN a target ARN (50 to 800 characters).
/// Each violation is an InvalidArgument error that states the rule and the value's length, never a secret.
/// </summary>
public static class ChapRules
{
    public const int SecretMinBytes = 12;
    public const int SecretMaxBytes = 16;

    // Each pattern ends in \z, not $: $ also matches before a final newline, as in a name read from a file.
    private const string Partition = "aws(?:-cn|-us-gov|-iso[a-z-]*|-eusc)?";
    private static readonly Regex TargetArnPattern = new(
        $"^(?<gateway>arn:{Partition}:storagegateway:(?<region>[a-z0-9-]+):[0-9]{{12}}:gateway/sgw-[0-9A-Za-z]+)/target/(?<target>iqn\\.[-.;:a-z0-9]+)\\z",
        RegexOptions.CultureInvariant);
    private static readonly Regex GatewayArnPattern = new(
        $"^arn:{Partition}:storagegateway:(?<region>[a-z0-9-]+):[0-9]{{12}}:gateway/sgw-[0-9A-Za-z]+\\z",
        RegexOptions.CultureInvariant);
    private static readonly Regex IqnPattern = new("^[0-9a-z:.-]{1,255}\\z", RegexOptions.CultureInvariant);

    /// <param name="disableMutualChap">-DisableMutualChap: turning mutual CHAP off contradicts a target secret.</param>
    public static ChapUpdate Check(string targetArn, string initiatorName, SecureString initiatorSecret, SecureString? targetSecret,
        bool disableMutualChap = false)
    {
        var target = ParseTargetArn(targetArn);
        if (disableMutualChap && targetSecret is not null)
            throw Invalid("DisableMutualChapWithTargetSecret",
                "-DisableMutualChap turns mutual CHAP off and -TargetSecret sets it: give one of them.", targetArn);
        if (initiatorName is null || !IqnPattern.IsMatch(initiatorName))
            throw Invalid("InvalidInitiatorName",
                $"-InitiatorName must be an iSCSI qualified name of 1 to 255 characters from 0-9, a-z, ':', '.' and '-' " +
                $"(for example iqn.1991-05.com.microsoft:server1); '{initiatorName}' has {initiatorName?.Length ?? 0} characters.", initiatorName);
        using var forInitiator = PinnedSecret.From(initiatorSecret);
        CheckSecret("-InitiatorSecret", forInitiator);
        if (targetSecret is not null)
        {
            using var forTarget = PinnedSecret.From(targetSecret);
            CheckSecret("-TargetSecret", forTarget);
            if (string.Equals(forInitiator.Text, forTarget.Text, StringComparison.Ordinal))
                throw Invalid("ChapSecretsIdentical",
                    "-TargetSecret must differ from -InitiatorSecret: in mutual CHAP each side proves itself with its own secret.", targetArn);
        }
        return new ChapUpdate(target, initiatorName, initiatorSecret, targetSecret);
    }

    public static GatewayTarget ParseTargetArn(string arn)
    {
        var match = MatchArn(arn, TargetArnPattern, 800, "InvalidTargetArn", "-TargetArn", "iSCSI target ARN",
            "arn:aws:storagegateway:<region>:<account>:gateway/<gateway id>/target/<iqn>");
        return new GatewayTarget(arn, match.Groups["region"].Value, match.Groups["gateway"].Value, match.Groups["target"].Value);
    }

    /// <summary>The region of a gateway ARN (arn:aws:storagegateway:&lt;region&gt;:&lt;account&gt;:gateway/&lt;id&gt;).</summary>
    public static string GatewayRegion(string arn) =>
        MatchArn(arn, GatewayArnPattern, 500, "InvalidGatewayArn", "-GatewayArn", "ARN",
            "arn:aws:storagegateway:<region>:<account>:gateway/<gateway id>").Groups["region"].Value;

    /// <summary>A Storage Gateway ARN of 50 to <paramref name="maxLength"/> characters in a known region, or InvalidArgument.</summary>
    private static Match MatchArn(string arn, Regex pattern, int maxLength, string errorId, string parameter, string kind, string form)
    {
        var match = arn is { Length: >= 50 } && arn.Length <= maxLength ? pattern.Match(arn) : Match.Empty;
        if (!match.Success || !AwsRegions.IsRegion(match.Groups["region"].Value))
            throw Invalid(errorId,
                $"{parameter} must be a Storage Gateway {kind} of 50 to {maxLength} characters " +
                $"({form}); '{arn}' has {arn?.Length ?? 0} characters.", arn);
        return match;
    }

    private static void CheckSecret(string parameter, PinnedSecret secret)
    {
        var bytes = secret.Utf8Length;
        if (bytes is < SecretMinBytes or > SecretMaxBytes)
            throw Invalid("InvalidChapSecret",
                $"{parameter} must be {SecretMinBytes} to {SecretMaxBytes} bytes in UTF-8; it is {bytes} bytes " +
                $"({secret.Text.Length} characters; letters outside ASCII take 2 to 4 bytes each).", parameter);
    }

    private static AwsGuardException Invalid(string id, string message, object? target) =>
        new(ErrorKind.InvalidArgument, id, message, target);
}
