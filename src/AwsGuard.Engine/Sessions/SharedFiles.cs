using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.CredentialManagement;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// The shared credentials and config files as they are now, read through the SDK's profile store: which files it
/// reads, a stamp of their content (so cached credentials follow a switched or rotated file), and profile look-ups
/// whose parse errors name the profile and the file.
/// </summary>
internal sealed class SharedFiles
{

    /// <param name="location">-ProfileLocation or AWS_SHARED_CREDENTIALS_FILE as a full path; null for the SDK's default.</param>
    public SharedFiles(string? location)
    {
        Store = new CredentialProfileStoreChain(location);
        // The SDK reads the config beside a credentials file it is given, unless AWS_CONFIG_FILE is set: then, as
        // without a location, its process-wide default. Named here as the SDK reads them, for messages.
        CredentialsPath = location ?? SharedCredentialsFile.DefaultFilePath;
        ConfigPath = location is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"))
            ? Path.Combine(Path.GetDirectoryName(location) ?? "", "config")
            : SharedCredentialsFile.DefaultConfigFilePath;
        Stamp = Digest(CredentialsPath, ConfigPath);
    }

    /// <summary>The SDK's store of both files, for the SDK's own credential factories.</summary>
    public CredentialProfileStoreChain Store { get; }

    public string CredentialsPath { get; }
    public string ConfigPath { get; }

    /// <summary>Changes when either file's path or content does.</summary>
    public string Stamp { get; }

    public string Describe() => $"{CredentialsPath} and {ConfigPath}";

    /// <summary>The profile, or null when neither file has it; a file the SDK cannot parse is an error naming both.</summary>
    public CredentialProfile? Find(string name)
    {
        try
        {
            return Store.TryGetProfile(name, out var profile) ? profile : null;
        }
        catch (Exception error) when (error is not AwsGuardException)
        {
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ProfileUnreadable",
                $"The profile '{name}' could not be read from {Describe()}: {error.Message}", name);
        }
    }

    private static string Digest(params string[] paths)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            try { sha.AppendData(File.ReadAllBytes(path)); }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException) { } // absent: the path alone
            sha.AppendData(new byte[] { 0 });
        }
        return Convert.ToBase64String(sha.GetHashAndReset(), 0, 16);
    }
}
