using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;
using LoadBalancer = AwsGuard.Engine.Wire.LoadBalancer;

namespace AwsGuard.Engine.Ddos;

/// <summary>The clients a scan reads through: regional ones by region, the global services' once.</summary>
public sealed class DdosClients
{
    public Func<string, IElasticLoadBalancingClient> ElasticLoadBalancing { get; set; } = null!;
    public Func<string, IWafv2Client> Wafv2 { get; set; } = null!;
    public Func<string, IAmazonEC2> Ec2 { get; set; } = null!;
    public Func<string, ICloudWatchClient> CloudWatch { get; set; } = null!;
    public ICloudFrontClient CloudFront { get; set; } = null!;
    public IRoute53Client Route53 { get; set; } = null!;
    public IShieldClient Shield { get; set; } = null!;

    /// <summary>Where the global services live and their web ACLs and metrics are read: us-east-1 in the commercial partition.</summary>
    public string GlobalRegion { get; set; } = null!;

    public Func<CancellationToken, Task<string>> AccountId { get; set; } = null!;
}

/// <summary>
/// Finds the internet-facing entry points (load balancers and Elastic IPs per region; CloudFront distributions and
/// public hosted zones once) and gathers the facts <see cref="ReadinessDecision"/> judges. A call that fails leaves the
/// facts it would have given unknown, naming the call; only a listing's failure fails that listing.
/// </summary>
public sealed class DdosReadinessScanner(DdosClients clients)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _once = new();

    public static DdosReadinessScanner ForSession(SessionProvider provider, AwsSession session)
    {
        var home = session.RequireRegion();
        var identity = IdentityReader.ForSession(provider, session);
        return new(new DdosClients
        {
            ElasticLoadBalancing = region => provider.GetClient("elasticloadbalancing", session, region, WireClients.ElasticLoadBalancing),
            Wafv2 = region => provider.GetClient("wafv2", session, region, WireClients.Wafv2),
            Ec2 = region => provider.GetClient("ec2", session, region, AwsClients.Ec2),
            CloudWatch = region => provider.GetClient("cloudwatch", session, region, WireClients.CloudWatch),
            CloudFront = provider.GetClient("cloudfront", session, home, WireClients.CloudFront),
            Route53 = provider.GetClient("route53", session, home, WireClients.Route53),
            Shield = provider.GetClient("shield", session, home, WireClients.Shield),
            GlobalRegion = WireEndpoints.CloudFront(home, null).SigningRegion,
            AccountId = async cancel => (await identity.GetAsync(cancel).ConfigureAwait(false)).Account ?? "",
        });
    }

    /// <summary>Internet-facing Application and Network Load Balancers of a region (internal ones and Gateway Load Balancers are not entry points).</summary>
    public async Task ScanLoadBalancersAsync(string region, Action<DdosReadiness> emit, CancellationToken cancel)
    {
        // A load balancer is internet-facing unless it says internal: AWS's default scheme, and what an answer without one (moto's) means.
        foreach (var balancer in await LoadBalancersAsync(region, cancel).ConfigureAwait(false))
            if (balancer.Scheme != "internal" && LoadBalancerEntry(balancer, region, await AccountAsync(cancel).ConfigureAwait(false)) is { } entry)
                emit(await EvaluateAsync(entry, cancel).ConfigureAwait(false));
    }

    public async Task ScanElasticIpsAsync(string region, Action<DdosReadiness> emit, CancellationToken cancel)
    {
        foreach (var entry in await ElasticIpsAsync(region, null, cancel).ConfigureAwait(false))
            emit(await EvaluateAsync(entry, cancel).ConfigureAwait(false));
    }

    public async Task ScanDistributionsAsync(Action<DdosReadiness> emit, CancellationToken cancel)
    {
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        foreach (var distribution in await ListedDistributionsAsync(cancel).ConfigureAwait(false))
            emit(await EvaluateAsync(DistributionEntry(distribution, account), cancel).ConfigureAwait(false));
    }

    /// <summary>Public hosted zones (private ones answer only inside their VPCs).</summary>
    public async Task ScanHostedZonesAsync(Action<DdosReadiness> emit, CancellationToken cancel)
    {
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        foreach (var zone in await HostedZonesAsync(cancel).ConfigureAwait(false))
            if (!zone.IsPrivate) emit(await EvaluateAsync(ZoneEntry(zone, account), cancel).ConfigureAwait(false));
    }

    /// <summary>One resource by ARN (its form checked by <see cref="DdosArn.Parse"/> first).</summary>
    public async Task<DdosReadiness> EvaluateAsync(string resourceArn, CancellationToken cancel)
    {
        var arn = DdosArn.Parse(resourceArn);
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        EntryPoint? entry = arn.Type switch
        {
            DdosResourceType.CloudFrontDistribution => (await ListedDistributionsAsync(cancel).ConfigureAwait(false))
                .Where(d => d.Arn == resourceArn || d.Id == arn.Id).Select(d => DistributionEntry(d, account)).FirstOrDefault(),
            DdosResourceType.HostedZone => (await HostedZonesAsync(cancel).ConfigureAwait(false))
                .Where(z => z.Id == arn.Id).Select(z => ZoneEntry(z, account)).FirstOrDefault(),
            DdosResourceType.ElasticIp => (await ElasticIpsAsync(arn.Region, arn.Id, cancel).ConfigureAwait(false)).FirstOrDefault(),
            _ => (await LoadBalancersAsync(arn.Region, cancel).ConfigureAwait(false))
                .Where(b => b.Arn == resourceArn).Select(b => LoadBalancerEntry(b, arn.Region, account)).FirstOrDefault(),
        };
        if (entry is null)
            throw new AwsGuardException(ErrorKind.ObjectNotFound, "ResourceNotFound", $"No such resource in account {account}: {resourceArn}.", resourceArn);
        return await EvaluateAsync(entry, cancel).ConfigureAwait(false);
    }

    private async Task<DdosReadiness> EvaluateAsync(EntryPoint entry, CancellationToken cancel)
    {
        var facts = new DdosFacts(entry);
        var protections = await ProtectionsAsync(cancel).ConfigureAwait(false);
        if (entry.WafApplicable) await ReadWafAsync(facts, cancel).ConfigureAwait(false);
        if (!protections.Known) facts.Shield = Observed<ShieldAdvancedState>.Failed(protections.FailedCall!, protections.ErrorId!);
        else if (protections.Value is null) facts.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.NotSubscribed);
        else if (!protections.Value.TryGetValue(entry.Arn, out var protection)) facts.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Unprotected);
        else
        {
            facts.Shield = Observed<ShieldAdvancedState>.Of(ShieldAdvancedState.Protected);
            facts.HealthCheckAssociated = protection.HealthCheckIds.Count > 0;
            facts.DdosAlarm = await Observe("cloudwatch:DescribeAlarmsForMetric", async () =>
                (await clients.CloudWatch(MetricRegion(entry)).DescribeAlarmsForMetricAsync("AWS/DDoSProtection", "DDoSDetected",
                    new Dictionary<string, string> { ["ResourceArn"] = entry.Arn }, cancel).ConfigureAwait(false))
                // Only alarms on this resource's metric: AWS filters by the dimensions asked for, but not every endpoint does.
                .Any(a => a.Dimensions.TryGetValue("ResourceArn", out var watched) && watched == entry.Arn)).ConfigureAwait(false);
        }
        if (entry.IsLoadBalancer) facts.Origin = await OriginAsync(entry, cancel).ConfigureAwait(false);
        if (entry.Type == DdosResourceType.HostedZone) facts.Zone = await ZoneAsync(entry, cancel).ConfigureAwait(false);
        return ReadinessDecision.Decide(facts);
    }

    private async Task ReadWafAsync(DdosFacts facts, CancellationToken cancel)
    {
        var entry = facts.Entry;
        if (entry.Type == DdosResourceType.CloudFrontDistribution)
        {
            var distribution = (await ListedDistributionsAsync(cancel).ConfigureAwait(false)).First(d => d.Arn == entry.Arn);
            facts.WebAcl = distribution.WebAclId is not { } aclArn ? Observed<WebAcl?>.Of(null)
                : await Observe<WebAcl?>("wafv2:GetWebACL", async () => await GetCloudFrontAclAsync(aclArn, cancel).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else
        {
            facts.WebAcl = await Observe("wafv2:GetWebACLForResource",
                () => clients.Wafv2(entry.Region).GetWebAclForResourceAsync(entry.Arn, cancel)).ConfigureAwait(false);
        }
        if (facts.WebAcl is { Known: true, Value: { } acl })
            facts.WafLogging = await Observe("wafv2:GetLoggingConfiguration",
                () => clients.Wafv2(WafRegion(entry)).HasLoggingAsync(acl.Arn, cancel)).ConfigureAwait(false);
    }

    /// <summary>A distribution's WebACLId is a WAFv2 ARN (…:global/webacl/NAME/ID); anything else is a WAF Classic ACL id, which has no rules to read here.</summary>
    private Task<WebAcl> GetCloudFrontAclAsync(string aclArn, CancellationToken cancel)
    {
        var parts = aclArn.Split('/');
        if (!aclArn.StartsWith("arn:", StringComparison.Ordinal) || parts.Length < 4)
            throw new AwsGuardException(ErrorKind.ReadError, "WafClassicAcl", $"The distribution uses the AWS WAF Classic ACL '{aclArn}', which AwsGuard does not read: migrate it to AWS WAF.", aclArn);
        return clients.Wafv2(clients.GlobalRegion).GetWebAclAsync(parts[parts.Length - 2], "CLOUDFRONT", parts[parts.Length - 1], cancel);
    }

    private async Task<Observed<OriginFacts?>> OriginAsync(EntryPoint entry, CancellationToken cancel)
    {
        var distributions = await Observe("cloudfront:ListDistributions", () => ListedDistributionsAsync(cancel)).ConfigureAwait(false);
        if (!distributions.Known) return Observed<OriginFacts?>.Failed(distributions.FailedCall!, distributions.ErrorId!);
        var name = entry.Name.TrimEnd('.');
        if (!distributions.Value.Any(d => (d.Origins ?? new string[0]).Any(o =>
                string.Equals(o.TrimEnd('.'), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(o.TrimEnd('.'), "dualstack." + name, StringComparison.OrdinalIgnoreCase))))
            return Observed<OriginFacts?>.Of(null);

        var ports = await Observe("elasticloadbalancing:DescribeListeners", () => ListenerPortsAsync(entry, cancel)).ConfigureAwait(false);
        if (!ports.Known) return Observed<OriginFacts?>.Failed(ports.FailedCall!, ports.ErrorId!);
        var prefixList = await OriginFacingPrefixListAsync(entry.Region, cancel).ConfigureAwait(false);
        if (entry.SecurityGroups.Count == 0) return Observed<OriginFacts?>.Of(new OriginFacts(new[] { "no security group" }, prefixList));
        var groups = await Observe("ec2:DescribeSecurityGroups", () => clients.Ec2(entry.Region).DescribeSecurityGroupsAsync(
            new DescribeSecurityGroupsRequest { GroupIds = entry.SecurityGroups.ToList() }, cancel)).ConfigureAwait(false);
        if (!groups.Known) return Observed<OriginFacts?>.Failed(groups.FailedCall!, groups.ErrorId!);
        return Observed<OriginFacts?>.Of(new OriginFacts(OpenRules(groups.Value.SecurityGroups ?? new List<SecurityGroup>(), ports.Value), prefixList));
    }

    /// <summary>The ingress rules that admit anyone (0.0.0.0/0, ::/0) on a listener port, as "sg-1 tcp 443 from 0.0.0.0/0".</summary>
    internal static IReadOnlyList<string> OpenRules(IEnumerable<SecurityGroup> groups, IReadOnlyList<int> ports) =>
        (from g in groups
         from rule in g.IpPermissions ?? new List<IpPermission>()
         where rule.IpProtocol is "-1" or "tcp" or "6"
         from source in (rule.Ipv4Ranges ?? new List<IpRange>()).Select(r => r.CidrIp)
             .Concat((rule.Ipv6Ranges ?? new List<Ipv6Range>()).Select(r => r.CidrIpv6))
         where source is "0.0.0.0/0" or "::/0"
         from port in ports
         where rule.IpProtocol == "-1" || ((rule.FromPort ?? 0) <= port && port <= (rule.ToPort ?? 65535))
         select $"{g.GroupId} tcp {port} from {source}").Distinct().ToList();

    private async Task<IReadOnlyList<int>> ListenerPortsAsync(EntryPoint entry, CancellationToken cancel) => await AllPagesAsync<int, string>(async marker =>
    {
        var page = await clients.ElasticLoadBalancing(entry.Region).DescribeListenerPortsAsync(entry.Arn, marker, cancel).ConfigureAwait(false);
        return (page.Items, page.NextMarker);
    }).ConfigureAwait(false);

    /// <summary>The origin-facing prefix list's id for the fix's message; the message names the list without it when it cannot be read.</summary>
    private Task<string?> OriginFacingPrefixListAsync(string region, CancellationToken cancel) => Once("prefix-list|" + region, async () =>
    {
        try
        {
            var answer = await clients.Ec2(region).DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest
            {
                Filters = new List<Filter> { new("prefix-list-name", new List<string> { ReadinessDecision.OriginFacingPrefixList }) },
            }, cancel).ConfigureAwait(false);
            return answer.PrefixLists?.FirstOrDefault()?.PrefixListId;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    });

    private async Task<Observed<ZoneFacts>> ZoneAsync(EntryPoint entry, CancellationToken cancel) => await Observe("route53:ListResourceRecordSets", async () =>
    {
        var zoneId = entry.Arn.Substring(entry.Arn.LastIndexOf('/') + 1);
        var records = await AllPagesAsync<RecordSet, RecordSetStart>(async start =>
        {
            var page = await clients.Route53.ListResourceRecordSetsAsync(zoneId, start, cancel).ConfigureAwait(false);
            return (page.Items, page.NextRecord);
        }).ConfigureAwait(false);
        return new ZoneFacts(records.Count(r => !string.IsNullOrEmpty(r.HealthCheckId)), records.Count(r => !string.IsNullOrEmpty(r.Failover)));
    }).ConfigureAwait(false);

    /// <summary>Shield Advanced protections by resource ARN; null when the account does not subscribe.</summary>
    private Task<Observed<Dictionary<string, ShieldProtection>?>> ProtectionsAsync(CancellationToken cancel) => Once("shield", async () =>
    {
        var subscribed = await Observe("shield:DescribeSubscription", () => clients.Shield.IsSubscribedAsync(cancel)).ConfigureAwait(false);
        if (!subscribed.Known) return Observed<Dictionary<string, ShieldProtection>?>.Failed(subscribed.FailedCall!, subscribed.ErrorId!);
        if (!subscribed.Value) return Observed<Dictionary<string, ShieldProtection>?>.Of(null);
        return await Observe<Dictionary<string, ShieldProtection>?>("shield:ListProtections", async () =>
            (await AllPagesAsync<ShieldProtection, string>(async token =>
            {
                var page = await clients.Shield.ListProtectionsAsync(token, cancel).ConfigureAwait(false);
                return (page.Items, page.NextToken);
            }).ConfigureAwait(false)).GroupBy(p => p.ResourceArn, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal)).ConfigureAwait(false);
    });

    private Task<List<LoadBalancer>> LoadBalancersAsync(string region, CancellationToken cancel) => Once("elb|" + region, () =>
        Listing("elasticloadbalancing:DescribeLoadBalancers", () => AllPagesAsync<LoadBalancer, string>(async marker =>
        {
            var page = await clients.ElasticLoadBalancing(region).DescribeLoadBalancersAsync(marker, cancel).ConfigureAwait(false);
            return (page.Items, page.NextMarker);
        })));

    /// <summary>Distributions with their origins (GetDistributionConfig for a summary that left them out).</summary>
    private Task<List<Distribution>> ListedDistributionsAsync(CancellationToken cancel) => Once("cloudfront", () =>
        Listing("cloudfront:ListDistributions", async () =>
        {
            var listed = await AllPagesAsync<Distribution, string>(async marker =>
            {
                var page = await clients.CloudFront.ListDistributionsAsync(marker, cancel).ConfigureAwait(false);
                return (page.Items, page.NextMarker);
            }).ConfigureAwait(false);
            var all = new List<Distribution>();
            foreach (var d in listed)
                all.Add(d.Origins is null ? await clients.CloudFront.GetDistributionAsync(d.Id, d.Arn, d.DomainName, cancel).ConfigureAwait(false) : d);
            return all;
        }));

    private Task<List<HostedZone>> HostedZonesAsync(CancellationToken cancel) => Once("route53", () =>
        Listing("route53:ListHostedZones", () => AllPagesAsync<HostedZone, string>(async marker =>
        {
            var page = await clients.Route53.ListHostedZonesAsync(marker, cancel).ConfigureAwait(false);
            return (page.Items, page.NextMarker);
        })));

    private async Task<List<EntryPoint>> ElasticIpsAsync(string region, string? allocationId, CancellationToken cancel)
    {
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        var request = new DescribeAddressesRequest();
        if (allocationId is not null) request.AllocationIds = new List<string> { allocationId };
        var answer = await Listing("ec2:DescribeAddresses", () => clients.Ec2(region).DescribeAddressesAsync(request, cancel)).ConfigureAwait(false);
        return (answer.Addresses ?? new List<Address>()).Where(a => !string.IsNullOrEmpty(a.AllocationId)).Select(a => new EntryPoint(
            $"arn:{AwsRegions.PartitionOf(region)}:ec2:{region}:{account}:elastic-ip/{a.AllocationId}",
            DdosResourceType.ElasticIp, a.PublicIp ?? "", region, account)).ToList();
    }

    private EntryPoint? LoadBalancerEntry(LoadBalancer balancer, string region, string account) => balancer.Type switch
    {
        "application" => new EntryPoint(balancer.Arn, DdosResourceType.ApplicationLoadBalancer, balancer.DnsName ?? "", region, account) { SecurityGroups = balancer.SecurityGroups },
        "network" => new EntryPoint(balancer.Arn, DdosResourceType.NetworkLoadBalancer, balancer.DnsName ?? "", region, account) { SecurityGroups = balancer.SecurityGroups },
        _ => null,
    };

    private EntryPoint DistributionEntry(Distribution distribution, string account) =>
        new(distribution.Arn, DdosResourceType.CloudFrontDistribution, distribution.DomainName ?? "", clients.GlobalRegion, account);

    private EntryPoint ZoneEntry(HostedZone zone, string account) =>
        new($"arn:{AwsRegions.PartitionOf(clients.GlobalRegion)}:route53:::hostedzone/{zone.Id}", DdosResourceType.HostedZone, zone.Name, clients.GlobalRegion, account);

    /// <summary>CLOUDFRONT-scope web ACLs live in us-east-1; regional ones beside their resource.</summary>
    private string WafRegion(EntryPoint entry) => entry.Type == DdosResourceType.CloudFrontDistribution ? clients.GlobalRegion : entry.Region;

    /// <summary>Shield Advanced publishes the metrics of global resources (CloudFront, Route 53) in us-east-1.</summary>
    private string MetricRegion(EntryPoint entry) =>
        entry.Type is DdosResourceType.CloudFrontDistribution or DdosResourceType.HostedZone ? clients.GlobalRegion : entry.Region;

    private Task<string> AccountAsync(CancellationToken cancel) => Once("account", () => clients.AccountId(cancel));

    /// <summary>One read per scan, shared by every entry point that needs it; a failed or cancelled read is tried again.</summary>
    private Task<T> Once<T>(string key, Func<Task<T>> read)
    {
        var lazy = _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => (await read().ConfigureAwait(false))!));
        if (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            _once.TryUpdate(key, new Lazy<Task<object>>(async () => (await read().ConfigureAwait(false))!), lazy);
            lazy = _once[key];
        }
        return Cast<T>(lazy.Value);
    }

    private static async Task<T> Cast<T>(Task<object> task) => (T)await task.ConfigureAwait(false);

    /// <summary>Every item of a listing, page by page, until a page names no next one (null or an empty token).</summary>
    private static async Task<List<T>> AllPagesAsync<T, TToken>(Func<TToken?, Task<(IReadOnlyList<T> Items, TToken? Next)>> page) where TToken : class
    {
        var all = new List<T>();
        TToken? token = null;
        do
        {
            var (items, next) = await page(token).ConfigureAwait(false);
            all.AddRange(items);
            token = next is "" ? null : next;
        } while (token is not null);
        return all;
    }

    /// <summary>A listing's failure fails that listing, explained with the call as its target.</summary>
    private static async Task<T> Listing<T>(string call, Func<Task<T>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not AwsGuardException)
        {
            throw AwsErrors.Explain(e, call);
        }
    }

    /// <summary>A fact's call: its failure makes the fact unknown, naming the call; bad credentials and a stop end the scan.</summary>
    private static async Task<Observed<T>> Observe<T>(string call, Func<Task<T>> run)
    {
        try
        {
            return Observed<T>.Of(await run().ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var error = e as AwsGuardException ?? AwsErrors.Explain(e, call);
            if (error.Kind is ErrorKind.AuthenticationError or ErrorKind.OperationStopped) throw error;
            return Observed<T>.Failed(call, error.ErrorId);
        }
    }
}
