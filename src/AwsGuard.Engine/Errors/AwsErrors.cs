using System;
using System.IO;
using System.Net;
using System.Net.Http;
using Amazon.Runtime;

namespace AwsGuard.Engine;

/// <summary>Turns any failure of an AWS call into an <see cref="AwsGuardException"/> with a stable id and kind.</summary>
public static class AwsErrors
{
    public static AwsGuardException Explain(Exception error, object? target = null)
    {
        switch (error)
        {
            case AwsGuardException known:
                return known.Target is null && target is not null
                    ? new AwsGuardException(known.Kind, known.ErrorId, known.Message, target)
                    : known;
            case AmazonServiceException service:
                var code = string.IsNullOrEmpty(service.ErrorCode) ? ((int)service.StatusCode).ToString() : service.ErrorCode;
                var message = string.IsNullOrEmpty(service.Message) ? $"AWS answered {(int)service.StatusCode} {code}." : service.Message;
                return new AwsGuardException(KindOf(code, (int)service.StatusCode), code, message, target);
            case OperationCanceledException:
                return new AwsGuardException(ErrorKind.OperationStopped, "OperationStopped", "The operation was stopped.", target);
            case HttpRequestException or IOException or WebException or AmazonClientException when IsConnectionFailure(error):
                return new AwsGuardException(ErrorKind.ConnectionError, "ConnectionFailed",
                    "Could not reach AWS: " + Innermost(error).Message, target);
            default:
                return new AwsGuardException(ErrorKind.NotSpecified, error.GetType().Name, error.Message, target);
        }
    }

    /// <summary>The kind an AWS error code (or, without one, an HTTP status) stands for.</summary>
    public static ErrorKind KindOf(string code, int status)
    {
        if (IsThrottling(code, status)) return ErrorKind.LimitsExceeded;
        if (code is "AccessDenied" or "AccessDeniedException" or "AllAccessDisabled" or "UnauthorizedOperation"
            or "AuthorizationError" or "Forbidden")
            return ErrorKind.PermissionDenied;
        if (code is "InvalidClientTokenId" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken"
            or "ExpiredTokenException" or "UnrecognizedClientException" or "IncompleteSignature")
            return ErrorKind.AuthenticationError;
        if (code.StartsWith("NoSuch", StringComparison.Ordinal) || code.Contains("NotFound") || status == 404)
            return ErrorKind.ObjectNotFound;
        if (code.StartsWith("Invalid", StringComparison.Ordinal) || code.StartsWith("Malformed", StringComparison.Ordinal)
            || code is "ValidationError" or "ValidationException" or "InvalidArgument")
            return ErrorKind.InvalidArgument;
        if (status == 403) return ErrorKind.PermissionDenied;
        return ErrorKind.NotSpecified;
    }

    /// <summary>AWS's throttling answers across protocols, as the retry policy and the error mapping both need them.</summary>
    public static bool IsThrottling(string? code, int status) =>
        status == 429 || code is "Throttling" or "ThrottlingException" or "ThrottledException" or "TooManyRequestsException"
            or "RequestLimitExceeded" or "SlowDown" or "RequestThrottled" or "RequestThrottledException"
            or "ProvisionedThroughputExceededException" or "BandwidthLimitExceeded" or "PriorRequestNotComplete";

    /// <summary>A failure to get an answer at all (reset, refused, truncated body), anywhere in the exception chain.</summary>
    internal static bool IsConnectionFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is HttpRequestException or IOException or WebException or System.Net.Sockets.SocketException) return true;
        return false;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }
}
