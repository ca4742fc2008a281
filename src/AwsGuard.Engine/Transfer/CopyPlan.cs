using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AwsGuard.Engine.Transfer;

/// <summary>
/// The files of one command, each destination written once. The same source planned again (a file piped twice) is one
/// copy; another source for a destination already taken is that source's error, so no input overwrites another's copy.
/// </summary>
public sealed class CopyPlan
{
    // Windows and macOS folders do not tell names apart by case; S3 keys and Linux folders do.
    private static readonly bool CaseBlindDisk = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
    private readonly Dictionary<string, CopyItem> _byDestination = new(StringComparer.Ordinal);
    private readonly List<CopyItem> _items = new();

    public IReadOnlyList<CopyItem> Items => _items;

    /// <summary>Adds one input's files; returns the errors of those whose destination another source already takes.</summary>
    public List<AwsGuardException> Add(IEnumerable<CopyItem> items)
    {
        var refused = new List<AwsGuardException>();
        foreach (var item in items)
        {
            var destination = item.Kind == CopyKind.Download && CaseBlindDisk ? item.Destination.ToUpperInvariant() : item.Destination;
            if (_byDestination.TryGetValue(destination, out var first))
            {
                if (first.Source != item.Source)
                    refused.Add(new AwsGuardException(ErrorKind.InvalidArgument, "DuplicateDestination",
                        $"'{item.Source}' and '{first.Source}' both go to '{first.Destination}'; only the first is copied. End the destination " +
                        "with / to copy into a folder or prefix, or copy the folder with -Recurse to keep relative paths.", item.Source));
                continue;
            }
            _byDestination.Add(destination, item);
            _items.Add(item);
        }
        return refused;
    }
}
