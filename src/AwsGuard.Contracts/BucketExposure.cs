using System.Linq;

namespace AwsGuard;

/// <summary>Whether an S3 bucket (or one object in it) is public, by AWS's own definition of public, and why.</summary>
public sealed class BucketExposure
{
    public string BucketName { get; set; } = "";

    /// <summary>The account the bucket was scanned in; null when the account could not be read.</summary>
    public string? AccountId { get; set; }

    /// <summary>The bucket's region (where it was queried); null when it could not be found out.</summary>
    public string? Region { get; set; }

    /// <summary>The object whose ACL was checked as well, when one was asked for.</summary>
    public string? ObjectKey { get; set; }

    /// <summary>True exactly when <see cref="Status"/> is Public.</summary>
    public bool IsPublic { get; set; }

    public ExposureStatus Status { get; set; }

    /// <summary>Anyone can read (objects, listings, ACL or policy): only set when the exposure is in effect.</summary>
    public bool PublicRead { get; set; }

    /// <summary>Anyone can write (objects, deletes, ACL or policy changes): only set when the exposure is in effect.</summary>
    public bool PublicWrite { get; set; }

    /// <summary>Every finding; as text (Export-Csv) each is "Source: Detail", joined by "; ".</summary>
    public JoinedList<ExposureReason> Reasons { get; set; } = new ExposureReason[0];

    /// <summary>The reasons' details as one text, joined by "; ": what an audit report in CSV needs.</summary>
    public string Reason => string.Join("; ", Reasons.Select(r => r.Detail));

    /// <summary>Account-level OR bucket-level Block Public Access, flag by flag (a flag whose source could not be read counts as false).</summary>
    public BlockPublicAccessFlags EffectiveBlockPublicAccess { get; set; } = new();

    /// <summary>The account-level settings; null when not configured or not readable.</summary>
    public BlockPublicAccessFlags? AccountBlockPublicAccess { get; set; }

    /// <summary>The bucket-level settings; null when not configured or not readable.</summary>
    public BlockPublicAccessFlags? BucketBlockPublicAccess { get; set; }

    /// <summary>The bucket's Object Ownership setting (BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter); null when none is set or it could not be read.</summary>
    public string? ObjectOwnership { get; set; }

    public override string ToString() => $"{BucketName}: {Status}";
}
