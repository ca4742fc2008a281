using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.FileSystems;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Commands;

/// <summary>Whether each EFS file system is in the right performance and throughput modes for its clients, judged from its own metrics.</summary>
[Cmdlet(VerbsCommon.Get, "EfsPerformance")]
[OutputType(typeof(EfsPerformance))]
public sealed class GetEfsPerformanceCommand : AwsCmdlet
{
    /// <summary>The named ids per reader (one per session), in order: each reader's metrics are read together at the end.</summary>
    private readonly Dictionary<EfsPerformanceReader, List<string>> _ids = new();
    private readonly HashSet<(EfsPerformanceReader, string)> _seen = new();

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FileSystemIds")]
    [ValidateNotNullOrEmpty]
    public string[]? FileSystemId { get; set; }

    [Parameter]
    [ValidateRange(1, 455)]
    public int Days { get; set; } = 14;

    [Parameter]
    public SwitchParameter AllRegions { get; set; }

    /// <summary>The record's reader, in its session's region: each account (and region) piped in is read with its own session.</summary>
    private EfsPerformanceReader Reader => Service((provider, session) => EfsPerformanceReader.ForSession(provider, session, session.RequireRegion()));

    protected override Task BeginProcessingAsync()
    {
        if (AllRegions && !string.IsNullOrEmpty(Region)) throw EnabledRegions.RegionWithAllRegions(Region!, "-Region");
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync()
    {
        if (FileSystemId is null)
        {
            if (EverythingForRecord(nameof(FileSystemId))) await TryItemAsync(SessionTarget, ReadAllAsync).ConfigureAwait(false);
            return;
        }
        foreach (var id in FileSystemId)
        {
            try
            {
                if (AllRegions)
                    throw new AwsGuardException(ErrorKind.InvalidArgument, "FileSystemIdWithAllRegions",
                        $"'{id}' names a file system of one region: give -Region (or none, for the session's region) instead of -AllRegions.", id);
                EfsPerformanceReader.RequireFileSystemId(id);
                var reader = Reader;
                if (!_seen.Add((reader, id))) continue;
                if (!_ids.TryGetValue(reader, out var ids)) _ids[reader] = ids = new List<string>();
                ids.Add(id);
            }
            catch (AwsGuardException error)
            {
                WriteItemError(error, id);
            }
        }
    }

    protected override async Task EndProcessingAsync()
    {
        // Every named file system of a session first, then all their metrics in as few calls as the API allows.
        foreach (var named in _ids)
        {
            var reader = named.Key;
            var found = new List<EfsFileSystem>();
            foreach (var id in named.Value)
                await TryItemAsync(id, async () => found.Add(await reader.DescribeAsync(id, CancelToken).ConfigureAwait(false))).ConfigureAwait(false);
            if (found.Count > 0) await TryItemAsync(reader.Region, () => AssessAsync(reader, found)).ConfigureAwait(false);
        }
        if (EverythingByDefault(nameof(FileSystemId))) await ReadAllAsync().ConfigureAwait(false);
    }

    /// <summary>Every file system of the session's region (or of every region enabled for its account); one region's failure is its own error.</summary>
    private async Task ReadAllAsync()
    {
        foreach (var region in await RegionsAsync(AllRegions).ConfigureAwait(false))
        {
            var reader = AllRegions ? EfsPerformanceReader.ForSession(Provider, Session, region) : Reader;
            await TryItemAsync(region, async () =>
            {
                var all = await reader.ListAsync(CancelToken).ConfigureAwait(false);
                if (all.Count > 0) await AssessAsync(reader, all).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    private async Task AssessAsync(EfsPerformanceReader reader, List<EfsFileSystem> fileSystems)
    {
        foreach (var result in await reader.AssessAsync(fileSystems, Days, CancelToken).ConfigureAwait(false))
            WriteObject(result);
    }
}
