using System.Collections.Generic;
using System.Threading;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The reverse-mode transform of a parsed method. Every method arrives as the same structured IR. A loop-free
/// block is brought to single-assignment form (<see cref="SingleAssignment"/>) and differentiated as a
/// straight-line program, where call normalisation, shared subexpressions and simplification make the backward
/// sweep read like a hand-written derivation; a block with loops or vectors keeps its mutable variables, and
/// <see cref="LoopDifferentiator"/> replays its loops backwards, restoring what was overwritten.
/// </summary>
internal static class ReverseMode
{
    public static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(
        MethodModel method,
        CancellationToken cancellationToken = default) =>
        // A method writing outputs keeps them as buffers: only the structured transform writes elements.
        !method.HasOutputs && SingleAssignment.TryLower(method) is { } straightLine
            ? ReverseModeDifferentiator.Differentiate(method, straightLine.Body, straightLine.Result, cancellationToken)
            : LoopDifferentiator.Differentiate(DerivativesBesideValues.InLoops(method), cancellationToken);
}
