using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>EC2 DescribeRegions: the regions enabled for the account (opt-in regions only once opted in).</summary>
public interface IEc2RegionsClient
{
    Task<IReadOnlyList<string>> DescribeEnabledRegionsAsync(CancellationToken cancel);
}

/// <summary>EC2's Query dialect (version 2016-11-15): answers are &lt;OperationResponse&gt; without a Result element, lists are &lt;item&gt;s.</summary>
public sealed class Ec2RegionsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IEc2RegionsClient
{
    internal const string ServiceId = "EC2";
    internal const string Version = "2016-11-15";
    private readonly WireEndpoint _endpoint = WireEndpoints.Ec2(region, endpoint);

    /// <summary>
    /// Without AllRegions, EC2 lists only the regions enabled for the account, which is the point; an answer that lists
    /// a region as not-opted-in anyway (moto does) is read the same way.
    /// </summary>
    public async Task<IReadOnlyList<string>> DescribeEnabledRegionsAsync(CancellationToken cancel)
    {
        var request = QueryProtocol.CreateRequest(ServiceId, "ec2", _endpoint, "DescribeRegions",
            QueryProtocol.Form("DescribeRegions", Version, Array.Empty<KeyValuePair<string, string?>>()));
        var response = await Context.Transport.SendAsync(request, Context.Credentials, Context.Retry, QueryProtocol.ParseError, cancel).ConfigureAwait(false);
        return Xml.Parse(response.Body)?.Root.Child("regionInfo").Children("item")
            .Where(item => item.Text("optInStatus") != "not-opted-in")
            .Select(item => item.Text("regionName")).OfType<string>().ToList() ?? new List<string>();
    }
}
