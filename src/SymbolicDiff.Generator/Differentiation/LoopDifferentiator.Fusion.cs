using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A sum of per-iteration terms (a batch loss: <c>total += loss(row)</c>) is differentiated iteration by iteration:
/// each iteration's backward sweep runs right after its forward sweep, as backpropagation written by hand does, so
/// nothing is saved for a later backward loop and no buffer is restored.
/// <para>
/// That is exact when nothing flows from one iteration into the next except sums into scalars declared before the
/// loop, whose adjoint the loop never changes (∂s/∂s = 1 for <c>s += e</c>), and when that adjoint is known before the
/// loop runs: the statements after the loop are differentiated first, and their partials must read nothing the loop
/// or they write. Buffers the loop writes must be rewritten in full before each iteration reads them
/// (<c>for (j = 0; j &lt; n; j++) h[j] = …;</c> over the buffer's whole length), so an iteration reads only its own values.
/// Any other loop is rerun backwards as usual.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>The method's last top-level loop (statement <paramref name="At"/>), which only adds into <paramref name="Accumulators"/> and rewrites <paramref name="RowBuffers"/> in each iteration.</summary>
    private sealed record Fusion(ForLoop Loop, int At, IReadOnlyList<string> Accumulators, IReadOnlyList<string> RowBuffers);

    /// <summary>The loop to differentiate iteration by iteration, or null where the usual forward-then-backward order is needed.</summary>
    private Fusion? FindFusion()
    {
        var statements = _method.Statements;
        int at = -1;
        for (int i = statements.Count - 1; i >= 0 && at < 0; i--)
        {
            at = statements[i] is ForLoop ? i : -1;
        }

        if (at < 0 || Taped.Contains(_method.Result))
        {
            return null;
        }

        var loop = (ForLoop)statements[at];
        var suffix = statements.Skip(at + 1).ToList();
        if (suffix.Any(s => s is not (DeclareReal or AssignReal or DeclareInteger or DeclareBool)))
        {
            return null;
        }

        var inside = StatementFacts.Flatten(loop.Body).ToList();
        if (inside.Any(s => s is StepInteger or IfStatement or CallWithOutputs))
        {
            return null; // an index stepped across iterations would be undone by each iteration's backward sweep
        }

        var accumulators = new List<string>();
        var buffers = new List<string>();
        var written = new HashSet<string>();
        foreach (var assign in inside.OfType<AssignReal>())
        {
            string name = TargetName(assign.Target);
            written.Add(name);
            if (_index.TryGetScope(name, out var scope) && scope is not null)
            {
                continue; // declared in the loop: born again in each iteration
            }

            if (assign.Target is Variable && IsAccumulation(assign, name))
            {
                if (!accumulators.Contains(name))
                {
                    accumulators.Add(name);
                }
            }
            else if (assign.Target is Element && _index.Buffers.Contains(name))
            {
                if (!buffers.Contains(name))
                {
                    buffers.Add(name);
                }
            }
            else
            {
                return null;
            }
        }

        // A sum is only added to in the loop, and its earlier values are never read back.
        foreach (string accumulator in accumulators)
        {
            if (Taped.Contains(accumulator) ||
                inside.Any(s => s is not ForLoop && StatementFacts.Names(s).Contains(accumulator) && !(s is AssignReal assign && TargetName(assign.Target) == accumulator && IsAccumulation(assign, accumulator))))
            {
                return null;
            }
        }

        foreach (string buffer in buffers)
        {
            if (!IsRewrittenEachIteration(loop, at, buffer, inside))
            {
                return null;
            }
        }

        // Only where the usual order would save something in the loop: a plain reduction keeps its two loops.
        if (!written.Any(Taped.Contains) && !SavedAtEnd.Keys.Any(saving => ReferenceEquals(saving, loop) || _index.IsInside(saving, loop)))
        {
            return null;
        }

        // The statements after the loop are differentiated before it: their partials may read only what was there before it.
        var forbidden = new HashSet<string>(written);
        forbidden.UnionWith(StatementFacts.DeclaredNames(suffix));
        forbidden.UnionWith(StatementFacts.Writes(suffix).Select(w => w.Target));
        foreach (var statement in suffix)
        {
            if (statement is AssignReal assign && Taped.Contains(TargetName(assign.Target)))
            {
                return null;
            }

            if (_partials.TryGetValue(statement, out var partials) && _contributed.Contains(TargetName(partials.Target)))
            {
                var integers = StatementFacts.Expressions(statement).SelectMany(ExpressionFacts.Variables).Where(IsIntegerLocal);
                if (partials.UsesValue || WithIntegerInputs(partials.PreReads.Concat(integers)).Any(forbidden.Contains))
                {
                    return null;
                }
            }
        }

        return new Fusion(loop, at, accumulators, buffers);
    }

    /// <summary><c>s = s + e</c> or <c>s = s − e</c> where e does not read s.</summary>
    private static bool IsAccumulation(AssignReal assign, string name) =>
        assign.Value is Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract, Left: Variable { Name: var left }, Right: var term } &&
        left == name && !ExpressionFacts.Variables(term).Contains(name);

    /// <summary>
    /// Whether each iteration of <paramref name="loop"/> writes every element of <paramref name="buffer"/> before it reads
    /// any: the first statement of the body that mentions the buffer is <c>for (j = 0; j &lt; length; j++) { …; buffer[j] = e; … }</c>,
    /// that being its only mention there and the loop's only write of it, and nothing outside the loop mentions it.
    /// </summary>
    private bool IsRewrittenEachIteration(ForLoop loop, int at, string buffer, List<Statement> inside)
    {
        var statements = _method.Statements;
        DeclareBuffer? declaration = null;
        for (int i = 0; i < statements.Count; i++)
        {
            if (statements[i] is DeclareBuffer candidate && candidate.Name == buffer)
            {
                declaration = candidate;
            }
            else if (i != at && StatementFacts.Names(statements[i]).Contains(buffer))
            {
                return false;
            }
        }

        if (declaration is null || loop.Body.FirstOrDefault(s => StatementFacts.Names(s).Contains(buffer)) is not ForLoop { Descending: false, From: Constant { IsZero: true } } cover ||
            !SameInteger(cover.To, declaration.Length, buffer))
        {
            return false;
        }

        var mentions = cover.Body.Where(s => StatementFacts.Names(s).Contains(buffer)).ToList();
        return mentions.Count == 1 &&
            mentions[0] is AssignReal { Target: Element { Index: Variable { Name: var index } } } write &&
            index == cover.Counter &&
            !Reads(write.Value).Contains(buffer) &&
            inside.OfType<AssignReal>().Count(a => TargetName(a.Target) == buffer) == 1;
    }

    /// <summary>Whether a loop bound is the buffer's length: the same expression, <c>buffer.Length</c>, or an integer local set to it once.</summary>
    private bool SameInteger(Expr bound, Expr length, string buffer)
    {
        var resolvedBound = ResolveInteger(bound);
        return resolvedBound.Equals(ResolveInteger(length)) || resolvedBound.Equals(new Member(new Variable(buffer), "Length"));
    }

    private Expr ResolveInteger(Expr expression)
    {
        for (int depth = 0; depth < 8 && expression is Variable { Name: var name }; depth++)
        {
            var declaration = _method.Statements.OfType<DeclareInteger>().FirstOrDefault(d => d.Name == name);
            if (declaration is null || _index.Statements.Any(s => s is StepInteger step && step.Name == name))
            {
                break;
            }

            expression = declaration.Value;
        }

        return expression;
    }


    /// <summary>
    /// The gradient with <paramref name="fusion"/>'s loop differentiated iteration by iteration: the forward sweep up to
    /// the loop; the backward sweep of the statements after it (the adjoints of the sums); the loop, each iteration
    /// followed by its own backward sweep; the rest of the forward sweep; the backward sweep of what came before.
    /// </summary>
    private List<Statement> RunFused(Fusion fusion)
    {
        // Nothing is read across iterations any more: the rewritten buffers and the loop's own locals need no saving.
        _recorded.SavedBeforeOverwrite.ExceptWith(fusion.RowBuffers);
        _recorded.SavedAtEndOfIteration.Remove(fusion.Loop);

        var statements = _method.Statements;
        var before = statements.Take(fusion.At).ToEquatableArray();
        var after = statements.Skip(fusion.At + 1).ToEquatableArray();
        var loop = fusion.Loop;
        _returned = _method.Result;

        var lines = BackwardBlock(after);
        var inner = BackwardBlock(loop.Body);
        var localAdjoints = _adjoints.Keys.Where(n => _index.TryGetScope(n, out var scope) && ReferenceEquals(scope, loop)).ToList();
        var reverse = DeclareAdjointStatements(inner, localAdjoints);
        var body = Forward(loop.Body);
        if (reverse.Count > 0)
        {
            body.Add(Note("This iteration's backward sweep, at once."));
            body.AddRange(reverse);
        }

        var fused = new BackwardLine(loop with { Body = body.ToEquatableArray(), IterationByIteration = true });
        fused.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        lines.Add(fused);

        var rest = Forward(after);
        if (rest.Count > 0)
        {
            lines.Add(new BackwardLine(Note("Forward sweep, continued: the statements after the loop.")));
            lines.AddRange(rest.Select(statement => new BackwardLine(statement)));
        }

        var earlier = BackwardBlock(before);
        if (earlier.Count > 0)
        {
            lines.Add(new BackwardLine(Note("Backward sweep of the statements before the loop.")));
            lines.AddRange(earlier);
        }

        var topScalars = TopLevelScalarAdjoints();
        var result = new List<Statement>();
        AddPrologue(result);
        result.Add(Note("Forward sweep: the method's own computation."));
        result.AddRange(Forward(before));
        result.Add(new CommentLine());
        string sums = fusion.Accumulators.Count == 1 ? fusion.Accumulators[0] : string.Join(", ", fusion.Accumulators.Take(fusion.Accumulators.Count - 1)) + " and " + fusion.Accumulators[fusion.Accumulators.Count - 1];
        result.Add(Note(fusion.Accumulators.Count == 0
            ? $"Backward sweep, iteration by iteration: the loop over {loop.Counter} carries nothing from one iteration to the next, so each iteration's backward sweep runs right after it and nothing is saved across iterations."
            : $"Backward sweep, iteration by iteration: the loop over {loop.Counter} only adds into {sums}, {(fusion.Accumulators.Count == 1 ? "whose adjoint" : "whose adjoints")} the statements after it give, so each iteration's backward sweep runs right after it and nothing is saved across iterations."));
        AddBackwardSweep(result, lines, topScalars);
        return result;
    }
}
