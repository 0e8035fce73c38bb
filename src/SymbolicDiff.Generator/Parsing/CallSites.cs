using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>What the body parsers learn about a method's calls beyond its model.</summary>
internal sealed class CallSites
{
    /// <summary>The declarations of the callees read in place (stacked layers): their calls' locations count too.</summary>
    public List<SyntaxNode> Inlined { get; } = new();

    /// <summary>
    /// [Differentiable] callees that selected some parameters and are called as they are: an SD0012 about one of
    /// them is SD0021, whose advice applies to a [Differentiable] method.
    /// </summary>
    public SortedSet<string> SelectingCalled { get; } = new(System.StringComparer.Ordinal);
}
