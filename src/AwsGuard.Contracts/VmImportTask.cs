namespace AwsGuard;

/// <summary>
/// A VM Import image task (ImportImage, DescribeImportImageTasks). Status is AWS's: active, completed, deleting or
/// deleted; while active, StatusMessage names the stage (pending, converting, updating, booting, preparing ami), and
/// a deleted task that was not cancelled carries the reason it failed.
/// </summary>
public sealed class VmImportTask
{
    public string AccountId { get; set; } = "";
    public string Region { get; set; } = "";
    public string ImportTaskId { get; set; } = "";
    public string Status { get; set; } = "";
    public string? StatusMessage { get; set; }

    /// <summary>Percent done while active; null once the task has ended.</summary>
    public int? Progress { get; set; }

    /// <summary>The AMI, once the task has completed.</summary>
    public string? ImageId { get; set; }
    public JoinedList<string> SnapshotIds { get; set; } = new string[0];
    public string? Description { get; set; }
    public string? Platform { get; set; }
    public string? LicenseType { get; set; }
    public string? BootMode { get; set; }
    public bool Encrypted { get; set; }

    /// <summary>The disk's S3 location (s3://bucket/key).</summary>
    public string? DiskUrl { get; set; }

    public override string ToString() => ImportTaskId;
}
