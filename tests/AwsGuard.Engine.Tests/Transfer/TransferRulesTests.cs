using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Transfer;
using Xunit;

namespace AwsGuard.Engine.Tests.Transfer;

/// <summary>The parts of a copy that need no AWS: locations, wildcards, keys, options.</summary>
public sealed class TransferRulesTests
{
    [Theory]
    [InlineData("s3://b/k/x.txt", "b", "k/x.txt", false)]
    [InlineData("s3://b/k/", "b", "k/", true)]
    [InlineData("s3://b", "b", "", true)]
    [InlineData("S3://b/", "b", "", true)]
    [InlineData("s3://Legacy_Bucket/k", "Legacy_Bucket", "k", false)]
    public void S3_urls_give_bucket_key_and_prefix(string text, string bucket, string key, bool prefix)
    {
        var location = TransferLocation.Parse(text);
        Assert.True(location.IsS3);
        Assert.Equal(bucket, location.Bucket);
        Assert.Equal(key, location.Key);
        Assert.Equal(prefix, location.IsPrefix);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3:///key")]
    public void An_s3_url_without_a_bucket_is_invalid(string text)
    {
        var error = Assert.Throws<AwsGuardException>(() => TransferLocation.Parse(text));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("NoBucket", error.ErrorId);
    }

    [Fact]
    public void An_s3_url_whose_bucket_S3_cannot_have_is_invalid_naming_the_url()
    {
        var error = Assert.Throws<AwsGuardException>(() => TransferLocation.Parse("s3://my bucket/key"));
        Assert.Equal(("InvalidBucketName", "s3://my bucket/key"), (error.ErrorId, error.Target));
        Assert.Contains("it contains U+0020", error.Message);
    }

    [Theory]
    [InlineData("*.log", "a/b/c.LOG", true)]
    [InlineData("*.log", "a/b/c.txt", false)]
    [InlineData("logs/*", "logs/x/y.txt", true)]
    [InlineData("logs/*", "other/logs/y.txt", false)]
    [InlineData("f?.txt", "f1.txt", true)]
    [InlineData("f[0-4].txt", "f5.txt", false)]
    [InlineData("f[0-4].txt", "f3.txt", true)]
    [InlineData("a`*b", "a*b", true)]
    [InlineData("a`*b", "axb", false)]
    [InlineData("x.(1)+", "x.(1)+", true)]
    public void Wildcards_match_relative_paths_like_PowerShell(string pattern, string path, bool matches) =>
        Assert.Equal(matches, Wildcard.ToRegex(pattern).IsMatch(path));

    [Fact]
    public void Filter_keeps_includes_then_drops_excludes()
    {
        var keep = Wildcard.Filter(new[] { "*.txt", "*.csv" }, new[] { "tmp/*" });
        Assert.True(keep("a/b.txt"));
        Assert.True(keep("c.csv"));
        Assert.False(keep("d.bin"));
        Assert.False(keep("tmp/e.txt"));
        Assert.True(Wildcard.Filter(null, null)("anything"));
    }

    [Fact]
    public void An_sse_c_key_must_be_32_bytes_and_never_shows_itself()
    {
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<AwsGuardException>(() => new SseCustomerKey(new byte[16])).Kind);
        Assert.Equal("InvalidSseCustomerKey", Assert.Throws<AwsGuardException>(() => SseCustomerKey.FromBase64("not base64!")).ErrorId);
        var bytes = new byte[32];
        new Random(7).NextBytes(bytes);
        var key = SseCustomerKey.FromBase64(Convert.ToBase64String(bytes));
        Assert.Equal(Convert.ToBase64String(bytes), key.HeaderValue());
        Assert.DoesNotContain(Convert.ToBase64String(bytes), key.ToString());
        using var md5 = System.Security.Cryptography.MD5.Create();
        Assert.Equal(Convert.ToBase64String(md5.ComputeHash(bytes)), key.HeaderMd5());
    }

    [Fact]
    public void An_sse_c_key_from_a_secure_string_is_decoded_from_its_pinned_text()
    {
        var bytes = new byte[32];
        new Random(11).NextBytes(bytes);
        var secure = Gateways.ChapRulesTests.Secure(Convert.ToBase64String(bytes));
        Assert.Equal(Convert.ToBase64String(bytes), SseCustomerKeys.FromSecureBase64(secure).HeaderValue());
        Assert.Equal(44, secure.Length); // the caller's SecureString stays as it was
        var tooShort = Gateways.ChapRulesTests.Secure(Convert.ToBase64String(new byte[16]));
        Assert.Equal("InvalidSseCustomerKey", Assert.Throws<AwsGuardException>(() => SseCustomerKeys.FromSecureBase64(tooShort)).ErrorId);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("http://localhost:5000/", true)]
    [InlineData("http://[::1]:5000/", true)]
    [InlineData("https://s3.example.com/", true)]
    [InlineData("http://s3.example.com/", false)]
    [InlineData("http://10.0.0.5:9000/", false)]
    public void Sse_c_is_refused_over_plain_http_except_on_loopback(string endpoint, bool allowed)
    {
        var options = new CopyOptions { CustomerKey = new SseCustomerKey(new byte[32]) };
        if (allowed)
        {
            options.Validate(new Uri(endpoint));
            return;
        }
        var error = Assert.Throws<AwsGuardException>(() => options.Validate(new Uri(endpoint)));
        Assert.Equal("SseCustomerKeyOverHttp", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void An_sse_c_key_with_a_kms_key_is_one_error_before_any_call()
    {
        var options = new CopyOptions { CustomerKey = new SseCustomerKey(new byte[32]), KmsKeyId = "alias/exports" };
        var error = Assert.Throws<AwsGuardException>(() => options.Validate(null));
        Assert.Equal(("SseConflict", ErrorKind.InvalidArgument), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task A_key_that_would_escape_the_destination_folder_is_refused()
    {
        var s3 = ListingS3.Of("p/ok.txt", "p/../../escape.txt");
        var target = Path.Combine(Path.GetTempPath(), "awsguard-escape-" + Guid.NewGuid().ToString("N"));
        var items = await new CopyPlanner(s3, new CopyOptions()).PlanAsync("s3://b/p/", target, true, _ => true, default);
        Assert.Null(items.Single(i => i.SourceKey == "p/ok.txt").Refusal);
        Assert.Contains("outside", items.Single(i => i.SourceKey == "p/../../escape.txt").Refusal);
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => new S3Copier(s3, new CopyOptions()).CopyAsync(items.Single(i => i.Refusal is not null), default));
        Assert.Equal(("UnsafeKey", "s3://b/p/../../escape.txt"), (error.ErrorId, error.Target));
        Assert.False(Directory.Exists(target));
    }
}

/// <summary>An IAmazonS3 whose only answer is one listing page: keys moto cannot hold (the URL path would be normalised).</summary>
public class ListingS3 : DispatchProxy
{
    private string[] _keys = Array.Empty<string>();

    public static IAmazonS3 Of(params string[] keys)
    {
        var proxy = Create<IAmazonS3, ListingS3>();
        ((ListingS3)(object)proxy)._keys = keys;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name == "ListObjectsV2Async"
        ? Task.FromResult(new ListObjectsV2Response { S3Objects = _keys.Select(k => new S3Object { Key = k, Size = 1, ETag = "\"x\"" }).ToList(), IsTruncated = false })
        : throw new NotSupportedException(targetMethod.Name);
}
