using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// An element a loop's iteration writes and only that iteration reads is held in a local, not stored: in the ODE's
/// backward sweep, the recomputed stage <c>k1[i] = x[i] * y[i - 1];</c> is read once, by
/// <c>yStage[i] = y[i] + h * k1[i] / 2;</c> in the same (fused) iteration, and by nothing after it, so it becomes
/// <c>double k1Element = x[i] * y[i - 1];</c>; the stored adjoint <c>∂/∂k4[i] = ∂/∂y[i] · h/6</c> (see
/// <c>LoopDifferentiator.StoredAdjoints</c>), read only by k4's backward lines in the same iteration, likewise. This is
/// the hand-written RK4 adjoint's <c>double k4Bar = …</c>. In the forward sweep and in forward mode the fourth stage
/// itself, read only by the update of y beside it, is held the same way (the hand-written forward sweep computes it
/// inside that update). A pass over every program Emit prints
/// (<see cref="GradientProgram.WithEveryBody"/>), after <see cref="LoopFusion"/>: the write and its reads land in one
/// body only once the loops are fused.
/// <para>
/// The rule. In a counted loop L with counter i whose body is straight-line (declarations, assignments and updates of
/// reals, integer declarations, comments), a buffer b declared in the method (a local buffer, an adjoint or scratch
/// buffer; not a parameter, no slice view over it) is replaced in L by a local where (a) the first statement of L's body
/// that mentions b is <c>b[i] = e</c> (an assignment, or an adjoint's store), e not mentioning b, and every later mention
/// in the body, of which there is at least one, is a read of <c>b[i]</c>; and (b) every mention of b that can execute after L has started, outside L's body, is an element at a
/// whole constant index c below L's first counter value (L ascending, from a constant; a loop running down allows no
/// such mention): the mentions in the method's top-level
/// statement that holds L (every loop around L included, so also what runs before L in a later iteration of an enclosing
/// loop) and in all top-level statements after it.
/// </para>
/// <para>
/// Why that is exact. Within L's iteration i, the reads of <c>b[i]</c> after the write see e's value, which the local
/// holds (the body is straight-line, so the write runs in every iteration, before the reads; nothing else in the body
/// writes <c>b[i]</c>). Leaving the store out changes b's contents only at the elements L writes, from its first counter
/// value on; by (b), nothing that can run after L has started reads one of those (an element below the first value L
/// never touched), and b, declared in the method, is not seen after it returns. Elements at other indices, and whole
/// uses of b (a call, a push, a copy), fail (b) and keep the store. In the ODE's forward sweep the stages are read again
/// by the step's last update and keep their stores; in its backward sweep, the recomputed <c>k1</c>, <c>k2</c> and
/// <c>k3</c> and the adjoint of <c>k4</c> are read only where they are formed.
/// </para>
/// <para>
/// What it saves. Measured on the ODE (n = 32, 100 steps, hand-edited copies alternated in one process): holding the
/// recomputed stages in locals took 11 % off the gradient, holding ∂/∂k4 too another 3 %. The pass walks the top-level
/// statements from the last, folding what each mentions of every buffer into one figure (the highest constant index, or
/// infinity), so that checking (b) costs one walk of the statement holding the loop. Walked from the last, a forward
/// sweep's store whose value the backward sweep now computes again into a local, rather than reading it back, is seen
/// to be read nowhere after its iteration and goes too (a step whose loops all fuse into one keeps no stage stored).
/// </para>
/// </summary>
internal static class IterationElements
{
    /// <summary>Every body of <paramref name="program"/> with the elements its loops read only where they write them held in locals.</summary>
    public static GradientProgram Apply(GradientProgram program)
    {
        var parameters = program.Method.Parameters.Select(p => p.Name).ToList();
        return program.WithEveryScope(scope =>
        {
            // A Hessian's prologue and body share the method's scope: one allocator names the locals of both, and (b) looks
            // at one body only, so a buffer another body of the scope mentions (the body after the prologue) keeps its stores.
            NameAllocator? names = null;
            Dictionary<string, int>? mentions = null;
            return body => Apply(body, parameters, () => mentions ??= Mentions(scope.Statements), () => names ??= scope.Names());
        });
    }

    /// <summary>How many times each name is taken in <paramref name="statements"/> (<see cref="StatementFacts.TakenNames"/>).</summary>
    private static Dictionary<string, int> Mentions(IEnumerable<Statement> statements) =>
        StatementFacts.TakenNames(statements).GroupBy(name => name).ToDictionary(group => group.Key, group => group.Count());

    private static EquatableArray<Statement> Apply(EquatableArray<Statement> body, IReadOnlyCollection<string> parameters, System.Func<Dictionary<string, int>> scopeMentions, System.Func<NameAllocator> scopeNames)
    {
        var flat = StatementFacts.Flatten(body).ToList();
        var buffers = new HashSet<string>(flat.Select(s => s switch
        {
            DeclareBuffer buffer => buffer.Name,
            DeclareAdjointBuffer adjoint => adjoint.Name,
            _ => null,
        }).OfType<string>());
        buffers.ExceptWith(parameters);
        buffers.ExceptWith(flat.OfType<DeclareSliceView>().Select(view => view.View.Vector));
        if (buffers.Count == 0 || !flat.OfType<ForLoop>().Any(loop => Candidates(loop, buffers).Any()))
        {
            return body;
        }

        // Counted only where a loop qualifies (rare): a buffer the scope's other bodies mention keeps its stores.
        var inBody = Mentions(body);
        var inScope = scopeMentions();
        buffers.RemoveWhere(buffer => inScope.TryGetValue(buffer, out int all) && all > (inBody.TryGetValue(buffer, out int here) ? here : 0));
        if (buffers.Count == 0)
        {
            return body;
        }

        var names = scopeNames();
        var result = body.ToList();

        // From the last top-level statement to the first, with what the statements after it mention of each buffer
        // folded into one figure: the highest constant index, or infinity once any other index or a whole use is met.
        var after = new Dictionary<string, double>();
        var held = new Dictionary<string, string>(); // one local name per buffer: the loops holding it are never nested (straight-line bodies)
        for (int top = result.Count - 1; top >= 0; top--)
        {
            // One loop and buffer at a time: each rewrite changes what the statement mentions.
            while (Next(result[top], buffers, after) is { } found)
            {
                var (loop, buffer) = found;
                if (!held.TryGetValue(buffer, out string? local))
                {
                    held[buffer] = local = names.Fresh(buffer + "Element");
                }

                result[top] = Replace(result[top], loop, Held(loop, buffer, local));
            }

            foreach (var (name, index, _) in Owned(result[top], owner: null))
            {
                after[name] = System.Math.Max(after.TryGetValue(name, out double highest) ? highest : double.NegativeInfinity, Reach(index));
            }
        }

        return result.ToEquatableArray();
    }

    /// <summary>
    /// The first loop in <paramref name="statement"/> (outermost first) with a buffer that passes (a) and (b); null where
    /// none does. <paramref name="after"/>: per buffer, the highest constant index the statements after it mention.
    /// </summary>
    private static (ForLoop Loop, string Buffer)? Next(Statement statement, HashSet<string> buffers, Dictionary<string, double> after)
    {
        List<(string Name, Expr? Index, ForLoop? Owner)>? mentions = null;
        foreach (var loop in StatementFacts.Flatten(new[] { statement }).OfType<ForLoop>())
        {
            foreach (string buffer in Candidates(loop, buffers))
            {
                // (b): below the loop's first counter value, outside its body, here and after.
                if (loop is not { Descending: false, From: Constant { Value: var start } })
                {
                    start = double.NegativeInfinity;
                }

                mentions ??= Owned(statement, owner: null).ToList();
                if ((!after.TryGetValue(buffer, out double highest) || highest < start) &&
                    mentions.All(m => m.Name != buffer || ReferenceEquals(m.Owner, loop) || Reach(m.Index) < start))
                {
                    return (loop, buffer);
                }
            }
        }

        return null;
    }

    /// <summary>The index a mention reaches as far as (b) is concerned: a whole non-negative constant, else infinity.</summary>
    private static double Reach(Expr? index) =>
        index is Constant { Value: var c } && c == System.Math.Floor(c) && c >= 0 ? c : double.PositiveInfinity;

    /// <summary>Every mention in <paramref name="statement"/> and the bodies nested in it, with the loop whose body holds the statement that makes it.</summary>
    private static IEnumerable<(string Name, Expr? Index, ForLoop? Owner)> Owned(Statement statement, ForLoop? owner)
    {
        foreach (var (name, index) in Mentioned(statement))
        {
            yield return (name, index, owner);
        }

        var (nested, inner) = statement switch
        {
            ForLoop loop => (loop.Body, loop),
            IfStatement guarded => (guarded.Then, owner),
            _ => (EquatableArray<Statement>.Empty, owner),
        };
        foreach (var child in nested)
        {
            foreach (var mention in Owned(child, inner))
            {
                yield return mention;
            }
        }
    }

    /// <summary>The buffers for which <paramref name="loop"/>'s body passes condition (a).</summary>
    private static IEnumerable<string> Candidates(ForLoop loop, HashSet<string> buffers)
    {
        if (loop.While is not null || loop.Body.Any(s => s is not (DeclareReal or AssignReal or UpdateReal or DeclareInteger or CommentLine)))
        {
            yield break;
        }

        // One pass over the body: per buffer, whether its first mention is b[i] = e, whether it is still a candidate
        // (every later mention a read of b[i] outside an integer declaration), and whether one was met.
        var counter = new Variable(loop.Counter);
        var state = new Dictionary<string, (bool Candidate, bool Read)>();
        var order = new List<string>();
        foreach (var statement in loop.Body)
        {
            var stored = Stored(statement);
            var target = statement switch
            {
                AssignReal assign => assign.Target,
                UpdateReal update => update.Target,
                _ => null,
            };
            foreach (var (name, index) in Mentioned(statement))
            {
                if (!buffers.Contains(name))
                {
                    continue;
                }

                if (!state.TryGetValue(name, out var facts))
                {
                    // The first mention: the store's target, at the counter, its value not reading the buffer.
                    bool first = stored is ({ } element, var value) && element.Vector == name && element.Index.Equals(counter) &&
                        !StatementFacts.NamesIn(value).Contains(name);
                    state[name] = (first, false);
                    order.Add(name);
                    continue;
                }

                if (!facts.Candidate)
                {
                    continue;
                }

                bool read = index is not null && index.Equals(counter) && statement is not DeclareInteger &&
                    !(target is not null && StatementFacts.TargetName(target) == name);
                state[name] = read ? (true, true) : (false, false);
            }
        }

        foreach (string name in order)
        {
            // A store nothing reads is left as it is: a local for it would be a warning, not a saving.
            if (state[name] is (true, true))
            {
                yield return name;
            }
        }
    }

    /// <summary>The element and value of <c>b[i] = e;</c>, a primal assignment or an adjoint's store; else null.</summary>
    private static (Element Target, Expr Value)? Stored(Statement statement) => statement switch
    {
        AssignReal { Target: Element target } assign => (target, assign.Value),
        UpdateReal { Operator: UpdateOperator.Set, Target: Element target } update => (target, update.Value),
        _ => null,
    };

    /// <summary>
    /// The names one statement (not its nested bodies) mentions, each with the index it is read or written at: an
    /// element's index, null for a whole use (a variable, a vector argument, a declaration, a restore, a clear, a view).
    /// </summary>
    private static IEnumerable<(string Name, Expr? Index)> Mentioned(Statement statement)
    {
        if (StatementFacts.DeclaredName(statement) is { } declared)
        {
            yield return (declared, null);
        }

        switch (statement)
        {
            case DeclareAdjointBuffer adjoint:
                // Not adjoint.Buffer: the declaration reads that buffer's length only, never an element.
                yield return (adjoint.Name, null);
                yield return (adjoint.Storage, null);
                break;
            case DeclareKeptValues kept:
                yield return (kept.Storage, null);
                break;
            case DeclareSavedValues stack:
                yield return (stack.Name, null);
                break;
            case ClearOutput clear:
                yield return (clear.Output, null);
                break;
            case DeclareSliceView view:
                yield return (view.View.Vector, null);
                break;
            case Release release:
                yield return (release.Name, null);
                break;
            case ForLoop loop:
                yield return (loop.Counter, null);
                break;
        }

        foreach (var node in StatementFacts.Expressions(statement).SelectMany(ExpressionFacts.Nodes))
        {
            switch (node)
            {
                case Element element:
                    yield return (element.Vector, element.Index);
                    break;
                case Variable variable:
                    yield return (variable.Name, null);
                    break;
                case VectorArgument vector:
                    yield return (vector.Vector, null);
                    break;
                case SavedPop pop:
                    yield return (pop.Stack, null);
                    break;
            }
        }
    }

    /// <summary><paramref name="loop"/> with <c>buffer[i] = e;</c> declaring <paramref name="local"/> instead, and its reads of <c>buffer[i]</c> reading the local.</summary>
    private static ForLoop Held(ForLoop loop, string buffer, string local)
    {
        var counter = new Variable(loop.Counter);
        var element = new Element(buffer, counter);
        var held = new Variable(local);
        Expr Read(Expr expression) => ExpressionFacts.Rewrite(expression, node => node.Equals(element) ? held : null);
        var body = loop.Body.Select(statement => statement switch
        {
            _ when Stored(statement) is ({ } target, var value) && target.Equals(element) => new DeclareReal(local, value) { Comment = statement.Comment },
            DeclareReal real => real with { Value = Read(real.Value) },
            AssignReal assign => assign with { Value = Read(assign.Value), Target = assign.Target is Element target ? target with { Index = Read(target.Index) } : assign.Target },
            UpdateReal update => update with { Value = Read(update.Value), Target = update.Target is Element target ? target with { Index = Read(target.Index) } : update.Target },
            _ => statement,
        });
        return loop with { Body = body.ToEquatableArray() };
    }

    /// <summary><paramref name="statement"/> with <paramref name="loop"/> (compared by reference) replaced by <paramref name="replacement"/>, at any depth.</summary>
    private static Statement Replace(Statement statement, ForLoop loop, ForLoop replacement) => statement switch
    {
        _ when ReferenceEquals(statement, loop) => replacement,
        ForLoop outer => outer with { Body = outer.Body.Select(s => Replace(s, loop, replacement)).ToEquatableArray() },
        IfStatement guarded => guarded with { Then = guarded.Then.Select(s => Replace(s, loop, replacement)).ToEquatableArray() },
        _ => statement,
    };
}
