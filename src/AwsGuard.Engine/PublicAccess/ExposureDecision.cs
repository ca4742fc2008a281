using System.Collections.Generic;
using System.Linq;

namespace AwsGuard.Engine.PublicAccess;

/// <summary>
/// Merges Block Public Access and Object Ownership with the ACL and policy findings into a <see cref="BucketExposure"/>.
/// Rules and decisions:
/// <list type="bullet">
/// <item>Effective Block Public Access is account-level OR bucket-level, flag by flag; not configured = all false.</item>
/// <item>IgnorePublicAcls, or Object Ownership BucketOwnerEnforced (ACLs disabled), neutralises public bucket and object ACLs;
/// RestrictPublicBuckets neutralises a public policy. BlockPublicAcls and BlockPublicPolicy only refuse new public settings and
/// neutralise nothing that exists.</item>
/// <item>Public when some exposure is in effect; Blocked when exposures exist and all are neutralised (the reasons are kept and
/// marked Neutralised, with a reason for what neutralises them); NotPublic when there is none.</item>
/// <item>Unknown when a call that could add an exposure failed (bucket ACL, object ACL, policy, location) or when a call that
/// could neutralise a found exposure failed; the failed call is a reason of its own. What was read still wins where it settles the
/// answer: an exposure in effect that no failed call could neutralise is Public, and no exposure at all is NotPublic even when a
/// Block Public Access or ownership call failed (that failure is still listed).</item>
/// <item>GetBucketPolicyStatus, where it answers IsPublic, is a reason of its own whose Detail says whether it agrees with the
/// local analysis. When S3 calls the policy public and the local analysis does not, S3 wins (the policy counts as a public
/// exposure, read and write taken from the Allow statements with wildcard principals); when S3 calls it not public and the local
/// analysis finds a public statement, the local finding stands. A failed GetBucketPolicyStatus never makes a bucket Unknown.</item>
/// <item>PublicRead and PublicWrite describe exposures in effect only: they are false for Blocked, NotPublic and Unknown.</item>
/// </list>
/// </summary>
public static class ExposureDecision
{
    private enum Neutralised { No, Yes, Unknown }

    public static BucketExposure Decide(BucketFacts facts)
    {
        var result = new BucketExposure { BucketName = facts.Bucket, Region = facts.Region, ObjectKey = facts.Key };
        var reasons = new List<ExposureReason>();

        if (facts.LocationError is { } locationError)
        {
            reasons.Add(Failure(ExposureSource.BucketLocation, "s3:GetBucketLocation", locationError,
                "could not find the bucket's region, so nothing else was read"));
            result.Status = ExposureStatus.Unknown;
            result.Reasons = reasons.ToArray();
            return result;
        }

        result.AccountBlockPublicAccess = facts.Account.Value;
        result.BucketBlockPublicAccess = facts.BucketBlock.Value;
        result.ObjectOwnership = facts.Ownership.Value;
        var effective = BlockPublicAccessFlags.Merge(facts.Account.Value, facts.BucketBlock.Value);
        result.EffectiveBlockPublicAccess = effective;
        var enforced = facts.Ownership.Value == "BucketOwnerEnforced";

        var exposureUnknown = false;
        var exposures = new List<ExposureReason>();
        var aclExposures = new List<ExposureReason>();
        var policyExposures = new List<ExposureReason>();

        if (facts.Account.Error is { } accountError)
            reasons.Add(Failure(ExposureSource.AccountBlockPublicAccess, facts.Account.Call, accountError, "account-level Block Public Access is not known"));
        if (facts.BucketBlock.Error is { } blockError)
            reasons.Add(Failure(ExposureSource.BucketBlockPublicAccess, facts.BucketBlock.Call, blockError, "bucket-level Block Public Access is not known"));
        if (facts.Ownership.Error is { } ownershipError)
            reasons.Add(Failure(ExposureSource.ObjectOwnership, facts.Ownership.Call, ownershipError, "whether ACLs are disabled is not known"));

        if (facts.Acl.Error is { } aclError)
        {
            exposureUnknown = true;
            reasons.Add(Failure(ExposureSource.Acl, facts.Acl.Call, aclError, "the bucket ACL is not known"));
        }
        else if (facts.Acl.Value is { } grants)
        {
            aclExposures.AddRange(AclEvaluator.Evaluate(grants, ExposureSource.Acl));
        }

        if (facts.ObjectAcl is { } objectAcl)
        {
            if (objectAcl.Error is { } objectError)
            {
                exposureUnknown = true;
                reasons.Add(Failure(ExposureSource.ObjectAcl, objectAcl.Call, objectError, $"the ACL of '{facts.Key}' is not known"));
            }
            else if (objectAcl.Value is { } objectGrants)
            {
                aclExposures.AddRange(AclEvaluator.Evaluate(objectGrants, ExposureSource.ObjectAcl));
            }
        }

        PolicyAnalysis? analysis = null;
        if (facts.Policy.Error is { } policyError)
        {
            exposureUnknown = true;
            reasons.Add(Failure(ExposureSource.Policy, facts.Policy.Call, policyError, "the bucket policy is not known"));
        }
        else if (facts.Policy.Value is { Length: > 0 } policyText)
        {
            try
            {
                analysis = PolicyEvaluator.Evaluate(policyText);
                policyExposures.AddRange(analysis.Reasons);
            }
            catch (AwsGuardException malformed)
            {
                exposureUnknown = true;
                reasons.Add(Failure(ExposureSource.Policy, facts.Policy.Call, malformed, "the bucket policy could not be analysed"));
            }
        }

        if (facts.PolicyStatus is { } status)
        {
            if (status.Error is { } statusError)
            {
                reasons.Add(Failure(ExposureSource.PolicyStatus, status.Call, statusError, "S3's own verdict on the policy is not known; the local analysis stands"));
            }
            else if (status.Value?.IsPublic is { } awsPublic && analysis is not null)
            {
                var localPublic = analysis.IsPublic;
                var verdict = new ExposureReason
                {
                    Source = ExposureSource.PolicyStatus,
                    Permissions = new[] { "IsPublic=" + (awsPublic ? "true" : "false") },
                    Detail = awsPublic == localPublic
                        ? $"S3's GetBucketPolicyStatus also calls the policy {(awsPublic ? "public" : "not public")}"
                        : awsPublic
                            ? "S3's GetBucketPolicyStatus calls the policy public, but the local analysis found no public statement; S3's verdict is used"
                            : "S3's GetBucketPolicyStatus calls the policy not public, but the local analysis found a public statement; the local finding stands",
                };
                if (awsPublic && !localPublic)
                {
                    verdict.Read = analysis.WildcardRead || !analysis.WildcardWrite;
                    verdict.Write = analysis.WildcardWrite;
                    policyExposures.Add(verdict);
                }
                else
                {
                    reasons.Add(verdict);
                }
            }
        }

        var aclState = AclState(facts, effective, enforced);
        var policyState = PolicyState(facts, effective);
        foreach (var r in aclExposures) r.Neutralised = aclState == Neutralised.Yes;
        foreach (var r in policyExposures) r.Neutralised = policyState == Neutralised.Yes;
        exposures.AddRange(aclExposures);
        exposures.AddRange(policyExposures);
        reasons.InsertRange(0, exposures);

        if (aclExposures.Count > 0 && aclState == Neutralised.Yes)
            reasons.AddRange(AclNeutralisers(facts, enforced));
        if (policyExposures.Count > 0 && policyState == Neutralised.Yes)
            reasons.AddRange(PolicyNeutralisers(facts));

        var inEffect = aclExposures.Where(_ => aclState == Neutralised.No)
            .Concat(policyExposures.Where(_ => policyState == Neutralised.No)).ToList();
        if (inEffect.Count > 0)
        {
            result.Status = ExposureStatus.Public;
            result.PublicRead = inEffect.Any(r => r.Read);
            result.PublicWrite = inEffect.Any(r => r.Write);
        }
        else if (exposureUnknown
                 || (aclExposures.Count > 0 && aclState == Neutralised.Unknown)
                 || (policyExposures.Count > 0 && policyState == Neutralised.Unknown))
        {
            result.Status = ExposureStatus.Unknown;
        }
        else
        {
            result.Status = exposures.Count > 0 ? ExposureStatus.Blocked : ExposureStatus.NotPublic;
        }
        result.IsPublic = result.Status == ExposureStatus.Public;
        result.Reasons = reasons.ToArray();
        return result;
    }

    private static Neutralised AclState(BucketFacts facts, BlockPublicAccessFlags effective, bool enforced)
    {
        if (enforced || effective.IgnorePublicAcls) return Neutralised.Yes;
        return facts.Account.Failed || facts.BucketBlock.Failed || facts.Ownership.Failed ? Neutralised.Unknown : Neutralised.No;
    }

    private static Neutralised PolicyState(BucketFacts facts, BlockPublicAccessFlags effective)
    {
        if (effective.RestrictPublicBuckets) return Neutralised.Yes;
        return facts.Account.Failed || facts.BucketBlock.Failed ? Neutralised.Unknown : Neutralised.No;
    }

    private static IEnumerable<ExposureReason> AclNeutralisers(BucketFacts facts, bool enforced)
    {
        if (enforced)
            yield return new ExposureReason
            {
                Source = ExposureSource.ObjectOwnership,
                Permissions = new[] { "BucketOwnerEnforced" },
                Detail = "Object Ownership is BucketOwnerEnforced: ACLs are disabled, so the public ACL grants nothing",
            };
        if (facts.Account.Value?.IgnorePublicAcls == true)
            yield return Flag(ExposureSource.AccountBlockPublicAccess, "IgnorePublicAcls", "account-level IgnorePublicAcls makes S3 ignore the public ACL");
        if (facts.BucketBlock.Value?.IgnorePublicAcls == true)
            yield return Flag(ExposureSource.BucketBlockPublicAccess, "IgnorePublicAcls", "bucket-level IgnorePublicAcls makes S3 ignore the public ACL");
    }

    private static IEnumerable<ExposureReason> PolicyNeutralisers(BucketFacts facts)
    {
        if (facts.Account.Value?.RestrictPublicBuckets == true)
            yield return Flag(ExposureSource.AccountBlockPublicAccess, "RestrictPublicBuckets",
                "account-level RestrictPublicBuckets limits the public policy to AWS services and the bucket owner's account");
        if (facts.BucketBlock.Value?.RestrictPublicBuckets == true)
            yield return Flag(ExposureSource.BucketBlockPublicAccess, "RestrictPublicBuckets",
                "bucket-level RestrictPublicBuckets limits the public policy to AWS services and the bucket owner's account");
    }

    private static ExposureReason Flag(ExposureSource source, string flag, string detail) =>
        new() { Source = source, Permissions = new[] { flag }, Detail = detail };

    private static ExposureReason Failure(ExposureSource source, string call, AwsGuardException error, string consequence) => new()
    {
        Source = source,
        FailedCall = call,
        ErrorId = error.ErrorId,
        Detail = $"{call} failed with {error.ErrorId}: {consequence} ({error.Message})",
    };
}
