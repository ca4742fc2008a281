namespace AwsGuard;

/// <summary>What Get-PublicBucket concluded about one bucket (or object).</summary>
public enum ExposureStatus
{
    /// <summary>A public ACL or bucket policy is in effect: anyone (or any AWS account) can reach the bucket.</summary>
    Public,

    /// <summary>A public ACL or policy exists, but Block Public Access or ACLs-disabled Object Ownership neutralises it.</summary>
    Blocked,

    /// <summary>No public ACL and no public policy.</summary>
    NotPublic,

    /// <summary>A call needed to decide failed (for example AccessDenied); the reasons name the call.</summary>
    Unknown,
}

/// <summary>Where a reason comes from.</summary>
public enum ExposureSource
{
    AccountBlockPublicAccess,
    BucketBlockPublicAccess,
    Acl,
    ObjectAcl,
    Policy,
    ObjectOwnership,
    PolicyStatus,

    /// <summary>The bucket's region could not be found out (GetBucketLocation failed), so nothing else was read.</summary>
    BucketLocation,
}
