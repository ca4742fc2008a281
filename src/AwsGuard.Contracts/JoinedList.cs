using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace AwsGuard;

/// <summary>
/// A read-only list whose text form is its items joined by "; ": Export-Csv and string interpolation write what it
/// holds instead of a type name, and ConvertTo-Json still writes it as an array.
/// </summary>
public sealed class JoinedList<T> : ReadOnlyCollection<T>
{
    public JoinedList(IList<T> items) : base(items) { }

    public override string ToString() => string.Join("; ", this);

    public static implicit operator JoinedList<T>(T[] items) => new(items);
}
