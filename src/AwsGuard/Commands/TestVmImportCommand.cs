using System.Management.Automation;
using System.Threading.Tasks;
using AwsGuard.Engine.VmImport;

namespace AwsGuard.Commands;

/// <summary>Checks every documented precondition of VM Import/Export for a disk: format, size, bucket, object, service role, caller.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmImport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(VmImportCheck))]
public sealed class TestVmImportCommand : AwsCmdlet
{
    internal const string PathSet = "Path";
    internal const string S3Set = "S3Uri";
    private VmImporter _importer = null!;

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

    protected override Task BeginProcessingAsync()
    {
        if (CreateRole && ParameterSetName == PathSet && Bucket is null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "BucketRequired",
                "-CreateRole scopes the role's policy to the disk's bucket: add -Bucket (or give -S3Uri).", nameof(CreateRole));
        _importer = VmImporter.ForSession(Provider, Session);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync()
    {
        var target = ParameterSetName == S3Set ? S3Uri : Path;
        return TryItemAsync(target, async () =>
        {
            var source = ParameterSetName == S3Set
                ? VmImportSource.ForS3(S3Uri, RoleName, KmsKeyId)
                : VmImportSource.ForFile(GetUnresolvedProviderPathFromPSPath(Path), Bucket, Key, RoleName, KmsKeyId);
            var report = await _importer.CheckAsync(source, CancelToken).ConfigureAwait(false);
            if (CreateRole && (report.Failed("Role") || report.Failed("Role permissions"))
                && ShouldProcess(RoleName, $"Create or complete the VM Import service role for s3://{source.Bucket}"))
            {
                foreach (var done in await _importer.CreateRoleAsync(source, report, CancelToken).ConfigureAwait(false)) WriteVerbose(done);
                report = await _importer.CheckAsync(source, CancelToken).ConfigureAwait(false);
            }
            foreach (var check in report.Checks) WriteObject(check);
        });
    }
}
