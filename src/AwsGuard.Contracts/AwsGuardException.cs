using System;

namespace AwsGuard;

/// <summary>
/// An error AwsGuard can explain: a stable id (the AWS error code where there is one), a kind, a target, and where
/// AwsGuard knows it, what the user can do about it (the ErrorRecord's RecommendedAction).
/// Lives beside the output types so that no SDK exception type reaches a user's $Error.
/// </summary>
public sealed class AwsGuardException(ErrorKind kind, string errorId, string message, object? target = null, string? recommendedAction = null)
    : Exception(message)
{
    public ErrorKind Kind { get; } = kind;
    public string ErrorId { get; } = errorId;
    public object? Target { get; } = target;
    public string? RecommendedAction { get; } = recommendedAction;
}
