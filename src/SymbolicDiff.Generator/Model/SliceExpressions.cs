namespace SymbolicDiff.Generator.Model;

// A slice of a span (ReadOnlySpan<double> x = p.Slice(start, length);) is a view: the parser reads x[j] as
// p[xStart + j], so every transform sees elements of p and nothing else. These two integer nodes keep C#'s bounds
// semantics where the substitution alone would lose them; like every integer node, they carry no derivative.

/// <summary>
/// <c>SliceBounds.Start(p.Length, start, length)</c>: the start of <c>p.Slice(start, length)</c>, checked as
/// <c>Span.Slice</c> checks it (ArgumentOutOfRangeException unless 0 ≤ start ≤ start + length ≤ p.Length).
/// </summary>
internal sealed record SliceStart(Expr VectorLength, Expr Start, Expr Length) : Expr;

/// <summary>
/// <c>SliceBounds.Index(index, length)</c>: an index into a slice of <paramref name="Length"/> elements, checked as the
/// slice's indexer checks it (IndexOutOfRangeException unless 0 ≤ index &lt; length). Only where the parser cannot see
/// that the index is in range; a loop counter running over the slice's length needs none.
/// </summary>
internal sealed record SliceIndex(Expr Index, Expr Length) : Expr;
