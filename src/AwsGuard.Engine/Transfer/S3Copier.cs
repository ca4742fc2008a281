using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// Copies planned files: uploads (one PUT, or multipart with concurrent parts), downloads (one GET, or parallel
/// ranged GETs into a temporary file beside the destination, renamed only once complete and verified) and
/// S3-to-S3 copies (CopyObject, or UploadPartCopy above 5 GB). One semaphore bounds the requests in flight across
/// all files and parts, so many small files and one big file both use the same -ThrottleLimit.
/// </summary>
public sealed class S3Copier
{
    private const int BufferSize = 81920;
    // Parts (or ranges) of one file in flight at once, as the AWS CLI: more only crowd the server (measured on moto:
    // 64 parts of a 1 GB upload at once took 1.8 times as long as the CLI's 10); the rest of -ThrottleLimit serves other files.
    private const int PartsInFlight = 10;
    private readonly IAmazonS3 _s3;
    private readonly CopyOptions _o;
    private readonly SemaphoreSlim _requests;

    /// <param name="progress">Shared by the copiers of one command (one per account); a new one when null.</param>
    public S3Copier(IAmazonS3 s3, CopyOptions options, TransferProgress? progress = null)
    {
        _s3 = s3;
        Progress = progress ?? new TransferProgress();
        _o = options;
        _requests = new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit);
    }

    public TransferProgress Progress { get; }

    /// <summary>A copier over the session's cached S3 client (one HTTP connection pool for the whole copy, shared with <see cref="CopyPlanner.ForSession"/>).</summary>
    public static S3Copier ForSession(SessionProvider provider, AwsSession session, CopyOptions options, TransferProgress? progress = null) =>
        new(S3For(provider, session, options), options, progress);

    /// <summary>The session's S3 client for a copy; sets how <paramref name="options"/> sign payloads over its endpoint.</summary>
    internal static IAmazonS3 S3For(SessionProvider provider, AwsSession session, CopyOptions options)
    {
        // Over HTTPS, TLS and Content-MD5 guard the body, so hashing it again for the signature is wasted CPU (as the
        // AWS CLI does); over plain HTTP (a local test server) the SDK requires the payload signed.
        options.UnsignedPayload = session.EndpointFor("s3")?.Scheme != Uri.UriSchemeHttp;
        return provider.GetClient("s3", session, session.RequireRegion(), AwsClients.S3);
    }

    /// <summary>Copies one file and counts it; a failure is an <see cref="AwsGuardException"/> with the file as target.</summary>
    public async Task<CopyResult> CopyAsync(CopyItem item, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (item.Refusal is not null) throw new AwsGuardException(ErrorKind.InvalidArgument, "UnsafeKey", item.Refusal, item.Source);
            var result = item.Kind switch
            {
                CopyKind.Upload => await UploadAsync(item, cancel).ConfigureAwait(false),
                CopyKind.Download => await DownloadAsync(item, cancel).ConfigureAwait(false),
                _ => await ServerCopyAsync(item, cancel).ConfigureAwait(false),
            };
            result.Source = item.Source;
            result.Destination = item.Destination;
            result.Duration = clock.Elapsed;
            Progress.FileDone();
            return result;
        }
        catch (Exception error)
        {
            Progress.FileFailed();
            throw Explain(error, item);
        }
    }

    private async Task<CopyResult> UploadAsync(CopyItem item, CancellationToken cancel)
    {
        var path = item.LocalPath!;
        var size = LocalFile.Read(path, () => new FileInfo(path).Length);
        if (_o.SkipsUnchangedWrites && await UnchangedAsync(path, item.ExistingDestination, item.DestinationBucket!, cancel).ConfigureAwait(false))
            return Skipped(item);
        if (size <= _o.PartSize)
        {
            // A small file is read at once, synchronously: an async read costs more thread-pool hops than the read itself.
            var bytes = LocalFile.Read(path, () => File.ReadAllBytes(path));
            size = bytes.Length;
            byte[] hash;
            using (var md5 = MD5.Create()) hash = md5.ComputeHash(bytes);
            // Content-MD5 makes S3 reject a body damaged on the way; the ETag check below catches the rest.
            var put = await Limited(ct => _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = item.DestinationBucket,
                Key = item.DestinationKey,
                InputStream = new MemoryStream(bytes, writable: false),
                MD5Digest = Convert.ToBase64String(hash),
                // aws-chunked signs every 64 KB chunk, costing CPU on both ends; Content-MD5 already guards the body.
                UseChunkEncoding = false,
                DisablePayloadSigning = _o.UnsignedPayload,
            }.With(_o), ct), cancel).ConfigureAwait(false);
            Progress.AddBytes(size);
            // Under SSE-KMS or SSE-C the ETag is no MD5: what checked the content is S3, against the Content-MD5 sent.
            return _o.DestinationETagIsMd5
                ? Verified(item, size, put.ETag, Md5.Hex(hash), comparable: true)
                : Copied(size, put.ETag, "content-md5:" + Md5.Hex(hash));
        }

        var partSize = PartSizeFor(size);
        var count = (int)((size + partSize - 1) / partSize);
        var hashes = new byte[count][];
        // Each part carries its SHA-256 checksum: S3 rejects a part that does not match it (as Content-MD5 would, without
        // an MD5 pass over the file) and keeps the parts' composite, compared below, whatever the encryption. Without a
        // checksum S3 computes a full-object CRC64NVME at completion, which moto does slowly (about 6 s more for 512 MB).
        var done = await MultipartAsync(item, count, ChecksumAlgorithm.SHA256, async (number, uploadId, ct) =>
        {
            var offset = (number - 1) * partSize;
            var length = Math.Min(partSize, size - offset);
            var hash = await Sha256Checksum.OfRangeAsync(path, offset, length, ct).ConfigureAwait(false);
            var checksum = Convert.ToBase64String(hash);
            // The SDK reads the part from the file itself: no part is ever held in memory.
            var part = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = item.DestinationBucket,
                Key = item.DestinationKey,
                UploadId = uploadId,
                PartNumber = number,
                FilePath = path,
                FilePosition = offset,
                PartSize = length,
                ChecksumSHA256 = checksum,
                UseChunkEncoding = false,
                DisablePayloadSigning = _o.UnsignedPayload,
            }.With(_o.CustomerKey), ct).ConfigureAwait(false);
            hashes[number - 1] = hash;
            Progress.AddBytes(length);
            return new PartETag(number, part.ETag) { ChecksumSHA256 = checksum };
        }, cancel).ConfigureAwait(false);

        var local = Sha256Checksum.Composite(hashes);
        var stored = done.ChecksumSHA256;
        if (string.IsNullOrEmpty(stored))
        {
            // S3 returns the composite from CompleteMultipartUpload; a store that does not (moto) is asked for it.
            var head = await Limited(ct => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = item.DestinationBucket,
                Key = item.DestinationKey,
                ChecksumMode = ChecksumMode.ENABLED,
            }.With(_o.CustomerKey), ct), cancel).ConfigureAwait(false);
            stored = head.ChecksumSHA256;
        }
        if (string.IsNullOrEmpty(stored)) return Copied(size, done.ETag, "size");
        // S3 writes the composite with its "-N", the SDK may hand it over without: the hash itself is what must match.
        if (stored!.Split('-')[0] != local.Split('-')[0]) throw Mismatch(item, "SHA-256 of the parts' SHA-256s", local, "checksum", stored);
        return Copied(size, done.ETag, "sha256:" + local);
    }

    private async Task<CopyResult> DownloadAsync(CopyItem item, CancellationToken cancel)
    {
        var target = item.LocalPath!;
        var folder = Path.GetDirectoryName(target)!;
        LocalFile.Write(target, () => Directory.CreateDirectory(folder));
        if (_o.SkipUnchanged && await UnchangedAsync(target, new S3Entry(item.SourceKey!, item.Size, item.SourceETag), item.SourceBucket!, cancel).ConfigureAwait(false))
            return Skipped(item);
        // Beside the destination, so the final rename stays on one volume and is atomic; hidden, named for what it is, and
        // short, so that any name the folder can hold can be downloaded (a name near the 255-byte limit leaves no room for more).
        var temp = Path.Combine(folder, $".awsguard-{Guid.NewGuid().ToString("N").Substring(0, 8)}.tmp");
        try
        {
            var result = item.Size > _o.PartSize || Md5.IsMultipart(item.SourceETag)
                ? await GetRangesAsync(item, temp, cancel).ConfigureAwait(false)
                : await GetWholeAsync(item, temp, cancel).ConfigureAwait(false);
            LocalFile.Write(target, () =>
            {
                if (File.Exists(target)) File.Replace(temp, target, null);
                else File.Move(temp, target);
            });
            return result;
        }
        finally
        {
            // A failure or Ctrl+C never leaves a partial file behind, under either name.
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<CopyResult> GetWholeAsync(CopyItem item, string temp, CancellationToken cancel)
    {
        var (hash, eTag, comparable) = await GetRangeAsync(item, temp, null, item.Size, cancel).ConfigureAwait(false);
        return Verified(item, item.Size, eTag, Md5.Hex(hash), comparable);
    }

    private async Task<CopyResult> GetRangesAsync(CopyItem item, string temp, CancellationToken cancel)
    {
        var rangeSize = _o.PartSize;
        var multipart = Md5.IsMultipart(item.SourceETag);
        // Ranges aligned with the uploader's parts give the parts' MD5s, and so a checkable multipart ETag.
        if (multipart) rangeSize = await FirstPartSizeAsync(item.SourceBucket!, item.SourceKey!, cancel).ConfigureAwait(false) ?? rangeSize;
        var count = (int)Math.Max(1, (item.Size + rangeSize - 1) / rangeSize);
        LocalFile.Write(item.LocalPath!, () =>
        {
            using var file = _o.OpenWrite(temp, FileMode.CreateNew);
            file.SetLength(item.Size);
        });

        var ranges = await AllAsync(count, (i, ct) =>
            GetRangeAsync(item, temp, i * rangeSize, Math.Min(rangeSize, item.Size - i * rangeSize), ct), cancel).ConfigureAwait(false);
        var eTag = ranges[0].ETag;
        if (ranges.Any(r => !r.Comparable)) return Verified(item, item.Size, eTag, null, false);
        if (multipart)
        {
            var aligned = count == Md5.PartCount(eTag);
            return Verified(item, item.Size, eTag, aligned ? Md5.OfParts(ranges.Select(r => r.Hash).ToList()) : null, aligned);
        }
        var whole = Md5.Hex(await Md5.OfRangeAsync(temp, 0, item.Size, cancel).ConfigureAwait(false));
        return Verified(item, item.Size, eTag, whole, true);
    }

    /// <summary>
    /// One GET (of a range, or of the whole object when <paramref name="offset"/> is null) written into the temporary
    /// file at its place, hashed on the way. A body cut off mid-transfer is fetched again: the SDK cannot retry it,
    /// having already handed over the response. If-Match keeps every range from the same version of the object.
    /// </summary>
    private Task<(byte[] Hash, string ETag, bool Comparable)> GetRangeAsync(CopyItem item, string temp, long? offset, long length, CancellationToken cancel) =>
        _o.Retry.ExecuteAsync((_, attemptCancel) => Limited(async ct =>
        {
            var request = new GetObjectRequest { BucketName = item.SourceBucket, Key = item.SourceKey, EtagToMatch = item.SourceETag }.With(_o.CustomerKey);
            if (offset is { } start && length > 0) request.ByteRange = new ByteRange(start, start + length - 1);
            using var response = await _s3.GetObjectAsync(request, ct).ConfigureAwait(false);
            using var file = LocalFile.Write(item.LocalPath!, () => _o.OpenWrite(temp, offset is null ? FileMode.Create : FileMode.Open));
            file.Position = offset ?? 0;
            var hash = await CopyHashedAsync(response.ResponseStream, file, item.LocalPath!, length, ct).ConfigureAwait(false);
            Progress.AddBytes(length);
            return (hash, response.ETag, ETagIsMd5(response));
        }, attemptCancel), error => AwsRetry.IsTransient(error, cancel), cancel);

    private async Task<CopyResult> ServerCopyAsync(CopyItem item, CancellationToken cancel)
    {
        var existing = item.ExistingDestination;
        if (_o.SkipsUnchangedWrites && existing is not null && existing.Size == item.Size && !string.IsNullOrEmpty(existing.ETag)
            && Md5.Trim(existing.ETag) == Md5.Trim(item.SourceETag))
            return Skipped(item);
        string eTag;
        if (item.Size <= _o.CopyObjectLimit)
        {
            var copy = await Limited(ct => _s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = item.SourceBucket,
                SourceKey = item.SourceKey,
                DestinationBucket = item.DestinationBucket,
                DestinationKey = item.DestinationKey,
                ETagToMatch = item.SourceETag,
            }.With(_o), ct), cancel).ConfigureAwait(false);
            Progress.AddBytes(item.Size);
            eTag = copy.ETag;
        }
        else
        {
            var partSize = PartSizeFor(item.Size);
            var count = (int)((item.Size + partSize - 1) / partSize);
            eTag = (await MultipartAsync(item, count, null, async (number, uploadId, ct) =>
            {
                var first = (number - 1) * partSize;
                var last = Math.Min(first + partSize, item.Size) - 1;
                var part = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = item.SourceBucket,
                    SourceKey = item.SourceKey,
                    DestinationBucket = item.DestinationBucket,
                    DestinationKey = item.DestinationKey,
                    UploadId = uploadId,
                    PartNumber = number,
                    FirstByte = first,
                    LastByte = last,
                }.With(_o), ct).ConfigureAwait(false);
                Progress.AddBytes(last - first + 1);
                return new PartETag(number, part.ETag);
            }, cancel).ConfigureAwait(false)).ETag;
        }
        // S3 copies within itself and checks the data on its side; nothing crossed the network to check here.
        return Copied(item.Size, eTag, "server-side");
    }

    /// <summary>Create, the parts at once (bounded by the shared request limit), complete; abort on any failure.</summary>
    /// <param name="checksum">The checksum every part sends (and <paramref name="part"/> puts in its PartETag); null for none.</param>
    private async Task<CompleteMultipartUploadResponse> MultipartAsync(CopyItem item, int count, ChecksumAlgorithm? checksum,
        Func<int, string, CancellationToken, Task<PartETag>> part, CancellationToken cancel)
    {
        var upload = await Limited(ct => _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = item.DestinationBucket,
            Key = item.DestinationKey,
            ChecksumAlgorithm = checksum,
        }.With(_o), ct), cancel).ConfigureAwait(false);
        try
        {
            var parts = await AllAsync(count, (i, ct) => Limited(c => part(i + 1, upload.UploadId, c), ct), cancel).ConfigureAwait(false);
            var done = await Limited(ct => _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = item.DestinationBucket,
                Key = item.DestinationKey,
                UploadId = upload.UploadId,
                PartETags = parts.ToList(),
            }, ct), cancel).ConfigureAwait(false);
            return done;
        }
        catch
        {
            // S3 keeps (and bills) the parts of an unfinished upload until it is aborted; even after Ctrl+C.
            try
            {
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                { BucketName = item.DestinationBucket, Key = item.DestinationKey, UploadId = upload.UploadId }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) { /* the original failure is what the user needs to see */ }
            throw;
        }
    }

    /// <summary>
    /// Runs the count pieces of one file, at most <see cref="PartsInFlight"/> at once; the first failure cancels the others
    /// and is the one reported.
    /// </summary>
    private static async Task<T[]> AllAsync<T>(int count, Func<int, CancellationToken, Task<T>> run, CancellationToken cancel)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var results = new T[count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(count, PartsInFlight)).Select(async _ =>
        {
            try
            {
                for (int i; (i = Interlocked.Increment(ref next)) < count;)
                    results[i] = await run(i, failed.Token).ConfigureAwait(false);
            }
            catch { failed.Cancel(); throw; }
        }).ToArray();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
            return results;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            var first = workers.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
    }

    /// <summary>Waits for one of the shared request slots.</summary>
    private async Task<T> Limited<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancel)
    {
        await _requests.WaitAsync(cancel).ConfigureAwait(false);
        try { return await call(cancel).ConfigureAwait(false); }
        finally { _requests.Release(); }
    }

    private long PartSizeFor(long size) => Math.Max(_o.PartSize, (size + CopyOptions.MaxParts - 1) / CopyOptions.MaxParts);

    /// <summary>
    /// -SkipUnchanged: same size, and the local content hashes to the object's ETag (never true when S3's ETag is no MD5),
    /// a multipart object's in the part size it was uploaded with, whoever uploaded it.
    /// </summary>
    private async Task<bool> UnchangedAsync(string localPath, S3Entry? remote, string bucket, CancellationToken cancel)
    {
        if (remote?.ETag is null || !File.Exists(localPath)) return false;
        var size = new FileInfo(localPath).Length;
        if (size != remote.Size) return false;
        var partSize = PartSizeFor(size);
        if (Md5.IsMultipart(remote.ETag)) partSize = await FirstPartSizeAsync(bucket, remote.Key, cancel).ConfigureAwait(false) ?? partSize;
        var local = await Md5.LocalETagAsync(localPath, size, remote.ETag, partSize, cancel).ConfigureAwait(false);
        return string.Equals(local, Md5.Trim(remote.ETag), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A multipart object's part size, as S3 reports its first part (HEAD with partNumber=1); null if it reports none.</summary>
    private async Task<long?> FirstPartSizeAsync(string bucket, string key, CancellationToken cancel)
    {
        var head = await Limited(ct => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket,
            Key = key,
            PartNumber = 1, // no If-Match here: moto answers a part's HEAD with the part's ETag; the GETs carry it
        }.With(_o.CustomerKey), ct), cancel).ConfigureAwait(false);
        return head.ContentLength > 0 ? head.ContentLength : null;
    }

    private static bool ETagIsMd5(GetObjectResponse response) =>
        !(response.ServerSideEncryptionMethod?.Value ?? "").StartsWith("aws:kms", StringComparison.Ordinal)
        && string.IsNullOrEmpty(response.ServerSideEncryptionCustomerMethod?.Value);

    private static CopyResult Skipped(CopyItem item) =>
        new() { Bytes = item.Size, ETag = Md5.Trim(item.ExistingDestination?.ETag ?? item.SourceETag), Checksum = "unchanged", Status = CopyStatus.Skipped };

    /// <summary>The result, after comparing S3's ETag with the content's MD5 where S3 makes it one.</summary>
    private static CopyResult Verified(CopyItem item, long size, string? eTag, string? md5, bool comparable)
    {
        if (!comparable || md5 is null) return Copied(size, eTag, "size"); // only the length was checked
        if (!string.Equals(Md5.Trim(eTag), md5, StringComparison.OrdinalIgnoreCase))
            throw Mismatch(item, "MD5", md5, "ETag", Md5.Trim(eTag));
        return Copied(size, eTag, "md5:" + md5);
    }

    private static CopyResult Copied(long size, string? eTag, string checksum) =>
        new() { Bytes = size, ETag = Md5.Trim(eTag), Checksum = checksum, Status = CopyStatus.Copied };

    private static AwsGuardException Mismatch(CopyItem item, string localName, string? local, string remoteName, string? remote) =>
        new(ErrorKind.NotSpecified, "ChecksumMismatch",
            $"The content's {localName} is {local}, but S3's {remoteName} is {remote}: the data changed on the way, so '{item.Destination}' is not trusted.", item.Source);

    private static async Task<byte[]> CopyHashedAsync(Stream from, Stream to, string target, long expected, CancellationToken cancel)
    {
        using var md5 = MD5.Create();
        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, 0, buffer.Length, cancel).ConfigureAwait(false)) > 0)
        {
            md5.TransformBlock(buffer, 0, read, null, 0);
            LocalFile.Write(target, () => to.Write(buffer, 0, read)); // into the page cache: an async write would only add thread-pool hops
            total += read;
        }
        // A body that ends early without an error is a transfer failure, retried like a reset.
        if (total != expected) throw new IOException($"Expected {expected} bytes, received {total}.");
        md5.TransformFinalBlock(buffer, 0, 0);
        return md5.Hash!;
    }

    private Exception Explain(Exception error, CopyItem item)
    {
        var sseC = _o.CustomerKey is not null || _o.SourceCustomerKey is not null;
        if (sseC && error is AmazonServiceException { ErrorCode: "AccessDenied" } denied)
            return new AwsGuardException(ErrorKind.PermissionDenied, "AccessDenied",
                $"{denied.Message} The bucket may block SSE-C: since April 2026 new buckets do by default. Allow it in the bucket's " +
                "default encryption setting BlockedEncryptionTypes (PutBucketEncryption), or use -ServerSideEncryption aws:kms.", item.Source);
        return AwsErrors.Explain(error, item.Source);
    }
}
