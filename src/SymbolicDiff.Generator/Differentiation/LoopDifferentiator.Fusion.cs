using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A sum of per-iteration terms (a batch loss: <c>total += loss(row)</c>) is differentiated iteration by iteration:
/// each iteration's backward sweep runs right after its forward sweep, as backpropagation written by hand does, so
/// nothing is saved for a later backward loop and no buffer is restored.
/// <para>
/// Why that is exact. The usual order runs iteration i's backward sweep after every iteration's forward sweep; running
/// it right after iteration i's forward sweep instead gives the same numbers when (a) iteration i's backward sweep sees
/// the same values, and (b) it starts from the same adjoints. (a) holds when nothing flows from one iteration into the
/// next except sums into scalars declared before the loop, which no partial reads: every other name the loop writes is
/// declared in it (born again in each iteration), or a buffer each iteration rewrites in full before it reads it
/// (<see cref="RewriteOf"/>), so iteration i reads only its own values and never one a later iteration writes; within an
/// iteration, inner loops save and restore as usual, balanced before the next iteration starts. (b) holds because
/// ∂s/∂s = 1 for <c>s += e</c>: the sums' adjoints do not change in the loop, and they are known before it runs, since the
/// statements after the loop are differentiated first and their partials may read nothing the loop or they write.
/// Statements after the loop that neither read nor write what it (or a statement staying after it) writes, nor write
/// what those read, are moved ahead of it first (<see cref="SplitAfter"/>): commuting statements compute the same values.
/// Any other loop is rerun backwards as usual.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// A top-level loop (statement <paramref name="At"/>) that only adds into <paramref name="Accumulators"/> and rewrites its
    /// buffers in each iteration: <paramref name="RowBuffers"/> once per iteration (nothing of theirs is saved), the others
    /// (<c>centered</c> in a loop over components inside the loop over points) in full before each read, with their saves kept
    /// for the inner loops' own backward sweeps. <paramref name="Before"/> runs before it: the statements ahead of it and those
    /// after it that neither read nor write anything it touches (<paramref name="Hoisted"/> of them); <paramref name="After"/>,
    /// the rest, only reads what the loop sums.
    /// </summary>
    private sealed record Fusion(
        ForLoop Loop, int At, IReadOnlyList<string> Accumulators, IReadOnlyList<string> RowBuffers,
        EquatableArray<Statement> Before, EquatableArray<Statement> After, int Hoisted);

    /// <summary>The loop to differentiate iteration by iteration, or null where the usual forward-then-backward order is needed.</summary>
    private Fusion? FindFusion()
    {
        if (Taped.Contains(_method.Result))
        {
            return null;
        }

        // The last loop first; an earlier one (GMM's loop over points, followed by the prior's loops) where the statements
        // after it that do not depend on it can run before it.
        var statements = _method.Statements;
        for (int at = statements.Count - 1; at >= 0; at--)
        {
            if (statements[at] is ForLoop && FusionAt(at) is { } fusion)
            {
                return fusion;
            }
        }

        return null;
    }

    private Fusion? FusionAt(int at)
    {
        var statements = _method.Statements;
        var loop = (ForLoop)statements[at];
        var (hoisted, suffix) = SplitAfter(loop, statements.Skip(at + 1).ToList());
        if (suffix.Any(s => s is not (DeclareReal or AssignReal or DeclareInteger or DeclareBool)))
        {
            return null;
        }

        var inside = StatementFacts.Flatten(loop.Body).ToList();
        if (inside.Any(s => s is StepInteger or AssignInteger or IfStatement or CallWithOutputs))
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

        var rowBuffers = new List<string>();
        foreach (string buffer in buffers)
        {
            switch (RewriteOf(loop, at, buffer, inside))
            {
                case BufferRewrite.None:
                    return null;
                case BufferRewrite.OncePerIteration:
                    rowBuffers.Add(buffer);
                    break;
            }
        }

        // Only where the usual order would save something in the loop: a plain reduction keeps its two loops.
        if (!written.Any(Taped.Contains) && !SavedAtEnd.Keys.Any(saving => ReferenceEquals(saving, loop) || _index.IsInside(saving, loop)) &&
            !_selections.Keys.Any(selecting => _index.IsInside(selecting, loop)))
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

        var before = statements.Take(at).Concat(hoisted).ToEquatableArray();
        return new Fusion(loop, at, accumulators, rowBuffers, before, suffix.ToEquatableArray(), hoisted.Count);
    }

    /// <summary>
    /// The statements after <paramref name="loop"/> split into those that may run before it and the rest, each list in
    /// program order. A statement moves ahead of the loop, and of the statements between that stay, when neither reads
    /// or writes what the other writes (names declared inside either, such as loop counters, are their own): swapping
    /// two such statements changes no value either computes. Only declarations, assignments and loops of them move.
    /// </summary>
    private static (List<Statement> Hoisted, List<Statement> Staying) SplitAfter(ForLoop loop, List<Statement> after)
    {
        var hoisted = new List<Statement>();
        var rest = new List<Statement>();
        var staying = new List<Statement> { loop };
        foreach (var statement in after)
        {
            bool movable = StatementFacts.Flatten(new[] { statement }).All(s => s is DeclareReal or AssignReal or DeclareInteger or DeclareBool or ForLoop) &&
                staying.All(other => Commute(statement, other));
            (movable ? hoisted : rest).Add(statement);
            if (!movable)
            {
                staying.Add(statement);
            }
        }

        return (hoisted, rest);
    }

    private static bool Commute(Statement first, Statement second)
    {
        var firstNames = OuterNames(first);
        var secondNames = OuterNames(second);
        return !OuterWrites(first).Any(secondNames.Contains) && !OuterWrites(second).Any(firstNames.Contains);
    }

    /// <summary>The names a statement mentions that live outside it: all but those declared in its loops' bodies and their counters.</summary>
    private static HashSet<string> OuterNames(Statement statement)
    {
        var names = new HashSet<string>(StatementFacts.Names(statement));
        if (statement is ForLoop loop)
        {
            names.ExceptWith(StatementFacts.DeclaredNames(new[] { loop }));
        }

        return names;
    }

    /// <summary>The names outside a statement that it writes or declares.</summary>
    private static HashSet<string> OuterWrites(Statement statement)
    {
        var writes = new HashSet<string>(StatementFacts.Writes(new[] { statement }).Select(w => w.Target));
        foreach (var step in StatementFacts.Flatten(new[] { statement }).OfType<StepInteger>())
        {
            writes.Add(step.Name);
        }

        foreach (var assign in StatementFacts.Flatten(new[] { statement }).OfType<AssignInteger>())
        {
            writes.Add(assign.Name);
        }

        if (StatementFacts.DeclaredName(statement) is { } declared)
        {
            writes.Add(declared);
        }

        if (statement is ForLoop loop)
        {
            writes.ExceptWith(StatementFacts.DeclaredNames(new[] { loop }));
        }

        return writes;
    }

    /// <summary><c>s = s + e</c> or <c>s = s − e</c> where e does not read s.</summary>
    private static bool IsAccumulation(AssignReal assign, string name) =>
        assign.Value is Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract, Left: Variable { Name: var left }, Right: var term } &&
        left == name && !ExpressionFacts.Variables(term).Contains(name);

    /// <summary>How a buffer the fused loop writes is written in each of its iterations.</summary>
    private enum BufferRewrite
    {
        /// <summary>Some iteration may read an element an earlier one wrote: no fusion.</summary>
        None,

        /// <summary>Written in full, once, before the iteration reads it: nothing of it needs saving.</summary>
        OncePerIteration,

        /// <summary>Written in full before each read, more than once per iteration (in an inner loop): its saves stay, for the inner loops' backward sweeps.</summary>
        InFullBeforeEachRead,
    }

    /// <summary>
    /// Whether each iteration of <paramref name="loop"/> writes every element of <paramref name="buffer"/> before it reads any,
    /// so that no iteration reads a value an earlier one left (nor one a later one writes: its backward sweep has run by
    /// then). Nothing outside the loop may mention the buffer but its declaration, and in the body the buffer must be
    /// <see cref="CoveredBeforeRead">covered before it is read</see>.
    /// </summary>
    private BufferRewrite RewriteOf(ForLoop loop, int at, string buffer, List<Statement> inside)
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
                return BufferRewrite.None;
            }
        }

        if (declaration is null || !CoveredBeforeRead(loop.Body, declaration, out bool direct))
        {
            return BufferRewrite.None;
        }

        return direct && inside.OfType<AssignReal>().Count(a => TargetName(a.Target) == buffer) == 1
            ? BufferRewrite.OncePerIteration
            : BufferRewrite.InFullBeforeEachRead;
    }

    /// <summary>
    /// Whether running <paramref name="statements"/> writes every element of the buffer before reading any. The first
    /// statement that mentions it must be a cover, <c>for (j = 0; j &lt; length; j++) { …; buffer[j] = e; … }</c>, where
    /// e does not read the buffer and the body's later statements touch only <c>buffer[j]</c> (so element j is written in
    /// iteration j before anything reads it; <paramref name="direct"/>), or a loop whose own body covers the buffer before
    /// it reads it and after which nothing in <paramref name="statements"/> mentions it (each of that loop's iterations
    /// writes the buffer in full before it reads it; if it runs no iteration, nothing reads the buffer).
    /// </summary>
    private bool CoveredBeforeRead(EquatableArray<Statement> statements, DeclareBuffer declaration, out bool direct)
    {
        direct = false;
        string buffer = declaration.Name;
        int first = -1;
        for (int i = 0; i < statements.Count && first < 0; i++)
        {
            first = StatementFacts.Names(statements[i]).Contains(buffer) ? i : -1;
        }

        if (first < 0 || statements[first] is not ForLoop { Descending: false } candidate)
        {
            return false;
        }

        if (IsCover(candidate, declaration))
        {
            direct = true;
            return true;
        }

        return CoveredBeforeRead(candidate.Body, declaration, out _) &&
            !statements.Skip(first + 1).Any(s => StatementFacts.Names(s).Contains(buffer));
    }

    /// <summary><c>for (j = 0; j &lt; length; j++)</c> whose first statement mentioning the buffer is <c>buffer[j] = e</c> (e not reading it), the later ones touching only <c>buffer[j]</c>, none of them a loop.</summary>
    private bool IsCover(ForLoop cover, DeclareBuffer declaration)
    {
        string buffer = declaration.Name;
        if (cover.From is not Constant { IsZero: true } || !SameInteger(cover.To, declaration.Length, buffer))
        {
            return false;
        }

        var mentions = cover.Body.Where(s => StatementFacts.Names(s).Contains(buffer)).ToList();
        if (mentions.Count == 0 ||
            mentions[0] is not AssignReal { Target: Element { Index: Variable { Name: var index } } } write ||
            index != cover.Counter ||
            Reads(write.Value).Contains(buffer))
        {
            return false;
        }

        var ownElement = new Element(buffer, new Variable(cover.Counter));
        return mentions.Skip(1).All(s => s is not ForLoop &&
            StatementFacts.Expressions(s).SelectMany(ExpressionFacts.Nodes).All(node => node switch
            {
                Element element when element.Vector == buffer => element.Equals(ownElement),
                VectorArgument vector => vector.Vector != buffer,
                Variable variable => variable.Name != buffer,
                _ => true,
            }));
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
            if (declaration is null || _index.Statements.Any(s => s is StepInteger step && step.Name == name || s is AssignInteger assign && assign.Name == name))
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
        _fusedLoop = fusion.Loop;

        var before = fusion.Before;
        var after = fusion.After;
        var loop = fusion.Loop;
        _returned = _method.Result;

        var lines = BackwardBlock(after);
        var inner = BackwardBlock(loop.Body);
        var localAdjoints = _adjoints.Keys.Where(n => _index.TryGetScope(n, out var scope) && ReferenceEquals(scope, loop)).ToList();
        var reverse = ReuseIterationValues(loop, DeclareAdjointStatements(inner, localAdjoints));
        var body = Forward(loop.Body);
        int forwardCount = body.Count;
        if (reverse.Count > 0)
        {
            body.Add(Note("This iteration's backward sweep, at once."));
            body.AddRange(reverse);
        }

        // A second-order gradient differentiates this program again, and a combined call has no tangent of its own.
        var kept = new List<DeclareKeptValues>();
        if (!_method.SecondOrder)
        {
            body = CombineValueAndProducts(body, forwardCount);
            body = KeepRewrittenBuffers(body, loop, kept);
            body = KeepPerIteration(body, loop, kept);
        }

        var fused = new BackwardLine(loop with { Body = body.ToEquatableArray(), IterationByIteration = true });
        fused.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        lines.AddRange(kept.Select(declaration => new BackwardLine(declaration)));
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
        result.Add(Note(fusion.Hoisted == 0
            ? "Forward sweep: the method's own computation."
            : $"Forward sweep: the method's own computation, the statements after the loop over {loop.Counter} that neither read nor change what it writes moved ahead of it ({fusion.Hoisted} of them), so that their adjoints are known before it runs."));
        result.AddRange(Forward(before));
        result.AddRange(KeptCallsBeforeFusedLoop());
        result.Add(new CommentLine());
        string sums = fusion.Accumulators.Count == 1 ? fusion.Accumulators[0] : string.Join(", ", fusion.Accumulators.Take(fusion.Accumulators.Count - 1)) + " and " + fusion.Accumulators[fusion.Accumulators.Count - 1];
        result.Add(Note(fusion.Accumulators.Count == 0
            ? $"Backward sweep, iteration by iteration: the loop over {loop.Counter} carries nothing from one iteration to the next, so each iteration's backward sweep runs right after it and nothing is saved across iterations."
            : $"Backward sweep, iteration by iteration: the loop over {loop.Counter} only adds into {sums}, {(fusion.Accumulators.Count == 1 ? "whose adjoint" : "whose adjoints")} the statements after it give, so each iteration's backward sweep runs right after it and nothing is saved across iterations."));
        AddBackwardSweep(result, lines, topScalars);
        result.AddRange(kept.Select(declaration => new Release(declaration.Storage, IsAdjointBuffer: true)));
        return WithoutUnusedSavedStack(result);
    }

    /// <summary>
    /// The iteration's backward sweep runs right after its forward sweep, in the same block, so a partial equal to the
    /// value of a local the iteration declared (<c>double cos = Math.Cos(angle[bone]);</c>, and ∂sin/∂angle = cos(angle))
    /// reads the local instead of calling again. Only locals declared at the top of the body, never assigned again, whose
    /// value reads nothing the loop writes but such locals: they still hold that value when the backward sweep reads them.
    /// </summary>
    private List<Statement> ReuseIterationValues(ForLoop loop, List<Statement> reverse)
    {
        var flat = StatementFacts.Flatten(loop.Body).ToList();
        var writes = StatementFacts.Writes(loop.Body).Select(w => w.Target).ToList();
        var written = new HashSet<string>(writes);

        // A local the body declares at its top and never writes again holds its value for the rest of the iteration.
        written.ExceptWith(loop.Body.OfType<DeclareReal>().Select(d => d.Name).Where(name => writes.Count(w => w == name) == 1 && !Taped.Contains(name)));
        written.UnionWith(flat.OfType<StepInteger>().Select(step => step.Name));
        written.UnionWith(flat.OfType<AssignInteger>().Select(assign => assign.Name));
        written.UnionWith(flat.OfType<CallWithOutputs>().SelectMany(call => call.OutputVectors));
        bool Stable(DeclareReal declaration) =>
            !flat.Any(s => s is AssignReal assign && TargetName(assign.Target) == declaration.Name) &&
            !Taped.Contains(declaration.Name) &&
            !StatementFacts.Names(declaration).Any(name => name != declaration.Name && written.Contains(name));
        var values = new Dictionary<Expr, Variable>();
        foreach (var declaration in loop.Body.OfType<DeclareReal>())
        {
            if (declaration.Value is Call && !values.ContainsKey(declaration.Value) && Stable(declaration))
            {
                values[declaration.Value] = new Variable(declaration.Name);
            }
        }

        // A local declared inside an if (guard ? call : 0.0) is read where the guard holds (LoopDifferentiator.GuardedValues.cs).
        var guarded = GuardedIterationValues(loop, Stable);
        var reused = values.Count == 0 ? reverse : reverse.Select(statement => WithValuesReused(statement, values)).ToList();
        return guarded.Count == 0 ? reused : reused.Select(statement => WithGuardedValuesReused(statement, guarded, new List<Expr>())).ToList();
    }

    private static Statement WithValuesReused(Statement statement, Dictionary<Expr, Variable> values)
    {
        Expr Reuse(Expr expression) => ExpressionFacts.Rewrite(expression, node => values.TryGetValue(node, out var local) ? local : null);
        return statement switch
        {
            DeclareReal real => real with { Value = Reuse(real.Value) },
            UpdateReal update => update with { Value = Reuse(update.Value) },
            IfStatement guarded => guarded with { Condition = Reuse(guarded.Condition), Then = guarded.Then.Select(inner => WithValuesReused(inner, values)).ToEquatableArray() },
            ForLoop inner => inner with { Body = inner.Body.Select(nested => WithValuesReused(nested, values)).ToEquatableArray() },
            _ => statement,
        };
    }
}
