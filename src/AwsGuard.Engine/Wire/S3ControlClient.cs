using System;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using AwsGuard.Engine.Identity;
using AwsGuard.Engine.Sessions;
using RetryPolicy = AwsGuard.Engine.Sessions.RetryPolicy;

namespace AwsGuard.Engine.Wire;

/// <summary>The S3 Control operations AwsGuard uses.</summary>
public interface IS3ControlClient
{
    /// <summary>The account-level Block Public Access settings; null when the account has none (NoSuchPublicAccessBlockConfiguration).</summary>
    Task<PublicAccessBlock?> GetPublicAccessBlockAsync(string accountId, CancellationToken cancel);

    /// <summary>Sets the account-level Block Public Access settings (s3:PutAccountPublicAccessBlock).</summary>
    Task PutPublicAccessBlockAsync(PublicAccessBlock settings, CancellationToken cancel);

    /// <summary>Removes the account-level Block Public Access configuration (s3:PutAccountPublicAccessBlock).</summary>
    Task DeletePublicAccessBlockAsync(string accountId, CancellationToken cancel);
}

/// <summary>S3 Control over REST-XML, signed as "s3"; the account id travels in x-amz-account-id and, on AWS, in the host.</summary>
public sealed class S3ControlClient : IS3ControlClient
{
    internal const string ServiceId = "S3 Control";
    private static readonly Regex AccountPattern = new(@"^\d{12}$", RegexOptions.CultureInvariant);
    private readonly WireContext _context;
    private readonly string _region;
    private readonly Uri? _endpointOverride;

    public S3ControlClient(AWSCredentials credentials, string region, Uri? endpoint, RetryPolicy? retry = null)
        : this(credentials, region, endpoint, retry, null) { }

    internal S3ControlClient(AWSCredentials credentials, string region, Uri? endpoint, RetryPolicy? retry, WireTransport? transport)
    {
        _context = new WireContext(credentials, retry, transport);
        _region = region;
        _endpointOverride = endpoint;
        WireEndpoints.S3Control(region, "000000000000", endpoint); // validates the region now, not at the first call
    }

    public async Task<PublicAccessBlock?> GetPublicAccessBlockAsync(string accountId, CancellationToken cancel)
    {
        var request = CreateGetPublicAccessBlock(accountId);
        try
        {
            var root = await RestXmlProtocol.InvokeAsync(_context, request, cancel).ConfigureAwait(false);
            var config = root?.Name.LocalName == "PublicAccessBlockConfiguration" ? root : root.Child("PublicAccessBlockConfiguration");
            return new PublicAccessBlock
            {
                AccountId = accountId,
                BlockPublicAcls = config.Bool("BlockPublicAcls") ?? false,
                IgnorePublicAcls = config.Bool("IgnorePublicAcls") ?? false,
                BlockPublicPolicy = config.Bool("BlockPublicPolicy") ?? false,
                RestrictPublicBuckets = config.Bool("RestrictPublicBuckets") ?? false,
            };
        }
        catch (WireServiceException error) when (error.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
        {
            return null;
        }
    }

    public async Task PutPublicAccessBlockAsync(PublicAccessBlock settings, CancellationToken cancel)
    {
        var request = CreatePublicAccessBlockRequest(settings.AccountId, "PutPublicAccessBlock", "PUT");
        XNamespace ns = "http://awss3control.amazonaws.com/doc/2018-08-20/";
        var body = new XElement(ns + "PublicAccessBlockConfiguration",
            new XElement(ns + "BlockPublicAcls", settings.BlockPublicAcls ? "true" : "false"),
            new XElement(ns + "IgnorePublicAcls", settings.IgnorePublicAcls ? "true" : "false"),
            new XElement(ns + "BlockPublicPolicy", settings.BlockPublicPolicy ? "true" : "false"),
            new XElement(ns + "RestrictPublicBuckets", settings.RestrictPublicBuckets ? "true" : "false"));
        request.Headers["Content-Type"] = "application/xml";
        request.Body = Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting));
        await RestXmlProtocol.InvokeAsync(_context, request, cancel).ConfigureAwait(false);
    }

    public async Task DeletePublicAccessBlockAsync(string accountId, CancellationToken cancel) =>
        await RestXmlProtocol.InvokeAsync(_context, CreatePublicAccessBlockRequest(accountId, "DeletePublicAccessBlock", "DELETE"), cancel).ConfigureAwait(false);

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

/// <summary>Account-level S3 Block Public Access.</summary>
public sealed class PublicAccessBlock
{
    public string AccountId { get; set; } = "";
    public bool BlockPublicAcls { get; set; }
    public bool IgnorePublicAcls { get; set; }
    public bool BlockPublicPolicy { get; set; }
    public bool RestrictPublicBuckets { get; set; }
}

/// <summary>Makes the wire clients the way <see cref="AwsClients"/> makes SDK clients: fit for <see cref="SessionProvider.GetClient{T}"/>.</summary>
public static class WireClients
{
    public static ILogsClient Logs(AWSCredentials credentials, string region, Uri? endpoint) => new LogsClient(credentials, region, endpoint);

    public static IStorageGatewayClient StorageGateway(AWSCredentials credentials, string region, Uri? endpoint) =>
        new StorageGatewayClient(credentials, region, endpoint);

    public static IIamClient Iam(AWSCredentials credentials, string region, Uri? endpoint) => new IamClient(credentials, region, endpoint);

    public static IS3ControlClient S3Control(AWSCredentials credentials, string region, Uri? endpoint) => new S3ControlClient(credentials, region, endpoint);

    /// <summary>The calling account's Block Public Access: the account id from STS GetCallerIdentity, then S3 Control.</summary>
    public static async Task<PublicAccessBlock?> GetAccountPublicAccessBlockAsync(SessionProvider provider, AwsSession session, string region, CancellationToken cancel)
    {
        var identity = await IdentityReader.GetAsync(provider, session, cancel).ConfigureAwait(false);
        var client = provider.GetClient("s3control", session, region, S3Control);
        return await client.GetPublicAccessBlockAsync(identity.Account, cancel).ConfigureAwait(false);
    }
}
