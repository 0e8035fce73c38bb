using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// Compares IR nodes by reference. Statements are records with value equality, and the same statement may stand
/// in two places (<c>s += x[i]</c> in two loops): analyses that ask about a place tell them apart this way.
/// </summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
