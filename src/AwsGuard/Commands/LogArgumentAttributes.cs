using System;
using System.Management.Automation;
using AwsGuard.Engine.Logs;

namespace AwsGuard.Commands;

/// <summary>
/// Lets -StartTime/-EndTime take a DateTime, an ISO 8601 string (no zone = local time), epoch milliseconds or a span before
/// now (5m, 1h30m); binds them as a UTC DateTime. A value of no accepted form is a binding error that lists the forms.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LogTimeAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        try
        {
            return TimeSpec.Parse(value, DateTime.UtcNow);
        }
        catch (FormatException error)
        {
            throw new ArgumentTransformationMetadataException(error.Message, error);
        }
    }
}
