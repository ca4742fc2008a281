using System;
using System.IO;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// Local file work of a copy. Its failures (no space left, a name too long, a file where a folder is needed, permission
/// denied, a file gone or changed) are the disk's: an error naming the file, never retried against S3 nor taken for a
/// network fault, which an IOException from the network would be.
/// </summary>
internal static class LocalFile
{
    public static T Write<T>(string path, Func<T> work) => Run(work, error => Failed(ErrorKind.WriteError, "LocalWriteFailed", "write", path, error));

    public static void Write(string path, Action work) => Write(path, () => { work(); return true; });

    public static T Read<T>(string path, Func<T> work) => Run(work, error => ReadFailed(path, error));

    public static bool IsDiskFailure(Exception error) => error is IOException or UnauthorizedAccessException;

    public static AwsGuardException ReadFailed(string path, Exception error) => Failed(ErrorKind.ReadError, "LocalReadFailed", "read", path, error);

    private static T Run<T>(Func<T> work, Func<Exception, AwsGuardException> failed)
    {
        try
        {
            return work();
        }
        catch (Exception error) when (IsDiskFailure(error))
        {
            throw failed(error);
        }
    }

    private static AwsGuardException Failed(ErrorKind kind, string id, string verb, string path, Exception error) =>
        new(kind, id, $"Could not {verb} '{path}': {error.Message}");
}
