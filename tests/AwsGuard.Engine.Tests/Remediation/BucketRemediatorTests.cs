using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Remediation;
using AwsGuard.Engine.Tests.Infrastructure;
using AwsGuard.Engine.Tests.PublicAccess;
using Xunit;

namespace AwsGuard.Engine.Tests.Remediation;

/// <summary>Changes against moto: all or nothing per bucket, with the record kept only when the bucket changed.</summary>
[Collection(LocalAwsCollection.Name)]
public sealed class BucketRemediatorTests : IDisposable
{
    private readonly LocalAws _aws;
    private readonly MotoS3 _s3;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), LocalAws.UniqueName("records"));

    public BucketRemediatorTests(LocalAws aws)
    {
        _aws = aws;
        _s3 = new MotoS3(aws);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    private BucketRemediator Remediator(string? failing = null) =>
        new(_s3.Scanner(), region => failing is null ? _s3.Client(region) : FailingS3.Wrap(_s3.Client(region), failing), _ => Task.FromResult("123456789012"));

    private async Task<string> PublicBucketAsync()
    {
        var bucket = await _s3.NewBucketAsync(S3CannedACL.PublicRead);
        await _s3.Client().PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = bucket,
            Policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}",
        });
        return bucket;
    }

    private async Task<BucketAccessChange> PlanAsync(BucketRemediator remediator, string bucket, BucketAccessMethod method)
    {
        var reading = await remediator.ReadAsync(bucket, null, CancellationToken.None);
        var plan = BlockDecision.Decide(new BlockFacts(method, reading.Exposure, reading.State, reading.AllowTagged, false));
        return new BucketAccessChange
        {
            BucketName = bucket, Region = reading.Exposure.Region!, AccountId = "123456789012", Method = method, Changed = true,
            Before = reading.State, After = plan.After, Time = DateTime.UtcNow,
        };
    }

    [Fact]
    public async Task WhenTheSecondChangeFailsTheFirstIsPutBackAndTheRecordRemoved()
    {
        var bucket = await PublicBucketAsync();
        var change = await PlanAsync(Remediator(), bucket, BucketAccessMethod.RemovePublicGrants);
        Assert.Equal(new[] { StatePart.Policy, StatePart.Acl }, AccessStates.Diff(change.Before, change.After));

        var error = await Assert.ThrowsAsync<AwsGuardException>(() => Remediator("PutBucketAcl").ApplyAsync(change, _folder, CancellationToken.None));
        Assert.Equal("AccessDenied", error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("s3:PutBucketAcl", error.Message);
        Assert.Contains("The change already made was put back (DeleteBucketPolicy: remove statement(s) 'PublicRead')", error.Message);
        Assert.Contains("s3:PutBucketAcl", error.RecommendedAction);
        var now = await Remediator().ReadStateAsync(bucket, change.Region, null, CancellationToken.None);
        Assert.Empty(AccessStates.Differences(change.Before, now));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task AnAclOfOnlyPublicGrantsIsLeftWithTheOwnersFullControlAndPutBackExactly()
    {
        var bucket = await _s3.NewBucketAsync();
        await _s3.Client().PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, GrantRead = "uri=\"" + AclEvaluator.AllUsers + "\"" });
        var change = await PlanAsync(Remediator(), bucket, BucketAccessMethod.RemovePublicGrants);
        Assert.Equal(new[] { "READ uri=" + AclEvaluator.AllUsers }, change.Before.Acl);
        Assert.Equal(new[] { "FULL_CONTROL id=" + change.Before.AclOwner }, change.After.Acl);

        await Remediator().ApplyAsync(change, _folder, CancellationToken.None);
        var blocked = await Remediator().ReadStateAsync(bucket, change.Region, null, CancellationToken.None);
        Assert.Empty(AccessStates.Differences(change.After, blocked));
        Assert.Equal(ExposureStatus.NotPublic, (await _s3.Scanner().EvaluateAsync(bucket, null, CancellationToken.None)).Status);

        var undo = new BucketAccessChange
        {
            BucketName = bucket, Region = change.Region, AccountId = change.AccountId, Method = BucketAccessMethod.Restore, Changed = true,
            Before = blocked, After = change.Before, Time = DateTime.UtcNow,
        };
        await Remediator().ApplyAsync(undo, null, CancellationToken.None);
        Assert.Empty(AccessStates.Differences(change.Before, await Remediator().ReadStateAsync(bucket, change.Region, null, CancellationToken.None)));
    }

    [Fact]
    public async Task ADeniedOnlyChangeChangesNothing()
    {
        var bucket = await PublicBucketAsync();
        var change = await PlanAsync(Remediator(), bucket, BucketAccessMethod.BlockPublicAccess);
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => Remediator("PutPublicAccessBlock").ApplyAsync(change, _folder, CancellationToken.None));
        Assert.EndsWith("Nothing was changed.", error.Message);
        Assert.Contains("s3:PutBucketPublicAccessBlock", error.RecommendedAction);
        Assert.Null((await Remediator().ReadStateAsync(bucket, change.Region, null, CancellationToken.None)).BlockPublicAccess);
    }

    [Fact]
    public async Task FiftyBucketsUnderThirtyPercentFaultsEndBlockedWithOneRecordEach()
    {
        var buckets = new List<string>();
        for (var i = 0; i < 50; i++) buckets.Add(await _s3.NewBucketAsync(S3CannedACL.PublicRead));
        using var proxy = new FaultProxy(_aws.Endpoint, new FaultPlan { FaultRate = 0.3, Seed = 16, Latency = TimeSpan.FromMilliseconds(5) });
        var viaProxy = AwsClients.S3(new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey), LocalAws.Region, proxy.Endpoint);
        var remediator = new BucketRemediator(new PublicAccessScanner(_ => viaProxy, LocalAws.Region, PublicAccessScanner.Fixed(null)),
            _ => viaProxy, _ => Task.FromResult("123456789012"));

        // As a runbook would: a bucket whose change failed past the retries is run again; one already blocked needs nothing.
        var failed = new List<string>();
        var pending = buckets;
        for (var pass = 0; pass < 3 && pending.Count > 0; pass++)
        {
            var next = new List<string>();
            foreach (var bucket in pending)
            {
                try
                {
                    var reading = await remediator.ReadAsync(bucket, null, CancellationToken.None);
                    var plan = BlockDecision.Decide(new BlockFacts(BucketAccessMethod.BlockPublicAccess, reading.Exposure, reading.State, false, false));
                    if (plan.Outcome == BlockOutcome.Unknown) throw new AwsGuardException(ErrorKind.NotSpecified, "ExposureUnknown", string.Join(" ", plan.Reasons));
                    if (plan.Outcome != BlockOutcome.Change) continue;
                    await remediator.ApplyAsync(new BucketAccessChange
                    {
                        BucketName = bucket, Region = reading.Exposure.Region!, AccountId = "123456789012", Changed = true,
                        Before = reading.State, After = plan.After, Time = DateTime.UtcNow,
                    }, _folder, CancellationToken.None);
                }
                catch (AwsGuardException error)
                {
                    failed.Add($"{bucket}: {error.Message}");
                    next.Add(bucket);
                }
            }
            pending = next;
        }

        Assert.True(pending.Count == 0, "still failing after 3 runs:\n" + string.Join("\n", failed));
        Assert.True(proxy.Injected > 100, $"only {proxy.Injected} faults were injected");
        foreach (var bucket in buckets)
        {
            var flags = (await _s3.Client().GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
            Assert.True(flags.BlockPublicAcls == true && flags.IgnorePublicAcls == true, bucket);
            Assert.False(flags.BlockPublicPolicy == true || flags.RestrictPublicBuckets == true, bucket);
        }
        var records = Directory.GetFiles(_folder).Select(f => ChangeRecords.FromJson(File.ReadAllText(f), f).BucketName).OrderBy(b => b).ToList();
        Assert.Equal(buckets.OrderBy(b => b), records);
    }

    [Fact]
    public async Task TheRecordIsWrittenWholeAndReadsBack()
    {
        var bucket = await PublicBucketAsync();
        var change = await PlanAsync(Remediator(), bucket, BucketAccessMethod.BlockPublicAccess);
        await Remediator().ApplyAsync(change, _folder, CancellationToken.None);
        var file = Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal(change.RecordPath, file);
        var read = ChangeRecords.FromJson(File.ReadAllText(file), file);
        Assert.Empty(AccessStates.Differences(change.Before, read.Before));
        Assert.Empty(AccessStates.Differences(change.After, read.After));
        Assert.Equal(BucketAccessMethod.BlockPublicAccess, read.Method);
        var error = Assert.Throws<AwsGuardException>(() => ChangeRecords.FromJson("[1]", "x.json"));
        Assert.Equal("NotAChangeRecord", error.ErrorId);
    }
}
