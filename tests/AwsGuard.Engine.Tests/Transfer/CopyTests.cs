using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.PublicAccess;
using AwsGuard.Engine.Transfer;
using Xunit;

namespace AwsGuard.Engine.Tests.Transfer;

/// <summary>Copies against moto: trees, multipart, S3-to-S3, SSE-C headers, skipping, faults and cancellation.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class CopyTests : IDisposable
{
    private readonly LocalAws _aws;
    private readonly IAmazonS3 _s3;
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "awsguard-copy-" + Guid.NewGuid().ToString("N"));

    public CopyTests(LocalAws aws)
    {
        _aws = aws;
        _s3 = AwsClients.S3(new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey), LocalAws.Region, aws.Endpoint);
        Directory.CreateDirectory(_temp);
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_thousand_file_tree_round_trips_identical_under_30_percent_faults_with_no_temp_files_left()
    {
        var bucket = await NewBucketAsync();
        var source = Folder("tree");
        for (var i = 0; i < 1000; i++) Write(Path.Combine(source, $"d{i % 7}", $"e{i % 3}", $"f{i}.bin"), 64 + i % 500, i);

        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0.3, Seed = 6, Latency = TimeSpan.FromMilliseconds(5) });
        // 30% faults on ~2,000 requests is far past what the default 5 attempts are for (0.3^5 per request): this run
        // allows more attempts, and turns off the SDK's retry quota, which a 30% failure rate would drain by design.
        var client = ClientWithRetries(proxy.Endpoint, attempts: 12);
        var options = new CopyOptions { Retry = new AwsRetry(12, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(50)) };
        await CopyAllAsync(client, options, source, $"s3://{bucket}/tree/", recurse: true);
        var target = Path.Combine(_temp, "back");
        await CopyAllAsync(client, options, $"s3://{bucket}/tree/", target, recurse: true);

        Assert.True(proxy.InjectedOf(Fault.ResetMidBody) > 50, $"only {proxy.InjectedOf(Fault.ResetMidBody)} mid-body resets in {proxy.Requests} requests");
        AssertSameTree(source, target);
    }

    [Fact]
    public async Task A_200_MB_file_round_trips_through_multipart_with_a_chosen_part_size()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("big"), "big.bin");
        Write(file, 200L * 1024 * 1024, 1);
        var options = new CopyOptions { PartSize = 16 * CopyOptions.MiB };
        try
        {
            var up = Assert.Single(await CopyAllAsync(_s3, options, file, $"s3://{bucket}/big.bin"));
            Assert.EndsWith("-13", up.ETag);
            Assert.Matches("^sha256:[A-Za-z0-9+/]{43}=-13$", up.Checksum); // S3's composite equals the one computed here

            var back = Path.Combine(_temp, "back", "big.bin");
            var down = Assert.Single(await CopyAllAsync(_s3, new CopyOptions { PartSize = 8 * CopyOptions.MiB }, $"s3://{bucket}/big.bin", back));
            // Ranges aligned with the 16 MB parts, whatever -PartSize says: S3's ETag equals the MD5 of the parts' MD5s computed here.
            Assert.Equal("md5:" + up.ETag, down.Checksum);
            Assert.Equal(Sha256(file), Sha256(back));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(back)!, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, true); // 400 MB on disk: free it before the next test
        }
    }

    [Fact]
    public async Task Multipart_uploads_send_each_parts_sha256_and_check_the_composite_S3_keeps()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("parts"), "parts.bin");
        Write(file, 11 * 1024 * 1024, 3);
        var seen = new ConcurrentQueue<(string Method, string Target, Dictionary<string, string> Headers)>();
        using var recorder = Recorder(seen);
        var client = ClientVia(recorder);

        var result = Assert.Single(await CopyAllAsync(client, new CopyOptions { PartSize = CopyOptions.MinPartSize }, file, $"s3://{bucket}/parts.bin"));

        var content = File.ReadAllBytes(file);
        var partHashes = Enumerable.Range(0, 3).Select(i => SHA256.HashData(content.AsSpan(i * 5 * 1024 * 1024, Math.Min(5 * 1024 * 1024, content.Length - i * 5 * 1024 * 1024)))).ToList();
        Assert.Equal("SHA256", Assert.Single(seen, r => r.Method == "POST" && r.Target.Contains("uploads")).Headers["x-amz-checksum-algorithm"]);
        var sent = seen.Where(r => r.Method == "PUT" && r.Target.Contains("partNumber="))
            .OrderBy(r => int.Parse(r.Target.Split("partNumber=")[1].Split('&')[0])).Select(r => r.Headers["x-amz-checksum-sha256"]);
        Assert.Equal(partHashes.Select(Convert.ToBase64String), sent);
        var stored = await _s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "parts.bin", ObjectAttributes = new List<ObjectAttributes> { ObjectAttributes.Checksum },
        });
        var composite = Convert.ToBase64String(SHA256.HashData(partHashes.SelectMany(h => h).ToArray()));
        Assert.StartsWith(composite, stored.Checksum.ChecksumSHA256);
        Assert.Equal($"sha256:{composite}-3", result.Checksum);
        Assert.DoesNotContain(seen, r => r.Headers.ContainsKey("content-md5") && r.Target.Contains("partNumber=")); // the checksum guards each part
    }

    [Fact]
    public async Task S3_to_S3_copies_with_CopyObject_and_above_the_limit_with_UploadPartCopy()
    {
        var bucket = await NewBucketAsync();
        var other = await NewBucketAsync();
        var source = Folder("s3copy");
        Write(Path.Combine(source, "small.txt"), 1000, 1);
        Write(Path.Combine(source, "sub", "large.bin"), 12 * 1024 * 1024, 2);
        await CopyAllAsync(_s3, new CopyOptions(), source, $"s3://{bucket}/src/", recurse: true);

        var options = new CopyOptions { PartSize = CopyOptions.MinPartSize, CopyObjectLimit = 10 * CopyOptions.MiB };
        var results = await CopyAllAsync(_s3, options, $"s3://{bucket}/src/", $"s3://{other}/dst/", recurse: true);
        Assert.Equal(new[] { $"s3://{other}/dst/small.txt", $"s3://{other}/dst/sub/large.bin" }, results.Select(r => r.Destination).OrderBy(d => d));
        Assert.EndsWith("-3", results.Single(r => r.Bytes > 1000).ETag); // 12 MB in 5 MB parts: UploadPartCopy

        var back = Path.Combine(_temp, "back");
        await CopyAllAsync(_s3, new CopyOptions(), $"s3://{other}/dst/", back, recurse: true);
        AssertSameTree(source, back);
    }

    [Fact]
    public async Task Include_and_exclude_match_the_relative_path_and_keys_use_slashes()
    {
        var bucket = await NewBucketAsync();
        var source = Folder("filter");
        foreach (var name in new[] { "a.txt", "b.log", "sub/c.txt", "sub/tmp/d.txt", "sub/e.csv" }) Write(Path.Combine(source, name), 10, 1);
        var planner = new CopyPlanner(_s3, new CopyOptions());
        var items = await planner.PlanAsync(source, $"s3://{bucket}/p", true, Wildcard.Filter(new[] { "*.txt", "*.csv" }, new[] { "*/tmp/*" }), default);
        Assert.Equal(new[] { "p/a.txt", "p/sub/c.txt", "p/sub/e.csv" }, items.Select(i => i.DestinationKey).OrderBy(k => k));
    }

    [Fact]
    public async Task Bad_input_is_one_clear_error_before_any_transfer()
    {
        var bucket = await NewBucketAsync();
        var planner = new CopyPlanner(_s3, new CopyOptions());
        var file = Path.Combine(Folder("bad"), "file.txt");
        Write(file, 10, 1);
        Task Plan(string from, string to, bool recurse = false) => planner.PlanAsync(from, to, recurse, _ => true, default);

        Assert.Equal("SourceNotFound", (await Assert.ThrowsAsync<AwsGuardException>(() => Plan(file + ".missing", $"s3://{bucket}/x"))).ErrorId);
        Assert.Equal("SourceNotFound", (await Assert.ThrowsAsync<AwsGuardException>(() => Plan($"s3://{bucket}/missing", _temp))).ErrorId);
        var noBucket = await Assert.ThrowsAsync<AwsGuardException>(() => Plan(file, $"s3://{LocalAws.UniqueName("missing")}/x"));
        Assert.Equal(("NoSuchBucket", ErrorKind.ObjectNotFound), (noBucket.ErrorId, noBucket.Kind));
        await Plan(file, $"s3://{bucket}/src/file.txt");
        Assert.Equal("DestinationIsFile", (await Assert.ThrowsAsync<AwsGuardException>(() => Plan($"s3://{bucket}/src/", file, recurse: true))).ErrorId);
        Assert.Equal("NoBucket", (await Assert.ThrowsAsync<AwsGuardException>(() => Plan(file, "s3:///x"))).ErrorId);
        Assert.Equal("SourceIsPrefix", (await Assert.ThrowsAsync<AwsGuardException>(() => Plan($"s3://{bucket}/src/", _temp))).ErrorId);
    }

    [Fact]
    public async Task SkipUnchanged_skips_identical_files_and_copies_changed_ones()
    {
        var bucket = await NewBucketAsync();
        var source = Folder("skip");
        Write(Path.Combine(source, "same.txt"), 100, 1);
        Write(Path.Combine(source, "changed.txt"), 100, 2);
        Write(Path.Combine(source, "big.bin"), 6 * 1024 * 1024, 3);
        var options = new CopyOptions { SkipUnchanged = true, PartSize = CopyOptions.MinPartSize };
        Assert.All(await CopyAllAsync(_s3, options, source, $"s3://{bucket}/s/", recurse: true), r => Assert.Equal(CopyStatus.Copied, r.Status));

        Write(Path.Combine(source, "changed.txt"), 100, 9);
        var again = await CopyAllAsync(_s3, options, source, $"s3://{bucket}/s/", recurse: true);
        Assert.Equal(new[] { ("big.bin", CopyStatus.Skipped), ("changed.txt", CopyStatus.Copied), ("same.txt", CopyStatus.Skipped) },
            again.Select(r => (Path.GetFileName(r.Source), r.Status)).OrderBy(x => x.Item1));

        var back = Path.Combine(_temp, "back");
        await CopyAllAsync(_s3, options, $"s3://{bucket}/s/", back, recurse: true);
        var downAgain = await CopyAllAsync(_s3, options, $"s3://{bucket}/s/", back, recurse: true);
        Assert.All(downAgain, r => Assert.Equal(CopyStatus.Skipped, r.Status));
    }

    [Fact]
    public async Task Sse_c_sends_the_key_and_its_md5_on_every_request_that_needs_it()
    {
        var bucket = await NewBucketAsync();
        var source = Folder("ssec");
        Write(Path.Combine(source, "small.txt"), 100, 1);
        Write(Path.Combine(source, "large.bin"), 11 * 1024 * 1024, 2);
        var key = new SseCustomerKey(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var other = new SseCustomerKey(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
        var seen = new ConcurrentQueue<(string Method, string Target, Dictionary<string, string> Headers)>();
        using var recorder = Recorder(seen);
        var client = ClientVia(recorder);
        var options = new CopyOptions { CustomerKey = key, PartSize = CopyOptions.MinPartSize };

        await CopyAllAsync(client, options, source, $"s3://{bucket}/enc/", recurse: true);
        var back = Path.Combine(_temp, "back");
        await CopyAllAsync(client, options, $"s3://{bucket}/enc/", back, recurse: true);
        AssertSameTree(source, back);
        await CopyAllAsync(client, new CopyOptions { SourceCustomerKey = key, CustomerKey = other }, $"s3://{bucket}/enc/small.txt", $"s3://{bucket}/re/small.txt");

        var needsKey = seen.Where(r => r.Target.Contains("/enc/") && !r.Target.Contains("list-type") && r.Method != "DELETE"
                                       && !(r.Method == "POST" && r.Target.Contains("uploadId="))).ToList(); // Complete needs no key
        Assert.Contains(needsKey, r => r.Method == "PUT" && r.Target.Contains("partNumber="));
        Assert.Contains(needsKey, r => r.Method == "POST" && r.Target.Contains("uploads"));
        Assert.Contains(needsKey, r => r.Method == "GET");
        Assert.Contains(needsKey, r => r.Method == "HEAD");
        Assert.All(needsKey, r =>
        {
            Assert.Equal("AES256", r.Headers["x-amz-server-side-encryption-customer-algorithm"]);
            Assert.Equal(key.HeaderValue(), r.Headers["x-amz-server-side-encryption-customer-key"]);
            Assert.Equal(key.HeaderMd5(), r.Headers["x-amz-server-side-encryption-customer-key-md5"]);
        });
        var copy = Assert.Single(seen, r => r.Target.Contains("/re/small.txt") && r.Method == "PUT");
        Assert.Equal(key.HeaderMd5(), copy.Headers["x-amz-copy-source-server-side-encryption-customer-key-md5"]);
        Assert.Equal(other.HeaderMd5(), copy.Headers["x-amz-server-side-encryption-customer-key-md5"]);
    }

    [Fact]
    public async Task AccessDenied_with_sse_c_names_the_bucket_setting_that_blocks_it()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("denied"), "a.txt");
        Write(file, 10, 1);
        var denying = FailingS3.Wrap(_s3, "PutObject");
        var options = new CopyOptions { CustomerKey = new SseCustomerKey(new byte[32]) };
        var items = await new CopyPlanner(denying, options).PlanAsync(file, $"s3://{bucket}/a.txt", false, _ => true, default);
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => new S3Copier(denying, options).CopyAsync(items[0], default));
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("BlockedEncryptionTypes", error.Message);
        Assert.Equal(file, error.Target);
    }

    [Fact]
    public async Task A_cancelled_download_leaves_no_partial_file()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("cancel"), "c.bin");
        Write(file, 12 * 1024 * 1024, 4);
        await CopyAllAsync(_s3, new CopyOptions(), file, $"s3://{bucket}/c.bin");

        // Every request waits 2 s at the proxy: the cancellation lands while the ranged GETs are in flight.
        using var slow = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 1, Faults = new[] { Fault.Latency }, Latency = TimeSpan.FromSeconds(2) });
        var client = ClientVia(slow);
        var options = new CopyOptions { PartSize = CopyOptions.MinPartSize };
        var target = Path.Combine(_temp, "cancelled");
        var items = await new CopyPlanner(_s3, options).PlanAsync($"s3://{bucket}/c.bin", target + "/", false, _ => true, default);
        using var cancel = new CancellationTokenSource();
        var copying = new S3Copier(client, options).CopyAsync(items[0], cancel.Token);
        while (Directory.GetFiles(target).Length == 0) await Task.Delay(10); // polling for the temporary file
        cancel.Cancel();
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => copying);
        Assert.Equal(ErrorKind.OperationStopped, error.Kind);
        Assert.Empty(Directory.GetFiles(target));
    }

    [Theory]
    [InlineData("disk full")]
    [InlineData("name too long")]
    [InlineData("folder is a file")]
    [InlineData("permission denied")]
    public async Task A_local_failure_is_a_write_error_naming_the_file_never_retried_against_S3_and_leaves_no_file(string failure)
    {
        var bucket = await NewBucketAsync();
        var root = Folder("local-" + failure.Replace(' ', '-'));
        var name = failure == "name too long" ? new string('n', 256) : "data.bin"; // one byte over the usual 255-byte name limit
        var folder = failure == "folder is a file" ? Path.Combine(root, "sub") : root;
        if (failure == "folder is a file") File.WriteAllText(folder, "a file where a folder is needed");
        var options = new CopyOptions();
        // Root ignores file permissions: the engine's file-writing seam says no instead.
        if (failure == "permission denied") options.OpenWrite = (path, _) => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
        var mounted = failure == "disk full" && SmallDisk.TryMount(root);
        if (failure == "disk full" && !mounted) options.OpenWrite = (path, mode) => new OneMegabyteFree(path, mode);
        try
        {
            var content = new byte[3 * 1024 * 1024];
            new Random(5).NextBytes(content);
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = name, InputStream = new MemoryStream(content) });
            var seen = new ConcurrentQueue<(string Method, string Target, Dictionary<string, string> Headers)>();
            using var recorder = Recorder(seen);
            var client = ClientVia(recorder);
            var target = Path.Combine(folder, name);
            var item = Assert.Single(await new CopyPlanner(_s3, options).PlanAsync($"s3://{bucket}/{name}", target, false, _ => true, default));

            var error = await Assert.ThrowsAsync<AwsGuardException>(() => new S3Copier(client, options).CopyAsync(item, default));

            Assert.Equal((ErrorKind.WriteError, "LocalWriteFailed"), (error.Kind, error.ErrorId));
            Assert.Contains($"'{target}'", error.Message);
            Assert.DoesNotContain("reach AWS", error.Message);
            Assert.True(seen.Count(r => r.Method == "GET") <= 1, $"{seen.Count(r => r.Method == "GET")} GETs: a local failure was retried against S3");
            Assert.Equal(failure == "folder is a file" ? new[] { folder } : Array.Empty<string>(), Directory.GetFileSystemEntries(root));
        }
        finally
        {
            if (mounted) SmallDisk.Unmount(root);
        }
    }

    [Fact]
    public async Task A_file_gone_before_its_upload_is_a_read_error_naming_it()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("gone"), "gone.txt");
        Write(file, 100, 1);
        var item = Assert.Single(await new CopyPlanner(_s3, new CopyOptions()).PlanAsync(file, $"s3://{bucket}/gone.txt", false, _ => true, default));
        File.Delete(file);

        var error = await Assert.ThrowsAsync<AwsGuardException>(() => new S3Copier(_s3, new CopyOptions()).CopyAsync(item, default));

        Assert.Equal((ErrorKind.ReadError, "LocalReadFailed", file), (error.Kind, error.ErrorId, error.Target));
        Assert.StartsWith($"Could not read '{file}'", error.Message);
    }

    [Fact]
    public async Task A_destination_name_of_250_bytes_downloads_whatever_the_temporary_name()
    {
        var bucket = await NewBucketAsync();
        var name = new string('a', 246) + ".bin";
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "long/" + name, ContentBody = "long name" });
        var target = Folder("long");

        var result = Assert.Single(await CopyAllAsync(_s3, new CopyOptions(), $"s3://{bucket}/long/", target, recurse: true));

        Assert.Equal(CopyStatus.Copied, result.Status);
        Assert.Equal("long name", File.ReadAllText(Path.Combine(target, name)));
        Assert.Single(Directory.GetFiles(target));
    }

    [Fact]
    public async Task SkipUnchanged_compares_a_multipart_object_with_its_own_part_layout()
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("layout"), "twelve.bin");
        Write(file, 12 * 1024 * 1024, 8);
        // Uploaded in 5 MB parts (as boto3 and the AWS CLI do), compared with the default 8 MB -PartSize.
        var up = Assert.Single(await CopyAllAsync(_s3, new CopyOptions { PartSize = CopyOptions.MinPartSize }, file, $"s3://{bucket}/twelve.bin"));
        Assert.EndsWith("-3", up.ETag);
        var skip = new CopyOptions { SkipUnchanged = true };

        Assert.Equal(CopyStatus.Skipped, Assert.Single(await CopyAllAsync(_s3, skip, file, $"s3://{bucket}/twelve.bin")).Status);

        var back = Path.Combine(_temp, "back", "twelve.bin");
        await CopyAllAsync(_s3, new CopyOptions(), $"s3://{bucket}/twelve.bin", back);
        Assert.Equal(CopyStatus.Skipped, Assert.Single(await CopyAllAsync(_s3, skip, $"s3://{bucket}/twelve.bin", back)).Status);

        Write(file, 12 * 1024 * 1024, 9); // same size, other content: copied
        Assert.Equal(CopyStatus.Copied, Assert.Single(await CopyAllAsync(_s3, skip, file, $"s3://{bucket}/twelve.bin")).Status);
    }

    [Theory]
    [InlineData("kms")]
    [InlineData("sse-c")]
    public async Task SkipUnchanged_never_skips_an_object_written_without_the_encryption_asked_for(string encryption)
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("enc-" + encryption), "plain.txt");
        Write(file, 1000, 4);
        await CopyAllAsync(_s3, new CopyOptions(), file, $"s3://{bucket}/plain.txt");
        await CopyAllAsync(_s3, new CopyOptions(), $"s3://{bucket}/plain.txt", $"s3://{bucket}/copy.txt");
        var options = Encrypted(encryption, skipUnchanged: true);

        var upload = Assert.Single(await CopyAllAsync(_s3, options, file, $"s3://{bucket}/plain.txt"));
        var copy = Assert.Single(await CopyAllAsync(_s3, options, $"s3://{bucket}/plain.txt", $"s3://{bucket}/copy.txt"));

        Assert.Equal((CopyStatus.Copied, CopyStatus.Copied), (upload.Status, copy.Status));
        if (encryption == "kms")
        {
            var head = await _s3.GetObjectMetadataAsync(bucket, "plain.txt");
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        }
    }

    [Theory]
    [InlineData("kms")]
    [InlineData("sse-c")]
    public async Task An_sse_kms_or_sse_c_copy_claims_no_md5_etag_but_what_was_checked(string encryption)
    {
        var bucket = await NewBucketAsync();
        var file = Path.Combine(Folder("claim-" + encryption), "small.txt");
        Write(file, 1000, 6);
        var seen = new ConcurrentQueue<(string Method, string Target, Dictionary<string, string> Headers)>();
        using var recorder = Recorder(seen);
        var client = ClientVia(recorder);
        var options = Encrypted(encryption);

        var up = Assert.Single(await CopyAllAsync(client, options, file, $"s3://{bucket}/small.txt"));
        var down = Assert.Single(await CopyAllAsync(_s3, options, $"s3://{bucket}/small.txt", Path.Combine(_temp, "back", "small.txt")));

        // A single PUT: S3 checked the body against the Content-MD5 sent; its ETag is no MD5 to compare with.
        var md5 = Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(file)));
        Assert.Equal(md5, Assert.Single(seen, r => r.Method == "PUT").Headers["content-md5"]);
        Assert.Equal("content-md5:" + Convert.ToHexString(MD5.HashData(File.ReadAllBytes(file))).ToLowerInvariant(), up.Checksum);
        if (encryption == "kms") Assert.Equal("size", down.Checksum); // moto ignores SSE-C, so only KMS downloads say what they are
    }

    private async Task<List<CopyResult>> CopyAllAsync(IAmazonS3 client, CopyOptions options, string source, string destination, bool recurse = false)
    {
        var items = await new CopyPlanner(client, options).PlanAsync(source, destination, recurse, _ => true, default);
        var copier = new S3Copier(client, options);
        return (await Task.WhenAll(items.Select(item => copier.CopyAsync(item, default)))).ToList();
    }

    private static IAmazonS3 ClientVia(FaultProxy proxy) => AwsClients.S3(new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey), LocalAws.Region, proxy.Endpoint);

    /// <summary>Options asking for SSE-KMS ("kms") or SSE-C (any other kind).</summary>
    private static CopyOptions Encrypted(string kind, bool skipUnchanged = false) => kind == "kms"
        ? new CopyOptions { KmsKeyId = "alias/exports", SkipUnchanged = skipUnchanged }
        : new CopyOptions { CustomerKey = new SseCustomerKey(new byte[32]), SkipUnchanged = skipUnchanged };

    private static IAmazonS3 ClientWithRetries(Uri endpoint, int attempts) =>
        new AmazonS3Client(new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey), new AmazonS3Config
        {
            ServiceURL = endpoint.AbsoluteUri,
            AuthenticationRegion = LocalAws.Region,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = attempts - 1,
            ThrottleRetries = false,
        });

    private async Task<string> NewBucketAsync()
    {
        var name = LocalAws.UniqueName("copy");
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_temp, name)).FullName;

    /// <summary>Deterministic content, different per seed, written in 1 MB pieces so big files need no big buffer.</summary>
    private static void Write(string path, long size, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        using var file = File.Create(path);
        for (var left = size; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, left));
        }
    }

    /// <summary>A 1 MB tmpfs over a folder, where the machine allows mounting one (root on Linux).</summary>
    private static class SmallDisk
    {
        public static bool TryMount(string folder) => Run("mount", $"-t tmpfs -o size=1m tmpfs {folder}");
        public static void Unmount(string folder) => Run("umount", folder);

        private static bool Run(string command, string arguments)
        {
            try
            {
                using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false; // no such command here
            }
        }
    }

    /// <summary>A file on a disk with 1 MB free: the small tmpfs's answer where mounting one is not allowed.</summary>
    private sealed class OneMegabyteFree : FileStream
    {
        public OneMegabyteFree(string path, FileMode mode) : base(path, mode, FileAccess.Write, FileShare.Write, 1) { }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Position + count > CopyOptions.MiB) throw new IOException("No space left on device", 28);
            base.Write(buffer, offset, count);
        }
    }

    /// <summary>A proxy to moto that passes every request and records its method, target and headers (names in lower case).</summary>
    private FaultProxy Recorder(ConcurrentQueue<(string Method, string Target, Dictionary<string, string> Headers)> seen) =>
        new(_aws.Endpoint, new FaultPlan { FaultRate = 0 })
        {
            OnRequest = (method, target, headers) => seen.Enqueue((method, target, headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value))),
        };

    private static string Sha256(string path)
    {
        using var sha = SHA256.Create();
        using var file = File.OpenRead(path);
        return Convert.ToBase64String(sha.ComputeHash(file));
    }

    /// <summary>Same relative paths and same content, and nothing else (no temporary files).</summary>
    private static void AssertSameTree(string expected, string actual)
    {
        static Dictionary<string, string> Read(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f.Substring(root.Length).Replace('\\', '/'), Sha256);
        var want = Read(expected);
        var got = Read(actual);
        Assert.Equal(want.Keys.OrderBy(k => k, StringComparer.Ordinal), got.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (path, hash) in want) Assert.True(hash == got[path], $"{path} differs");
    }
}
