using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AwsGuard.Engine.Remediation;

/// <summary>
/// <see cref="BucketAccessChange"/> records as JSON files, one per change, so that an undo is possible even when nobody kept
/// the pipeline output. A file is written whole or not at all (a temporary file, then a rename).
/// </summary>
public static class ChangeRecords
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToJson(BucketAccessChange change) => JsonSerializer.Serialize(change, Options);

    /// <summary>A record from JSON; text that is not a record is an InvalidArgument error (NotAChangeRecord) naming <paramref name="source"/>.</summary>
    public static BucketAccessChange FromJson(string json, object source)
    {
        BucketAccessChange? change;
        try
        {
            change = JsonSerializer.Deserialize<BucketAccessChange>(json, Options);
        }
        catch (JsonException e)
        {
            throw NotARecord(source, e.Message);
        }
        return Validate(change, source);
    }

    /// <summary>A record from any object tree of dictionaries, lists and values (a deserialized PowerShell object, for one).</summary>
    public static BucketAccessChange FromTree(object tree, object source)
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(tree, Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw NotARecord(source, e.Message);
        }
        return FromJson(json, source);
    }

    /// <summary>Writes the record into <paramref name="folder"/> (created when missing) and returns the file's path.</summary>
    public static string Write(string folder, BucketAccessChange change)
    {
        var name = $"{change.Time:yyyyMMdd'T'HHmmssfff'Z'}-{(change.AccountLevel ? "account-" + change.AccountId : change.BucketName)}-{Guid.NewGuid().ToString("N").Substring(0, 8)}.json";
        var path = Path.Combine(folder, name);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(folder);
            change.RecordPath = path;
            File.WriteAllText(temporary, ToJson(change));
            File.Move(temporary, path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            change.RecordPath = null;
            Delete(temporary);
            throw new AwsGuardException(ErrorKind.WriteError, "RecordNotWritten",
                $"Could not write the change record for {change} to '{folder}': {e.Message} Nothing was changed.", folder);
        }
    }

    /// <summary>Removes a record whose change did not happen (it was put back after a failure).</summary>
    public static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a stale record only makes an undo refuse; the change's error is reported
    }

    private static BucketAccessChange Validate(BucketAccessChange? change, object source)
    {
        if (change is null || (string.IsNullOrEmpty(change.BucketName) && !change.AccountLevel) || string.IsNullOrEmpty(change.AccountId) || string.IsNullOrEmpty(change.Region)
            || change.Before is null || change.After is null || change.Before.Acl is null || change.After.Acl is null)
            throw NotARecord(source, "it lacks BucketName, AccountId, Region, Before or After");
        foreach (var grant in change.Before.Acl) AccessStates.SplitGrant(grant);
        foreach (var grant in change.Before.ObjectAcl ?? new string[0]) AccessStates.SplitGrant(grant);
        return change;
    }

    private static AwsGuardException NotARecord(object source, string why) =>
        new(ErrorKind.InvalidArgument, "NotAChangeRecord",
            $"'{source}' is not a record that Block-PublicBucket wrote: {why}.", source);
}
