using System;
using System.IO;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace AwsGuard.Commands;

/// <summary>Where Block-PublicBucket writes its change records.</summary>
internal static class ChangeFolders
{
    /// <summary>The per-user default: AwsGuard/changes under the local application data folder.</summary>
    public static string Default { get; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AwsGuard", "changes");

    /// <summary>A file system path as PowerShell resolves it (current location, ~, PSDrives), which need not exist yet.
    /// Call on the pipeline thread.</summary>
    public static string Resolve(PSCmdlet cmdlet, string path, string parameter)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is RuntimeException or ArgumentException or NotSupportedException)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidPath", $"-{parameter} '{path}' is not a usable path: {e.Message}", path);
        }
        if (provider.ImplementingType != typeof(FileSystemProvider))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "NotAFileSystemPath", $"-{parameter} '{path}' is not a file system path (provider {provider.Name}).", path);
        return resolved;
    }
}
