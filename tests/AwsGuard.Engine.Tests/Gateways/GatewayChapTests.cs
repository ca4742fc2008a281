using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Gateways;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;
using static AwsGuard.Engine.Tests.Gateways.ChapRulesTests;

namespace AwsGuard.Engine.Tests.Gateways;

/// <summary>Set-GatewayChap's and Get-GatewayChap's engine against the Storage Gateway double.</summary>
[Collection(StorageGatewayCollection.Name)]
public sealed class GatewayChapTests
{
    private readonly StorageGatewayDouble _sgw;

    public GatewayChapTests(StorageGatewayDouble sgw) => _sgw = sgw;

    /// <summary>A session with keys and the double's endpoint; no region unless asked for, as a user's may have none.</summary>
    internal static GatewayChap Chap(StorageGatewayDouble sgw, string? sessionRegion = null, string? explicitRegion = null)
    {
        var provider = new SessionProvider(_ => null);
        var session = provider.Resolve(new SessionParameters
        {
            AccessKey = LocalAws.AccessKey, SecretKey = LocalAws.SecretKey, Region = sessionRegion,
            EndpointUrl = sgw.Endpoint.AbsoluteUri, ProfileLocation = "/nonexistent/awsguard-credentials",
        });
        return GatewayChap.ForSession(provider, session, explicitRegion);
    }

    /// <summary>One gateway of the given type with volumes named by their targets; answers (gateway ARN, target ARNs).</summary>
    internal static async Task<(string Gateway, string[] Targets, string[] Volumes)> GatewayAsync(StorageGatewayDouble sgw, string region, string type,
        params object[] volumes)
    {
        var made = (await sgw.SeedAsync(new { gateways = new[] { new { region, type, volumes } } }))[0];
        var seeded = made.GetProperty("Volumes").EnumerateArray().ToList();
        return (made.GetProperty("GatewayARN").GetString()!, seeded.Select(v => v.GetProperty("TargetARN").GetString()!).ToArray(),
            seeded.Select(v => v.GetProperty("VolumeARN").GetString()!).ToArray());
    }

    internal static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N").Substring(0, 10);

    private static string Plain(SecureString? secure) => new NetworkCredential("", secure).Password;

    [Fact]
    public async Task Sets_one_way_then_mutual_chap_in_the_targets_region_without_a_session_region()
    {
        var (_, targets, _) = await GatewayAsync(_sgw, "eu-central-1", "STORED", new { target = Unique("t") });
        var chap = Chap(_sgw);

        var oneWay = await chap.SetAsync(ChapRules.Check(targets[0], Initiator, Secure("one-way-12345"), null), CancellationToken.None);
        Assert.True(oneWay.ChapEnabled);
        Assert.False(oneWay.MutualChap);
        var read = Assert.Single(await chap.DescribeAsync(targets[0], null, CancellationToken.None));
        Assert.Equal(Initiator, read.InitiatorName);
        Assert.False(read.MutualChap);
        Assert.Equal("one-way-12345", Plain(read.InitiatorSecret));

        var mutual = await chap.SetAsync(ChapRules.Check(targets[0], Initiator, Secure("rotated-1234"), Secure("target-side-99")), CancellationToken.None);
        Assert.True(mutual.MutualChap);
        Assert.Equal("target-side-99", Plain(mutual.TargetSecret));
        read = Assert.Single(await chap.DescribeAsync(targets[0], null, CancellationToken.None));
        Assert.True(read.MutualChap);
        Assert.Equal("rotated-1234", Plain(read.InitiatorSecret));
        Assert.Equal("target-side-99", Plain(read.TargetSecret));
        Assert.Equal(targets[0].Substring(targets[0].IndexOf("/target/", StringComparison.Ordinal) + 8), read.TargetName);
    }

    [Fact]
    public async Task Reads_how_an_initiator_has_chap_today()
    {
        var initiatorB = "iqn.1991-05.com.microsoft:" + Unique("b");
        var (_, targets, _) = await GatewayAsync(_sgw, "eu-central-1", "STORED", new
        {
            target = Unique("t"),
            chap = new object[]
            {
                new { initiator = Initiator, initiatorSecret = "abcdefghijkl" },
                new { initiator = initiatorB, initiatorSecret = "bbbbbbbbbbbb", targetSecret = "mnopqrstuvwx" },
            },
        });
        var chap = Chap(_sgw);
        Task<ChapSetting> Today(string initiator) =>
            chap.SettingTodayAsync(ChapRules.Check(targets[0], initiator, Secure("abcdefghijkl"), null), CancellationToken.None);
        Assert.Equal(ChapSetting.OneWay, await Today(Initiator));
        Assert.Equal(ChapSetting.Mutual, await Today(initiatorB));
        Assert.Equal(ChapSetting.None, await Today("iqn.1991-05.com.microsoft:" + Unique("c")));
    }

    [Fact]
    public async Task Audits_every_target_of_stored_and_cached_gateways_with_chap_state()
    {
        var initiatorB = "iqn.1991-05.com.microsoft:" + Unique("b");
        var (stored, storedTargets, storedVolumes) = await GatewayAsync(_sgw, "ap-south-1", "STORED",
            new { target = Unique("s") },
            new { target = Unique("s"), chap = new[] { new { initiator = Initiator, initiatorSecret = "abcdefghijkl" } } },
            new { target = Unique("s"), chap = new object[]
            {
                new { initiator = Initiator, initiatorSecret = "abcdefghijkl", targetSecret = "mnopqrstuvwx" },
                new { initiator = initiatorB, initiatorSecret = "bbbbbbbbbbbb" },
            } });
        var (cached, cachedTargets, _) = await GatewayAsync(_sgw, "ap-south-1", "CACHED", new { target = Unique("c") });

        var found = new List<ChapCredential>();
        var chap = Chap(_sgw);
        await chap.AuditGatewayAsync(stored, found.Add, CancellationToken.None);
        Assert.Equal(4, found.Count); // one target without CHAP, one with one initiator, one with two
        var open = Assert.Single(found, c => c.TargetArn == storedTargets[0]);
        Assert.False(open.ChapEnabled);
        Assert.Null(open.InitiatorName);
        Assert.Equal(storedVolumes[0], open.VolumeArn);
        Assert.Equal(stored, open.GatewayArn);
        Assert.False(Assert.Single(found, c => c.TargetArn == storedTargets[1]).MutualChap);
        var third = found.Where(c => c.TargetArn == storedTargets[2]).ToList();
        Assert.True(Assert.Single(third, c => c.InitiatorName == Initiator).MutualChap);
        Assert.False(Assert.Single(third, c => c.InitiatorName == initiatorB).MutualChap);

        // Every gateway of the region (the session's region now): both gateways are among them.
        var gateways = await Chap(_sgw, "ap-south-1").ListVolumeGatewaysAsync(CancellationToken.None);
        Assert.Contains(stored, gateways);
        Assert.Contains(cached, gateways);
        found.Clear();
        await chap.AuditGatewayAsync(cached, found.Add, CancellationToken.None);
        Assert.Equal(cachedTargets[0], Assert.Single(found).TargetArn);
    }

    [Fact]
    public async Task Every_gateway_needs_a_region_and_says_so()
    {
        var error = await Assert.ThrowsAsync<AwsGuardException>(() => Chap(_sgw).ListVolumeGatewaysAsync(CancellationToken.None));
        Assert.Equal("NoRegion", error.ErrorId);
    }

    [Fact]
    public async Task Explicit_region_wins_over_the_arns_and_service_errors_keep_their_precise_code()
    {
        var (_, targets, _) = await GatewayAsync(_sgw, "us-west-1", "STORED", new { target = Unique("t") });
        // Asked in another region, the service does not know the gateway: InvalidGatewayRequestException, errorCode GatewayNotFound.
        var error = AwsErrors.Explain(await Assert.ThrowsAnyAsync<Exception>(() =>
            Chap(_sgw, explicitRegion: "us-west-2").DescribeAsync(targets[0], null, CancellationToken.None)));
        Assert.Equal("GatewayNotFound", error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("InvalidGatewayRequestException", error.Message);

        error = AwsErrors.Explain(await Assert.ThrowsAnyAsync<Exception>(() =>
            Chap(_sgw).DescribeAsync(targets[0] + "x", null, CancellationToken.None)));
        Assert.Equal("TargetNotFound", error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
    }
}
