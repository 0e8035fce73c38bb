namespace SymbolicDiff.Generator.Model;

// A slice of a span (ReadOnlySpan<double> x = p.Slice(start, length);) is a view: the parser reads x[j] as
// p[xStart + j], so every transform sees elements of p and nothing else. These two integer nodes keep C#'s bounds
// semantics where the substitution alone would lose them; like every integer node, they carry no derivative.

/// <summary>
/// <c>SliceBounds.Start(p.Length, start, length)</c>: the start of <c>p.Slice(start, length)</c>, checked as
/// <c>Span.Slice</c> checks it (ArgumentOutOfRangeException unless 0 ≤ start ≤ start + length ≤ p.Length).
/// </summary>
internal sealed record SliceStart(Expr VectorLength, Expr Start, Expr Length) : Expr
{
    /// <summary>
    /// For a slice of a whole vector: the slice's own name and what it views, so that Emit can read the elements at
    /// this start through a span of the user's name (<c>x[c]</c> rather than <c>features[xStart + c]</c>), as hand-written
    /// code does. For a slice of a slice, the vector is the outermost one, and the start the sum of both.
    /// </summary>
    public SliceViewInfo? View { get; init; }
}

/// <summary>A slice's name in the generated code, the vector it views, and whether that vector is an array (sliced with AsSpan) or a span.</summary>
internal sealed record SliceViewInfo(string Name, string Vector, bool IsArray);

/// <summary>
/// <c>var x = features.Slice(xStart, d);</c> (<c>MemoryExtensions.AsSpan(features, xStart, d)</c> for an array): the view
/// Emit reads a slice's elements through, declared right after the slice's checked start.
/// </summary>
internal sealed record DeclareSliceView(SliceViewInfo View, Expr Start, Expr Length) : Statement;

/// <summary>
/// <c>SliceBounds.Index(index, length)</c>: an index into a slice of <paramref name="Length"/> elements, checked as the
/// slice's indexer checks it (IndexOutOfRangeException unless 0 ≤ index &lt; length). Only where the parser cannot see
/// that the index is in range; a loop counter running over the slice's length needs none.
/// </summary>
internal sealed record SliceIndex(Expr Index, Expr Length) : Expr;
