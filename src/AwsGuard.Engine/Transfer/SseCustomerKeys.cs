using System.Security;
using AwsGuard.Engine.Secrets;

namespace AwsGuard.Engine.Transfer;

/// <summary>SSE-C keys from secrets as users hold them.</summary>
public static class SseCustomerKeys
{
    /// <summary>From a SecureString holding base64: its text exists only pinned and is zeroed once decoded, as CHAP secrets are.</summary>
    public static SseCustomerKey FromSecureBase64(SecureString secure)
    {
        using var text = PinnedSecret.From(secure);
        return SseCustomerKey.FromBase64(text.Text);
    }
}
