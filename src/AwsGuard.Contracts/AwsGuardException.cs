using System;

namespace AwsGuard;

/// <summary>
/// An error AwsGuard can explain: a stable id (the AWS error code where there is one), a kind, a target, and where
/// AwsGuard knows it, what the user can do about it (the ErrorRecord's RecommendedAction).
/// Lives beside the output types so that no SDK exception type reaches a user's $Error.
/// </summary>
public sealed class AwsGuardException : Exception
{
    public AwsGuardException(ErrorKind kind, string errorId, string message, object? target = null, string? recommendedAction = null)
        : base(message)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public ErrorKind Kind { get; }
    public string ErrorId { get; }
    public object? Target { get; }
    public string? RecommendedAction { get; }
}
