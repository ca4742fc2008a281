using Amazon.S3;
using Amazon.S3.Model;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// Puts the SSE-C key (with its MD5, computed here) and SSE-S3/KMS settings on each request type that needs them.
/// The SDK's request types share no interface for these properties, hence one small overload per type.
/// </summary>
internal static class SseHeaders
{
    public static GetObjectMetadataRequest With(this GetObjectMetadataRequest r, SseCustomerKey? key)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(key);
        return r;
    }

    public static GetObjectRequest With(this GetObjectRequest r, SseCustomerKey? key)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(key);
        return r;
    }

    public static UploadPartRequest With(this UploadPartRequest r, SseCustomerKey? key)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(key);
        return r;
    }

    public static PutObjectRequest With(this PutObjectRequest r, CopyOptions o)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.CustomerKey);
        (r.ServerSideEncryptionMethod, r.ServerSideEncryptionKeyManagementServiceKeyId) = ServerSide(o);
        return r;
    }

    public static InitiateMultipartUploadRequest With(this InitiateMultipartUploadRequest r, CopyOptions o)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.CustomerKey);
        (r.ServerSideEncryptionMethod, r.ServerSideEncryptionKeyManagementServiceKeyId) = ServerSide(o);
        return r;
    }

    public static CopyObjectRequest With(this CopyObjectRequest r, CopyOptions o)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.CustomerKey);
        (r.CopySourceServerSideEncryptionCustomerMethod, r.CopySourceServerSideEncryptionCustomerProvidedKey,
            r.CopySourceServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.SourceCustomerKey);
        (r.ServerSideEncryptionMethod, r.ServerSideEncryptionKeyManagementServiceKeyId) = ServerSide(o);
        return r;
    }

    public static CopyPartRequest With(this CopyPartRequest r, CopyOptions o)
    {
        (r.ServerSideEncryptionCustomerMethod, r.ServerSideEncryptionCustomerProvidedKey, r.ServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.CustomerKey);
        (r.CopySourceServerSideEncryptionCustomerMethod, r.CopySourceServerSideEncryptionCustomerProvidedKey,
            r.CopySourceServerSideEncryptionCustomerProvidedKeyMD5) = Customer(o.SourceCustomerKey);
        return r;
    }

    /// <summary>The three SSE-C headers of one key (algorithm, key, key MD5); all null without a key.</summary>
    private static (ServerSideEncryptionCustomerMethod? Method, string? Key, string? Md5) Customer(SseCustomerKey? key) =>
        key is null ? (null, null, null) : (ServerSideEncryptionCustomerMethod.AES256, key.HeaderValue(), key.HeaderMd5());

    /// <summary>SSE-S3 or SSE-KMS, and the KMS key id.</summary>
    private static (ServerSideEncryptionMethod? Method, string? KmsKeyId) ServerSide(CopyOptions o) =>
        (o.IsKms ? ServerSideEncryptionMethod.AWSKMS : o.ServerSideEncryption == "AES256" ? ServerSideEncryptionMethod.AES256 : null, o.KmsKeyId);
}
