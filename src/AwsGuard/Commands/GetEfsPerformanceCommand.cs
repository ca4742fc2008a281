using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.FileSystems;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Commands;

/// <summary>Whether each EFS file system is in the right performance and throughput modes for its clients, judged from its own metrics.</summary>
[Cmdlet(VerbsCommon.Get, "EfsPerformance")]
[OutputType(typeof(EfsPerformance))]
public sealed class GetEfsPerformanceCommand : AwsCmdlet
{
    private readonly List<string> _ids = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FileSystemIds")]
    [ValidateNotNullOrEmpty]
    public string[]? FileSystemId { get; set; }

    [Parameter]
    [ValidateRange(1, 455)]
    public int Days { get; set; } = 14;

    [Parameter]
    public SwitchParameter AllRegions { get; set; }

    protected override Task BeginProcessingAsync()
    {
        if (AllRegions && !string.IsNullOrEmpty(Region))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "RegionWithAllRegions",
                "-Region and -AllRegions exclude each other: give one region, or -AllRegions for every region of the partition.", Region);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync()
    {
        if (FileSystemId is null) return Task.CompletedTask;
        foreach (var id in FileSystemId)
        {
            try
            {
                if (AllRegions)
                    throw new AwsGuardException(ErrorKind.InvalidArgument, "FileSystemIdWithAllRegions",
                        $"'{id}' names a file system of one region: give -Region (or none, for the session's region) instead of -AllRegions.", id);
                if (_seen.Add(EfsPerformanceReader.RequireFileSystemId(id))) _ids.Add(id);
            }
            catch (AwsGuardException error)
            {
                WriteItemError(error, id);
            }
        }
        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        if (_ids.Count > 0)
        {
            // Every named file system first, then all their metrics in as few calls as the API allows.
            var reader = EfsPerformanceReader.ForSession(Provider, Session, Session.RequireRegion());
            var found = new List<EfsFileSystem>();
            foreach (var id in _ids)
                await TryItemAsync(id, async () => found.Add(await reader.DescribeAsync(id, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
            if (found.Count > 0) await AssessAsync(reader, found, reader.Region).ConfigureAwait(false);
            return;
        }
        if (!EverythingByDefault(nameof(FileSystemId))) return;
        var region = AllRegions ? Session.RegionOrDefault : Session.RequireRegion(); // -AllRegions only needs the partition
        foreach (var each in AllRegions ? EfsPerformanceReader.RegionsLike(region) : new[] { region })
        {
            var reader = EfsPerformanceReader.ForSession(Provider, Session, each);
            List<EfsFileSystem> all;
            try
            {
                all = await reader.ListAsync(CancelToken).ConfigureAwait(false);
            }
            catch (Exception error) when (AllRegions && EfsPerformanceReader.IsRegionNotEnabled(error))
            {
                WriteVerbose($"{each}: not enabled for this account, passed over.");
                continue;
            }
            catch (Exception error) when (AllRegions && !CancelToken.IsCancellationRequested)
            {
                WriteItemError(error, each); // one region's failure: the other regions go on
                continue;
            }
            if (all.Count > 0) await AssessAsync(reader, all, each).ConfigureAwait(false);
        }
    }

    private Task AssessAsync(EfsPerformanceReader reader, List<EfsFileSystem> fileSystems, string region) => TryItemAsync(region, async () =>
    {
        foreach (var result in await reader.AssessAsync(fileSystems, Days, CancelToken).ConfigureAwait(false))
            WriteObject(result);
    });
}
