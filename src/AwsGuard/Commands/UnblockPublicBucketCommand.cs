using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Remediation;

namespace AwsGuard.Commands;

/// <summary>Puts back exactly what Block-PublicBucket changed, from its records, unless the bucket changed since.</summary>
[Cmdlet(VerbsSecurity.Unblock, "PublicBucket", DefaultParameterSetName = ByObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BucketAccessChange))]
public sealed class UnblockPublicBucketCommand : BucketAccessCommand
{
    private const string ByObject = "InputObject";
    private const string ByPath = "Path";


    /// <summary>A BucketAccessChange, the same after Export-Clixml and Import-Clixml, or a record file (Get-ChildItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override async Task ProcessRecordAsync()
    {
        var inputs = ParameterSetName == ByPath ? Path.Select(p => (object)p) : InputObject;
        foreach (var input in inputs)
        {
            // On the pipeline thread (session state resolves paths, PSObjects are read there), where an exception would end
            // the command: caught there.
            var (sources, error) = OnPipeline(() =>
            {
                try { return (Sources(input), (Exception?)null); }
                catch (Exception e) when (e is AwsGuardException or RuntimeException or ArgumentException or NotSupportedException)
                {
                    return (new List<(object, Func<BucketAccessChange>)>(), e);
                }
            });
            if (error is not null) WriteItemError(error, input);
            foreach (var (target, load) in sources)
            {
                BucketAccessChange record;
                try
                {
                    record = load();
                }
                catch (AwsGuardException invalid)
                {
                    WriteItemError(invalid, target);
                    continue;
                }
                await UnblockAsync(record).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The records an input stands for, each loaded on its own (one bad file among many is one error): a record object,
    /// live or deserialized, or the JSON files a path names.</summary>
    private List<(object Target, Func<BucketAccessChange> Load)> Sources(object input)
    {
        if (input is string path) return Files(SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _));
        var item = (PSObject)input;
        switch (item.BaseObject)
        {
            case BucketAccessChange change:
                return new() { (change, () => change) };
            case FileSystemInfo file:
                return Files(new[] { file.FullName });
        }
        if (item.Properties["BucketName"] is null && item.Properties["PSPath"]?.Value is string psPath)
            return Files(new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath) });
        var tree = Tree(item, 0) ?? "";
        return new() { (item, () => ChangeRecords.FromTree(tree, item)) };
    }

    private static List<(object Target, Func<BucketAccessChange> Load)> Files(IEnumerable<string> files) =>
        files.Select(file => ((object)file, (Func<BucketAccessChange>)(() =>
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AwsGuardException(ErrorKind.ReadError, "RecordNotRead", $"Could not read '{file}': {e.Message}", file);
            }
            return ChangeRecords.FromJson(text, file);
        }))).ToList();

    /// <summary>A PowerShell object as dictionaries, lists and values, for <see cref="ChangeRecords.FromTree"/>.</summary>
    private static object? Tree(object? value, int depth)
    {
        if (depth > 8) return null; // records are 4 levels deep; deeper is not a record
        var item = value is PSObject ps ? ps.BaseObject : value;
        switch (item)
        {
            case null or string or bool or DateTime:
                return item;
            case Enum:
                return item.ToString();
            case IConvertible:
                return item;
            case IDictionary dictionary:
                return dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Tree(dictionary[k], depth + 1));
            case IEnumerable list:
                return list.Cast<object?>().Select(i => Tree(i, depth + 1)).ToList();
        }
        var properties = new Dictionary<string, object?>();
        foreach (var property in PSObject.AsPSObject(value).Properties.Where(p => p.IsGettable))
        {
            try { properties[property.Name] = Tree(property.Value, depth + 1); }
            catch (GetValueException) { } // a property that cannot be read is not one a record has
        }
        return properties;
    }

    /// <summary>"bucket 'name'" or "account 123456789012", for messages; <paramref name="capital"/> to start a sentence.</summary>
    private static string Subject(BucketAccessChange record, bool capital = false) =>
        record.AccountLevel ? $"{(capital ? 'A' : 'a')}ccount {record.AccountId}" : $"{(capital ? 'B' : 'b')}ucket '{record}'";

    private async Task UnblockAsync(BucketAccessChange record)
    {
        var target = record.ToString();
        await TryItemAsync(target, async () =>
        {
            if (!record.AccountLevel) BucketNameRules.Validate(record.BucketName, target);
            if (!record.Changed)
            {
                WriteVerbose($"{Subject(record, true)}: the record says nothing was changed, so there is nothing to put back.");
                return;
            }
            var account = await Remediator.AccountAsync(CancelToken).ConfigureAwait(false);
            if (record.AccountId != account)
                throw new AwsGuardException(ErrorKind.InvalidArgument, "RecordOfOtherAccount",
                    $"The record of {Subject(record)} is from account {record.AccountId}, but AwsGuard acts as account {account}. " +
                    $"Give -AssumeRoleArn with a role in account {record.AccountId}.", target);

            var current = record.AccountLevel
                ? await Remediator.ReadAccountAsync(CancelToken).ConfigureAwait(false)
                : await Remediator.ReadStateAsync(record.BucketName, record.Region, record.ObjectKey, CancelToken).ConfigureAwait(false);
            var differences = AccessStates.Differences(record.After, current);
            if (differences.Count > 0 && !Force)
                throw new AwsGuardException(ErrorKind.InvalidArgument, "ChangedSinceBlock",
                    $"{Subject(record, true)} changed after it was blocked at {record.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}: {string.Join("; ", differences)}. " +
                    "Nothing was restored. Add -Force to restore the recorded state anyway.", target);

            var restored = new BucketAccessState
            {
                BlockPublicAccess = record.Before.BlockPublicAccess, Acl = record.Before.Acl, Policy = record.Before.Policy,
                ObjectOwnership = current.ObjectOwnership, ObjectAcl = record.Before.ObjectAcl,
            };
            var restore = new BucketAccessChange
            {
                BucketName = record.BucketName, AccountLevel = record.AccountLevel, ObjectKey = record.ObjectKey, Region = record.Region, AccountId = account,
                Method = BucketAccessMethod.Restore, Before = current, After = restored, Time = DateTime.UtcNow,
                Changes = AccessStates.DescribeAll(current, restored),
            };
            restore.Changed = restore.Changes.Length > 0;
            var calls = string.Join("; ", restore.Changes);
            await CommitAsync(restore, null,
                $"Restoring {Subject(record)} as it was before {record.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}: {calls}.",
                $"{Subject(record, true)} will be as it was before it was blocked, which may make it public again: {calls}. Restore it?",
                "Unblock public bucket").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
