using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace AwsGuard.Engine.Secrets;

/// <summary>
/// A SecureString's text for one use (a CHAP rule check, one AWS call, decoding an SSE-C key). The wire request, like the SDK's, takes a
/// string, and a string cannot be cleared once made; so the text goes into a fresh string that is pinned (the GC
/// leaves no copies of it) and overwritten with zeros on Dispose. The unmanaged copy is zeroed at once.
/// </summary>
internal sealed class PinnedSecret : IDisposable
{
    private GCHandle _pin;

    private PinnedSecret(string text)
    {
        Text = text;
        _pin = GCHandle.Alloc(text, GCHandleType.Pinned);
    }

    public string Text { get; }

    public int Utf8Length => Encoding.UTF8.GetByteCount(Text);

    public static PinnedSecret From(SecureString secure)
    {
        // new string('\0', 0) is the interned empty string: never write into it (there is nothing to write anyway).
        var secret = new PinnedSecret(secure.Length == 0 ? "" : new string('\0', secure.Length));
        if (secure.Length == 0) return secret;
        var unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            var target = secret._pin.AddrOfPinnedObject();
            for (var i = 0; i < secure.Length; i++) Marshal.WriteInt16(target, i * 2, Marshal.ReadInt16(unmanaged, i * 2));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
        return secret;
    }

    public void Dispose()
    {
        if (!_pin.IsAllocated) return;
        var text = _pin.AddrOfPinnedObject();
        for (var i = 0; i < Text.Length; i++) Marshal.WriteInt16(text, i * 2, 0);
        _pin.Free();
    }
}
