using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The steps of integer locals, which the backward sweep undoes where it meets them (<c>if (running_1) k -= 1;</c>).
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// What the backward sweep reads to undo each step: its guard and its amount. A step after a <c>break</c> in a
    /// <c>for</c> loop whose counter is declared before it runs under a fresh bool recorded in the iteration
    /// (<c>bool running_1 = broken == 0;</c>), which the backward iteration must have: restored there like any other
    /// bool the backward sweep reads.
    /// </summary>
    private IEnumerable<ToBeRecordedAnalysis.Read> StepUndoReads() =>
        _index.Statements.OfType<StepInteger>().SelectMany(step =>
            WithIntegerInputs(ExpressionFacts.Variables(step.Delta).Concat(step.Guard is null ? Enumerable.Empty<string>() : ExpressionFacts.Variables(step.Guard)).Distinct())
                .Select(name => new ToBeRecordedAnalysis.Read(name, step, AfterWrite: false)));
}
