using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Errors;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Guard;

/// <summary>What Install-PublicBucketGuard asks for in each region.</summary>
public sealed class GuardOptions
{
    /// <summary>An existing topic in the region; else <see cref="TopicName"/> is created when missing.</summary>
    public string? TopicArn { get; set; }
    public string TopicName { get; set; } = GuardBlueprint.DefaultTopicName;
    public bool Remediate { get; set; }
}

/// <summary>One change of a plan: what it does in words, how, and (for Install) how to take it back.</summary>
public sealed class GuardStep
{
    internal GuardStep(string description, Func<CancellationToken, Task> apply, Func<CancellationToken, Task>? undo = null)
    {
        Description = description;
        Apply = apply;
        Undo = undo;
    }

    public string Description { get; }
    internal Func<CancellationToken, Task> Apply { get; }
    internal Func<CancellationToken, Task>? Undo { get; }
}

/// <summary>A region's changes, decided from what it holds; nothing is changed until <see cref="PublicBucketGuardService.ApplyAsync"/>.</summary>
public sealed class GuardPlan
{
    internal GuardPlan(string region, IReadOnlyList<GuardStep> steps, IReadOnlyList<string> notes)
    {
        Region = region;
        Steps = steps;
        Notes = notes;
    }

    public string Region { get; }
    public IReadOnlyList<GuardStep> Steps { get; }
    /// <summary>What the plan leaves alone on purpose (a rule with targets of others, a topic or role without the AwsGuard tag).</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>
/// Installs, reads and removes the public bucket guard of a region: an EventBridge rule on the default bus (pattern from
/// <see cref="GuardBlueprint"/>) notifying an SNS topic, and with remediation AWS's runbook under two roles of its own.
/// Install is plan then apply, all or nothing per region (a failed step takes back the ones before it).
/// </summary>
public sealed class PublicBucketGuardService
{
    private readonly Func<string, IEventBridgeClient> _events;
    private readonly Func<string, ISnsClient> _sns;
    private readonly Func<string, ICloudTrailClient> _trails;
    private readonly IIamClient _iam;
    private readonly Func<CancellationToken, Task<string>> _askAccount;
    private readonly Func<CancellationToken, Task<IReadOnlyList<string>>> _bucketRegions;
    private readonly object _accountLock = new();
    private Task<string>? _account;

    /// <param name="events">An EventBridge client for a region (cached by the caller); the same for <paramref name="sns"/> and <paramref name="trails"/>.</param>
    /// <param name="account">The account the session acts in; asked once.</param>
    /// <param name="bucketRegions">The regions that hold the account's buckets: the default regions.</param>
    public PublicBucketGuardService(Func<string, IEventBridgeClient> events, Func<string, ISnsClient> sns, Func<string, ICloudTrailClient> trails,
        IIamClient iam, Func<CancellationToken, Task<string>> account, Func<CancellationToken, Task<IReadOnlyList<string>>> bucketRegions)
    {
        _events = events;
        _sns = sns;
        _trails = trails;
        _iam = iam;
        _askAccount = account;
        _bucketRegions = bucketRegions;
    }

    public static PublicBucketGuardService ForSession(SessionProvider provider, AwsSession session)
    {
        var identity = IdentityReader.ForSession(provider, session);
        return new PublicBucketGuardService(
            region => provider.GetClient("events", session, region, WireClients.Events),
            region => provider.GetClient("sns", session, region, WireClients.Sns),
            region => provider.GetClient("cloudtrail", session, region, WireClients.CloudTrail),
            provider.GetClient("iam", session, session.RegionOrDefault, WireClients.Iam),
            async cancel => (await identity.GetAsync(cancel).ConfigureAwait(false)).Account,
            async cancel =>
            {
                var scanner = PublicAccessScanner.ForSession(provider, session);
                var regions = new SortedSet<string>(StringComparer.Ordinal);
                await scanner.ListBucketsAsync(async bucket => regions.Add(await scanner.RegionOfAsync(bucket, cancel).ConfigureAwait(false)), cancel)
                    .ConfigureAwait(false);
                return regions.ToList();
            });
    }

    public Task<string> AccountAsync(CancellationToken cancel)
    {
        lock (_accountLock) return _account ??= _askAccount(cancel);
    }

    /// <summary>Every region that holds one of the account's buckets (S3 sends a bucket's events to EventBridge in its region).</summary>
    public Task<IReadOnlyList<string>> BucketRegionsAsync(CancellationToken cancel) => _bucketRegions(cancel);

    /// <summary>The region's guard as it is; what it lacks is judged against the topic its rule names (or the default topic).</summary>
    public async Task<PublicBucketGuard> GetAsync(string region, CancellationToken cancel)
    {
        var (facts, blueprint) = await ReadAsync(region, null, GuardBlueprint.DefaultTopicName, cancel).ConfigureAwait(false);
        return Describe(facts, blueprint, facts.HasRemediation, Array.Empty<string>());
    }

    /// <summary>The steps that make the region's guard what <paramref name="options"/> ask for; none when it already is.</summary>
    public async Task<GuardPlan> PlanInstallAsync(string region, GuardOptions options, CancellationToken cancel)
    {
        var (facts, blueprint) = await ReadAsync(region, options.TopicArn, options.TopicName, cancel).ConfigureAwait(false);
        if (options.TopicArn is not null && facts.TopicAttributes is null)
            throw new AwsGuardException(ErrorKind.ObjectNotFound, "TopicNotFound",
                $"The topic '{options.TopicArn}' does not exist. Give an existing topic of region {region}, or -TopicName to have one created.", options.TopicArn);

        var steps = new List<GuardStep>();
        var events = _events(region);
        var sns = _sns(region);
        var topicArn = blueprint.TopicArn;

        if (facts.TopicAttributes is null)
            steps.Add(new GuardStep($"create SNS topic {topicArn}",
                c => sns.CreateTopicAsync(options.TopicName, GuardBlueprint.Tags, c), c => sns.DeleteTopicAsync(topicArn, c)));
        if (!GuardCheck.SameJson(facts.TopicStatement?.ToJsonString(), blueprint.TopicStatement()))
        {
            string? before = null;
            steps.Add(new GuardStep($"allow only rule {GuardBlueprint.RuleName} to publish to topic {topicArn} (policy statement {GuardBlueprint.TopicStatementId})",
                async c =>
                {
                    var attributes = await sns.GetTopicAttributesAsync(topicArn, c).ConfigureAwait(false);
                    before = attributes is not null && attributes.TryGetValue("Policy", out var p) ? p : null;
                    await sns.SetTopicAttributeAsync(topicArn, "Policy", GuardCheck.WithStatement(before, GuardBlueprint.TopicStatementId, blueprint.TopicStatement()), c)
                        .ConfigureAwait(false);
                },
                c => before is null ? Task.CompletedTask : sns.SetTopicAttributeAsync(topicArn, "Policy", before, c)));
        }

        var rule = facts.Rule;
        var pattern = GuardBlueprint.EventPattern();
        if (rule is null || rule.State != "ENABLED" || !GuardCheck.SameJson(rule.EventPattern, pattern))
            steps.Add(new GuardStep(rule is null ? $"create rule {GuardBlueprint.RuleName} on the default event bus" : $"reset rule {GuardBlueprint.RuleName} (pattern, enabled)",
                c => events.PutRuleAsync(new EventRuleRequest(GuardBlueprint.RuleName, pattern, RuleDescription, rule is null ? GuardBlueprint.Tags : null), c),
                c => rule is null ? events.DeleteRuleAsync(GuardBlueprint.RuleName, null, c)
                    : events.PutRuleAsync(new EventRuleRequest(rule.Name, rule.EventPattern ?? pattern, rule.Description ?? RuleDescription, null, rule.State ?? "ENABLED"), c)));

        var roleDeletions = new List<GuardStep>();
        if (options.Remediate)
        {
            AddRoleSteps(steps, facts.AutomationRole!, GuardBlueprint.AutomationTrust, blueprint.AutomationPolicy(), "runs AWS's runbook");
            AddRoleSteps(steps, facts.EventsRole!, GuardBlueprint.EventsTrust, blueprint.EventsPolicy(), "lets EventBridge start the runbook");
        }
        else
        {
            foreach (var role in new[] { facts.AutomationRole!, facts.EventsRole! })
                if (role.Role is not null && role.Tagged) roleDeletions.Add(DeleteRoleStep(role.Name));
        }

        var wanted = new List<EventTarget> { new(GuardBlueprint.NotifyTargetId, topicArn, null, GuardBlueprint.Notification) };
        if (options.Remediate)
            wanted.Add(new EventTarget(GuardBlueprint.RemediateTargetId, blueprint.DocumentTargetArn, blueprint.EventsRoleArn, blueprint.Remediation));
        var changed = wanted.Where(w => !SameTarget(facts.Target(w.Id), w)).ToList();
        if (changed.Count > 0)
        {
            var previous = changed.Select(w => facts.Target(w.Id)).Where(t => t is not null).Cast<EventTarget>().ToList();
            var added = changed.Where(w => facts.Target(w.Id) is null).Select(w => w.Id).ToList();
            steps.Add(new GuardStep(string.Join("; ", changed.Select(w => $"put target {w.Id} of rule {GuardBlueprint.RuleName} -> {w.Arn}")),
                c => events.PutTargetsAsync(GuardBlueprint.RuleName, null, changed, c),
                async c =>
                {
                    if (added.Count > 0) await events.RemoveTargetsAsync(GuardBlueprint.RuleName, null, added, c).ConfigureAwait(false);
                    if (previous.Count > 0) await events.PutTargetsAsync(GuardBlueprint.RuleName, null, previous, c).ConfigureAwait(false);
                }));
        }
        if (!options.Remediate && facts.Target(GuardBlueprint.RemediateTargetId) is { } unwanted)
            steps.Add(new GuardStep($"remove target {GuardBlueprint.RemediateTargetId} of rule {GuardBlueprint.RuleName} (no -Remediate)",
                c => events.RemoveTargetsAsync(GuardBlueprint.RuleName, null, new[] { unwanted.Id }, c),
                c => events.PutTargetsAsync(GuardBlueprint.RuleName, null, new[] { unwanted }, c)));
        steps.AddRange(roleDeletions); // after the target that uses them
        return new GuardPlan(region, steps, Array.Empty<string>());
    }

    /// <summary>The steps that remove what the guard put in the region, and only what carries AwsGuard's tag or prefix.</summary>
    public async Task<GuardPlan> PlanUninstallAsync(string region, bool keepTopic, CancellationToken cancel)
    {
        var (facts, blueprint) = await ReadAsync(region, null, GuardBlueprint.DefaultTopicName, cancel).ConfigureAwait(false);
        var steps = new List<GuardStep>();
        var notes = new List<string>();
        var events = _events(region);
        var sns = _sns(region);

        if (facts.Rule is not null)
        {
            var ours = facts.Targets.Where(t => t.Id.StartsWith("AwsGuard-", StringComparison.Ordinal)).Select(t => t.Id).ToList();
            if (ours.Count > 0)
                steps.Add(new GuardStep($"remove targets {string.Join(", ", ours)} of rule {GuardBlueprint.RuleName}",
                    c => events.RemoveTargetsAsync(GuardBlueprint.RuleName, null, ours, c)));
            var others = facts.Targets.Select(t => t.Id).Except(ours).ToList();
            if (others.Count > 0) notes.Add($"rule {GuardBlueprint.RuleName} kept: it has targets AwsGuard did not add ({string.Join(", ", others)})");
            else steps.Add(new GuardStep($"delete rule {GuardBlueprint.RuleName}", c => events.DeleteRuleAsync(GuardBlueprint.RuleName, null, c)));
        }

        if (facts.TopicAttributes is not null)
        {
            var topicArn = blueprint.TopicArn;
            if (!keepTopic && facts.TopicTagged)
                steps.Add(new GuardStep($"delete SNS topic {topicArn}", c => sns.DeleteTopicAsync(topicArn, c)));
            else if (facts.TopicStatement is not null)
                steps.Add(new GuardStep($"remove policy statement {GuardBlueprint.TopicStatementId} from topic {topicArn}", async c =>
                {
                    var attributes = await sns.GetTopicAttributesAsync(topicArn, c).ConfigureAwait(false);
                    var policy = attributes is not null && attributes.TryGetValue("Policy", out var p) ? p : null;
                    await sns.SetTopicAttributeAsync(topicArn, "Policy", GuardCheck.WithStatement(policy, GuardBlueprint.TopicStatementId, null), c).ConfigureAwait(false);
                }));
        }

        foreach (var role in new[] { facts.AutomationRole!, facts.EventsRole! })
        {
            if (role.Role is null) continue;
            if (role.Tagged) steps.Add(DeleteRoleStep(role.Name));
            else notes.Add($"role {role.Name} kept: it lacks the {GuardBlueprint.TagKey} tag");
        }
        return new GuardPlan(region, steps, notes);
    }

    /// <summary>
    /// Applies the plan's steps in order and reads the region back. When a step fails, the steps before it that can be
    /// taken back are (Install), and the error names the step, what was taken back and what could not be.
    /// </summary>
    public async Task<PublicBucketGuard> ApplyAsync(GuardPlan plan, CancellationToken cancel)
    {
        var done = new Stack<GuardStep>();
        foreach (var step in plan.Steps)
        {
            try
            {
                await step.Apply(cancel).ConfigureAwait(false);
                done.Push(step);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                var explained = AwsErrors.Explain(error, plan.Region);
                var undone = new List<string>();
                var kept = new List<string>();
                while (done.Count > 0)
                {
                    var previous = done.Pop();
                    try
                    {
                        if (previous.Undo is null) throw new NotSupportedException();
                        await previous.Undo(CancellationToken.None).ConfigureAwait(false);
                        undone.Add(previous.Description);
                    }
                    catch (Exception)
                    {
                        kept.Add(previous.Description);
                    }
                }
                var message = $"{plan.Region}: could not {step.Description}: {explained.Message}";
                if (undone.Count > 0) message += $" Taken back: {string.Join("; ", undone)}.";
                if (kept.Count > 0) message += $" Done and not taken back: {string.Join("; ", kept)}.";
                throw new AwsGuardException(explained.Kind, explained.ErrorId, message, plan.Region, explained.RecommendedAction);
            }
        }
        var result = await GetAsync(plan.Region, cancel).ConfigureAwait(false);
        result.Changes = plan.Steps.Select(s => s.Description).Concat(plan.Notes).ToArray();
        return result;
    }

    /// <summary>The trail by name or ARN, among those that log <paramref name="region"/>; an error naming the trails there when none matches.</summary>
    public async Task<TrailInfo> FindTrailAsync(string region, string trail, CancellationToken cancel)
    {
        var trails = await _trails(region).DescribeTrailsAsync(cancel).ConfigureAwait(false);
        return trails.FirstOrDefault(t => t.Name == trail || t.Arn == trail)
            ?? throw new AwsGuardException(ErrorKind.ObjectNotFound, "TrailNotFound",
                $"No trail named '{trail}' logs region {region}" + (trails.Count == 0 ? " (it has no trail)." : $"; its trails: {string.Join(", ", trails.Select(t => t.Name))}."),
                trail);
    }

    /// <summary>The step that adds S3 object-write data events to the trail (all buckets, or <paramref name="bucket"/>); null when it logs them already.</summary>
    public async Task<GuardStep?> PlanObjectLoggingAsync(TrailInfo trail, string? bucket, CancellationToken cancel)
    {
        var client = _trails(trail.HomeRegion);
        var partition = AwsRegions.PartitionOf(trail.HomeRegion);
        var selectors = await client.GetEventSelectorsAsync(trail.Arn, cancel).ConfigureAwait(false);
        if (TrailLogging.LogsS3Writes(selectors, partition, bucket)) return null;
        var wanted = TrailLogging.WithS3Writes(selectors, partition, bucket);
        return new GuardStep($"add S3 object-write data events ({(bucket is null ? "every bucket" : "bucket " + bucket)}) to trail {trail.Name}, keeping its other selectors",
            c => client.PutEventSelectorsAsync(trail.Arn, wanted, c));
    }

    public Task ApplyStepAsync(GuardStep step, CancellationToken cancel) => step.Apply(cancel);

    private const string RuleDescription = "AwsGuard: S3 calls that can make a bucket or object public (Install-PublicBucketGuard)";

    private void AddRoleSteps(List<GuardStep> steps, GuardRoleFacts role, string trust, string policy, string purpose)
    {
        var name = role.Name;
        if (role.Role is null)
            steps.Add(new GuardStep($"create role {name} ({purpose})",
                c => _iam.CreateRoleAsync(name, trust, $"AwsGuard public bucket guard: {purpose}.", null, null, GuardBlueprint.Tags, c),
                c => _iam.DeleteRoleAsync(name, c)));
        else if (!GuardCheck.SameJson(role.Role.AssumeRolePolicyDocument, trust))
        {
            var before = role.Role.AssumeRolePolicyDocument!;
            steps.Add(new GuardStep($"reset the trust policy of role {name}",
                c => _iam.UpdateAssumeRolePolicyAsync(name, trust, c), c => _iam.UpdateAssumeRolePolicyAsync(name, before, c)));
        }
        if (!GuardCheck.SameJson(role.Policy, policy))
        {
            var before = role.Policy;
            steps.Add(new GuardStep($"put policy {GuardBlueprint.RolePolicyName} on role {name}",
                c => _iam.PutRolePolicyAsync(name, GuardBlueprint.RolePolicyName, policy, c),
                c => before is null ? _iam.DeleteRolePolicyAsync(name, GuardBlueprint.RolePolicyName, c) : _iam.PutRolePolicyAsync(name, GuardBlueprint.RolePolicyName, before, c)));
        }
    }

    /// <summary>IAM deletes a role only without inline policies: those go first.</summary>
    private GuardStep DeleteRoleStep(string name) => new($"delete role {name}", async c =>
    {
        string? marker = null;
        var names = new List<string>();
        do
        {
            var page = await _iam.ListRolePoliciesAsync(name, marker, null, c).ConfigureAwait(false);
            names.AddRange(page.Items);
            marker = page.IsTruncated ? page.Marker : null;
        } while (marker is not null);
        foreach (var policy in names) await _iam.DeleteRolePolicyAsync(name, policy, c).ConfigureAwait(false);
        await _iam.DeleteRoleAsync(name, c).ConfigureAwait(false);
    });

    private async Task<(GuardFacts, GuardBlueprint)> ReadAsync(string region, string? topicArn, string topicName, CancellationToken cancel)
    {
        var account = await AccountAsync(cancel).ConfigureAwait(false);
        var partition = AwsRegions.PartitionOf(region);
        var events = _events(region);
        var facts = new GuardFacts { Region = region, AccountId = account };
        facts.Rule = await events.DescribeRuleAsync(GuardBlueprint.RuleName, null, cancel).ConfigureAwait(false);
        if (facts.Rule is not null)
            facts.Targets = await events.ListTargetsByRuleAsync(GuardBlueprint.RuleName, null, cancel).ConfigureAwait(false);
        facts.TopicArn = topicArn ?? facts.Target(GuardBlueprint.NotifyTargetId)?.Arn ?? GuardBlueprint.TopicArnFor(partition, region, account, topicName);
        var blueprint = new GuardBlueprint(partition, region, account, facts.TopicArn);
        var sns = _sns(region);
        facts.TopicAttributes = await sns.GetTopicAttributesAsync(facts.TopicArn, cancel).ConfigureAwait(false);
        if (facts.TopicAttributes is not null)
            facts.TopicTagged = (await sns.ListTagsForResourceAsync(facts.TopicArn, cancel).ConfigureAwait(false)).ContainsKey(GuardBlueprint.TagKey);
        facts.AutomationRole = await ReadRoleAsync(blueprint.AutomationRoleName, cancel).ConfigureAwait(false);
        facts.EventsRole = await ReadRoleAsync(blueprint.EventsRoleName, cancel).ConfigureAwait(false);
        facts.LoggingTrails = await LoggingTrailsAsync(region, partition, cancel).ConfigureAwait(false);
        return (facts, blueprint);
    }

    private async Task<GuardRoleFacts> ReadRoleAsync(string name, CancellationToken cancel)
    {
        IamRole role;
        try
        {
            role = await _iam.GetRoleAsync(name, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNoSuchEntity(e))
        {
            return new GuardRoleFacts(name, null, null, false);
        }
        string? policy;
        try
        {
            policy = (await _iam.GetRolePolicyAsync(name, GuardBlueprint.RolePolicyName, cancel).ConfigureAwait(false)).PolicyDocument;
        }
        catch (Exception e) when (IsNoSuchEntity(e))
        {
            policy = null;
        }
        var tags = await _iam.ListRoleTagsAsync(name, cancel).ConfigureAwait(false);
        return new GuardRoleFacts(name, role, policy, tags.TryGetValue(GuardBlueprint.TagKey, out var v) && v == GuardBlueprint.TagValue);
    }

    /// <summary>The trails logging the region that log S3 object writes (each asked in its home region).</summary>
    private async Task<IReadOnlyList<string>> LoggingTrailsAsync(string region, string partition, CancellationToken cancel)
    {
        var logging = new List<string>();
        foreach (var trail in await _trails(region).DescribeTrailsAsync(cancel).ConfigureAwait(false))
        {
            var selectors = await _trails(string.IsNullOrEmpty(trail.HomeRegion) ? region : trail.HomeRegion).GetEventSelectorsAsync(trail.Arn, cancel).ConfigureAwait(false);
            if (TrailLogging.LogsS3Writes(selectors, partition, null)) logging.Add(trail.Name);
        }
        return logging;
    }

    private static bool SameTarget(EventTarget? found, EventTarget wanted) =>
        found is not null && found.Arn == wanted.Arn && found.RoleArn == wanted.RoleArn && GuardCheck.SameTransformer(found.InputTransformer, wanted.InputTransformer!);

    private static bool IsNoSuchEntity(Exception error) => error is Amazon.Runtime.AmazonServiceException { ErrorCode: "NoSuchEntity" };

    private static PublicBucketGuard Describe(GuardFacts facts, GuardBlueprint blueprint, bool remediate, string[] changes)
    {
        var missing = GuardCheck.Missing(facts, blueprint, remediate);
        var status = GuardCheck.Status(facts, missing);
        return new PublicBucketGuard
        {
            AccountId = facts.AccountId,
            Region = facts.Region,
            RuleName = GuardBlueprint.RuleName,
            RuleArn = facts.Rule?.Arn,
            TopicArn = facts.Target(GuardBlueprint.NotifyTargetId)?.Arn,
            Remediation = remediate
                ? new GuardRemediation { DocumentName = GuardBlueprint.DocumentName, EventsRoleArn = blueprint.EventsRoleArn, AutomationRoleArn = blueprint.AutomationRoleArn }
                : null,
            ObjectLogging = facts.LoggingTrails.ToArray(),
            Status = status,
            Missing = status == GuardStatus.Partial ? missing.ToArray() : Array.Empty<string>(),
            Changes = changes,
        };
    }
}
