namespace AwsGuard;

/// <summary>One finding behind a <see cref="BucketExposure"/>: a public grant or statement, what neutralises it, or a call that failed.</summary>
public sealed class ExposureReason
{
    public ExposureSource Source { get; set; }

    /// <summary>The ACL grantee (AllUsers, AuthenticatedUsers) or the policy principal, as AWS wrote it; null where none applies.</summary>
    public string? Principal { get; set; }

    /// <summary>ACL permissions (READ, WRITE_ACP ...) or policy actions (s3:GetObject ...); a Block Public Access flag name for those sources.</summary>
    public JoinedList<string> Permissions { get; set; } = new string[0];

    /// <summary>This finding exposes reads (objects, listings, ACLs or policy).</summary>
    public bool Read { get; set; }

    /// <summary>This finding exposes writes (objects, ACLs, policy, deletes).</summary>
    public bool Write { get; set; }

    /// <summary>The public access this finding describes is neutralised (by Block Public Access or Object Ownership).</summary>
    public bool Neutralised { get; set; }

    /// <summary>The policy statement's Sid, where the source is a policy statement that has one.</summary>
    public string? StatementId { get; set; }

    /// <summary>The AWS call that failed (for example s3:GetBucketAcl), when this reason reports a failure.</summary>
    public string? FailedCall { get; set; }

    /// <summary>The error id of the failure (the AWS error code, for example AccessDenied).</summary>
    public string? ErrorId { get; set; }

    /// <summary>One line a human understands.</summary>
    public string Detail { get; set; } = "";

    public override string ToString() => $"{Source}: {Detail}";
}
