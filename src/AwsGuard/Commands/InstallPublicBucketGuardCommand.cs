using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AwsGuard.Engine.Guard;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Commands;

/// <summary>
/// Has AWS watch each region for buckets and objects made public: an EventBridge rule on CloudTrail's S3 calls, an SNS
/// topic it notifies, and with -Remediate AWS's runbook that turns on the bucket's Block Public Access. Idempotent.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "PublicBucketGuard", DefaultParameterSetName = ByTopicName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PublicBucketGuard))]
public sealed class InstallPublicBucketGuardCommand : PublicBucketGuardCommand
{
    private const string ByTopicName = "TopicName";
    private const string ByTopicArn = "TopicArn";
    private static readonly Regex TopicArnShape = new(@"^arn:aws[a-z-]*:sns:(?<region>[a-z0-9-]+):(?<account>\d{12}):[A-Za-z0-9_-]{1,256}$", RegexOptions.CultureInvariant);
    private static readonly Regex TopicNameShape = new(@"^[A-Za-z0-9_-]{1,256}$", RegexOptions.CultureInvariant);

    private string? _topicRegion;

    [Parameter(Mandatory = true, ParameterSetName = ByTopicArn)]
    [ValidateNotNullOrEmpty]
    public string TopicArn { get; set; } = "";

    [Parameter(ParameterSetName = ByTopicName)]
    [ValidateNotNullOrEmpty]
    public string TopicName { get; set; } = GuardBlueprint.DefaultTopicName;

    [Parameter]
    public SwitchParameter Remediate { get; set; }

    [Parameter]
    public SwitchParameter EnableObjectLogging { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrailName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BucketName { get; set; }

    protected override async Task BeginProcessingAsync()
    {
        // Every check the input allows comes before any AWS call.
        await base.BeginProcessingAsync().ConfigureAwait(false);
        if (EnableObjectLogging && TrailName is null)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "TrailNameRequired", "-EnableObjectLogging needs -TrailName: the existing trail to add S3 object-write data events to.", nameof(EnableObjectLogging));
        if (!EnableObjectLogging && (TrailName is not null || BucketName is not null))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "ObjectLoggingRequired", "-TrailName and -BucketName apply only with -EnableObjectLogging.", TrailName ?? BucketName);
        if (BucketName is not null) BucketNameRules.Validate(BucketName, BucketName);
        if (ParameterSetName == ByTopicArn)
        {
            var match = TopicArnShape.Match(TopicArn);
            if (!match.Success)
                throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidTopicArn", $"'{TopicArn}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).", TopicArn);
            _topicRegion = match.Groups["region"].Value;
            CheckTopicRegion(TargetRegion ?? new string[0]);
        }
        else if (!TopicNameShape.IsMatch(TopicName))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidTopicName", $"'{TopicName}' is no SNS topic name (1 to 256 letters, digits, hyphens and underscores).", TopicName);
    }

    /// <summary>-TopicArn's region is where it installs unless -TargetRegion or the record names regions.</summary>
    protected override string? DefaultRegion => _topicRegion;

    /// <summary>EventBridge notifies only a topic of the rule's own region: -TopicArn allows only its region.</summary>
    private void CheckTopicRegion(IEnumerable<string> regions)
    {
        if (_topicRegion is null) return;
        var elsewhere = regions.Where(r => r != _topicRegion).ToArray();
        if (elsewhere.Length > 0)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "TopicInOtherRegion",
                $"The topic '{TopicArn}' is in {_topicRegion}, but the guard is to be installed in {string.Join(", ", elsewhere)}. EventBridge notifies only a topic " +
                "of the rule's own region: give one topic per region, or -TopicName to have one created in each.", TopicArn);
    }

    protected override async Task ActAsync(IReadOnlyList<string> regions)
    {
        CheckTopicRegion(regions);
        var guard = Guard;
        if (EnableObjectLogging)
        {
            var trail = await guard.FindTrailAsync(regions.FirstOrDefault() ?? Session.RegionOrDefault, TrailName!, CancelToken).ConfigureAwait(false);
            var loggingStep = await guard.PlanObjectLoggingAsync(trail, BucketName, CancelToken).ConfigureAwait(false);
            if (loggingStep is null) WriteVerbose($"Trail {trail.Name} already logs S3 object writes; nothing changed.");
            else
                await TryItemAsync(trail.Name, async () =>
                {
                    if (ShouldProcess($"Installing the public bucket guard: {loggingStep.Description}.",
                            $"CloudTrail will log S3 object writes ({(BucketName is null ? "every bucket" : BucketName)}) to trail {trail.Name}, which AWS charges for as data events. Add them?",
                            "Install public bucket guard"))
                        await guard.ApplyStepAsync(loggingStep, CancelToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }

        var options = new GuardOptions
        {
            TopicArn = ParameterSetName == ByTopicArn ? TopicArn : null,
            TopicName = TopicName,
            Remediate = Remediate,
        };
        var unlogged = new List<string>();
        foreach (var region in regions)
            await TryItemAsync(region, async () =>
            {
                var plan = await guard.PlanInstallAsync(region, options, CancelToken).ConfigureAwait(false);
                PublicBucketGuard result;
                if (plan.Steps.Count == 0)
                {
                    WriteVerbose($"{region}: the public bucket guard is installed as asked; nothing changed.");
                    result = await guard.GetAsync(region, CancelToken).ConfigureAwait(false);
                }
                else
                {
                    var steps = string.Join("", plan.Steps.Select(s => "\n  " + s.Description));
                    if (!ShouldProcess($"Installing the public bucket guard in {region}:{steps}",
                            $"These resources will be created or changed in {region}:{steps}\nGo on?", "Install public bucket guard"))
                        return;
                    result = await guard.ApplyAsync(plan, CancelToken).ConfigureAwait(false);
                }
                if (result.ObjectLogging.Length == 0) unlogged.Add(region);
                WriteObject(result);
            }).ConfigureAwait(false);
        if (unlogged.Count > 0 && !EnableObjectLogging)
            WriteWarning($"No trail logs S3 object writes in {string.Join(", ", unlogged)}, so a PutObject or PutObjectAcl with a public ACL goes unseen " +
                "(bucket-level calls are seen). Add them to a trail: Install-PublicBucketGuard -EnableObjectLogging -TrailName <trail>.");
    }
}
