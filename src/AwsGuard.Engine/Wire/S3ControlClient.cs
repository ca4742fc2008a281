using System;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Sessions;

namespace AwsGuard.Engine.Wire;

/// <summary>The S3 Control operations AwsGuard uses.</summary>
public interface IS3ControlClient
{
    /// <summary>The account-level Block Public Access settings; null when the account has none (NoSuchPublicAccessBlockConfiguration).</summary>
    Task<BlockPublicAccessFlags?> GetPublicAccessBlockAsync(string accountId, CancellationToken cancel);

    /// <summary>Sets the account-level Block Public Access settings (s3:PutAccountPublicAccessBlock).</summary>
    Task PutPublicAccessBlockAsync(string accountId, BlockPublicAccessFlags flags, CancellationToken cancel);

    /// <summary>Removes the account-level Block Public Access configuration (s3:PutAccountPublicAccessBlock).</summary>
    Task DeletePublicAccessBlockAsync(string accountId, CancellationToken cancel);
}

/// <summary>S3 Control over REST-XML, signed as "s3"; the account id travels in x-amz-account-id and, on AWS, in the host.</summary>
public sealed class S3ControlClient : WireClient, IS3ControlClient
{
    internal const string ServiceId = "S3 Control";
    private static readonly Regex AccountPattern = new(@"^\d{12}$", RegexOptions.CultureInvariant);
    private readonly string _region;
    private readonly Uri? _endpointOverride;

    public S3ControlClient(AWSCredentials credentials, string region, Uri? endpoint, AwsRetry? retry = null)
        : base(credentials, retry, null)
    {
        _region = region;
        _endpointOverride = endpoint;
        WireEndpoints.S3Control(region, "000000000000", endpoint); // validates the region now, not at the first call
    }

    public async Task<BlockPublicAccessFlags?> GetPublicAccessBlockAsync(string accountId, CancellationToken cancel)
    {
        var request = CreateGetPublicAccessBlock(accountId);
        try
        {
            var root = await RestXmlProtocol.InvokeAsync(Context, request, cancel).ConfigureAwait(false);
            var config = root?.Name.LocalName == "PublicAccessBlockConfiguration" ? root : root.Child("PublicAccessBlockConfiguration");
            return new BlockPublicAccessFlags(config.Bool("BlockPublicAcls") ?? false, config.Bool("IgnorePublicAcls") ?? false,
                config.Bool("BlockPublicPolicy") ?? false, config.Bool("RestrictPublicBuckets") ?? false);
        }
        catch (WireServiceException error) when (error.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
        {
            return null;
        }
    }

    public async Task PutPublicAccessBlockAsync(string accountId, BlockPublicAccessFlags settings, CancellationToken cancel)
    {
        var request = CreatePublicAccessBlockRequest(accountId, "PutPublicAccessBlock", "PUT");
        XNamespace ns = "http://awss3control.amazonaws.com/doc/2018-08-20/";
        var body = new XElement(ns + "PublicAccessBlockConfiguration",
            new XElement(ns + "BlockPublicAcls", settings.BlockPublicAcls ? "true" : "false"),
            new XElement(ns + "IgnorePublicAcls", settings.IgnorePublicAcls ? "true" : "false"),
            new XElement(ns + "BlockPublicPolicy", settings.BlockPublicPolicy ? "true" : "false"),
            new XElement(ns + "RestrictPublicBuckets", settings.RestrictPublicBuckets ? "true" : "false"));
        request.Headers["Content-Type"] = "application/xml";
        request.Body = Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting));
        await RestXmlProtocol.InvokeAsync(Context, request, cancel).ConfigureAwait(false);
    }

    public async Task DeletePublicAccessBlockAsync(string accountId, CancellationToken cancel) =>
        await RestXmlProtocol.InvokeAsync(Context, CreatePublicAccessBlockRequest(accountId, "DeletePublicAccessBlock", "DELETE"), cancel).ConfigureAwait(false);

    internal WireRequest CreateGetPublicAccessBlock(string accountId) => CreatePublicAccessBlockRequest(accountId, "GetPublicAccessBlock", "GET");

    private WireRequest CreatePublicAccessBlockRequest(string accountId, string operation, string method)
    {
        if (accountId is null || !AccountPattern.IsMatch(accountId))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidAccountId", $"'{accountId}' is not a 12-digit AWS account id.", accountId);
        var endpoint = WireEndpoints.S3Control(_region, accountId, _endpointOverride);
        var request = RestXmlProtocol.CreateRequest(ServiceId, "s3", endpoint, operation, method, "/v20180820/configuration/publicAccessBlock");
        request.Headers["x-amz-account-id"] = accountId;
        return request;
    }
}
