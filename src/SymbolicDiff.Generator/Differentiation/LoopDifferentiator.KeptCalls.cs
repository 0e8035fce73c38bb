using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A call that a loop's forward sweep makes and its backward sweep would make again is kept instead: the forward
/// iteration stores its value in a buffer of the loop's length (<c>keptExp[i] = exp</c>), and the backward iteration
/// reads it there. Log-sum-exp's <c>sum += Math.Exp(x[i] - max)</c> has the partials exp(x[i] − max) and
/// −exp(x[i] − max): without this, each element's exponential is computed once forward and once backward, where a
/// hand-written gradient (the softmax) computes it once and keeps it.
/// <para>
/// Why the kept value is the one the backward sweep would compute. The backward sweep evaluates a statement's partials
/// in the state just before the statement: what they read is restored there (that is what the saved values are for,
/// <see cref="Analysis.ToBeRecordedAnalysis"/>), and integer locals are computed again. The forward sweep evaluates the
/// statement's value in that same state. So a call that occurs in both the value (outside every conditional, so the
/// forward iteration did evaluate it) and a partial has, in the backward iteration with the same counter, the value the
/// forward iteration computed: the same function of the same operands. Reading it from the buffer changes no bit.
/// </para>
/// <para>
/// Where. The statement is directly in the body of an ascending loop at the top level of the sweeps (not nested in
/// another loop run backwards, whose next iteration would overwrite the buffer before the backward sweep reads it;
/// not a running selection, whose backward sweep computes its iteration again anyway; not the loop differentiated
/// iteration by iteration, whose backward step follows each forward step while its locals still hold the values; not
/// under a branch put back around loops, whose block would hide the buffer from the backward sweep). Its trip count
/// is known when it starts: its bounds read nothing the loop writes. Then iteration i writes element i − from once,
/// before the backward sweep reads it, and the buffer is as long as the loop runs.
/// </para>
/// <para>
/// A loop directly in the body of the loop differentiated iteration by iteration (GMM's exp(mainTerm[k] − max) over
/// the components, within each point) qualifies too: its forward and backward sweeps both run within one iteration of
/// the outer loop, so the next outer iteration overwrites the buffer only after this one's backward sweep has read
/// it. Its bounds must read nothing the outer loop declares or writes either, so that one buffer, declared before
/// the outer loop, has its length in every outer iteration.
/// </para>
/// <para>
/// When it pays. Only a call of a function the C library computes (exp, log, pow, the trigonometric and hyperbolic
/// functions, cbrt) is kept: tens of cycles, against one store in the forward iteration and one load in the backward,
/// both in order, and a buffer of the loop's length (on the stack up to 128 elements, pooled above, like the other
/// scratch). Square roots (one instruction), absolute values, minima and the like are cheaper to compute again than
/// to store and load, and a user's function is of unknown cost: they are computed again as before.
/// </para>
/// <para>
/// Not in a method asking for second derivatives: forward mode over the gradient (Hessian-vector products) would
/// need a tangent buffer beside each kept buffer, which it does not make; such a method's gradient computes the calls
/// again, as before.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>A call kept by a loop: the call, the forward iteration's local holding it, and its element in the buffer.</summary>
    private sealed record KeptCall(Call Call, string Local, string? Buffer, Element? Slot);

    /// <summary>
    /// What a loop keeps: the buffers to declare before it (or, <paramref name="DeclaredBeforeOuter"/>, before the loop
    /// differentiated iteration by iteration around it), and per statement of its body the calls it keeps.
    /// </summary>
    private sealed record KeptLoop(List<DeclareKeptValues> Buffers, Dictionary<Statement, List<KeptCall>> ByStatement, bool DeclaredBeforeOuter);

    private readonly Dictionary<ForLoop, KeptLoop> _keptLoops = new(ReferenceComparer<ForLoop>.Instance);

    /// <summary>Per statement whose calls are kept (by its partials), each call and the element the backward sweep reads instead.</summary>
    private readonly Dictionary<StatementPartials, Dictionary<Expr, Expr>> _keptReads = new(ReferenceComparer<StatementPartials>.Instance);

    /// <summary>
    /// Finds the calls to keep in the loops at the top level of the sweeps: those of <paramref name="fusion"/>'s
    /// statements before its loop where one loop is differentiated iteration by iteration, else all the method's.
    /// </summary>
    private void PlanKeptCalls(Fusion? fusion)
    {
        if (_method.SecondOrder)
        {
            return;
        }

        PlanKeptCalls(fusion is null ? _method.Statements : fusion.Before, outer: null);
        if (fusion is not null)
        {
            PlanKeptCalls(fusion.Loop.Body, fusion.Loop);
        }
        else
        {
            PlanCallsKeptOnTheStack(_method.Statements, nested: false);
        }
    }

    /// <summary>The loops among <paramref name="statements"/> (the top level, or the body of the loop <paramref name="outer"/> differentiated iteration by iteration) that keep calls.</summary>
    private void PlanKeptCalls(EquatableArray<Statement> statements, ForLoop? outer)
    {
        var runs = GuardedRuns(statements);
        for (int at = 0; at < statements.Count; at++)
        {
            if (statements[at] is ForLoop loop && !loop.Descending && !_selections.ContainsKey(loop) && !_checkpoints.ContainsKey(loop) &&
                !runs.Any(run => at >= run.Start && at <= run.End) && BoundsFixed(loop) && (outer is null || BoundsFixed(loop, outer)))
            {
                PlanKeptCalls(loop, declaredBefore: outer is not null);
            }
        }
    }

    /// <summary>Whether the bounds of <paramref name="loop"/>, in the body of <paramref name="outer"/>, read nothing <paramref name="outer"/> declares or writes.</summary>
    private static bool BoundsFixed(ForLoop loop, ForLoop outer)
    {
        var declared = new HashSet<string>(StatementFacts.DeclaredNames(outer.Body)) { outer.Counter };
        return !ExpressionFacts.Variables(loop.From).Concat(ExpressionFacts.Variables(loop.To)).Any(declared.Contains) &&
            BoundsFixed(outer with { From = loop.From, To = loop.To });
    }

    /// <summary>Whether the loop's bounds read nothing its body writes, so that its trip count is known when it starts.</summary>
    private static bool BoundsFixed(ForLoop loop)
    {
        var flat = StatementFacts.Flatten(loop.Body).ToList();
        var written = new HashSet<string>(StatementFacts.Writes(loop.Body).Select(write => write.Target));
        written.UnionWith(flat.OfType<StepInteger>().Select(step => step.Name));
        written.UnionWith(flat.OfType<AssignInteger>().Select(assign => assign.Name));
        written.UnionWith(flat.OfType<CallWithOutputs>().SelectMany(call => call.OutputVectors));
        written.Add(loop.Counter);
        return !ExpressionFacts.Variables(loop.From).Concat(ExpressionFacts.Variables(loop.To)).Any(written.Contains);
    }

    private void PlanKeptCalls(ForLoop loop, bool declaredBefore)
    {
        var counter = new Variable(loop.Counter);
        Expr slot = loop.From is Constant { IsZero: true } ? counter : new Binary(BinaryOperator.Subtract, counter, loop.From);
        var kept = new KeptLoop(new List<DeclareKeptValues>(), new Dictionary<Statement, List<KeptCall>>(ReferenceComparer<Statement>.Instance), declaredBefore);
        foreach (var statement in loop.Body)
        {
            if (CallsToKeep(statement) is not { } found)
            {
                continue;
            }

            var (partials, again) = found;
            // Outermost first: a call inside a kept one is kept with it.
            var calls = new List<KeptCall>();
            foreach (var call in again)
            {
                string name = NameAllocator.ToCamelCase(call.Function.DisplayName);
                string buffer = _names.Fresh(GeneratedNames.KeptValues(call.Function.DisplayName));
                calls.Add(new KeptCall(call, _names.Fresh(name), buffer, new Element(buffer, slot)));
                kept.Buffers.Add(new DeclareKeptValues(buffer, _names.Fresh(GeneratedNames.AdjointStorage(buffer)), TripCount(loop))
                {
                    Comment = Comment.Of($"{call.Function.DisplayName}(…) of each iteration of the loop over {loop.Counter} below, kept for its backward sweep: on the stack up to {StackBound} elements, pooled above"),
                });
            }

            if (calls.Count > 0)
            {
                kept.ByStatement[statement] = calls;
                _keptReads[partials] = calls.ToDictionary(call => (Expr)call.Call, call => (Expr)call.Slot!);
            }
        }

        if (kept.Buffers.Count > 0)
        {
            _keptLoops[loop] = kept;
        }
    }

    /// <summary>
    /// The calls worth keeping that <paramref name="statement"/> (a real declaration or assignment whose target reaches
    /// the result) computes outside every conditional and its partials compute again, outermost first, none inside
    /// another; null where there are none.
    /// </summary>
    private (StatementPartials Partials, List<Call> Calls)? CallsToKeep(Statement statement)
    {
        var value = statement switch
        {
            DeclareReal { IntegerCode: false } real => real.Value,
            AssignReal assign => assign.Value,
            _ => null,
        };
        if (value is null || !_partials.TryGetValue(statement, out var partials) || !_contributed.Contains(TargetName(partials.Target)))
        {
            return null;
        }

        var computed = new HashSet<Call>(UnconditionalCalls(value).Where(IsWorthKeeping));
        // The partials with respect to the inputs, and the one with respect to the target's earlier value (product *= f).
        var again = new HashSet<Call>(partials.Inputs.Select(input => input.Partial)
            .Concat(partials.SelfPartial is { } self ? new[] { self } : Enumerable.Empty<Expr>())
            .SelectMany(partial => UnconditionalCalls(Resolve(partial, new Variable(ValuePlaceholder))))
            .Where(call => computed.Contains(call) && !ExpressionFacts.Mentions(call, node => node is Variable { Name: ValuePlaceholder } or SavedPop)));
        var calls = new List<Call>();
        foreach (var call in again.OrderByDescending(ExpressionFacts.Size))
        {
            if (!calls.Any(outer => ExpressionFacts.Mentions(outer, node => node.Equals(call))))
            {
                calls.Add(call);
            }
        }

        return calls.Count == 0 ? null : (partials, calls);
    }

    /// <summary>How many iterations an ascending loop runs: to − from, or 0 where to ≤ from (a length from 0 needs no test).</summary>
    private static Expr TripCount(ForLoop loop)
    {
        if (loop.From is Constant { IsZero: true } && loop.To is Member { Name: "Length" })
        {
            return loop.To;
        }

        var count = loop.From is Constant { IsZero: true } ? loop.To : new Binary(BinaryOperator.Subtract, loop.To, loop.From);
        return new Conditional(new Comparison(ComparisonOperator.Greater, loop.To, loop.From), count, Constant.Zero);
    }

    /// <summary>The functions the C library computes: each call costs tens of cycles, far more than a store and a load.</summary>
    internal static bool IsWorthKeeping(Call call) => call.Function.Builtin is
        BuiltinFunction.Exp or BuiltinFunction.Log or BuiltinFunction.LogWithBase or BuiltinFunction.Log10 or BuiltinFunction.Log2 or
        BuiltinFunction.Cbrt or BuiltinFunction.Pow or
        BuiltinFunction.Sin or BuiltinFunction.Cos or BuiltinFunction.Tan or BuiltinFunction.Asin or BuiltinFunction.Acos or
        BuiltinFunction.Atan or BuiltinFunction.Atan2 or BuiltinFunction.Sinh or BuiltinFunction.Cosh or BuiltinFunction.Tanh;

    /// <summary>
    /// The forward iteration of <paramref name="loop"/> (its body <paramref name="body"/>, as the forward sweep writes it)
    /// with each kept call computed into a local, stored in its buffer and read by its statement; the buffers are
    /// declared in <paramref name="output"/>, before the loop. Unchanged where the loop keeps nothing.
    /// </summary>
    private List<Statement> KeepCalls(ForLoop loop, List<Statement> body, List<Statement> output)
    {
        if (!_keptLoops.TryGetValue(loop, out var kept))
        {
            return body;
        }

        if (!kept.DeclaredBeforeOuter)
        {
            output.AddRange(kept.Buffers);
        }

        var result = new List<Statement>();
        foreach (var statement in body)
        {
            if (!kept.ByStatement.TryGetValue(statement, out var calls))
            {
                result.Add(statement);
                continue;
            }

            var locals = new Dictionary<Expr, Expr>();
            foreach (var call in calls)
            {
                result.Add(new DeclareReal(call.Local, call.Call));
                if (call.Slot is not null)
                {
                    result.Add(new UpdateReal(call.Slot, UpdateOperator.Set, new Variable(call.Local))
                    {
                        Comment = Comment.Of("kept: the backward sweep reads it instead of calling again"),
                    });
                }
                locals[call.Call] = new Variable(call.Local);
            }

            Expr Read(Expr expression) => ExpressionFacts.Rewrite(expression, node => locals.TryGetValue(node, out var local) ? local : null);
            result.Add(statement switch
            {
                DeclareReal real => real with { Value = Read(real.Value) },
                AssignReal assign => assign with { Value = Read(assign.Value) },
                _ => statement,
            });
        }

        return result;
    }

    /// <summary>
    /// The backward step of a statement whose calls are kept: the partials (<paramref name="resolved"/>) and the locals
    /// <see cref="SharePartialCalls"/> declared for them (in <paramref name="output"/> from <paramref name="sharedFrom"/>)
    /// read the kept elements instead of calling again.
    /// </summary>
    private List<Expr> ReadKeptCalls(StatementPartials partials, List<Expr> resolved, List<BackwardLine> output, int sharedFrom)
    {
        if (!_keptReads.TryGetValue(partials, out var reads))
        {
            return resolved;
        }

        // A call kept on the stack is a local already: a shared copy of it would only rename it.
        var aliases = new Dictionary<Expr, Expr>();
        Expr Read(Expr expression) => ExpressionFacts.Rewrite(expression, node => reads.TryGetValue(node, out var slot) ? slot : aliases.TryGetValue(node, out var local) ? local : null);
        for (int i = output.Count - 1; i >= sharedFrom; i--)
        {
            if (output[i].Statement is DeclareReal aliased && reads.TryGetValue(aliased.Value, out var kept) && kept is Variable)
            {
                aliases[new Variable(aliased.Name)] = kept;
                output.RemoveAt(i);
            }
        }

        for (int i = sharedFrom; i < output.Count; i++)
        {
            if (output[i].Statement is DeclareReal shared && reads.TryGetValue(shared.Value, out var slot))
            {
                int uses = resolved.Count(partial => ExpressionFacts.Mentions(partial, node => node is Variable { Name: var name } && name == shared.Name));
                output[i] = new BackwardLine(shared with
                {
                    Value = slot,
                    Comment = Comment.Of($"as the forward sweep computed it, used in {uses} partials below"),
                });
            }
        }

        return resolved.Select(Read).ToList();
    }

    /// <summary>A partial of a statement whose calls are kept (the one with respect to its target's earlier value), reading them.</summary>
    private Expr ReadKeptCalls(StatementPartials partials, Expr partial) =>
        _keptReads.TryGetValue(partials, out var reads)
            ? ExpressionFacts.Rewrite(partial, node => reads.TryGetValue(node, out var slot) ? slot : null)
            : partial;

    /// <summary>The buffers of the loops in the body of the loop differentiated iteration by iteration, declared before it.</summary>
    private IEnumerable<Statement> KeptCallsBeforeFusedLoop() =>
        _keptLoops.Values.Where(kept => kept.DeclaredBeforeOuter).SelectMany(kept => kept.Buffers);

    /// <summary>The releases of the kept buffers' storage, at the end of the gradient.</summary>
    private IEnumerable<Statement> KeptCallsReleases() =>
        _keptLoops.Values.SelectMany(kept => kept.Buffers).Select(buffer => (Statement)new Release(buffer.Storage, IsAdjointBuffer: true));
}
