using System;
using System.Net;
using Amazon.Runtime;
using AwsGuard.Engine.Errors;

namespace AwsGuard.Engine.Wire;

/// <summary>
/// An error answer from a service AwsGuard's wire client called: the service's own error code and message
/// (JSON <c>__type</c>, Query or REST-XML <c>&lt;Error&gt;&lt;Code&gt;</c>). It is an <see cref="AmazonServiceException"/>,
/// so <see cref="AwsErrors.Explain"/> and the cmdlets treat it exactly as they treat the SDK's own service errors.
/// </summary>
public sealed class WireServiceException : AmazonServiceException
{
    public WireServiceException(string service, string operation, string errorCode, string message, HttpStatusCode status, string? requestId)
        : base(message, null, (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender, errorCode, requestId ?? "", status)
    {
        Service = service;
        Operation = operation;
    }

    /// <summary>The service id, as in the call log (e.g. "CloudWatch Logs").</summary>
    public string Service { get; }

    /// <summary>The operation that failed (e.g. "GetLogEvents").</summary>
    public string Operation { get; }
}
