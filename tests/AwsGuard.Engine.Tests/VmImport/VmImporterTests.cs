using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.Wire;
using AwsGuard.Engine.VmImport;
using AwsGuard.Engine.Wire;
using Xunit;
using static AwsGuard.Engine.Tests.VmImport.DiskImages;

namespace AwsGuard.Engine.Tests.VmImport;

[CollectionDefinition(Name)]
public sealed class VmImportCollection : ICollectionFixture<LocalAws>, ICollectionFixture<Ec2ImportDouble>
{
    public const string Name = "VM import: moto and the EC2 import double";
}

/// <summary>The checks against moto's S3, IAM and STS, and the import against the EC2 double, through the real clients.</summary>
[Collection(VmImportCollection.Name)]
public sealed class VmImporterTests
{
    private readonly LocalAws _aws;
    private readonly Ec2ImportDouble _ec2;

    public VmImporterTests(LocalAws aws, Ec2ImportDouble ec2)
    {
        _aws = aws;
        _ec2 = ec2;
    }

    private VmImporter Importer(string region = LocalAws.Region)
    {
        var s3 = AwsClients.S3(Tools.Keys, region, _aws.Endpoint);
        var sts = AwsClients.Sts(Tools.Keys, region, _aws.Endpoint);
        var session = new SessionProvider(_ => null).Resolve(new SessionParameters
        {
            AccessKey = LocalAws.AccessKey, SecretKey = LocalAws.SecretKey, Region = region, EndpointUrl = _aws.Endpoint.AbsoluteUri,
        });
        return new VmImporter(s3, new IamClient(Tools.Keys, region, _aws.Endpoint), AwsClients.Ec2(Tools.Keys, region, _ec2.Endpoint),
            new IdentityReader(sts, session), region);
    }

    private async Task<string> BucketAsync(string region = LocalAws.Region)
    {
        var bucket = LocalAws.UniqueName("vmimport");
        var request = new PutBucketRequest { BucketName = bucket };
        if (region != "us-east-1") request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new Amazon.S3.BucketLocationConstraint(region) };
        await AwsClients.S3(Tools.Keys, region, _aws.Endpoint).PutBucketAsync(request);
        return bucket;
    }

    private static Dictionary<string, VmImportCheck> ByName(VmImportReport report) => report.Checks.ToDictionary(c => c.Name);

    [Fact]
    public async Task A_role_made_by_CreateRole_passes_every_check_and_an_absent_one_fails_with_the_fix()
    {
        var bucket = await BucketAsync();
        var role = LocalAws.UniqueName("vmimport");
        var source = new VmImportSource(Write(Tar("web01.ovf"), "web01.ova"), bucket, "web01.ova", role, null);
        var importer = Importer();

        var before = await importer.CheckAsync(source, CancellationToken.None);
        Assert.Equal(VmImportCheckResult.Fail, ByName(before)["Role"].Result);
        Assert.DoesNotContain("Role trust", ByName(before).Keys);
        Assert.Equal(2, (await importer.CreateRoleAsync(source, before, CancellationToken.None)).Count);

        var after = await importer.CheckAsync(source, CancellationToken.None);
        Assert.All(after.Checks, c => Assert.True(c.Result == VmImportCheckResult.Pass, c.ToString()));
        Assert.Equal(new[] { "Disk format", "Disk size", "Bucket", "Bucket region", "Role", "Role trust", "Role permissions", "Caller" },
            after.Checks.Select(c => c.Name));
        Assert.All(after.Checks, c => Assert.Equal(("123456789012", LocalAws.Region), (c.AccountId, c.Region)));
        // moto keeps what CreateRole was sent: the documented trust, exactly.
        var trust = await Tools.Aws(_aws.Endpoint, "iam", "get-role", "--role-name", role, "--query", "Role.AssumeRolePolicyDocument", "--output", "json");
        Assert.Equal(VmImportRules.TrustPolicy(), JsonSerializer.Serialize(JsonDocument.Parse(trust).RootElement));
    }

    [Fact]
    public async Task A_wrong_external_id_a_missing_permission_and_a_bucket_in_another_region_fail_with_their_fixes()
    {
        var bucket = await BucketAsync("eu-central-1");
        var role = LocalAws.UniqueName("vmimport");
        var trust = VmImportRules.TrustPolicy().Replace("\"vmimport\"", "\"other-id\"");
        var policy = VmImportRules.RolePolicy("aws", bucket, null).Replace("\"ec2:RegisterImage\",", "");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
iam = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'])
iam.create_role(RoleName='{role}', AssumeRolePolicyDocument='''{trust}''')
iam.put_role_policy(RoleName='{role}', PolicyName='p', PolicyDocument='''{policy}''')
");
        var report = await Importer().CheckAsync(new VmImportSource(Write(Vmdk(true), "a.vmdk"), bucket, "a.vmdk", role, null), CancellationToken.None);
        var checks = ByName(report);
        Assert.False(report.Passed);
        Assert.Equal(VmImportCheckResult.Fail, checks["Role trust"].Result);
        Assert.Contains("requires sts:ExternalId other-id", checks["Role trust"].Detail);
        Assert.Equal(VmImportCheckResult.Fail, checks["Role permissions"].Result);
        Assert.Contains("ec2:RegisterImage", checks["Role permissions"].Detail);
        Assert.Equal(VmImportCheckResult.Fail, checks["Bucket region"].Result);
        Assert.Contains("-Region eu-central-1", checks["Bucket region"].Fix);
        Assert.Equal(VmImportCheckResult.Pass, checks["Disk format"].Result);
    }

    [Fact]
    public async Task Permissions_from_an_attached_managed_policy_count()
    {
        var bucket = await BucketAsync();
        var role = LocalAws.UniqueName("vmimport");
        await Tools.Python(_aws.Endpoint, $@"
import boto3, os
iam = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'])
iam.create_role(RoleName='{role}', AssumeRolePolicyDocument='''{VmImportRules.TrustPolicy()}''')
arn = iam.create_policy(PolicyName='{role}-p', PolicyDocument='''{VmImportRules.RolePolicy("aws", bucket, null)}''')['Policy']['Arn']
iam.attach_role_policy(RoleName='{role}', PolicyArn=arn)
");
        var report = await Importer().CheckAsync(new VmImportSource(Write(Vhdx(), "a.vhdx"), bucket, "a.vhdx", role, null), CancellationToken.None);
        Assert.Equal(VmImportCheckResult.Pass, ByName(report)["Role permissions"].Result);
    }

    [Fact]
    public async Task A_disk_in_S3_is_read_by_range_and_a_missing_object_or_bucket_fails()
    {
        var bucket = await BucketAsync();
        var s3 = AwsClients.S3(Tools.Keys, LocalAws.Region, _aws.Endpoint);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "fixed.vhd", InputStream = new System.IO.MemoryStream(Vhd(2)) });
        var importer = Importer();

        var found = ByName(await importer.CheckAsync(new VmImportSource(null, bucket, "fixed.vhd", "vmimport", null), CancellationToken.None));
        Assert.Equal(VmImportCheckResult.Pass, found["Object"].Result);
        Assert.Contains("fixed VHD", found["Disk format"].Detail);

        var missing = ByName(await importer.CheckAsync(new VmImportSource(null, bucket, "nope.vhd", "vmimport", null), CancellationToken.None));
        Assert.Equal(VmImportCheckResult.Fail, missing["Object"].Result);
        Assert.DoesNotContain("Disk format", missing.Keys);

        var noBucket = ByName(await importer.CheckAsync(new VmImportSource(null, bucket + "-none", "a.vhd", "vmimport", null), CancellationToken.None));
        Assert.Equal(VmImportCheckResult.Fail, noBucket["Bucket"].Result);
        Assert.DoesNotContain("Object", noBucket.Keys);
    }

    [Fact]
    public async Task An_import_walks_AWSs_statuses_to_an_AMI()
    {
        var key = LocalAws.UniqueName("disk") + ".ova";
        var importer = Importer();
        var disk = DiskImage.Detect(Head(Tar("a.ovf")), Tail(Tar("a.ovf")), 10240);
        var task = await importer.StartAsync(new VmImportSource(null, "disks", key, "vmimport", null), disk,
            new VmImportSettings { Platform = "Linux", LicenseType = "BYOL", BootMode = "uefi", Description = "web01" }, "123456789012", CancellationToken.None);
        Assert.Equal(("active", "pending", 2), (task.Status, task.StatusMessage, task.Progress));

        var seen = new List<string>();
        var done = await importer.FollowAsync(task, TimeSpan.Zero, t => seen.Add($"{t.Status}/{t.StatusMessage}/{t.Progress}"), CancellationToken.None);
        Assert.Equal(new[] { "active/converting/28", "active/updating/52", "active/booting/74", "active/preparing ami/85", "completed//" }, seen);
        Assert.StartsWith("ami-", done.ImageId);
        Assert.StartsWith("snap-", Assert.Single(done.SnapshotIds));
        Assert.Equal($"s3://disks/{key}", done.DiskUrl);

        var sent = await _ec2.RequestOfAsync(task.ImportTaskId);
        Assert.Equal("ova", sent.GetProperty("DiskContainer.1.Format").GetString());
        Assert.Equal(key, sent.GetProperty("DiskContainer.1.UserBucket.S3Key").GetString());
        Assert.Equal("uefi", sent.GetProperty("BootMode").GetString());
        Assert.False(sent.TryGetProperty("RoleName", out _)); // vmimport is the default: not sent
    }

    [Fact]
    public async Task A_failed_import_ends_deleted_with_AWSs_message_and_a_cancel_ends_the_task()
    {
        var key = LocalAws.UniqueName("bad") + ".vmdk";
        await _ec2.SetOutcomeAsync(key, "ClientError: Unsupported kernel version 5.14.0-70.el9");
        var importer = Importer();
        var disk = DiskImage.Detect(Head(Vmdk(true)), Tail(Vmdk(true)), 65536);
        var task = await importer.StartAsync(new VmImportSource(null, "disks", key, "other-role", null), disk, new VmImportSettings(), "123456789012", CancellationToken.None);
        var failed = await importer.FollowAsync(task, TimeSpan.Zero, _ => { }, CancellationToken.None);
        Assert.Equal(("deleting", "ClientError: Unsupported kernel version 5.14.0-70.el9"), (failed.Status, failed.StatusMessage));
        Assert.Contains("kernel", ImportFailures.Advice(failed.StatusMessage));
        Assert.Equal("other-role", (await _ec2.RequestOfAsync(task.ImportTaskId)).GetProperty("RoleName").GetString());

        var other = await importer.StartAsync(new VmImportSource(null, "disks", key + "2", "vmimport", null), disk, new VmImportSettings(), "123456789012", CancellationToken.None);
        await importer.CancelAsync(other.ImportTaskId, "test", CancellationToken.None);
        Assert.Equal("deleted", (await importer.DescribeAsync(new[] { other.ImportTaskId }, CancellationToken.None)).Single().Status);
        var again = await Assert.ThrowsAnyAsync<Amazon.EC2.AmazonEC2Exception>(() => importer.CancelAsync(other.ImportTaskId, null, CancellationToken.None));
        Assert.Equal("IncorrectState", again.ErrorCode);
    }

    [Fact]
    public async Task Cli_reads_what_AwsGuard_started_and_AwsGuard_reads_what_the_cli_started()
    {
        var importer = Importer();
        var disk = DiskImage.Detect(Head(Vhdx()), Tail(Vhdx()), 65536);
        var key = LocalAws.UniqueName("cli") + ".vhdx";
        var mine = await importer.StartAsync(new VmImportSource(null, "disks", key, "vmimport", null), disk,
            new VmImportSettings { Description = "from AwsGuard", Platform = "Windows" }, "123456789012", CancellationToken.None);
        var seen = JsonDocument.Parse(await Tools.Aws(_ec2.Endpoint, "ec2", "describe-import-image-tasks", "--import-task-ids", mine.ImportTaskId, "--output", "json"))
            .RootElement.GetProperty("ImportImageTasks")[0];
        Assert.Equal("from AwsGuard", seen.GetProperty("Description").GetString());
        Assert.Equal("VHDX", seen.GetProperty("SnapshotDetails")[0].GetProperty("Format").GetString());
        Assert.Equal(key, seen.GetProperty("SnapshotDetails")[0].GetProperty("UserBucket").GetProperty("S3Key").GetString());

        var started = JsonDocument.Parse(await Tools.Aws(_ec2.Endpoint, "ec2", "import-image", "--disk-containers",
            $"Format=vmdk,UserBucket={{S3Bucket=disks,S3Key={key}.vmdk}}", "--license-type", "BYOL", "--output", "json")).RootElement;
        var id = started.GetProperty("ImportTaskId").GetString()!;
        var read = (await importer.DescribeAsync(new[] { id }, CancellationToken.None)).Single();
        Assert.Equal(("active", "converting", "BYOL"), (read.Status, read.StatusMessage, read.LicenseType));
        var cancelled = JsonDocument.Parse(await Tools.Aws(_ec2.Endpoint, "ec2", "cancel-import-task", "--import-task-id", id, "--output", "json")).RootElement;
        Assert.Equal("deleting", cancelled.GetProperty("State").GetString());

        var all = await importer.DescribeAsync(null, CancellationToken.None);
        Assert.Contains(all, t => t.ImportTaskId == mine.ImportTaskId);
        Assert.Contains(all, t => t.ImportTaskId == id);
        var missing = await Tools.Aws(_ec2.Endpoint, "ec2", "describe-import-image-tasks", "--import-task-ids", "import-ami-0123456789abcdef0");
        Assert.Contains("(InvalidConversionTaskId) when calling the DescribeImportImageTasks operation", missing);
        var badFormat = await Tools.Aws(_ec2.Endpoint, "ec2", "import-image", "--disk-containers", "Format=qcow2,UserBucket={S3Bucket=disks,S3Key=a.qcow2}");
        Assert.Contains("(InvalidParameter) when calling the ImportImage operation", badFormat);
    }
}
