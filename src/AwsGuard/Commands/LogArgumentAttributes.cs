using System;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using AwsGuard.Engine.Logs;
using AwsGuard.Engine.Roles;

namespace AwsGuard.Commands;

/// <summary>
/// Parses a parameter's argument as the user typed it. PowerShell hands an unquoted 90s to the binder as the Int16 90 and
/// 1d as the decimal 1 (numeric suffixes), wrapped in a PSObject whose text is the literal as typed: when that text is not
/// just the number's, it is what is parsed, so the forms the help shows mean what it says. A value of no accepted form is a
/// binding error that lists the forms.
/// </summary>
public abstract class TypedArgumentAttribute : ArgumentTransformationAttribute
{
    public sealed override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData switch
        {
            PSObject { BaseObject: var number } literal when IsNumber(number) && literal.ToString() is var text
                && text != Convert.ToString(number, CultureInfo.CurrentCulture) => text,
            PSObject wrapped => wrapped.BaseObject,
            _ => inputData,
        };
        try
        {
            return Parse(value);
        }
        catch (FormatException error)
        {
            throw new ArgumentTransformationMetadataException(error.Message, error);
        }
    }

    /// <exception cref="FormatException">The value is none of the accepted forms.</exception>
    protected abstract object Parse(object? value);

    private static bool IsNumber(object? value) =>
        value is BigInteger || (value is IConvertible convertible && convertible.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal);
}

/// <summary>-StartTime/-EndTime: a DateTime, ISO 8601 (no zone = local time), epoch milliseconds or a span before now (5m, 1h30m), as UTC.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LogTimeAttribute : TypedArgumentAttribute
{
    protected override object Parse(object? value) => TimeSpec.Parse(value, DateTime.UtcNow);
}

/// <summary>-PollInterval: seconds (5), a span (90s, 1m30s) or a TimeSpan (00:00:05), from 1 second to 1 hour.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PollIntervalAttribute : TypedArgumentAttribute
{
    protected override object Parse(object? value) => TimeSpec.ParseInterval(value);
}

/// <summary>New-ThirdPartyRole's -MaxSessionDuration: seconds (3600), a span (1h, 12h, 90m) or a TimeSpan (02:00:00), from 1 to 12 hours.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SessionDurationAttribute : TypedArgumentAttribute
{
    protected override object Parse(object? value) =>
        TimeSpec.ParseInterval(value, ThirdPartyRolePlan.MinSessionDuration, ThirdPartyRolePlan.MaxSessionDuration,
            "The maximum session duration must be at least 1 hour and at most 12 hours");
}
