using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// A <c>long</c> used as an index (<c>for (long i = 0; i &lt; x.Length; i++) s += x[i];</c>, legal C# over an array): the
/// generated code indexes spans with it too (the gradient <c>dX[i]</c>, a tangent, a buffer), whose indexer takes an
/// int, so it is converted where it indexes, <c>dX[(int)i]</c>, and is a long everywhere else (its arithmetic, its value
/// read as a real). An index of a span in range is below int.MaxValue, so the conversion never changes it.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>The integer index of an element, converted to int where it is a long.</summary>
    private Expr? ParseIndex(IOperation index)
    {
        var parsed = ParseInteger(index);
        return parsed is not null && index.Type?.SpecialType == SpecialType.System_Int64 ? new IntegerCast("int", parsed) : parsed;
    }
}
