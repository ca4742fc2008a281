using System;
using System.Collections.Generic;
using System.Linq;
using AwsGuard.Engine.Wire;

namespace AwsGuard.Engine.Guard;

/// <summary>Whether a trail's selectors log S3 object writes (the data events object-level detection needs), and how to add them.</summary>
public static class TrailLogging
{
    public const string SelectorName = "AwsGuard S3 object writes";
    private const string ObjectType = "AWS::S3::Object";

    /// <summary>
    /// Basic selectors: an AWS::S3::Object data resource in a WriteOnly or All selector, for every bucket ("arn:aws:s3") or
    /// the bucket's ARN. Advanced: a Data selector of resources.type AWS::S3::Object not limited to reads, and (for a bucket)
    /// not limited to other buckets.
    /// </summary>
    public static bool LogsS3Writes(TrailSelectors selectors, string partition, string? bucket)
    {
        var everyBucket = $"arn:{partition}:s3";
        var bucketArn = bucket is null ? null : $"arn:{partition}:s3:::{bucket}/";
        if (selectors.Basic.Any(s => s.ReadWriteType is "WriteOnly" or "All" && s.DataResources.Any(d => d.Type == ObjectType
                && d.Values.Any(v => v == everyBucket || v == everyBucket + ":::" || (bucketArn is not null && v == bucketArn)))))
            return true;
        return selectors.Advanced.Any(a =>
        {
            var fields = a.FieldSelectors.ToDictionary(f => f.Field, StringComparer.Ordinal);
            bool Has(string field, string value) => fields.TryGetValue(field, out var f) && f.EqualsTo.Contains(value);
            if (!Has("eventCategory", "Data") || !Has("resources.type", ObjectType) || Has("readOnly", "true")) return false;
            if (!fields.TryGetValue("resources.ARN", out var arn)) return true;
            return bucketArn is not null && (arn.EqualsTo.Concat(arn.StartsWith).Any(v => bucketArn.StartsWith(v, StringComparison.Ordinal)));
        });
    }

    /// <summary>The trail's selectors plus one that logs S3 object writes (all buckets, or <paramref name="bucket"/>), of the trail's kind.</summary>
    public static TrailSelectors WithS3Writes(TrailSelectors selectors, string partition, string? bucket)
    {
        var none = Array.Empty<string>();
        // No selectors at all means CloudTrail's default, management events: kept beside the new one.
        if (selectors.Basic.Count == 0 && selectors.Advanced.Count == 0)
            selectors = new TrailSelectors(new[] { new BasicEventSelector("All", true, Array.Empty<DataResource>(), none) }, selectors.Advanced);
        if (selectors.Advanced.Count > 0)
        {
            var fields = new List<FieldSelector>
            {
                new("eventCategory", new[] { "Data" }, none, none, none, none, none),
                new("resources.type", new[] { ObjectType }, none, none, none, none, none),
                new("readOnly", new[] { "false" }, none, none, none, none, none),
            };
            if (bucket is not null) fields.Add(new("resources.ARN", none, new[] { $"arn:{partition}:s3:::{bucket}/" }, none, none, none, none));
            return new TrailSelectors(selectors.Basic, selectors.Advanced.Append(new AdvancedEventSelector(SelectorName, fields)).ToList());
        }
        var value = bucket is null ? $"arn:{partition}:s3" : $"arn:{partition}:s3:::{bucket}/";
        var writes = new BasicEventSelector("WriteOnly", false, new[] { new DataResource(ObjectType, new[] { value }) }, none);
        return new TrailSelectors(selectors.Basic.Append(writes).ToList(), selectors.Advanced);
    }
}
