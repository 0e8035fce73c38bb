using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// A <c>for</c> loop that is not a counted one (<c>for (;;)</c>, <c>i += 2</c>, <c>i *= 2</c>, two counters, a bound the
/// counter's test does not state, a counter assigned in the body): read as C# runs it, its initializers once before
/// it, then a loop without a counter (<see cref="ParseUncounted"/>) whose iterations end with the loop's steps, a
/// <c>continue</c> included. Its counters are integer locals assigned in a loop, which the backward sweep undoes (a
/// step) or restores (any other assignment) as it does for any such local.
/// </summary>
internal sealed partial class BodyParser
{
    private void ParseForAsUncounted(IForLoopOperation loop, List<Statement> output)
    {
        // The loop's own locals now live in the enclosing scope: one whose name another local of the method has too (a
        // sibling loop counting with i) takes a fresh name, else the generated code declares i twice in one scope (CS0136).
        foreach (var local in loop.Locals)
        {
            if (!_localNames.ContainsKey(local) && _body.DeclaredNames.Count(name => name == local.Name) > 1)
            {
                string fresh = _names.Fresh(local.Name);
                _claimed.Add(fresh);
                _localNames[local] = fresh;
            }
        }

        foreach (var before in loop.Before)
        {
            ParseStatement(before, output, isLast: false);
        }

        ParseUncounted(loop, loop.Condition, loop.Body, testsAfterBody: false, loop.AtLoopBottom, output);
    }

    /// <summary>
    /// A <c>for</c> loop's steps at the end of its body: skipped where the iteration returned or left the loop, run where it
    /// only continued (a continue jumps to them, as in C#).
    /// </summary>
    private void ParseAtLoopBottom(IReadOnlyList<IOperation> steps, Expr? entryGuard, IReadOnlyList<string> flags, List<Statement> statements)
    {
        // The flags may have been set in this iteration: read afresh, not at its top. Counters the loop declares need no
        // such guard: once the loop is left nothing reads them again, and a guard of their own would be one more bool
        // for the backward sweep to keep.
        _guard = flags.Count > 0 && !StepsOnlyOwnCounters(steps) ? Running(entryGuard, statements, flags) : entryGuard;
        foreach (var step in steps)
        {
            ParseStatement(step, statements, isLast: false);
        }

        _guard = entryGuard;
    }

    /// <summary>Whether every step writes only locals declared by the <c>for</c> loop itself (scoped to it).</summary>
    private bool StepsOnlyOwnCounters(IReadOnlyList<IOperation> steps) =>
        _loopExits?.Loop is IForLoopOperation loop && steps.All(step =>
            (step is IExpressionStatementOperation { Operation: var operation } ? operation : step) switch
            {
                IIncrementOrDecrementOperation { Target: ILocalReferenceOperation { Local: var local } } => loop.Locals.Contains(local),
                IAssignmentOperation { Target: ILocalReferenceOperation { Local: var local } } => loop.Locals.Contains(local),
                _ => false,
            });
}
