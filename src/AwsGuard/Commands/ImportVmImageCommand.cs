using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.Transfer;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Turns a VM's exported disk into an AMI: checks as Test-VmImport, uploads with Copy-S3Quiet's engine, starts ImportImage, and with -Wait follows it.</summary>
[Cmdlet(VerbsData.Import, "VmImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TestVmImportCommand.S3Set)]
[OutputType(typeof(VmImportTask))]
public sealed class ImportVmImageCommand : AwsCmdlet
{
    private CopyOptions _options = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = TestVmImportCommand.PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = TestVmImportCommand.PathSet)]
    [ValidateNotNullOrEmpty]
    public string Bucket { get; set; } = "";

    [Parameter(ParameterSetName = TestVmImportCommand.PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Key { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TestVmImportCommand.S3Set, ValueFromPipelineByPropertyName = true)]
    [Alias("DiskUrl")]
    [ValidateNotNullOrEmpty]
    public string S3Uri { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string RoleName { get; set; } = VmImportRules.DefaultRoleName;

    [Parameter]
    [ValidateSet("Windows", "Linux")]
    public string? Platform { get; set; }

    [Parameter]
    [ValidateSet("AWS", "BYOL")]
    public string? LicenseType { get; set; }

    [Parameter]
    [ValidateSet("legacy-bios", "uefi", "uefi-preferred")]
    public string? BootMode { get; set; }

    [Parameter]
    [ValidateLength(1, 255)]
    public string? Description { get; set; }

    [Parameter]
    public SwitchParameter Encrypted { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KmsKeyId { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [PollInterval]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    protected override Task BeginProcessingAsync()
    {
        if (KmsKeyId is not null && !Encrypted)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "KmsKeyNeedsEncrypted",
                "-KmsKeyId names the key of an encrypted import: add -Encrypted.", nameof(KmsKeyId));
        _options = new CopyOptions();
        _options.Validate(Session.EndpointFor("s3"));
        return Task.CompletedTask;
    }

    /// <summary>The record's importer: each account and region piped in is checked, uploaded to and imported in with its own session.</summary>
    private VmImporter Importer => Service(VmImporter.ForSession);

    protected override async Task ProcessRecordAsync()
    {
        var target = ParameterSetName == TestVmImportCommand.S3Set ? S3Uri : Path;
        VmImportTask? started = null;
        var importer = Importer;
        await TryItemAsync(target, async () =>
        {
            var source = ParameterSetName == TestVmImportCommand.S3Set
                ? VmImportSource.ForS3(S3Uri, RoleName, KmsKeyId)
                : VmImportSource.ForFile(GetUnresolvedProviderPathFromPSPath(Path), Bucket, Key, RoleName, KmsKeyId);
            var report = await importer.CheckAsync(source, CancelToken).ConfigureAwait(false);
            foreach (var warning in report.Checks.Where(c => c.Result == VmImportCheckResult.Warn)) WriteWarning($"{warning.Name}: {warning.Detail} {warning.Fix}");
            var failures = report.Checks.Where(c => c.Result == VmImportCheckResult.Fail).ToList();
            if (failures.Count > 0)
                throw new AwsGuardException(ErrorKind.InvalidArgument, "VmImportNotReady",
                    $"VM Import would fail for {source.Url ?? source.LocalPath}; nothing was uploaded or started:" + string.Concat(failures.Select(f =>
                        $"{Environment.NewLine}- {f.Name}: {f.Detail} Fix: {f.Fix}")), target, "Apply each Fix (Test-VmImport shows them as objects), then import again.");
            if (!ShouldProcess(source.Url!, source.LocalPath is null ? "Import as an AMI" : $"Upload {source.LocalPath} and import it as an AMI")) return;

            if (source.LocalPath is not null) await UploadAsync(source).ConfigureAwait(false);
            started = await importer.StartAsync(source, report.Disk!, new VmImportSettings
            {
                Platform = Platform, LicenseType = LicenseType, BootMode = BootMode, Description = Description,
                Encrypted = Encrypted, KmsKeyId = KmsKeyId,
            }, report.AccountId, CancelToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (started is null) return;
        // A failed import is the end of this command (the AMI it promised will not come): outside the item's error handling.
        WriteObject(Wait ? await VmImportFollow.UntilDoneAsync(this, importer, started, PollInterval, CancelToken).ConfigureAwait(false) : started);
    }

    private async Task UploadAsync(VmImportSource source)
    {
        var planner = Service((p, s) => CopyPlanner.ForSession(p, s, _options));
        var copier = Service((p, s) => S3Copier.ForSession(p, s, _options));
        var items = await planner.PlanAsync(source.LocalPath!, source.Url!, recurse: false, _ => true, CancelToken).ConfigureAwait(false);
        var item = items.Single();
        copier.Progress.AddPlanned(1, item.Size);
        var copying = copier.CopyAsync(item, CancelToken);
        await TransferProgressBar.ShowUntilAsync(this, "Import-VmImage: upload", copier.Progress, copying, CancelToken).ConfigureAwait(false);
        WriteVerbose($"Uploaded {source.LocalPath} to {source.Url} ({item.Size} bytes, checked).");
    }
}
