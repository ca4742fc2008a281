namespace AwsGuard;

/// <summary>The four S3 Block Public Access settings, at account level, bucket level, or merged.</summary>
public sealed class BlockPublicAccessFlags
{
    public BlockPublicAccessFlags() { }

    public BlockPublicAccessFlags(bool blockPublicAcls, bool ignorePublicAcls, bool blockPublicPolicy, bool restrictPublicBuckets)
    {
        BlockPublicAcls = blockPublicAcls;
        IgnorePublicAcls = ignorePublicAcls;
        BlockPublicPolicy = blockPublicPolicy;
        RestrictPublicBuckets = restrictPublicBuckets;
    }

    /// <summary>Refuses new public ACLs; does not change existing ones.</summary>
    public bool BlockPublicAcls { get; set; }

    /// <summary>Makes S3 ignore every public ACL on the bucket and its objects.</summary>
    public bool IgnorePublicAcls { get; set; }

    /// <summary>Refuses a new public bucket policy; does not change an existing one.</summary>
    public bool BlockPublicPolicy { get; set; }

    /// <summary>Limits a public bucket policy to AWS service principals and the bucket owner's account.</summary>
    public bool RestrictPublicBuckets { get; set; }

    /// <summary>The effective settings: account-level OR bucket-level, flag by flag (null = not configured = all false).</summary>
    public static BlockPublicAccessFlags Merge(BlockPublicAccessFlags? account, BlockPublicAccessFlags? bucket) => new(
        (account?.BlockPublicAcls ?? false) || (bucket?.BlockPublicAcls ?? false),
        (account?.IgnorePublicAcls ?? false) || (bucket?.IgnorePublicAcls ?? false),
        (account?.BlockPublicPolicy ?? false) || (bucket?.BlockPublicPolicy ?? false),
        (account?.RestrictPublicBuckets ?? false) || (bucket?.RestrictPublicBuckets ?? false));

    public override string ToString() =>
        $"BlockPublicAcls={BlockPublicAcls}, IgnorePublicAcls={IgnorePublicAcls}, BlockPublicPolicy={BlockPublicPolicy}, RestrictPublicBuckets={RestrictPublicBuckets}";
}
