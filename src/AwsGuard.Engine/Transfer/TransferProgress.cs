using System.Diagnostics;
using System.Threading;

namespace AwsGuard.Engine.Transfer;

/// <summary>The one progress aggregate of a whole copy, updated by every file and part from any thread.</summary>
public sealed class TransferProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _filesTotal, _filesDone, _filesFailed, _bytesTotal, _bytesDone;

    public long FilesTotal => Interlocked.Read(ref _filesTotal);
    public long FilesDone => Interlocked.Read(ref _filesDone);
    public long FilesFailed => Interlocked.Read(ref _filesFailed);
    public long BytesTotal => Interlocked.Read(ref _bytesTotal);
    public long BytesDone => Interlocked.Read(ref _bytesDone);
    public double Seconds => _clock.Elapsed.TotalSeconds;
    public double BytesPerSecond => Seconds > 0 ? BytesDone / Seconds : 0;

    public void AddPlanned(long files, long bytes)
    {
        Interlocked.Add(ref _filesTotal, files);
        Interlocked.Add(ref _bytesTotal, bytes);
    }

    internal void AddBytes(long bytes) => Interlocked.Add(ref _bytesDone, bytes);
    internal void FileDone() => Interlocked.Increment(ref _filesDone);
    internal void FileFailed() { Interlocked.Increment(ref _filesDone); Interlocked.Increment(ref _filesFailed); }
}
