using System;
using System.Linq;
using AwsGuard.Engine.VmImport;
using Xunit;
using static AwsGuard.Engine.Tests.VmImport.DiskImages;

namespace AwsGuard.Engine.Tests.VmImport;

/// <summary>Each check's decision, over real disk headers and real policy documents: a passing and a failing case each.</summary>
public sealed class VmImportRulesTests
{
    private const string Bucket = "disks";
    private const string Key = "web01.ova";

    private static DiskFacts Detect(byte[] data) => DiskImage.Detect(Head(data), Tail(data), data.Length);

    [Theory]
    [InlineData("ova", DiskFormat.Ova)]
    [InlineData("vmdk", DiskFormat.Vmdk)]
    [InlineData("vhd-fixed", DiskFormat.Vhd)]
    [InlineData("vhd-dynamic", DiskFormat.Vhd)]
    [InlineData("vhdx", DiskFormat.Vhdx)]
    [InlineData("raw-mbr", DiskFormat.Raw)]
    [InlineData("raw-gpt", DiskFormat.Raw)]
    public void Formats_VM_Import_takes_pass_by_their_content(string kind, DiskFormat expected)
    {
        var data = kind switch
        {
            "ova" => Tar("web01.ovf"),
            "vmdk" => Vmdk(streamOptimized: true),
            "vhd-fixed" => Vhd(2),
            "vhd-dynamic" => Vhd(3),
            "vhdx" => Vhdx(),
            "raw-mbr" => Raw("mbr"),
            _ => Raw("gpt"),
        };
        var disk = Detect(data);
        Assert.Equal(expected, disk.Format);
        Assert.Null(disk.Problem);
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Format(disk, "disk." + disk.FormatName).Result);
    }

    [Theory]
    [InlineData("sparse-vmdk", "stream-optimized")]
    [InlineData("descriptor", "descriptor")]
    [InlineData("differencing-vhd", "Merge-VHD")]
    [InlineData("tar", "not an .ovf")]
    [InlineData("odd-size", "512-byte sectors")]
    [InlineData("no-partitions", "no MBR or GPT")]
    [InlineData("empty", "empty")]
    public void Formats_VM_Import_refuses_fail_with_what_to_export_instead(string kind, string why)
    {
        var data = kind switch
        {
            "sparse-vmdk" => Vmdk(streamOptimized: false),
            "descriptor" => System.Text.Encoding.ASCII.GetBytes("# Disk DescriptorFile\nversion=1\ncreateType=\"vmfs\"\n"),
            "differencing-vhd" => Vhd(4),
            "tar" => Tar("notes.txt"),
            "odd-size" => new byte[1000],
            "no-partitions" => Raw("none"),
            _ => Array.Empty<byte>(),
        };
        var check = VmImportRules.Format(Detect(data), "disk.vmdk");
        Assert.Equal(VmImportCheckResult.Fail, check.Result);
        Assert.Contains(why, check.Detail);
        Assert.Contains("OVA", check.Fix);
    }

    [Fact]
    public void A_name_that_disagrees_with_the_content_warns_and_the_content_wins()
    {
        var check = VmImportRules.Format(Detect(Vhd(2)), "web01.vmdk");
        Assert.Equal(VmImportCheckResult.Warn, check.Result);
        Assert.Contains("as vhd", check.Fix);
    }

    [Fact]
    public void Size_passes_up_to_S3s_largest_object_and_fails_beyond()
    {
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Size(8L << 30).Result);
        Assert.Equal(VmImportCheckResult.Fail, VmImportRules.Size(VmImportRules.MaxDiskBytes + 1).Result);
        Assert.Equal(VmImportCheckResult.Fail, VmImportRules.Size(0).Result);
    }

    [Theory]
    [InlineData("us-east-1", "us-east-1", VmImportCheckResult.Pass)]
    [InlineData("", "us-east-1", VmImportCheckResult.Pass)]
    [InlineData("EU", "eu-west-1", VmImportCheckResult.Pass)]
    [InlineData("eu-central-1", "us-east-1", VmImportCheckResult.Fail)]
    public void Bucket_region_must_be_the_import_region(string location, string importRegion, VmImportCheckResult expected)
    {
        var check = VmImportRules.BucketRegion(Bucket, location, importRegion);
        Assert.Equal(expected, check.Result);
        if (expected == VmImportCheckResult.Fail) Assert.Contains("-Region eu-central-1", check.Fix);
    }

    [Fact]
    public void Bucket_object_and_role_existence_pass_or_fail_with_a_fix()
    {
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Bucket(Bucket, true).Result);
        Assert.Contains("aws s3 mb", VmImportRules.Bucket(Bucket, false).Fix);
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Object("s3://disks/a.ova", 1024).Result);
        Assert.Contains("Copy-S3Quiet", VmImportRules.Object("s3://disks/a.ova", null).Fix);
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Role("vmimport", true).Result);
        Assert.Contains("-CreateRole", VmImportRules.Role("vmimport", false).Fix);
    }

    [Fact]
    public void The_documented_trust_passes()
    {
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.RoleTrust("vmimport", VmImportRules.TrustPolicy()).Result);
    }

    [Theory]
    [InlineData("{\"StringEquals\":{\"sts:ExternalId\":\"other\"}}", VmImportCheckResult.Fail, "requires sts:ExternalId other")]
    [InlineData("null", VmImportCheckResult.Warn, "without the sts:ExternalId")]
    [InlineData("{\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}", VmImportCheckResult.Fail, "conditions VM Import does not meet")]
    public void A_trust_with_the_wrong_external_id_fails_and_says_the_documented_one(string condition, VmImportCheckResult expected, string detail)
    {
        var conditionPart = condition == "null" ? "" : ",\"Condition\":" + condition;
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"vmie.amazonaws.com\"},"
            + "\"Action\":\"sts:AssumeRole\"" + conditionPart + "}]}";
        var check = VmImportRules.RoleTrust("vmimport", trust);
        Assert.Equal(expected, check.Result);
        Assert.Contains(detail, check.Detail);
        Assert.Contains("update-assume-role-policy", check.Fix);
        Assert.Contains("\"sts:Externalid\":\"vmimport\"", check.Fix);
    }

    [Fact]
    public void A_trust_for_another_service_fails()
    {
        var trust = VmImportRules.TrustPolicy().Replace("vmie.amazonaws.com", "ec2.amazonaws.com");
        Assert.Equal(VmImportCheckResult.Fail, VmImportRules.RoleTrust("vmimport", trust).Result);
    }

    [Fact]
    public void The_documented_policy_scoped_to_the_bucket_passes_with_and_without_a_KMS_key()
    {
        Assert.Equal(VmImportCheckResult.Pass, Permissions(VmImportRules.RolePolicy("aws", Bucket, null), null).Result);
        var key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        Assert.Equal(VmImportCheckResult.Pass, Permissions(VmImportRules.RolePolicy("aws", Bucket, key), key).Result);
    }

    [Theory]
    [InlineData("s3:GetBucketLocation", "s3:GetBucketLocation on arn:aws:s3:::disks")]
    [InlineData("ec2:RegisterImage", "ec2:RegisterImage")]
    public void A_missing_permission_fails_naming_it_and_the_policy_to_add(string removed, string named)
    {
        var policy = VmImportRules.RolePolicy("aws", Bucket, null).Replace($"\"{removed}\",", "").Replace($",\"{removed}\"", "");
        var check = Permissions(policy, null);
        Assert.Equal(VmImportCheckResult.Fail, check.Result);
        Assert.Contains(named, check.Detail);
        Assert.Contains("put-role-policy --role-name vmimport --policy-name vmimport-disks", check.Fix);
    }

    [Fact]
    public void A_policy_for_another_bucket_an_explicit_deny_and_a_missing_kms_grant_fail()
    {
        Assert.Equal(VmImportCheckResult.Fail, Permissions(VmImportRules.RolePolicy("aws", "other-bucket", null), null).Result);
        var deny = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
        Assert.Contains("s3:GetObject", VmImportRules.RolePermissions("vmimport", new[] { VmImportRules.RolePolicy("aws", Bucket, null), deny },
            "aws", Bucket, Key, null).Detail);
        var key = "arn:aws:kms:us-east-1:123456789012:key/k";
        var check = Permissions(VmImportRules.RolePolicy("aws", Bucket, null), key);
        Assert.Equal(VmImportCheckResult.Fail, check.Result);
        Assert.Contains("kms:CreateGrant on " + key, check.Detail);
    }

    [Fact]
    public void The_root_user_fails_and_any_other_caller_passes()
    {
        Assert.Equal(VmImportCheckResult.Fail, VmImportRules.Caller("arn:aws:iam::123456789012:root").Result);
        Assert.Equal(VmImportCheckResult.Pass, VmImportRules.Caller("arn:aws:iam::123456789012:user/admin").Result);
    }

    [Theory]
    [InlineData("ClientError: Unsupported kernel version 5.14.0-70.el9", "kernel")]
    [InlineData("ClientError: Unable to find bootloader", "GRUB")]
    [InlineData("FirstBootFailure: This import request failed because the instance failed to boot and establish network connectivity.", "DHCP")]
    [InlineData("ClientError: No valid partitions. Not a valid volume.", "bootable system disk")]
    [InlineData("ClientError: Unsupported file format", "OVA")]
    [InlineData("Something new", "Troubleshooting VM Import/Export")]
    public void Failures_map_to_what_to_do(string statusMessage, string advice)
    {
        Assert.Contains(advice, ImportFailures.Advice(statusMessage));
    }

    private static VmImportCheck Permissions(string policy, string? kmsKeyArn) =>
        VmImportRules.RolePermissions("vmimport", new[] { policy }, "aws", Bucket, Key, kmsKeyArn);
}
