using System.Collections.Generic;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>The answer to one call: a value, a missing configuration (no value, no error), or a failure.</summary>
public sealed class Fetched<T> where T : class
{
    private Fetched(string call, T? value, AwsGuardException? error)
    {
        Call = call;
        Value = value;
        Error = error;
    }

    /// <summary>The call, as IAM names its permission (for example s3:GetBucketAcl).</summary>
    public string Call { get; }
    public T? Value { get; }
    public AwsGuardException? Error { get; }
    public bool Failed => Error is not null;

    public static Fetched<T> Answer(string call, T? value) => new(call, value, null);
    public static Fetched<T> Missing(string call) => new(call, null, null);
    public static Fetched<T> Failure(string call, AwsGuardException error) => new(call, null, error);
}

/// <summary>GetBucketPolicyStatus's answer: IsPublic is null when the service leaves the field out.</summary>
public sealed class PolicyStatusAnswer(bool? isPublic)
{
    public bool? IsPublic { get; } = isPublic;
}

/// <summary>Everything read about one bucket; <see cref="ExposureDecision"/> turns it into a <see cref="BucketExposure"/> without calling AWS.</summary>
public sealed class BucketFacts(string bucket, string? key)
{
    public string Bucket { get; } = bucket;
    public string? Key { get; } = key;
    public string? Region { get; set; }

    /// <summary>Set when the bucket's region could not be found out: then nothing else was read.</summary>
    public AwsGuardException? LocationError { get; set; }

    public Fetched<BlockPublicAccessFlags> Account { get; set; } = Fetched<BlockPublicAccessFlags>.Missing(PublicAccessScanner.AccountCall);
    public Fetched<BlockPublicAccessFlags> BucketBlock { get; set; } = Fetched<BlockPublicAccessFlags>.Missing("s3:GetBucketPublicAccessBlock");
    public Fetched<string> Ownership { get; set; } = Fetched<string>.Missing("s3:GetBucketOwnershipControls");
    public Fetched<IReadOnlyList<AclGrant>> Acl { get; set; } = Fetched<IReadOnlyList<AclGrant>>.Missing("s3:GetBucketAcl");
    public Fetched<string> Policy { get; set; } = Fetched<string>.Missing("s3:GetBucketPolicy");

    /// <summary>Null when not asked (no policy).</summary>
    public Fetched<PolicyStatusAnswer>? PolicyStatus { get; set; }

    /// <summary>Null when no object key was asked for.</summary>
    public Fetched<IReadOnlyList<AclGrant>>? ObjectAcl { get; set; }
}
