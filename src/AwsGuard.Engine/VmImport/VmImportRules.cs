using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using AwsGuard.Engine.Policies;

namespace AwsGuard.Engine.VmImport;

/// <summary>
/// VM Import/Export's documented preconditions ("Required permissions for VM Import/Export", "VM Import/Export
/// requirements") as pure decisions over what was read, each one <see cref="VmImportCheck"/> with the fix to apply.
/// </summary>
public static class VmImportRules
{
    public const string DefaultRoleName = "vmimport";
    public const string ServicePrincipal = "vmie.amazonaws.com";
    public const string ExternalId = "vmimport";
    /// <summary>What an import image task id looks like (import-ami- and a lowercase hex or alphanumeric tail).</summary>
    public const string TaskIdPattern = "^import-ami-[0-9a-z]+$";
    /// <summary>The largest object S3 stores, so the largest disk an import can read.</summary>
    public const long MaxDiskBytes = 5L * 1024 * 1024 * 1024 * 1024;

    private static readonly string[] Ec2Actions =
        { "ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:DescribeImages", "ec2:DescribeSnapshots" };
    private static readonly string[] KmsActions =
        { "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo" };

    /// <summary>The trust policy AWS documents for the service role, exactly.</summary>
    public static string TrustPolicy() => Json(new
    {
        Version = "2012-10-17",
        Statement = new[]
        {
            new
            {
                Effect = "Allow",
                Principal = new { Service = ServicePrincipal },
                Action = "sts:AssumeRole",
                Condition = new { StringEquals = new Dictionary<string, string> { ["sts:Externalid"] = ExternalId } },
            },
        },
    });

    /// <summary>The documented role policy, scoped to one bucket (and one KMS key when the import is encrypted with one).</summary>
    public static string RolePolicy(string partition, string bucket, string? kmsKeyArn)
    {
        var statements = new List<object>
        {
            new
            {
                Effect = "Allow",
                Action = new[] { "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket" },
                Resource = new[] { $"arn:{partition}:s3:::{bucket}", $"arn:{partition}:s3:::{bucket}/*" },
            },
            new
            {
                Effect = "Allow",
                Action = new[] { "ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:Describe*" },
                Resource = "*",
            },
        };
        if (kmsKeyArn is not null)
            statements.Add(new
            {
                Effect = "Allow",
                Action = new[] { "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*" },
                Resource = kmsKeyArn,
            });
        return Json(new { Version = "2012-10-17", Statement = statements });
    }

    public static VmImportCheck Format(DiskFacts disk, string? nameHint)
    {
        var extension = nameHint is null ? "" : System.IO.Path.GetExtension(nameHint).TrimStart('.').ToLowerInvariant();
        if (disk.Problem is not null) return Fail("Disk format", $"{disk.Description}: {disk.Problem}", ExportFix);
        var detail = $"{disk.Description} (ImportImage format {disk.FormatName})";
        var named = extension is "ova" or "vmdk" or "vhd" or "vhdx" or "raw" or "img";
        if (named && extension != disk.FormatName && !(extension == "img" && disk.Format == DiskFormat.Raw))
            return Warn("Disk format", detail + $"; the name says .{extension}",
                "The content decides: the import is started as " + disk.FormatName + ". Rename the file to avoid confusion.");
        return Pass("Disk format", detail);
    }

    private const string ExportFix =
        "Export the VM from vSphere as OVA (File > Export > Export OVF Template, format OVA) or as a stream-optimized VMDK, "
        + "or from Hyper-V as VHD/VHDX.";

    public static VmImportCheck Size(long bytes) =>
        bytes <= 0 ? Fail("Disk size", "The disk image is empty.", ExportFix)
        : bytes > MaxDiskBytes ? Fail("Disk size", $"{Gib(bytes)} is more than S3's largest object (5 TiB).",
            "Shrink the disk in the VM before exporting, or move the VM with AWS Application Migration Service.")
        : Pass("Disk size", Gib(bytes));

    private static string Gib(long bytes) =>
        (bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GiB" : $"{bytes / (double)(1L << 20):0.##} MiB") + $" ({bytes} bytes)";

    public static VmImportCheck Bucket(string bucket, bool exists) =>
        exists ? Pass("Bucket", $"s3://{bucket} exists.")
        : Fail("Bucket", $"s3://{bucket} does not exist (or is not yours to read).", $"Create it in the import Region first: aws s3 mb s3://{bucket}");

    /// <param name="location">GetBucketLocation's answer: empty or null for us-east-1, EU for eu-west-1.</param>
    public static VmImportCheck BucketRegion(string bucket, string? location, string importRegion)
    {
        var region = string.IsNullOrEmpty(location) ? "us-east-1" : location == "EU" ? "eu-west-1" : location!;
        return region == importRegion
            ? Pass("Bucket region", $"s3://{bucket} is in {region}, the import Region.")
            : Fail("Bucket region", $"s3://{bucket} is in {region}; VM Import reads only from a bucket in the import Region ({importRegion}).",
                $"Run the import in {region} (-Region {region}), or use a bucket in {importRegion}.");
    }

    public static VmImportCheck Object(string url, long? size) =>
        size is { } bytes ? Pass("Object", $"{url} exists ({Gib(bytes)}).")
        : Fail("Object", $"{url} does not exist.", "Upload the disk first (Copy-S3Quiet), or give Import-VmImage -Path to upload it.");

    public static VmImportCheck Role(string roleName, bool exists) =>
        exists ? Pass("Role", $"The service role {roleName} exists.")
        : Fail("Role", $"The service role {roleName} does not exist.", $"Create it: Test-VmImport ... -RoleName {roleName} -CreateRole");

    /// <summary>The trust policy lets vmie.amazonaws.com assume the role with the external id vmimport, as AWS documents.</summary>
    public static VmImportCheck RoleTrust(string roleName, string? trustPolicy)
    {
        var fix = $"Set the documented trust policy: aws iam update-assume-role-policy --role-name {roleName} --policy-document '{TrustPolicy()}'";
        var document = PolicyDocument.Parse(trustPolicy ?? "{}", "trust policy");
        var grants = document.Grants("sts:AssumeRole").Where(s => s.Principal?.AppliesTo("Service", ServicePrincipal) == true).ToList();
        if (grants.Count == 0)
            return Fail("Role trust", $"The trust policy of {roleName} does not let {ServicePrincipal} assume it.", fix);
        var external = grants.SelectMany(s => s.Conditions)
            .Where(c => string.Equals(c.Key, "sts:ExternalId", StringComparison.OrdinalIgnoreCase) && !c.IsNegated && c.BaseOperator.StartsWith("String", StringComparison.Ordinal))
            .ToList();
        if (grants.Any(s => s.Conditions.Count == 0) || external.Any(c => c.Values.Contains(ExternalId)))
            return external.Count == 0
                ? Warn("Role trust", $"{ServicePrincipal} may assume {roleName} without the sts:ExternalId condition AWS documents.", fix)
                : Pass("Role trust", $"{ServicePrincipal} may assume {roleName} with sts:ExternalId {ExternalId}.");
        var ids = string.Join(", ", external.SelectMany(c => c.Values).Distinct());
        return Fail("Role trust", external.Count == 0
            ? $"{ServicePrincipal} may assume {roleName} only under conditions VM Import does not meet."
            : $"{roleName} requires sts:ExternalId {ids}; VM Import always sends {ExternalId}.", fix);
    }

    /// <summary>
    /// Whether the role's policies (inline and attached) allow what VM Import does with the bucket, the object and the
    /// snapshots and images it makes, and with the KMS key of an encrypted import. An explicit Deny wins; an Allow with a
    /// condition counts, since VM Import's own requests are what the condition was written for.
    /// </summary>
    public static VmImportCheck RolePermissions(string roleName, IReadOnlyList<string> policies, string partition, string bucket, string key,
        string? kmsKeyArn)
    {
        var documents = policies.Select(p => PolicyDocument.Parse(p, "role policy")).ToList();
        var needed = new List<(string Action, string Resource)>
        {
            ("s3:GetBucketLocation", $"arn:{partition}:s3:::{bucket}"),
            ("s3:ListBucket", $"arn:{partition}:s3:::{bucket}"),
            ("s3:GetObject", $"arn:{partition}:s3:::{bucket}/{key}"),
        };
        needed.AddRange(Ec2Actions.Select(a => (a, "*")));
        if (kmsKeyArn is not null) needed.AddRange(KmsActions.Select(a => (a, kmsKeyArn)));
        var missing = needed.Where(n => !Allowed(documents, n.Action, n.Resource)).ToList();
        if (missing.Count == 0)
            return Pass("Role permissions", $"{roleName} may read s3://{bucket} and register the image{(kmsKeyArn is null ? "" : " with the KMS key")}.");
        return Fail("Role permissions",
            $"{roleName} may not: {string.Join(", ", missing.Select(m => m.Resource == "*" ? m.Action : $"{m.Action} on {m.Resource}"))}.",
            $"Add the documented policy scoped to the bucket: Test-VmImport ... -RoleName {roleName} -CreateRole (adds it as inline policy "
            + $"{PolicyName(bucket)}), or: aws iam put-role-policy --role-name {roleName} --policy-name {PolicyName(bucket)} --policy-document '{RolePolicy(partition, bucket, kmsKeyArn)}'");
    }

    /// <summary>The inline policy -CreateRole writes for a bucket.</summary>
    public static string PolicyName(string bucket) => "vmimport-" + bucket;

    private static bool Allowed(IReadOnlyList<PolicyDocument> documents, string action, string resource)
    {
        var statements = documents.SelectMany(d => d.Statements)
            .Where(s => s.CoversAction(action) && s.Resources.Any(r => PolicyPattern.Matches(r, resource, ignoreCase: false)))
            .ToList();
        return statements.Any(s => s.IsAllow) && !statements.Any(s => !s.IsAllow && s.Conditions.Count == 0);
    }

    /// <summary>VM Import refuses the account's root user.</summary>
    public static VmImportCheck Caller(string callerArn) =>
        callerArn.EndsWith(":root", StringComparison.Ordinal)
            ? Fail("Caller", $"{callerArn} is the account's root user, which VM Import does not accept.",
                "Run the import as an IAM user or role with the VM Import permissions (ec2:ImportImage, iam:PassRole on the service role, s3 access to the bucket).")
            : Pass("Caller", $"{callerArn} is not the root user.");

    private static VmImportCheck Pass(string name, string detail) => new() { Name = name, Result = VmImportCheckResult.Pass, Detail = detail };
    private static VmImportCheck Warn(string name, string detail, string fix) => new() { Name = name, Result = VmImportCheckResult.Warn, Detail = detail, Fix = fix };
    private static VmImportCheck Fail(string name, string detail, string fix) => new() { Name = name, Result = VmImportCheckResult.Fail, Detail = detail, Fix = fix };

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
