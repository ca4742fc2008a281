using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AwsGuard.Engine.Diagnostics;
using AwsGuard.Engine.PublicAccess;
using AwsGuard.Engine.Sessions;
using AwsGuard.Engine.Tests.Infrastructure;

namespace AwsGuard.Engine.Tests.PublicAccess;

/// <summary>S3 clients on moto, one per region, and scanners over them.</summary>
internal sealed class MotoS3
{
    private readonly LocalAws _aws;
    private readonly ConcurrentDictionary<string, IAmazonS3> _clients = new();

    public MotoS3(LocalAws aws) => _aws = aws;

    public IAmazonS3 Client(string region = LocalAws.Region) =>
        _clients.GetOrAdd(region, r => AwsClients.S3(new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey), r, _aws.Endpoint));

    public PublicAccessScanner Scanner(BlockPublicAccessFlags? account = null, Func<string, IAmazonS3, IAmazonS3>? wrap = null) =>
        new(region => wrap is null ? Client(region) : wrap(region, Client(region)), LocalAws.Region, PublicAccessScanner.Fixed(account));

    public async Task<string> NewBucketAsync(S3CannedACL? acl = null, string region = LocalAws.Region)
    {
        var name = LocalAws.UniqueName("pub");
        var request = new PutBucketRequest { BucketName = name, CannedACL = acl };
        if (region != "us-east-1") request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(region) };
        await Client(region).PutBucketAsync(request);
        return name;
    }
}

/// <summary>Counts the AWS calls the call log reports on this async flow, and keeps the warnings.</summary>
internal sealed class CountingOutput : IEngineOutput
{
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    public IReadOnlyList<string> Calls => _calls.ToList();
    public IReadOnlyList<string> Warnings => _warnings.ToList();
    public void Verbose(string message)
    {
        if (message.StartsWith("AWS ", StringComparison.Ordinal)) _calls.Enqueue(message);
    }
    public void Warning(string message) => _warnings.Enqueue(message);
}

/// <summary>An IAmazonS3 that passes every call to moto except one operation, which fails as AWS fails it.</summary>
public class FailingS3 : DispatchProxy
{
    private IAmazonS3 _inner = null!;
    private string _operation = "";
    private string _code = "";

    public static IAmazonS3 Wrap(IAmazonS3 inner, string operation, string code = "AccessDenied")
    {
        var proxy = Create<IAmazonS3, FailingS3>();
        var self = (FailingS3)(object)proxy;
        self._inner = inner;
        self._operation = operation;
        self._code = code;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == _operation + "Async")
            throw new AmazonS3Exception("Access Denied", ErrorType.Sender, _code, "test-request", HttpStatusCode.Forbidden);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
