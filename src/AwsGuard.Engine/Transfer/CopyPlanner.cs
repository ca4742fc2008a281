using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// Turns a source and a destination into the list of files to copy, checking every input first (a missing source,
/// a missing bucket, a file where a folder is needed) so that bad input is one error before any transfer.
/// Keys use / whatever the local separator; include and exclude match the path relative to the source folder or prefix.
/// </summary>
public sealed class CopyPlanner
{
    private readonly IAmazonS3 _s3;
    private readonly CopyOptions _options;
    private readonly HashSet<string> _checkedBuckets = new(StringComparer.Ordinal);
    // With -SkipUnchanged, each destination prefix is listed once for the whole command, however many inputs go there:
    // nothing is copied before every input is planned, so the listing stays true.
    private readonly Dictionary<(string Bucket, string Prefix), Dictionary<string, S3Entry>> _listings = new();

    public CopyPlanner(IAmazonS3 s3, CopyOptions options)
    {
        _s3 = s3;
        _options = options;
    }

    /// <summary>A planner over the session's cached S3 client, the one <see cref="S3Copier.ForSession"/> copies with.</summary>
    public static CopyPlanner ForSession(SessionProvider provider, AwsSession session, CopyOptions options) =>
        new(S3Copier.S3For(provider, session, options), options);

    public async Task<IReadOnlyList<CopyItem>> PlanAsync(string source, string destination, bool recurse, Func<string, bool> keep, CancellationToken cancel)
    {
        var from = TransferLocation.Parse(source);
        var to = TransferLocation.Parse(destination);
        if (!from.IsS3 && !to.IsS3)
            throw Error(ErrorKind.InvalidArgument, "NoS3Location", $"Neither '{source}' nor '{destination}' is an s3:// location; Copy-S3Quiet copies to, from or within S3.", source);

        var sources = (from.IsS3 ? await ListSourceAsync(from, recurse, _options.SourceReadKey(!to.IsS3), cancel).ConfigureAwait(false) : WalkLocal(from, recurse))
            .Where(s => keep(s.RelativePath)).ToList();

        var items = new List<CopyItem>();
        if (to.IsS3)
        {
            var existing = await CheckBucketAsync(to, recurse, cancel).ConfigureAwait(false);
            var intoFolder = recurse || to.IsPrefix;
            foreach (var item in sources)
            {
                item.DestinationBucket = to.Bucket;
                item.DestinationKey = intoFolder ? (recurse ? to.FolderPrefix : to.Key) + item.RelativePath : to.Key;
                item.Destination = TransferLocation.Url(to.Bucket!, item.DestinationKey);
                item.Kind = from.IsS3 ? CopyKind.ServerCopy : CopyKind.Upload;
                item.ExistingDestination = existing?.TryGetValue(item.DestinationKey, out var entry) == true ? entry : null;
                items.Add(item);
            }
        }
        else
        {
            var target = Path.GetFullPath(to.LocalPath!);
            var endsWithSeparator = to.LocalPath!.EndsWith("/", StringComparison.Ordinal) || to.LocalPath.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal);
            var intoFolder = recurse || endsWithSeparator || Directory.Exists(target);
            if (intoFolder && File.Exists(target.TrimEnd(Path.DirectorySeparatorChar)))
                throw Error(ErrorKind.InvalidArgument, "DestinationIsFile", $"The destination '{destination}' is a file, but a folder is needed here.", destination);
            var root = target.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            foreach (var item in sources)
            {
                item.LocalPath = intoFolder ? Path.GetFullPath(Path.Combine(target, item.RelativePath.Replace('/', Path.DirectorySeparatorChar))) : target;
                // A key such as "../../x" or "/etc/x" must not write outside the destination folder.
                if (intoFolder && !item.LocalPath.StartsWith(root, StringComparison.Ordinal))
                    item.Refusal = $"The key '{item.SourceKey}' would be written outside '{target}'; it is not copied.";
                item.Destination = item.LocalPath;
                item.Kind = CopyKind.Download;
                items.Add(item);
            }
        }
        return items;
    }

    private static IEnumerable<CopyItem> WalkLocal(TransferLocation from, bool recurse)
    {
        var path = Path.GetFullPath(from.LocalPath!);
        if (File.Exists(path))
            return new[] { new CopyItem { Source = path, LocalPath = path, RelativePath = Path.GetFileName(path), Size = new FileInfo(path).Length } };
        if (!Directory.Exists(path))
            throw Error(ErrorKind.ObjectNotFound, "SourceNotFound", $"The source '{from.Text}' does not exist.", from.Text);
        if (!recurse)
            throw Error(ErrorKind.InvalidArgument, "SourceIsFolder", $"The source '{from.Text}' is a folder: add -Recurse to copy what it holds.", from.Text);
        var root = path.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Select(file => new CopyItem
        {
            Source = file.FullName,
            LocalPath = file.FullName,
            RelativePath = file.FullName.Substring(root.Length).Replace(Path.DirectorySeparatorChar, '/'),
            Size = file.Length,
        });
    }

    private async Task<IEnumerable<CopyItem>> ListSourceAsync(TransferLocation from, bool recurse, SseCustomerKey? key, CancellationToken cancel)
    {
        if (recurse)
        {
            var prefix = from.FolderPrefix;
            var listed = await ListAsync(from.Bucket!, prefix, cancel).ConfigureAwait(false);
            // Keys ending in / are console "folders": nothing to copy, and no file can have that name.
            return listed.Where(o => !o.Key.EndsWith("/", StringComparison.Ordinal)).Select(o => FromS3(from.Bucket!, o, o.Key.Substring(prefix.Length)));
        }
        if (from.IsPrefix)
            throw Error(ErrorKind.InvalidArgument, "SourceIsPrefix", $"The source '{from.Text}' is a prefix: add -Recurse to copy the objects under it.", from.Text);
        try
        {
            var head = await _s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = from.Bucket, Key = from.Key }.With(key), cancel).ConfigureAwait(false);
            var name = from.Key.Substring(from.Key.LastIndexOf('/') + 1);
            return new[] { FromS3(from.Bucket!, new S3Entry(from.Key, head.ContentLength, head.ETag), name) };
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Error(ErrorKind.ObjectNotFound, e.ErrorCode == "NoSuchBucket" ? "NoSuchBucket" : "SourceNotFound",
                $"The source '{from.Text}' does not exist (or its bucket does not).", from.Text);
        }
    }

    private static CopyItem FromS3(string bucket, S3Entry entry, string relative) => new()
    {
        Source = TransferLocation.Url(bucket, entry.Key),
        SourceBucket = bucket,
        SourceKey = entry.Key,
        SourceETag = entry.ETag,
        Size = entry.Size,
        RelativePath = relative,
    };

    /// <summary>Fails clearly when the destination bucket is missing; with -SkipUnchanged, lists what is already there.</summary>
    private async Task<Dictionary<string, S3Entry>?> CheckBucketAsync(TransferLocation to, bool recurse, CancellationToken cancel)
    {
        var prefix = recurse ? to.FolderPrefix : to.Key;
        try
        {
            if (!_options.SkipUnchanged)
            {
                // Once per bucket, not once per piped file.
                if (_checkedBuckets.Contains(to.Bucket!)) return null;
                await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = to.Bucket, Prefix = prefix, MaxKeys = 1 }, cancel).ConfigureAwait(false);
                _checkedBuckets.Add(to.Bucket!);
                return null;
            }
            if (!_listings.TryGetValue((to.Bucket!, prefix), out var listed))
                _listings[(to.Bucket!, prefix)] = listed = (await ListAsync(to.Bucket!, prefix, cancel).ConfigureAwait(false)).ToDictionary(o => o.Key, StringComparer.Ordinal);
            return listed;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw Error(ErrorKind.ObjectNotFound, "NoSuchBucket", $"The destination bucket '{to.Bucket}' does not exist.", to.Text);
        }
    }

    /// <summary>Every object under a prefix, page by page.</summary>
    internal async Task<List<S3Entry>> ListAsync(string bucket, string prefix, CancellationToken cancel)
    {
        var all = new List<S3Entry>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await _s3.ListObjectsV2Async(request, cancel).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? new List<S3Object>()) all.Add(new S3Entry(o.Key, o.Size ?? 0, o.ETag));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (request.ContinuationToken is not null);
        return all;
    }

    private static AwsGuardException Error(ErrorKind kind, string id, string message, string target) => new(kind, id, message, target);
}
