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
}
