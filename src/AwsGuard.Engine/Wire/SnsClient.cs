using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The SNS operations AwsGuard uses.</summary>
public interface ISnsClient
{
    /// <summary>Creates the topic, or returns the existing one's ARN (SNS's CreateTopic is idempotent); tags apply when it is created.</summary>
    Task<string> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel);

    /// <summary>The topic's attributes (Policy, Owner, ...), or null when it does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetTopicAttributesAsync(string topicArn, CancellationToken cancel);

    Task SetTopicAttributeAsync(string topicArn, string name, string value, CancellationToken cancel);

    Task DeleteTopicAsync(string topicArn, CancellationToken cancel);

    Task<IReadOnlyDictionary<string, string>> ListTagsForResourceAsync(string arn, CancellationToken cancel);
}

/// <summary>SNS over the Query protocol (version 2010-03-31), regional.</summary>
public sealed class SnsClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
    : WireClient(credentials, retry, null), ISnsClient
{
    internal const string ServiceId = "SNS";
    internal const string Version = "2010-03-31";
    private readonly WireEndpoint _endpoint = WireEndpoints.Sns(region, endpoint);

    public async Task<string> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? tags, CancellationToken cancel)
    {
        var parameters = new List<(string, string?)> { ("Name", JsonShape.Required(name, "Name", "CreateTopic")) };
        parameters.AddRange(QueryProtocol.Members("Tags.member", tags));
        var r = await Call("CreateTopic", cancel, parameters.ToArray()).ConfigureAwait(false);
        return r.Text("TopicArn") ?? "";
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetTopicAttributesAsync(string topicArn, CancellationToken cancel)
    {
        try
        {
            var r = await Call("GetTopicAttributes", cancel, ("TopicArn", JsonShape.Required(topicArn, "TopicArn", "GetTopicAttributes"))).ConfigureAwait(false);
            return r.Child("Attributes").Children("entry").ToDictionary(e => e.Text("key") ?? "", e => e.Text("value") ?? "", StringComparer.Ordinal);
        }
        catch (WireServiceException e) when (e.ErrorCode == "NotFound")
        {
            return null;
        }
    }

    public Task SetTopicAttributeAsync(string topicArn, string name, string value, CancellationToken cancel) =>
        Call("SetTopicAttributes", cancel, ("TopicArn", JsonShape.Required(topicArn, "TopicArn", "SetTopicAttributes")),
            ("AttributeName", JsonShape.Required(name, "AttributeName", "SetTopicAttributes")), ("AttributeValue", value));

    public Task DeleteTopicAsync(string topicArn, CancellationToken cancel) =>
        Call("DeleteTopic", cancel, ("TopicArn", JsonShape.Required(topicArn, "TopicArn", "DeleteTopic")));

    public async Task<IReadOnlyDictionary<string, string>> ListTagsForResourceAsync(string arn, CancellationToken cancel)
    {
        var r = await Call("ListTagsForResource", cancel, ("ResourceArn", JsonShape.Required(arn, "ResourceArn", "ListTagsForResource"))).ConfigureAwait(false);
        return QueryProtocol.ReadTags(r);
    }

    private Task<XElement> Call(string operation, CancellationToken cancel, params (string Name, string? Value)[] parameters) =>
        QueryProtocol.InvokeAsync(Context, ServiceId, "sns", _endpoint, operation, Version,
            parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)), cancel);
}
