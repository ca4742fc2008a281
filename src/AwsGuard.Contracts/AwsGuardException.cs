using System;

namespace AwsGuard;

/// <summary>
/// An error AwsGuard can explain: a stable id (the AWS error code where there is one), a kind and a target.
/// Lives beside the output types so that no SDK exception type reaches a user's $Error.
/// </summary>
public sealed class AwsGuardException : Exception
{
    public AwsGuardException(ErrorKind kind, string errorId, string message, object? target = null)
        : base(message)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
    }

    public ErrorKind Kind { get; }
    public string ErrorId { get; }
    public object? Target { get; }
}
