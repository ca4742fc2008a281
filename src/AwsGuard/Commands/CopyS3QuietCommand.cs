using System;
using System.Collections;
using System.Collections.Generic;
using AwsGuard.Engine.Sessions;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using AwsGuard.Engine.Concurrency;
using AwsGuard.Engine.Transfer;

namespace AwsGuard.Commands;

/// <summary>Copies files and prefixes to, from and within S3: one progress bar, errors per file, objects only with -PassThru.</summary>
[Cmdlet(VerbsCommon.Copy, "S3Quiet", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(CopyResult))]
public sealed class CopyS3QuietCommand : AwsCmdlet
{
    private const string PathSet = "Path";
    private const string S3ObjectSet = "S3Object";
    private readonly CopyPlan _plan = new();
    private readonly TransferProgress _progress = new();
    // Each planned file's copier and session: a record's (piped -AssumeRoleArn, -Region) or the command line's.
    private readonly Dictionary<CopyItem, (S3Copier Copier, AwsSession Session)> _copierOf = new();
    private CopyOptions _options = null!;
    private Func<string, bool> _keep = null!;
    private string _destination = "";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = S3ObjectSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string BucketName { get; set; } = "";

    [Parameter(ParameterSetName = S3ObjectSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectKey")]
    public string? Key { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public string[]? Include { get; set; }

    [Parameter]
    public string[]? Exclude { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = CopyOptions.DefaultThrottleLimit;

    [Parameter]
    [ValidateRange(CopyOptions.MinPartSize, CopyOptions.MaxPartSize)]
    public long PartSize { get; set; } = 8 * CopyOptions.MiB;

    [Parameter]
    [ValidateSet("AES256", "aws:kms")]
    public string? ServerSideEncryption { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KmsKeyId { get; set; }

    [Parameter]
    [SseCustomerKeyTransformation]
    public SseCustomerKey? SseCustomerKey { get; set; }

    [Parameter]
    [SseCustomerKeyTransformation]
    public SseCustomerKey? SourceSseCustomerKey { get; set; }

    [Parameter]
    public SwitchParameter SkipUnchanged { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _options = new CopyOptions
        {
            PartSize = PartSize,
            ThrottleLimit = ThrottleLimit,
            ServerSideEncryption = ServerSideEncryption,
            KmsKeyId = KmsKeyId,
            CustomerKey = SseCustomerKey,
            SourceCustomerKey = SourceSseCustomerKey,
            SkipUnchanged = SkipUnchanged,
            Retry = Session.Retry,
        };
        _options.Validate(Session.EndpointFor("s3"));
        _keep = Wildcard.Filter(Include, Exclude);
        _destination = Resolve(Destination);
        return Task.CompletedTask;
    }

    /// <summary>Plans each input (checking it before anything is copied); the copy itself runs at the end, under one progress bar.</summary>
    protected override async Task ProcessRecordAsync()
    {
        var recurse = Recurse.IsPresent;
        string source;
        if (ParameterSetName == S3ObjectSet)
        {
            // A bucket alone (as Get-PublicBucket writes it) means the whole bucket.
            recurse |= string.IsNullOrEmpty(Key);
            source = TransferLocation.Url(BucketName, Key ?? "");
            // A piped console folder marker (Get-S3Object lists them): nothing to copy, as the -Recurse listing skips them.
            // A prefix typed as -Key stays the planner's SourceIsPrefix error.
            if (!recurse && MyInvocation.ExpectingInput && Key!.EndsWith("/", StringComparison.Ordinal))
            {
                WriteVerbose($"Folder marker, nothing to copy: {source}");
                return;
            }
        }
        else
        {
            source = Resolve(Source);
        }
        await TryItemAsync(source, async () =>
        {
            try
            {
                var planned = await Service((p, s) => CopyPlanner.ForSession(p, s, _options)).PlanAsync(source, _destination, recurse, _keep, CancelToken).ConfigureAwait(false);
                var copier = (Service((p, s) => S3Copier.ForSession(p, s, _options, _progress)), Session);
                foreach (var item in planned) _copierOf[item] = copier;
                foreach (var refused in _plan.Add(planned))
                    WriteItemError(refused, refused.Target);
            }
            catch (AwsGuardException error) when (error.Target is string target && target == _destination)
            {
                // A bad destination spoils every input: stop. A bad source is that input's error; the others go on.
                ThrowTerminatingError(ErrorRecords.From(error));
            }
        }).ConfigureAwait(false);
    }

    protected override async Task EndProcessingAsync()
    {
        var approved = _plan.Items.Where(item => ShouldProcess(item.Destination, $"Copy from {item.Source}")).ToList();
        if (approved.Count == 0) return;
        var progress = _progress;
        progress.AddPlanned(approved.Count, approved.Sum(item => item.Size));

        var work = new BoundedWork(ThrottleLimit, CancelToken);
        var copying = Task.Run(async () =>
        {
            foreach (var item in approved) await work.StartAsync(() => CopyOneAsync(item)).ConfigureAwait(false);
            await work.WhenAllAsync().ConfigureAwait(false);
        });
        await TransferProgressBar.ShowUntilAsync(this, "Copy-S3Quiet", progress, copying, CancelToken).ConfigureAwait(false);

        if (progress.FilesFailed > 0)
            WriteError(ErrorRecords.From(new AwsGuardException(ErrorKind.NotSpecified, "CopyFailed",
                $"{progress.FilesFailed} of {progress.FilesTotal} files were not copied; each has its own error.", _destination)));
    }

    private Task CopyOneAsync(CopyItem item) => TryItemAsync(item.Source, async () =>
    {
        var (copier, session) = _copierOf[item];
        var result = await copier.CopyAsync(item, CancelToken).ConfigureAwait(false);
        if (PassThru) result.AccountId = session.RoleAccountId ?? await AccountIdAsync().ConfigureAwait(false);
        WriteVerbose($"{(result.Status == CopyStatus.Skipped ? "Unchanged" : "Copied")}: {item.Source} -> {item.Destination} ({result.Bytes} bytes)");
        if (PassThru) WriteObject(result);
    });

    /// <summary>A local path relative to PowerShell's current location (not the process's), resolved on the pipeline thread.</summary>
    private string Resolve(string path) =>
        path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) ? path : OnPipeline(() => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
}

/// <summary>
/// Turns a byte[], a base64 string or a SecureString holding base64 into an <see cref="AwsGuard.SseCustomerKey"/>,
/// so a key of the wrong length is a binding error (InvalidArgument) before any AWS call.
/// </summary>
internal sealed class SseCustomerKeyTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null,
                SseCustomerKey key => key,
                byte[] bytes => new SseCustomerKey(bytes),
                string text => SseCustomerKey.FromBase64(text),
                SecureString secure => SseCustomerKeys.FromSecureBase64(secure),
                IEnumerable => new SseCustomerKey(LanguagePrimitives.ConvertTo<byte[]>(value)),
                _ => throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidSseCustomerKey",
                    $"An SSE-C key is a byte[], a base64 string or a SecureString holding base64, not a {value.GetType().Name}."),
            };
        }
        catch (AwsGuardException error)
        {
            throw new ArgumentTransformationMetadataException(error.Message, error);
        }
    }
}
