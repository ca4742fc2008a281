using System;
using System.Collections.Generic;

namespace AwsGuard;

/// <summary>
/// A JSON object parsed into a case-insensitive dictionary ($e.Record.userIdentity.arn). Its text form is the JSON it
/// was parsed from, so Export-Csv writes the record itself; ConvertTo-Json writes the structure.
/// </summary>
public sealed class ParsedJsonObject : Dictionary<string, object?>
{
    private readonly string _json;

    public ParsedJsonObject(string json) : base(StringComparer.OrdinalIgnoreCase) => _json = json;

    public override string ToString() => _json;
}
