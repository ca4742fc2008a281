using System;
using System.Management.Automation;
using AwsGuard.Engine.Errors;

namespace AwsGuard.Commands;

/// <summary>
/// ErrorRecords for AwsGuard's failures: the AWS error code as ErrorId, a fitting category, the item as target, and the
/// recommended action where AwsGuard knows the fix.
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception error, object? target = null)
    {
        var explained = AwsErrors.Explain(error, target);
        var record = new ErrorRecord(explained, explained.ErrorId, CategoryOf(explained.Kind), explained.Target);
        if (explained.RecommendedAction is { } action) record.ErrorDetails = new ErrorDetails(explained.Message) { RecommendedAction = action };
        return record;
    }

    public static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ReadError => ErrorCategory.ReadError,
        ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        _ => ErrorCategory.NotSpecified,
    };
}
