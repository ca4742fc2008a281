using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Transfer;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.VmImport;

/// <summary>Where a disk is (or will be) for an import, and with which service role and KMS key.</summary>
public sealed class VmImportSource(string? localPath, string? bucket, string key, string roleName, string? kmsKeyId)
{
    /// <summary>The local file to upload; null when the disk is already in S3.</summary>
    public string? LocalPath { get; } = localPath;

    /// <summary>The bucket the disk is (or goes) in; null when Test-VmImport checks a local file alone.</summary>
    public string? Bucket { get; } = bucket;
    public string Key { get; } = key;
    public string RoleName { get; } = roleName;
    public string? KmsKeyId { get; } = kmsKeyId;
    public string? Url => Bucket is null ? null : TransferLocation.Url(Bucket, Key);

    /// <summary>A local disk, to go to s3://bucket/key (the file's name when no key is given).</summary>
    public static VmImportSource ForFile(string localPath, string? bucket, string? key, string roleName, string? kmsKeyId) =>
        new(localPath, bucket, string.IsNullOrEmpty(key) ? Path.GetFileName(localPath) : key!, roleName, kmsKeyId);

    /// <summary>A disk already in S3, as s3://bucket/key; a bucket or prefix alone is an InvalidArgument error.</summary>
    public static VmImportSource ForS3(string s3Uri, string roleName, string? kmsKeyId)
    {
        var location = TransferLocation.Parse(s3Uri);
        if (!location.IsS3 || location.IsPrefix)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "NotADiskObject",
                $"'{s3Uri}' names no object: give the disk image's S3 URI, s3://bucket/key.", s3Uri);
        return new(null, location.Bucket, location.Key, roleName, kmsKeyId);
    }
}

/// <summary>What Test-VmImport found: each check, and the disk's format when it could be read.</summary>
public sealed class VmImportReport(IReadOnlyList<VmImportCheck> checks, DiskFacts? disk, string partition, string accountId)
{
    public IReadOnlyList<VmImportCheck> Checks { get; } = checks;
    public DiskFacts? Disk { get; } = disk;
    public string Partition { get; } = partition;
    public string AccountId { get; } = accountId;
    public bool Passed => Checks.All(c => c.Result != VmImportCheckResult.Fail);
    public bool Failed(string name) => Checks.Any(c => c.Name == name && c.Result == VmImportCheckResult.Fail);
}

/// <summary>ImportImage's settings beyond the disk.</summary>
public sealed class VmImportSettings
{
    public string? Platform { get; set; }
    public string? LicenseType { get; set; }
    public string? BootMode { get; set; }
    public string? Description { get; set; }
    public bool Encrypted { get; set; }
    public string? KmsKeyId { get; set; }
}

/// <summary>
/// VM Import/Export: checks every documented precondition (disk, bucket, object, service role, caller), creates the
/// service role, starts an image import and follows, lists and cancels import tasks.
/// </summary>
public sealed class VmImporter
{
    private readonly IAmazonS3 _s3;
    private readonly IIamClient _iam;
    private readonly IAmazonEC2 _ec2;
    private readonly IdentityReader _identity;
    private readonly string _region;

    public VmImporter(IAmazonS3 s3, IIamClient iam, IAmazonEC2 ec2, IdentityReader identity, string region)
    {
        _s3 = s3;
        _iam = iam;
        _ec2 = ec2;
        _identity = identity;
        _region = region;
    }

    /// <summary>The import Region is the session's; IAM and STS only sign with it.</summary>
    public static VmImporter ForSession(SessionProvider provider, AwsSession session)
    {
        var region = session.RequireRegion();
        return new(provider.GetClient("s3", session, region, AwsClients.S3),
            provider.GetClient("iam", session, session.RegionOrDefault, WireClients.Iam),
            provider.GetClient("ec2", session, region, AwsClients.Ec2),
            IdentityReader.ForSession(provider, session), region);
    }

    public string Region => _region;

    /// <summary>Every check; a check that cannot be made because an earlier one failed (no bucket, no role) is left out.</summary>
    public async Task<VmImportReport> CheckAsync(VmImportSource source, CancellationToken cancel)
    {
        var caller = await _identity.GetAsync(cancel).ConfigureAwait(false);
        var partition = caller.Arn.Split(':').ElementAtOrDefault(1) ?? "aws";
        var checks = new List<VmImportCheck>();
        DiskFacts? disk = null;

        if (source.LocalPath is { } path)
        {
            var (head, tail, size) = LocalFile.Read(path, () => ReadEnds(path));
            disk = DiskImage.Detect(head, tail, size);
            checks.Add(VmImportRules.Format(disk, path));
            checks.Add(VmImportRules.Size(size));
        }

        var location = source.Bucket is null ? null : await BucketLocationAsync(source.Bucket, cancel).ConfigureAwait(false);
        if (source.Bucket is not null) checks.Add(VmImportRules.Bucket(source.Bucket, location is not null));
        if (location is not null)
        {
            checks.Add(VmImportRules.BucketRegion(source.Bucket!, location, _region));
            if (source.LocalPath is null)
            {
                var size = await ObjectSizeAsync(source, cancel).ConfigureAwait(false);
                checks.Add(VmImportRules.Object(source.Url!, size));
                if (size is { } bytes)
                {
                    disk = DiskImage.Detect(await RangeAsync(source, 0, Math.Min(bytes, DiskImage.HeadLength), cancel).ConfigureAwait(false),
                        await RangeAsync(source, Math.Max(0, bytes - DiskImage.TailLength), bytes, cancel).ConfigureAwait(false), bytes);
                    checks.Insert(0, VmImportRules.Format(disk, source.Key));
                    checks.Insert(1, VmImportRules.Size(bytes));
                }
            }
        }

        var role = await RoleAsync(source.RoleName, cancel).ConfigureAwait(false);
        checks.Add(VmImportRules.Role(source.RoleName, role is not null));
        if (role is not null)
        {
            checks.Add(VmImportRules.RoleTrust(source.RoleName, role.AssumeRolePolicyDocument));
            // What the role must allow depends on the bucket: without one, only its trust can be judged.
            if (source.Bucket is not null)
            {
                var policies = await RolePoliciesAsync(source.RoleName, cancel).ConfigureAwait(false);
                checks.Add(VmImportRules.RolePermissions(source.RoleName, policies, partition, source.Bucket, source.Key,
                    KmsKeyArn(source.KmsKeyId, partition, caller.Account)));
            }
        }
        checks.Add(VmImportRules.Caller(caller.Arn));

        foreach (var check in checks)
        {
            check.AccountId = caller.Account;
            check.Region = _region;
        }
        return new VmImportReport(checks, disk, partition, caller.Account);
    }

    /// <summary>
    /// What -CreateRole does after <paramref name="report"/>: creates the role with the documented trust when it is
    /// missing, and adds the documented policy scoped to the bucket when the role is new or its permissions fall short.
    /// Returns what it did, one line each; nothing when the role already passes.
    /// </summary>
    public async Task<List<string>> CreateRoleAsync(VmImportSource source, VmImportReport report, CancellationToken cancel)
    {
        var bucket = source.Bucket ?? throw new ArgumentException("-CreateRole scopes the policy to a bucket.", nameof(source));
        var done = new List<string>();
        var missing = report.Failed("Role");
        if (missing)
        {
            await _iam.CreateRoleAsync(source.RoleName, VmImportRules.TrustPolicy(), "VM Import/Export service role (AwsGuard Test-VmImport -CreateRole)",
                null, null, null, cancel).ConfigureAwait(false);
            done.Add($"Created the role {source.RoleName} trusting {VmImportRules.ServicePrincipal} with sts:ExternalId {VmImportRules.ExternalId}.");
        }
        if (missing || report.Failed("Role permissions"))
        {
            var name = VmImportRules.PolicyName(bucket);
            await _iam.PutRolePolicyAsync(source.RoleName, name,
                VmImportRules.RolePolicy(report.Partition, bucket, KmsKeyArn(source.KmsKeyId, report.Partition, report.AccountId)), cancel).ConfigureAwait(false);
            done.Add($"Put the inline policy {name} on {source.RoleName}: s3://{bucket} and the EC2 image actions.");
        }
        return done;
    }

    /// <summary>ImportImage of the disk in S3, in the format its content shows.</summary>
    public async Task<VmImportTask> StartAsync(VmImportSource source, DiskFacts disk, VmImportSettings settings, string accountId, CancellationToken cancel)
    {
        if (source.Bucket is null) throw new ArgumentException("An import reads the disk from a bucket.", nameof(source));
        var answer = await _ec2.ImportImageAsync(new ImportImageRequest
        {
            DiskContainers = new List<ImageDiskContainer>
            {
                new() { Format = disk.FormatName, UserBucket = new UserBucket { S3Bucket = source.Bucket, S3Key = source.Key } },
            },
            RoleName = source.RoleName == VmImportRules.DefaultRoleName ? null : source.RoleName,
            Platform = settings.Platform,
            LicenseType = settings.LicenseType,
            BootMode = settings.BootMode,
            Description = settings.Description,
            Encrypted = settings.Encrypted ? true : null,
            KmsKeyId = settings.KmsKeyId,
            ClientToken = Guid.NewGuid().ToString(),
        }, cancel).ConfigureAwait(false);
        return ToTask(accountId, answer.ImportTaskId, answer.Status, answer.StatusMessage, answer.Progress, answer.ImageId, answer.SnapshotDetails,
            answer.Description, answer.Platform, answer.LicenseType, null, answer.Encrypted);
    }

    /// <summary>The named tasks, or every import image task of the Region (DescribeImportImageTasks, every page).</summary>
    public async Task<List<VmImportTask>> DescribeAsync(IReadOnlyList<string>? ids, CancellationToken cancel)
    {
        var account = (await _identity.GetAsync(cancel).ConfigureAwait(false)).Account;
        return await DescribeAsync(account, ids, cancel).ConfigureAwait(false);
    }

    private async Task<List<VmImportTask>> DescribeAsync(string accountId, IReadOnlyList<string>? ids, CancellationToken cancel)
    {
        var tasks = new List<VmImportTask>();
        string? token = null;
        do
        {
            var page = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest
            {
                ImportTaskIds = ids?.ToList(),
                NextToken = token,
            }, cancel).ConfigureAwait(false);
            tasks.AddRange((page.ImportImageTasks ?? new List<ImportImageTask>()).Select(t => ToTask(accountId, t.ImportTaskId, t.Status, t.StatusMessage,
                t.Progress, t.ImageId, t.SnapshotDetails, t.Description, t.Platform, t.LicenseType, t.BootMode?.Value, t.Encrypted)));
            token = page.NextToken;
        } while (!string.IsNullOrEmpty(token));
        return tasks;
    }

    /// <summary>
    /// Describes the task every <paramref name="interval"/> until it ends, handing each answer to <paramref name="seen"/>;
    /// returns the last. Cancelling stops the waiting only: the import goes on.
    /// </summary>
    public async Task<VmImportTask> FollowAsync(VmImportTask task, TimeSpan interval, Action<VmImportTask> seen, CancellationToken cancel)
    {
        while (!ImportFailures.HasEnded(task.Status))
        {
            await Task.Delay(interval, cancel).ConfigureAwait(false);
            var now = await DescribeAsync(task.AccountId, new[] { task.ImportTaskId }, cancel).ConfigureAwait(false);
            task = now.Single();
            seen(task);
        }
        return task;
    }

    /// <summary>CancelImportTask; the task is deleted by AWS afterwards (status deleting, then deleted).</summary>
    public Task CancelAsync(string importTaskId, string? reason, CancellationToken cancel) =>
        _ec2.CancelImportTaskAsync(new CancelImportTaskRequest { ImportTaskId = importTaskId, CancelReason = reason }, cancel);

    private VmImportTask ToTask(string accountId, string id, string status, string? message, string? progress, string? imageId,
        List<SnapshotDetail>? snapshots, string? description, string? platform, string? license, string? bootMode, bool? encrypted)
    {
        var disk = snapshots?.FirstOrDefault()?.UserBucket;
        return new VmImportTask
        {
            AccountId = accountId,
            Region = _region,
            ImportTaskId = id,
            Status = status ?? "",
            StatusMessage = message,
            Progress = int.TryParse(progress, out var percent) ? percent : null,
            ImageId = imageId,
            SnapshotIds = (snapshots ?? new List<SnapshotDetail>()).Select(s => s.SnapshotId).Where(s => !string.IsNullOrEmpty(s)).ToArray(),
            Description = description,
            Platform = platform,
            LicenseType = license,
            BootMode = bootMode,
            Encrypted = encrypted ?? false,
            DiskUrl = disk is null ? null : TransferLocation.Url(disk.S3Bucket, disk.S3Key),
        };
    }

    private static (byte[] Head, byte[] Tail, long Size) ReadEnds(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var size = file.Length;
        var head = ReadAt(file, 0, (int)Math.Min(size, DiskImage.HeadLength));
        var tail = ReadAt(file, Math.Max(0, size - DiskImage.TailLength), (int)Math.Min(size, DiskImage.TailLength));
        return (head, tail, size);
    }

    private static byte[] ReadAt(FileStream file, long offset, int count)
    {
        var buffer = new byte[count];
        file.Position = offset;
        var read = 0;
        while (read < count)
        {
            var n = file.Read(buffer, read, count - read);
            if (n == 0) break;
            read += n;
        }
        return buffer;
    }

    /// <summary>GetBucketLocation's answer ("" for us-east-1); null when the bucket does not exist.</summary>
    private async Task<string?> BucketLocationAsync(string bucket, CancellationToken cancel)
    {
        try
        {
            var answer = await _s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancel).ConfigureAwait(false);
            return answer.Location?.Value ?? "";
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchBucket")
        {
            return null;
        }
    }

    private async Task<long?> ObjectSizeAsync(VmImportSource source, CancellationToken cancel)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source.Bucket, Key = source.Key }, cancel).ConfigureAwait(false);
            return head.ContentLength;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Bytes [from, to) of the object.</summary>
    private async Task<byte[]> RangeAsync(VmImportSource source, long from, long to, CancellationToken cancel)
    {
        if (to <= from) return Array.Empty<byte>();
        using var answer = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = source.Bucket, Key = source.Key, ByteRange = new ByteRange(from, to - 1),
        }, cancel).ConfigureAwait(false);
        using var memory = new MemoryStream();
        await answer.ResponseStream.CopyToAsync(memory).ConfigureAwait(false);
        return memory.ToArray();
    }

    private async Task<IamRole?> RoleAsync(string roleName, CancellationToken cancel)
    {
        try
        {
            return await _iam.GetRoleAsync(roleName, cancel).ConfigureAwait(false);
        }
        catch (AmazonServiceException error) when (error.ErrorCode == "NoSuchEntity")
        {
            return null;
        }
    }

    /// <summary>Every inline policy and the default version of every attached managed policy, as JSON.</summary>
    private async Task<List<string>> RolePoliciesAsync(string roleName, CancellationToken cancel)
    {
        var documents = new List<string>();
        string? marker = null;
        do
        {
            var page = await _iam.ListRolePoliciesAsync(roleName, marker, null, cancel).ConfigureAwait(false);
            foreach (var name in page.Items)
                documents.Add((await _iam.GetRolePolicyAsync(roleName, name, cancel).ConfigureAwait(false)).PolicyDocument ?? "{}");
            marker = page.IsTruncated ? page.Marker : null;
        } while (marker is not null);
        do
        {
            var page = await _iam.ListAttachedRolePoliciesAsync(roleName, marker, null, cancel).ConfigureAwait(false);
            foreach (var attached in page.Items.Where(p => p.PolicyArn is not null))
            {
                var policy = await _iam.GetPolicyAsync(attached.PolicyArn!, cancel).ConfigureAwait(false);
                var version = await _iam.GetPolicyVersionAsync(attached.PolicyArn!, policy.DefaultVersionId ?? "v1", cancel).ConfigureAwait(false);
                documents.Add(version.Document ?? "{}");
            }
            marker = page.IsTruncated ? page.Marker : null;
        } while (marker is not null);
        return documents;
    }

    /// <summary>A KMS key as the ARN policies name: an ARN as given, a key id or alias in the caller's account and the Region.</summary>
    private string? KmsKeyArn(string? keyId, string partition, string account) =>
        keyId is null ? null
        : keyId.StartsWith("arn:", StringComparison.Ordinal) ? keyId
        : keyId.StartsWith("alias/", StringComparison.Ordinal) ? $"arn:{partition}:kms:{_region}:{account}:{keyId}"
        : $"arn:{partition}:kms:{_region}:{account}:key/{keyId}";
}
