using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;

namespace AwsGuard.Engine.Tests.PublicAccess;

/// <summary>The scanner's calls, regions and errors, against moto.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class PublicAccessScannerTests
{
    private const string PublicPolicy =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}";

    private readonly MotoS3 _s3;

    public PublicAccessScannerTests(LocalAws aws) => _s3 = new MotoS3(aws);

    private static async Task<(T Result, IReadOnlyList<string> Calls)> Counted<T>(Func<Task<T>> run)
    {
        var output = new CountingOutput();
        var before = EngineOutput.Current;
        EngineOutput.Current = output;
        try
        {
            var result = await run();
            return (result, output.Calls);
        }
        finally
        {
            EngineOutput.Current = before;
        }
    }

    private static string Operations(IEnumerable<string> calls) => string.Join(", ", calls.Select(c => c.Split(' ')[2]).OrderBy(c => c));

    [Fact]
    public async Task CommonPathWithoutPolicyTakesFiveCalls()
    {
        var bucket = await _s3.NewBucketAsync();
        var (result, calls) = await Counted(() => _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Equal(ExposureStatus.NotPublic, result.Status);
        Assert.Equal("GetBucketAcl, GetBucketLocation, GetBucketOwnershipControls, GetBucketPolicy, GetPublicAccessBlock", Operations(calls));
    }

    [Fact]
    public async Task CallLogShowsTheStatusAndErrorCodeOfErrorAnswers()
    {
        // S3 answers 404 NoSuchBucketPolicy and 404 NoSuchPublicAccessBlockConfiguration here; the SDK hands the first back
        // as a response, not an error, and the log once said "no response" for it.
        var bucket = await _s3.NewBucketAsync();
        var (_, calls) = await Counted(() => _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Contains(calls, c => c.StartsWith("AWS S3 GetBucketPolicy us-east-1 -> 404 NoSuchBucketPolicy in ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("AWS S3 GetPublicAccessBlock us-east-1 -> 404 NoSuchPublicAccessBlockConfiguration in ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("AWS S3 GetBucketAcl us-east-1 -> 200 in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BucketWithPolicyAddsPolicyStatus()
    {
        var bucket = await _s3.NewBucketAsync();
        await _s3.Client().PutBucketPolicyAsync(bucket, PublicPolicy.Replace("BUCKET", bucket));
        var (result, calls) = await Counted(() => _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Equal(ExposureStatus.Public, result.Status);
        Assert.Equal(6, calls.Count);
        Assert.Contains(calls, c => c.Contains(" GetBucketPolicyStatus "));
        // moto answers GetBucketPolicyStatus without IsPublic: the local analysis stands, and no PolicyStatus reason is made up.
        Assert.DoesNotContain(result.Reasons, r => r.Source == ExposureSource.PolicyStatus);
    }

    [Fact]
    public async Task ListedBucketWithRegionSkipsLocationAndKeyAddsObjectAcl()
    {
        var bucket = await _s3.NewBucketAsync();
        await _s3.Client().PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var (result, calls) = await Counted(() => _s3.Scanner().EvaluateAsync(new ListedBucket(bucket, "us-east-1"), "k", CancellationToken.None));
        Assert.Equal(ExposureStatus.NotPublic, result.Status);
        Assert.Equal("GetBucketAcl, GetBucketOwnershipControls, GetBucketPolicy, GetObjectAcl, GetPublicAccessBlock", Operations(calls));
    }

    [Fact]
    public async Task BucketInAnotherRegionIsQueriedThere()
    {
        var bucket = await _s3.NewBucketAsync(S3CannedACL.PublicRead, "eu-west-1");
        var (result, calls) = await Counted(() => _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Equal("eu-west-1", result.Region);
        Assert.Equal(ExposureStatus.Public, result.Status);
        Assert.True(result.PublicRead);
        var location = Assert.Single(calls, c => c.Contains(" GetBucketLocation "));
        Assert.Contains(" us-east-1 ", location);
        Assert.All(calls.Where(c => !c.Contains(" GetBucketLocation ")), c => Assert.Contains(" eu-west-1 ", c));
    }

    [Fact]
    public async Task MissingBucketIsObjectNotFound()
    {
        var bucket = LocalAws.UniqueName("gone");
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("NoSuchBucket", error.ErrorId);
        Assert.Equal(bucket, error.Target);
    }

    [Fact]
    public async Task MissingBucketFromAListIsObjectNotFoundToo()
    {
        var bucket = LocalAws.UniqueName("gone");
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => _s3.Scanner().EvaluateAsync(new ListedBucket(bucket, "us-east-1"), null, CancellationToken.None));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("NoSuchBucket", error.ErrorId);
    }

    [Fact]
    public async Task MissingKeyIsObjectNotFound()
    {
        var bucket = await _s3.NewBucketAsync();
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => _s3.Scanner().EvaluateAsync(bucket, "no/such/key", CancellationToken.None));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("NoSuchKey", error.ErrorId);
    }

    [Theory]
    [InlineData("Invalid_Name!")]
    [InlineData("bucket name")]
    [InlineData("bucket/key")]
    [InlineData("bucket\n")]
    [InlineData("")]
    public async Task InvalidNameIsInvalidArgumentWithoutAnyCall(string name)
    {
        var clientsAsked = 0;
        var scanner = new PublicAccessScanner(_ => { Interlocked.Increment(ref clientsAsked); return _s3.Client(); }, "us-east-1",
            _ => throw new InvalidOperationException("the account must not be read for an invalid name"));
        var output = new CountingOutput();
        EngineOutput.Current = output;
        try
        {
            var error = await Assert.ThrowsAsync<AwsGuardException>(() => scanner.EvaluateAsync(name, null, CancellationToken.None));
            Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
            Assert.Equal(name, error.Target);
            Assert.Contains($"'{name}'", error.Message);
        }
        finally
        {
            EngineOutput.Current = null;
        }
        Assert.Empty(output.Calls);
        Assert.Equal(0, clientsAsked);
    }

    // Every name S3 can list passes: today's rules, and us-east-1's before March 2018 (255 characters, capitals, underscores).
    [Theory]
    [InlineData("abc")]
    [InlineData("my.bucket-1")]
    [InlineData("Legacy_Bucket")]
    [InlineData("UPPER.Case-Name_1")]
    [InlineData("_leading-underscore")]
    [InlineData("bucket..name")]
    public void NamesS3CanListPass(string name) => Assert.Null(BucketNameRules.Problem(name));

    [Fact]
    public void LegacyLengthLimitIs255()
    {
        Assert.Null(BucketNameRules.Problem(new string('a', 255)));
        Assert.Equal("it has 256 characters, and bucket names have at most 255", BucketNameRules.Problem(new string('a', 256)));
    }

    [Fact]
    public void RefusedNameSaysEveryRuleItBreaks()
    {
        var error = Assert.Throws<AwsGuardException>(() => BucketNameRules.Validate(new string('a', 256) + "! /!\n"));
        Assert.Equal("InvalidBucketName", error.ErrorId);
        Assert.Contains("it has 261 characters, and bucket names have at most 255; " +
                        "it contains '!', U+0020, '/', U+000A, and bucket names use only letters, digits, '.', '-' and '_'.", error.Message);
    }

    [Fact]
    public async Task LegacyNamedBucketIsEvaluatedByName()
    {
        var bucket = "Legacy_" + Guid.NewGuid().ToString("N").Substring(0, 12).ToUpperInvariant();
        await _s3.Client().PutBucketAsync(new Amazon.S3.Model.PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicRead });
        var result = await _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(bucket, result.BucketName);
        Assert.Equal(ExposureStatus.Public, result.Status);
    }

    // ---- AccessDenied: moto does not enforce bucket policies on its callers, so one operation is made to fail as AWS fails it
    //      (an AmazonS3Exception AccessDenied, 403) by a proxy over the real moto client; every other call goes to moto.

    [Fact]
    public async Task AccessDeniedOnBucketAclMakesPrivateBucketUnknownNamingTheCall()
    {
        var bucket = await _s3.NewBucketAsync();
        var scanner = _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetBucketAcl"));
        var result = await scanner.EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.Unknown, result.Status);
        Assert.False(result.IsPublic);
        Assert.False(result.PublicRead);
        var failure = Assert.Single(result.Reasons, r => r.FailedCall is not null);
        Assert.Equal("s3:GetBucketAcl", failure.FailedCall);
        Assert.Equal("AccessDenied", failure.ErrorId);
        Assert.Equal(ExposureSource.Acl, failure.Source);
        Assert.Contains("s3:GetBucketAcl", failure.Detail);
    }

    [Fact]
    public async Task AccessDeniedOnBucketAclIsNotReportedAsPublicEvenForAPublicAclBucket()
    {
        var bucket = await _s3.NewBucketAsync(S3CannedACL.PublicRead);
        var result = await _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetBucketAcl")).EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.Unknown, result.Status);
    }

    [Fact]
    public async Task AccessDeniedOnPublicAccessBlockWithPublicPolicyIsUnknown()
    {
        var bucket = await _s3.NewBucketAsync();
        await _s3.Client().PutBucketPolicyAsync(bucket, PublicPolicy.Replace("BUCKET", bucket));
        var result = await _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetPublicAccessBlock")).EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.Unknown, result.Status);
        Assert.Contains(result.Reasons, r => r.FailedCall == "s3:GetBucketPublicAccessBlock" && r.Source == ExposureSource.BucketBlockPublicAccess);
        Assert.Contains(result.Reasons, r => r.Source == ExposureSource.Policy && r.FailedCall is null);
    }

    [Fact]
    public async Task AccessDeniedOnPublicAccessBlockCannotMakeAPrivateBucketPublicOrUnknown()
    {
        var bucket = await _s3.NewBucketAsync();
        var result = await _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetPublicAccessBlock")).EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.NotPublic, result.Status);
        Assert.Contains(result.Reasons, r => r.FailedCall == "s3:GetBucketPublicAccessBlock");
    }

    [Fact]
    public async Task AccessDeniedOnPolicyMakesBucketUnknown()
    {
        var bucket = await _s3.NewBucketAsync();
        var result = await _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetBucketPolicy")).EvaluateAsync(bucket, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.Unknown, result.Status);
        Assert.Contains(result.Reasons, r => r.FailedCall == "s3:GetBucketPolicy" && r.ErrorId == "AccessDenied");
    }

    [Fact]
    public async Task AccessDeniedOnLocationIsUnknownWithoutFurtherCalls()
    {
        var bucket = await _s3.NewBucketAsync(S3CannedACL.PublicRead);
        var (result, calls) = await Counted(() =>
            _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetBucketLocation")).EvaluateAsync(bucket, null, CancellationToken.None));
        Assert.Equal(ExposureStatus.Unknown, result.Status);
        Assert.Null(result.Region);
        Assert.Contains(result.Reasons, r => r.FailedCall == "s3:GetBucketLocation" && r.Source == ExposureSource.BucketLocation);
        Assert.Empty(calls); // the failing call never reached moto, and nothing else was asked
    }

    [Fact]
    public async Task ScanGoesOnAfterOneBucketFails()
    {
        var denied = await _s3.NewBucketAsync();
        var open = await _s3.NewBucketAsync(S3CannedACL.PublicRead);
        var scanner = _s3.Scanner(wrap: (_, c) => FailingS3.Wrap(c, "GetBucketOwnershipControls"));
        var results = await Task.WhenAll(new[] { denied, open }.Select(b => scanner.EvaluateAsync(b, null, CancellationToken.None)));
        // Ownership is unknown: it could disable the public ACL, so that bucket is Unknown; the private one is still NotPublic.
        Assert.Equal(ExposureStatus.NotPublic, results[0].Status);
        Assert.Equal(ExposureStatus.Unknown, results[1].Status);
        Assert.All(results, r => Assert.Contains(r.Reasons, x => x.FailedCall == "s3:GetBucketOwnershipControls"));
    }

    [Fact]
    public async Task AccountLevelFailureIsAReasonAndTheAccountIsReadOnce()
    {
        var reads = 0;
        var open = await _s3.NewBucketAsync(S3CannedACL.PublicRead);
        var closed = await _s3.NewBucketAsync();
        var scanner = new PublicAccessScanner(r => _s3.Client(r), "us-east-1", _ =>
        {
            Interlocked.Increment(ref reads);
            throw new AwsGuardException(ErrorKind.PermissionDenied, "AccessDenied", "Access Denied");
        });
        var a = await scanner.EvaluateAsync(open, null, CancellationToken.None);
        var b = await scanner.EvaluateAsync(closed, null, CancellationToken.None);
        Assert.Equal(ExposureStatus.Unknown, a.Status);
        Assert.Contains(a.Reasons, r => r.FailedCall == PublicAccessScanner.AccountCall && r.Source == ExposureSource.AccountBlockPublicAccess);
        Assert.Equal(ExposureStatus.NotPublic, b.Status);
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AccountFlagsAreFetchedOncePerScan()
    {
        var reads = 0;
        var scanner = new PublicAccessScanner(r => _s3.Client(r), "us-east-1", _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult<BlockPublicAccessFlags?>(new BlockPublicAccessFlags(false, true, false, false));
        });
        var buckets = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _s3.NewBucketAsync(S3CannedACL.PublicRead)));
        var results = await Task.WhenAll(buckets.Select(b => scanner.EvaluateAsync(b, null, CancellationToken.None)));
        Assert.All(results, r => Assert.Equal(ExposureStatus.Blocked, r.Status));
        Assert.All(results, r => Assert.True(r.EffectiveBlockPublicAccess.IgnorePublicAcls));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task ListsEveryBucketPlacingThoseOfTheHomeRegionWithOneMoreListing()
    {
        var made = new[] { await _s3.NewBucketAsync(), await _s3.NewBucketAsync(region: "eu-west-1") };
        var seen = new ConcurrentBag<ListedBucket>();
        var (_, calls) = await Counted(async () =>
        {
            await _s3.Scanner().ListBucketsAsync(b => { seen.Add(b); return Task.CompletedTask; }, CancellationToken.None);
            return 0;
        });
        Assert.All(made, name => Assert.Contains(seen, b => b.Name == name));
        // moto names no region in its listing: one more ListBuckets, filtered by the home region, places the buckets there.
        Assert.Equal("ListBuckets, ListBuckets", Operations(calls));
        Assert.Equal("us-east-1", seen.Single(b => b.Name == made[0]).Region);
        var listed = seen.Single(b => b.Name == made[1]);
        Assert.Null(listed.Region);
        var result = await _s3.Scanner().EvaluateAsync(listed, null, CancellationToken.None);
        Assert.Equal("eu-west-1", result.Region);
    }

    [Fact]
    public async Task CancellationIsNotAFinding()
    {
        var bucket = await _s3.NewBucketAsync();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _s3.Scanner().EvaluateAsync(bucket, null, cancel.Token));
    }
}
