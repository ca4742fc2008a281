using System.Linq;
using System.Security;
using AwsGuard.Engine.Gateways;
using Xunit;

namespace AwsGuard.Engine.Tests.Gateways;

/// <summary>UpdateChapCredentials' documented rules, before any call: each violation says the rule and the length, never a secret.</summary>
public sealed class ChapRulesTests
{
    internal const string Target = "arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B/target/iqn.1997-05.com.amazon:myvolume";
    internal const string Initiator = "iqn.1991-05.com.microsoft:fileserver1";

    internal static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        return secure;
    }

    [Theory]
    [InlineData("abcdefghijkl", null)]              // 12 bytes: the minimum
    [InlineData("abcdefghijklmnop", "ponmlkjihgfedcba")] // 16 bytes each: the maximum, mutual
    [InlineData("éééééééé", "ü1234567890123")]       // 8 x 2 bytes = 16; 1 x 2 + 13 = 15
    [InlineData("abcdefghijk😀", null)]              // 13 UTF-16 characters, but 11 + 4 = 15 bytes: bytes are counted
    public void Valid_changes_pass_and_keep_the_arn_parts(string initiatorSecret, string? targetSecret)
    {
        var update = ChapRules.Check(Target, Initiator, Secure(initiatorSecret), targetSecret is null ? null : Secure(targetSecret));
        Assert.Equal("us-west-2", update.Target.Region);
        Assert.Equal("arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B", update.Target.GatewayArn);
        Assert.Equal("iqn.1997-05.com.amazon:myvolume", update.Target.TargetName);
    }

    [Theory]
    // secret lengths, in UTF-8 bytes
    [InlineData("abcdefghijk", null, "InvalidChapSecret", "-InitiatorSecret must be 12 to 16 bytes in UTF-8; it is 11 bytes (11 characters")]
    [InlineData("abcdefghijklmnopq", null, "InvalidChapSecret", "it is 17 bytes (17 characters")]
    [InlineData("", null, "InvalidChapSecret", "it is 0 bytes (0 characters")]
    [InlineData("éééééééééééé", null, "InvalidChapSecret", "it is 24 bytes (12 characters")]        // 12 characters, 24 bytes
    [InlineData("€€€€€€€€€€€€", null, "InvalidChapSecret", "it is 36 bytes (12 characters")]        // 3 bytes each
    [InlineData("abcdefghijkl", "short-secret-but-too-long", "InvalidChapSecret", "-TargetSecret must be 12 to 16 bytes in UTF-8; it is 25 bytes")]
    [InlineData("abcdefghijkl", "abcdefghijkl", "ChapSecretsIdentical", "-TargetSecret must differ from -InitiatorSecret")]
    public void Secret_rules_name_the_rule_and_length_never_the_secret(string initiatorSecret, string? targetSecret, string id, string message)
    {
        var error = Assert.Throws<AwsGuardException>(() =>
            ChapRules.Check(Target, Initiator, Secure(initiatorSecret), targetSecret is null ? null : Secure(targetSecret)));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(id, error.ErrorId);
        Assert.Contains(message, error.Message);
        foreach (var secret in new[] { initiatorSecret, targetSecret }.Where(s => !string.IsNullOrEmpty(s)))
            Assert.DoesNotContain(secret!, error.Message);
    }

    public static readonly TheoryData<string, string> BadInitiatorNames = new()
    {
        { "IQN.1991-05.com.microsoft:x", "has 27 characters" }, // upper case is outside [0-9a-z:.-]
        { "iqn.1991-05.com.microsoft:file_server", "has 37 characters" },
        { "", "has 0 characters" },
        { "iqn." + new string('a', 252), "has 256 characters" },
        { Initiator + "\n", "has 38 characters" }, // read from a file with its line break: $ would match before it
    };

    [Theory]
    [MemberData(nameof(BadInitiatorNames))]
    public void Initiator_name_is_an_iqn_of_1_to_255_characters(string name, string length)
    {
        var error = Assert.Throws<AwsGuardException>(() => ChapRules.Check(Target, name, Secure("abcdefghijkl"), null));
        Assert.Equal("InvalidInitiatorName", error.ErrorId);
        Assert.Contains("1 to 255 characters from 0-9, a-z, ':', '.' and '-'", error.Message);
        Assert.Contains(length, error.Message);
    }

    [Theory]
    [InlineData("arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B")]                                  // a gateway
    [InlineData("arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B/volume/vol-1122AABBCCDD")]          // a volume
    [InlineData("arn:aws:s3:us-west-2:123456789012:gateway/sgw-12A3456B/target/iqn.1997-05.com.amazon:myvolume")]       // another service
    [InlineData("arn:aws:storagegateway:us-west-2:1234:gateway/sgw-12A3456B/target/iqn.1997-05.com.amazon:myvolume")]   // account
    [InlineData("iqn.1997-05.com.amazon:myvolume")]
    [InlineData(Target + "\n")]
    public void Target_arn_is_a_storage_gateway_target(string arn)
    {
        var error = Assert.Throws<AwsGuardException>(() => ChapRules.Check(arn, Initiator, Secure("abcdefghijkl"), null));
        Assert.Equal("InvalidTargetArn", error.ErrorId);
        Assert.Contains($"has {arn.Length} characters", error.Message);
    }

    [Fact]
    public void Other_partitions_keep_their_region()
    {
        Assert.Equal("cn-north-1", ChapRules.ParseTargetArn(Target.Replace("arn:aws:", "arn:aws-cn:").Replace("us-west-2", "cn-north-1")).Region);
        Assert.Equal("us-gov-west-1", ChapRules.GatewayRegion("arn:aws-us-gov:storagegateway:us-gov-west-1:123456789012:gateway/sgw-12A3456B"));
        Assert.Equal("InvalidGatewayArn", Assert.Throws<AwsGuardException>(() => ChapRules.GatewayRegion(Target)).ErrorId);
    }

    [Fact]
    public void A_gateway_arn_with_a_line_break_is_refused() =>
        Assert.Equal("InvalidGatewayArn", Assert.Throws<AwsGuardException>(() =>
            ChapRules.GatewayRegion("arn:aws:storagegateway:us-west-2:123456789012:gateway/sgw-12A3456B\n")).ErrorId);

    [Fact]
    public void Disabling_mutual_chap_while_giving_a_target_secret_is_refused()
    {
        var error = Assert.Throws<AwsGuardException>(() =>
            ChapRules.Check(Target, Initiator, Secure("abcdefghijkl"), Secure("ponmlkjihgfe"), disableMutualChap: true));
        Assert.Equal(("DisableMutualChapWithTargetSecret", ErrorKind.InvalidArgument), (error.ErrorId, error.Kind));
    }

    // What an update changes, by what is set today and what was asked for.
    [Theory]
    [InlineData(ChapSetting.Mutual, true, false, "Rotate mutual CHAP")]
    [InlineData(ChapSetting.OneWay, true, false, "Turn on mutual CHAP (one-way today)")]
    [InlineData(ChapSetting.None, true, false, "Set mutual CHAP")]
    [InlineData(ChapSetting.Mutual, false, true, "Turn off mutual CHAP (set one-way CHAP)")]
    [InlineData(ChapSetting.OneWay, false, false, "Rotate one-way CHAP")]
    [InlineData(ChapSetting.OneWay, false, true, "Rotate one-way CHAP")]
    [InlineData(ChapSetting.None, false, false, "Set one-way CHAP")]
    public void A_change_says_what_it_does(ChapSetting today, bool mutual, bool disableMutual, string change) =>
        Assert.Equal(change, ChapChange.Decide(today, mutual, disableMutual, ChapRules.ParseTargetArn(Target), Initiator));

    [Fact]
    public void A_one_way_update_of_a_mutual_initiator_is_refused_unless_it_disables_mutual_chap()
    {
        var error = Assert.Throws<AwsGuardException>(() =>
            ChapChange.Decide(ChapSetting.Mutual, false, false, ChapRules.ParseTargetArn(Target), Initiator));
        Assert.Equal(("MutualChapNeedsTargetSecret", ErrorKind.InvalidArgument, (object?)Target), (error.ErrorId, error.Kind, error.Target));
        Assert.Contains("Give -TargetSecret to keep it, or -DisableMutualChap to turn it off.", error.Message);
    }

    [Fact]
    public void A_credential_says_its_setting()
    {
        Assert.Equal(ChapSetting.None, ChapChange.SettingOf(null));
        Assert.Equal(ChapSetting.None, ChapChange.SettingOf(new ChapCredential { ChapEnabled = false }));
        Assert.Equal(ChapSetting.OneWay, ChapChange.SettingOf(new ChapCredential { ChapEnabled = true }));
        Assert.Equal(ChapSetting.Mutual, ChapChange.SettingOf(new ChapCredential { ChapEnabled = true, MutualChap = true }));
    }
}
