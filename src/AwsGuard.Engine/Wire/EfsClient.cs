using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The EFS operations AwsGuard uses. Paging stays with the caller (Marker / NextMarker).</summary>
public interface IEfsClient
{
    /// <summary>One page of DescribeFileSystems: every file system, or the one <paramref name="fileSystemId"/> names (id or ARN).</summary>
    Task<EfsFileSystemPage> DescribeFileSystemsAsync(string? fileSystemId, string? marker, CancellationToken cancel);
}

/// <summary>EFS over REST-JSON (version 2015-02-01), signed as "elasticfilesystem".</summary>
public sealed class EfsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), IEfsClient
{
    internal const string ServiceId = "EFS";
    private readonly WireEndpoint _endpoint = WireEndpoints.Efs(region, endpoint);

    public Task<EfsFileSystemPage> DescribeFileSystemsAsync(string? fileSystemId, string? marker, CancellationToken cancel)
    {
        var request = RestJsonProtocol.CreateRequest(ServiceId, "elasticfilesystem", _endpoint, "DescribeFileSystems", "GET", "/2015-02-01/file-systems",
            query: new Dictionary<string, string?> { ["FileSystemId"] = fileSystemId, ["Marker"] = marker });
        return RestJsonProtocol.InvokeAsync(Context, request, r => new EfsFileSystemPage
        {
            FileSystems = r.Array("FileSystems").Select(f => new EfsFileSystem
            {
                FileSystemId = f.Str("FileSystemId"),
                Name = f.Str("Name"),
                OwnerId = f.Str("OwnerId"),
                LifeCycleState = f.Str("LifeCycleState"),
                PerformanceMode = f.Str("PerformanceMode"),
                ThroughputMode = f.Str("ThroughputMode"),
                ProvisionedThroughputInMibps = f.Double("ProvisionedThroughputInMibps"),
                NumberOfMountTargets = f.Int("NumberOfMountTargets") ?? 0,
                CreationTime = f.EpochSeconds("CreationTime"),
            }).ToList(),
            NextMarker = r.Str("NextMarker"),
        }, cancel);
    }
}

public sealed class EfsFileSystemPage
{
    public List<EfsFileSystem> FileSystems { get; set; } = new();
    public string? NextMarker { get; set; }
}

/// <summary>What DescribeFileSystems says of one file system (modes as the API spells them: generalPurpose, maxIO; bursting, provisioned, elastic).</summary>
public sealed class EfsFileSystem
{
    public string? FileSystemId { get; set; }
    public string? Name { get; set; }
    public string? OwnerId { get; set; }
    public string? LifeCycleState { get; set; }
    public string? PerformanceMode { get; set; }
    public string? ThroughputMode { get; set; }
    public double? ProvisionedThroughputInMibps { get; set; }
    public int NumberOfMountTargets { get; set; }
    /// <summary>UTC.</summary>
    public DateTime? CreationTime { get; set; }
}
