namespace AwsGuard;

public enum VmImportCheckResult { Pass, Warn, Fail }

/// <summary>One precondition of VM Import/Export (Test-VmImport): what was checked, its result, and what to do when it fails.</summary>
public sealed class VmImportCheck
{
    public string AccountId { get; set; } = "";
    public string Region { get; set; } = "";

    /// <summary>What was checked: Disk format, Disk size, Bucket, Bucket region, Object, Role, Role trust, Role permissions, Caller.</summary>
    public string Name { get; set; } = "";
    public VmImportCheckResult Result { get; set; }
    public string Detail { get; set; } = "";

    /// <summary>What to do about a Fail or Warn; empty on a Pass.</summary>
    public string Fix { get; set; } = "";

    public override string ToString() => $"{Name}: {Result} ({Detail})";
}
