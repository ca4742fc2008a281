namespace AwsGuard;

/// <summary>AwsGuard's error kinds; the cmdlets map each to a PowerShell ErrorCategory.</summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    ObjectNotFound,
    PermissionDenied,
    LimitsExceeded,
    ConnectionError,
    AuthenticationError,
    OperationStopped,
    /// <summary>A local file or folder could not be written (disk full, name too long, permission denied).</summary>
    WriteError,
    /// <summary>A local file could not be read (gone, changed during the copy, permission denied).</summary>
    ReadError,
    /// <summary>What was to be created exists already (an IAM role of that name).</summary>
    ResourceExists,
}
