using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Transfer;

internal static class FileRange
{
    /// <summary>
    /// Reads <paramref name="length"/> bytes of a file from <paramref name="offset"/>, handing each piece read to <paramref name="consume"/>;
    /// a failure is the local file's (<see cref="LocalFile"/>).
    /// </summary>
    public static async Task ReadAsync(string path, long offset, long length, Action<byte[], int> consume, CancellationToken cancel)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            file.Position = offset;
            var buffer = new byte[Math.Min(81920, Math.Max(length, 1))];
            for (var left = length; left > 0;)
            {
                var read = await file.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left), cancel).ConfigureAwait(false);
                if (read == 0) throw new IOException("it is shorter than expected: it changed during the copy.");
                consume(buffer, read);
                left -= read;
            }
        }
        catch (Exception error) when (LocalFile.IsDiskFailure(error))
        {
            throw LocalFile.ReadFailed(path, error);
        }
    }
}
