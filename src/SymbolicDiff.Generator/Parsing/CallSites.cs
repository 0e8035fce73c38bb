using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Generator.Model;

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

    /// <summary>
    /// The calls of [Differentiable] methods of this compilation whose generated code the gradient calls: if one of
    /// them gets no generated code (an SD error of its own), this method cannot have any either (SD0024).
    /// </summary>
    public List<DifferentiableCall> DifferentiableCalled { get; } = new();

    /// <summary>Records a call of <paramref name="callee"/> at <paramref name="call"/> if the callee is compiled with this code.</summary>
    public void AddDifferentiableCall(IMethodSymbol callee, SyntaxNode call)
    {
        // A callee from a referenced assembly has its generated code compiled into that assembly already.
        if (!callee.OriginalDefinition.Locations.Any(location => location.IsInSource) ||
            callee.OriginalDefinition.GetDocumentationCommentId() is not { } key)
        {
            return;
        }

        DifferentiableCalled.Add(new DifferentiableCall(key, callee.ContainingType.Name + "." + callee.Name, LocationInfo.From(call)));
    }
}
