using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using Amazon.Runtime;

namespace AwsGuard.Engine.Errors;

/// <summary>
/// Turns any failure of an AWS call into an <see cref="AwsGuardException"/> with a stable id and kind, and the recommended
/// action where AwsGuard knows the fix.
/// </summary>
public static class AwsErrors
{
    public static AwsGuardException Explain(Exception error, object? target = null)
    {
        var explained = Map(error, target);
        return explained.RecommendedAction is null && Recommend(explained) is { } action
            ? new AwsGuardException(explained.Kind, explained.ErrorId, explained.Message, explained.Target, action)
            : explained;
    }

    private static AwsGuardException Map(Exception error, object? target)
    {
        switch (error)
        {
            case AwsGuardException known:
                return known.Target is null && target is not null
                    ? new AwsGuardException(known.Kind, known.ErrorId, known.Message, target, known.RecommendedAction)
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

    /// <summary>What the user can do about an error, where AwsGuard knows: the parameter to add, the permission to grant.</summary>
    public static string? Recommend(AwsGuardException error) => error.ErrorId switch
    {
        "NoCredentials" => "Give -ProfileName, or -AccessKey and -SecretKey; or store credentials with Set-AWSCredential or 'aws configure'.",
        "NoRegion" => "Add -Region, or set AWS_REGION or a region in the profile.",
        "IncompleteKeys" => "Give -AccessKey and -SecretKey together.",
        "ExternalIdWithoutRole" => "Add -AssumeRoleArn with the role whose trust policy requires the external id, or leave out -ExternalId.",
        "RoleInOtherAccount" => "Add -AssumeRoleArn with a role in the role's account that may call iam:PutRolePolicy.",
        "SourceIsFolder" or "SourceIsPrefix" => "Add -Recurse.",
        "EndBeforeStart" => "Give an -EndTime after -StartTime, or leave out -EndTime.",
        "FollowWithEndTime" => "Leave out -EndTime, or -Follow.",
        "StreamNamesWithPrefix" => "Give -LogStreamName or -LogStreamNamePrefix, not both.",
        "SseConflict" => "Give -SseCustomerKey or -ServerSideEncryption, not both.",
        "KmsKeyWithAes256" => "Add -ServerSideEncryption aws:kms, or leave out -KmsKeyId.",
        "SseCustomerKeyOverHttp" => "Use an https:// -EndpointUrl.",
        "BeforeInFuture" => "Give a -Before time up to now, or leave out -Before (now).",
        _ => error.Kind switch
        {
            ErrorKind.PermissionDenied => $"Allow {DeniedAction(error.Message) ?? "the denied action"} to the identity AwsGuard acts as " +
                "(Get-AwsGuardIdentity shows it), or add -AssumeRoleArn with a role that may.",
            ErrorKind.AuthenticationError => "Check the credentials that Get-AwsGuardIdentity reports; renew temporary credentials " +
                "(aws sso login, a new session token) when they have expired.",
            ErrorKind.LimitsExceeded => "Run it again later, or with a lower -ThrottleLimit where the cmdlet has one.",
            ErrorKind.ConnectionError => "Check the network, any proxy, and -EndpointUrl when one is given.",
            _ => null,
        },
    };

    /// <summary>The IAM action a denial names ("... is not authorized to perform: iam:GetRole ...", "Not allowed to call iam:PutRolePolicy").</summary>
    private static string? DeniedAction(string message) =>
        Regex.Match(message, @"\b(?:perform|call):?\s+([a-z0-9-]+:[A-Za-z0-9*]+)") is { Success: true } match ? match.Groups[1].Value : null;

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
        if (code.EndsWith("AlreadyExists", StringComparison.Ordinal) || code.EndsWith("AlreadyExistsException", StringComparison.Ordinal))
            return ErrorKind.ResourceExists;
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
