using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Checks every documented precondition of VM Import/Export for a disk: format, size, bucket, object, service role, caller.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmImport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = S3Set)]
[OutputType(typeof(VmImportCheck))]
public sealed class TestVmImportCommand : AwsCmdlet
{
    internal const string PathSet = "Path";
    internal const string S3Set = "S3Uri";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Bucket { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Key { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = S3Set, ValueFromPipelineByPropertyName = true)]
    [Alias("DiskUrl")]
    [ValidateNotNullOrEmpty]
    public string S3Uri { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string RoleName { get; set; } = VmImportRules.DefaultRoleName;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KmsKeyId { get; set; }

    [Parameter]
    public SwitchParameter CreateRole { get; set; }

    /// <summary>The record's importer: each account and region piped in is checked with its own session.</summary>
    private VmImporter Importer => Service(VmImporter.ForSession);

    protected override Task ProcessRecordAsync()
    {
        // Here, not in BeginProcessingAsync: only a record's binding tells the set (a piped S3Uri or DiskUrl is the S3 set).
        if (CreateRole && ParameterSetName == PathSet && Bucket is null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "BucketRequired",
                "-CreateRole scopes the role's policy to the disk's bucket: add -Bucket (or give -S3Uri).", nameof(CreateRole));
        var target = ParameterSetName == S3Set ? S3Uri : Path;
        return TryItemAsync(target, async () =>
        {
            var source = ParameterSetName == S3Set
                ? VmImportSource.ForS3(S3Uri, RoleName, KmsKeyId)
                : VmImportSource.ForFile(GetUnresolvedProviderPathFromPSPath(Path), Bucket, Key, RoleName, KmsKeyId);
            var importer = Importer;
            var report = await importer.CheckAsync(source, CancelToken).ConfigureAwait(false);
            if (CreateRole && (report.Failed("Role") || report.Failed("Role permissions"))
                && ShouldProcess(RoleName, $"Create or complete the VM Import service role for s3://{source.Bucket}"))
            {
                foreach (var done in await importer.CreateRoleAsync(source, report, CancelToken).ConfigureAwait(false)) WriteVerbose(done);
                report = await importer.CheckAsync(source, CancelToken).ConfigureAwait(false);
            }
            foreach (var check in report.Checks) WriteObject(check);
        });
    }
}
