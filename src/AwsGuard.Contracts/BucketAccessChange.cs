using System;

namespace AwsGuard;

/// <summary>How Block-PublicBucket closed a bucket, or that Unblock-PublicBucket restored one.</summary>
public enum BucketAccessMethod
{
    /// <summary>Turned on the bucket-level Block Public Access flags that neutralise the public ACL or policy.</summary>
    BlockPublicAccess,

    /// <summary>Removed the public ACL grants and the public bucket policy statements; Block Public Access untouched.</summary>
    RemovePublicGrants,

    /// <summary>Unblock-PublicBucket put a recorded state back.</summary>
    Restore,
}

/// <summary>
/// What decides a bucket's public access and can be put back exactly: read before a change and after it.
/// Grants are text in the form of S3's x-amz-grant-* headers, "PERMISSION grantee", for example
/// "READ uri=http://acs.amazonaws.com/groups/global/AllUsers" or "FULL_CONTROL id=79a5..." (also emailAddress=).
/// </summary>
public sealed class BucketAccessState
{
    /// <summary>The bucket-level Block Public Access configuration; null when the bucket has none.</summary>
    public BlockPublicAccessFlags? BlockPublicAccess { get; set; }

    /// <summary>The bucket ACL's grants.</summary>
    public string[] Acl { get; set; } = new string[0];

    /// <summary>The canonical user id of the bucket ACL's owner, as S3 returned it with the ACL; read, never written.</summary>
    public string? AclOwner { get; set; }

    /// <summary>The bucket policy's text as S3 returned it; null when the bucket has none.</summary>
    public string? Policy { get; set; }

    /// <summary>The Object Ownership setting (BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter); null when none is set. Never changed.</summary>
    public string? ObjectOwnership { get; set; }

    /// <summary>The object ACL's grants when a key was given; null otherwise.</summary>
    public string[]? ObjectAcl { get; set; }

    /// <summary>The canonical user id of the object ACL's owner when a key was given; read, never written.</summary>
    public string? ObjectAclOwner { get; set; }
}

/// <summary>One bucket (or object, or the account's Block Public Access) Block-PublicBucket acted on, with the state before and after:
/// what Unblock-PublicBucket needs to undo it.</summary>
public sealed class BucketAccessChange
{
    /// <summary>The bucket; empty for an account-level change.</summary>
    public string BucketName { get; set; } = "";

    /// <summary>The change is to the account-level Block Public Access (S3 Control); Before and After hold only BlockPublicAccess.</summary>
    public bool AccountLevel { get; set; }

    /// <summary>The object whose ACL was part of the change, when one was given.</summary>
    public string? ObjectKey { get; set; }

    public string Region { get; set; } = "";

    /// <summary>The account the bucket was changed in; Unblock-PublicBucket refuses a record of another account.</summary>
    public string AccountId { get; set; } = "";

    public BucketAccessMethod Method { get; set; }

    /// <summary>False when nothing needed changing.</summary>
    public bool Changed { get; set; }

    /// <summary>The calls made (or, under -WhatIf, that would be made), one line each.</summary>
    public string[] Changes { get; set; } = new string[0];

    public BucketAccessState Before { get; set; } = new();
    public BucketAccessState After { get; set; } = new();

    /// <summary>When the state was read, UTC.</summary>
    public DateTime Time { get; set; }

    /// <summary>The JSON file the record was written to; null when none was written.</summary>
    public string? RecordPath { get; set; }

    public override string ToString() => AccountLevel ? $"account {AccountId}" : ObjectKey is null ? BucketName : $"{BucketName}/{ObjectKey}";
}
