using System;
using System.Security.Cryptography;

namespace AwsGuard;

/// <summary>
/// A 256-bit SSE-C key. Holds the bytes privately and never shows them: ToString, formatting and serialization
/// see only a fingerprint-free placeholder, so the key cannot reach an output stream by accident.
/// </summary>
public sealed class SseCustomerKey
{
    public const int KeyBytes = 32;
    private readonly byte[] _key;

    public SseCustomerKey(byte[] key)
    {
        if (key is null) throw new ArgumentNullException(nameof(key));
        if (key.Length != KeyBytes)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidSseCustomerKey",
                $"An SSE-C key is 256 bits (32 bytes); this one has {key.Length} bytes.");
        _key = (byte[])key.Clone();
    }

    /// <summary>From the base64 text of 32 bytes.</summary>
    public static SseCustomerKey FromBase64(string text)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(text.Trim()); }
        catch (FormatException)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidSseCustomerKey",
                "An SSE-C key given as text must be the base64 of 32 bytes; this text is not base64.");
        }
        try
        {
            return new SseCustomerKey(bytes);
        }
        finally
        {
            Array.Clear(bytes, 0, bytes.Length); // the key keeps its own copy
        }
    }

    /// <summary>The key as S3's x-amz-server-side-encryption-customer-key header carries it. Internal use: never print it.</summary>
    public string HeaderValue() => Convert.ToBase64String(_key);

    /// <summary>The x-amz-server-side-encryption-customer-key-MD5 header: lets S3 reject a key damaged in transit.</summary>
    public string HeaderMd5()
    {
        using var md5 = MD5.Create();
        return Convert.ToBase64String(md5.ComputeHash(_key));
    }

    public override string ToString() => "SseCustomerKey (256-bit, hidden)";
}
