using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace AwsGuard.Engine.Diagnostics;

/// <summary>
/// The engine's output channel (verbose lines, warnings, one line per AWS call) to the invocation running on this async
/// flow. Clients are shared across invocations, so the engine finds its writer here rather than in the client.
/// </summary>
public static class EngineOutput
{
    private static readonly AsyncLocal<IEngineOutput?> CurrentOutput = new();

    public static IEngineOutput? Current
    {
        get => CurrentOutput.Value;
        set => CurrentOutput.Value = value;
    }

    /// <summary>
    /// One verbose line per AWS call: service, operation, region, HTTP status (with the AWS error code of an error answer),
    /// milliseconds; "no response" only when no answer arrived at all.
    /// </summary>
    public static void LogCall(string service, string operation, string? region, int? status, string? errorCode, long milliseconds)
    {
        var answer = status is { } s ? (string.IsNullOrEmpty(errorCode) ? s.ToString() : $"{s} {errorCode}") : "no response";
        Current?.Verbose($"AWS {service} {operation} {region ?? "-"} -> {answer} in {milliseconds} ms");
    }
}

/// <summary>Outermost pipeline handler: times a whole call, retries included, and logs it.</summary>
internal sealed class CallLogHandler : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            base.InvokeSync(executionContext);
            Log(executionContext, clock, null);
        }
        catch (Exception error)
        {
            Log(executionContext, clock, error);
            throw;
        }
    }

    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            Log(executionContext, clock, null);
            return response;
        }
        catch (Exception error)
        {
            Log(executionContext, clock, error);
            throw;
        }
    }

    private static void Log(IExecutionContext context, Stopwatch clock, Exception? error)
    {
        var request = context.RequestContext;
        var operation = request.RequestName.EndsWith("Request", StringComparison.Ordinal)
            ? request.RequestName.Substring(0, request.RequestName.Length - "Request".Length)
            : request.RequestName;
        var service = error as AmazonServiceException;
        // An answer the SDK unmarshals without an HTTP response (a suppressed 404) still carries its status on the response.
        var status = service is { StatusCode: not 0 }
            ? (int)service.StatusCode
            : (int?)context.ResponseContext?.HttpResponse?.StatusCode ?? (int?)context.ResponseContext?.Response?.HttpStatusCode;
        EngineOutput.LogCall(request.ServiceMetaData?.ServiceId ?? request.ClientConfig.RegionEndpointServiceName, operation,
            request.ClientConfig.AuthenticationRegion ?? request.ClientConfig.RegionEndpoint?.SystemName, status, service?.ErrorCode,
            clock.ElapsedMilliseconds);
    }
}
