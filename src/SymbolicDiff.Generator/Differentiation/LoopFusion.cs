using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Two adjacent counted loops become one where the second never reaches ahead of the first:
/// <c>for (i) { k4[i] = x[i] * u[i - 1]; y[i] += h * (… + k4[i]) / 6; }</c>, as a hand-written Runge–Kutta step computes
/// its last stage inside the update of the state. A pass over every program Emit prints (the gradient's forward and
/// backward sweeps, forward mode, the Jacobian product, the Hessian; <see cref="Apply(GradientProgram)"/>), after the
/// transforms: they read the loops as the user wrote them, and their own analyses (which buffer a loop rewrites in
/// full, which loop's values the backward sweep reads) stay as they are; the loops they emit are fused afterwards, in
/// whichever sweep the condition holds.
/// <para>
/// Why that is exact. Run one after the other, the loops perform every iteration of the first, in order, then every
/// iteration of the second; fused, for each i the first's iteration i and then the second's. Each loop's iterations keep
/// their order, and the first's iteration i still precedes the second's iteration i, so the only pairs whose order
/// changes are the second's iteration i and the first's iteration j, for j &gt; i. They commute when neither writes
/// what the other reads or writes. Here: (a) for every buffer that one body writes and the other mentions, every access
/// in both is the counter plus a constant (<c>k4[i]</c>, <c>dk3[i - 1]</c>), and no offset in the second exceeds any
/// in the first: the second's iteration i touches element i + b, the first's iteration j element j + a, and
/// i + b = j + a needs j = i + b − a ≤ i. The second may read <c>k4[i]</c> or <c>k4[i - 1]</c> where the first writes
/// <c>k4[i]</c>, never <c>k4[i + 1]</c>. (b) A scalar declared outside the loops that one body writes is not mentioned
/// by the other. (c) The bodies are straight-line code (declarations, assignments and adjoint updates of reals,
/// integer declarations), pop nothing from the saved values (whose order is the iterations'), declare distinct
/// names, and the bounds read nothing they write. A buffer parameter of the user's method could alias another, so a
/// pair in which one body writes a parameter and the other mentions one is left alone.
/// </para>
/// <para>
/// A body may also hold counted loops of such code, as GMM's backward loop over columns i holds its loop over rows
/// j &gt; i: <c>for (j = i + 1; j &lt; d; j++) { dL[c + j] += dV[j] * centered[i]; dCentered[i] += dV[j] * l[c + j]; }</c>,
/// followed by the loop over j that clears <c>dV[j]</c> and passes <c>dCentered[j]</c> on to ∂/∂μ. An index by such a
/// nested counter, where the nested loop counts up from the counter plus a constant a, takes offsets a and up: iteration i
/// touches elements i + a, i + a + 1, …, and (a) holds as before with the first's lowest offset and the second's highest
/// (a nested counter in the second has none, so there it fails): i + b = j + a' with j &gt; i needs b &gt; a'. What a
/// nested loop's iterations touch is what its outer iteration touches, so the argument is unchanged. The second loop's
/// counter may have another name (the backward loops over i and over j): its body then reads the first's counter
/// instead, which it must not mention already.
/// </para>
/// <para>
/// Loops whose starts differ by one (<c>for (i = 1; i &lt; n; …)</c> then <c>for (i = 0; i &lt; n; …)</c>, a stage whose
/// element 0 is set apart, as the ODE's are) are fused from the later start; the other loop's first iteration is written
/// out before the fused loop, its counter replaced by its value (<c>y[0] += h * (k1[0] + …) / 6;</c>). Where the second loop
/// is the one that starts first, that iteration i now runs before every iteration j of the first, and commutes with them
/// by (a) and (b): j = i + b − a ≤ i cannot hold for j &gt; i. The written-out iteration runs only where the loop would
/// have run it, under <c>if (0 &lt; n)</c>, unless a statement just before it in the same block indexed as far into a
/// buffer whose length is the bound (<c>k4[0] = x[0];</c>, k4 being <c>stackalloc double[n]</c>): that statement ran,
/// so 0 &lt; n. The guard is left out there because it costs: 3–5 % of the ODE's gradient, measured.
/// </para>
/// </summary>
internal static class LoopFusion
{
    /// <summary>Every body of <paramref name="program"/> that Emit prints, with its fusable loops fused.</summary>
    public static GradientProgram Apply(GradientProgram program)
    {
        var parameters = program.Method.Parameters.Where(p => p.IsVector).Select(p => p.Name).ToList();
        return program.WithEveryBody(body => Fuse(body, parameters));
    }

    /// <summary><paramref name="statements"/> (a whole body) with their adjacent fusable loops fused, nested bodies too (the same array where none are).</summary>
    private static EquatableArray<Statement> Fuse(EquatableArray<Statement> statements, IReadOnlyCollection<string> parameters) =>
        // A body without loops (every loop-free method's) has nothing to fuse: no extents to work out for it.
        !StatementFacts.HasLoop(statements) ? statements : Fuse(statements, new HashSet<string>(parameters), new Extents(statements, parameters));

    private static EquatableArray<Statement> Fuse(EquatableArray<Statement> statements, HashSet<string> parameters, Extents extents)
    {
        var result = new List<Statement>(statements.Count);
        var reached = new HashSet<(Expr Length, long Index)>();
        bool changed = false;
        foreach (var statement in statements)
        {
            var current = statement switch
            {
                ForLoop loop => loop with { Body = Fuse(loop.Body, parameters, extents) },
                IfStatement guarded => guarded with { Then = Fuse(guarded.Then, parameters, extents) },
                _ => statement,
            };
            changed |= !ReferenceEquals(current, statement) && !current.Equals(statement);

            // The loop just before may take this one in; the fused loop may then take in the next.
            if (current is ForLoop second && result.Count > 0 && result[result.Count - 1] is ForLoop first &&
                TryFuse(first, second, parameters, extents, reached) is { } fused)
            {
                result.RemoveAt(result.Count - 1);
                foreach (var part in fused)
                {
                    extents.Reach(part, reached);
                }

                result.AddRange(fused);
                changed = true;
                continue;
            }

            extents.Reach(current, reached);
            result.Add(current);
        }

        return changed ? result.ToEquatableArray() : statements;
    }

    /// <summary>The statements that replace <paramref name="first"/> and <paramref name="second"/>, the fused loop last; null where they must stay apart.</summary>
    /// <param name="reached">The elements the statements before the pair, in the same block, index with a constant: (the buffer's length, the index).</param>
    private static IReadOnlyList<Statement>? TryFuse(ForLoop first, ForLoop second, HashSet<string> parameters, Extents extents, HashSet<(Expr Length, long Index)> reached)
    {
        if (!Simple(first) || !Simple(second) || first.CounterType != second.CounterType || !first.To.Equals(second.To))
        {
            return null;
        }

        // The second loop's counter takes the first's name (GMM's backward loop over j after the one over i); its body must
        // not already mention that name, which would then be captured.
        string counter = first.Counter;
        if (second.Counter != counter)
        {
            if (second.Body.SelectMany(StatementFacts.Names).Contains(counter))
            {
                return null;
            }

            string renamed = second.Counter;
            second = second with { Counter = counter, Body = second.Body.Select(statement => StatementFacts.Renamed(statement, renamed, counter)).ToEquatableArray() };
        }

        var firstDeclared = new HashSet<string>(StatementFacts.DeclaredNames(first.Body));
        var secondDeclared = new HashSet<string>(StatementFacts.DeclaredNames(second.Body));
        if (firstDeclared.Overlaps(secondDeclared) || firstDeclared.Contains(counter) || secondDeclared.Contains(counter))
        {
            return null;
        }

        var firstFacts = new BodyFacts(first.Body, firstDeclared, counter);
        var secondFacts = new BodyFacts(second.Body, secondDeclared, counter);
        var bounds = new HashSet<string>(StatementFacts.NamesIn(first.From).Concat(StatementFacts.NamesIn(second.From)).Concat(StatementFacts.NamesIn(first.To)));
        if (!Commute(firstFacts, secondFacts, parameters) || bounds.Overlaps(firstFacts.Written) || bounds.Overlaps(secondFacts.Written))
        {
            return null;
        }

        // The fused loop keeps a note the two loops share (each iteration only adds into adjoints), and no other.
        var fused = first with { Body = first.Body.Concat(second.Body).ToEquatableArray(), Comment = first.Comment == second.Comment ? first.Comment : null };
        if (first.From.Equals(second.From))
        {
            return new[] { fused };
        }

        // Starts one apart: the longer loop's first iteration on its own, then the common range fused (straight-line bodies only:
        // the iteration written out rewrites direct statements).
        if (first.Body.Concat(second.Body).Any(s => s is ForLoop) || first.From is not Constant { Value: var firstStart } || second.From is not Constant { Value: var secondStart } ||
            System.Math.Abs(firstStart - secondStart) != 1 || firstStart != System.Math.Floor(firstStart))
        {
            return null;
        }

        var (longer, start) = secondStart < firstStart ? (second, first.From) : (first, second.From);
        var head = Iteration(longer, counter, Reaches(extents, reached, first.To, (long)System.Math.Min(firstStart, secondStart)));
        return head.Append(fused with { From = start }).ToList();
    }

    /// <summary>Whether a statement before, in the same block, indexed element <paramref name="index"/> of a buffer <paramref name="bound"/> long: then index &lt; bound.</summary>
    private static bool Reaches(Extents extents, HashSet<(Expr Length, long Index)> reached, Expr bound, long index)
    {
        var length = extents.Normal(bound);
        return reached.Any(fact => fact.Index >= index && fact.Length.Equals(length));
    }

    /// <summary>
    /// The first iteration of <paramref name="loop"/> written out: the counter replaced by its first value, <c>y[i - 1]</c>
    /// by <c>y[0]</c>; under the loop's own test (<c>if (0 &lt; n)</c>), so that a loop with no iteration still runs none,
    /// unless <paramref name="runs"/> (a statement before indexed as far in a buffer as long as the loop's bound).
    /// </summary>
    private static IEnumerable<Statement> Iteration(ForLoop loop, string counter, bool runs)
    {
        long start = (long)((Constant)loop.From).Value;
        Expr AtStart(Expr expression) => ExpressionFacts.Rewrite(expression, node => node switch
        {
            Element element when BodyFacts.Offset(element.Index, counter) is { } offset => new Element(element.Vector, new Constant(start + offset)),
            Variable variable when variable.Name == counter => new Constant(start),
            _ => null,
        });

        var body = loop.Body.Select(statement => statement is DeclareInteger integer
            ? integer with { Value = AtStart(integer.Value) }
            : StatementFacts.RewriteExpressions(statement, AtStart)).ToList();
        var note = Comment.Of($"{counter} = {start} on its own: the fused loop below starts at {start + 1}");
        bool declares = body.Any(statement => StatementFacts.DeclaredName(statement) is not null);
        if (runs && !declares)
        {
            return body.Count == 1 && body[0].Comment is null ? new[] { body[0] with { Comment = note } } : body.Prepend(new CommentLine { Comment = note });
        }

        return new[] { new IfStatement(new Comparison(ComparisonOperator.Less, loop.From, loop.To), body.ToEquatableArray()) { Comment = note } };
    }

    /// <summary>
    /// An ascending counted loop whose body is straight-line code of reals (and integer declarations) popping no saved value,
    /// or counted loops of such code (GMM's backward loop over columns i holds one over rows j &gt; i).
    /// </summary>
    private static bool Simple(ForLoop loop) => loop is { Descending: false, While: null, IterationByIteration: false } && StraightOrLoops(loop.Body);

    private static bool StraightOrLoops(IEnumerable<Statement> body) => body.All(s =>
        (s is DeclareReal or AssignReal or UpdateReal or DeclareInteger or CommentLine ||
         s is ForLoop { While: null, IterationByIteration: false } inner && StraightOrLoops(inner.Body)) &&
        !StatementFacts.Expressions(s).SelectMany(ExpressionFacts.Nodes).Any(node => node is SavedPop or VectorCall or CalleeValue));

    /// <summary>
    /// Conditions (a) and (b) of the class's comment: for each name one body writes and the other mentions, a buffer
    /// indexed by the counter plus constants in both (or, in a nested loop, by a counter that starts there), the second's
    /// offsets none above the first's; no scalar; and no parameter written on one side and met on the other.
    /// </summary>
    private static bool Commute(BodyFacts first, BodyFacts second, HashSet<string> parameters)
    {
        foreach (string shared in first.Written.Concat(second.Written).Distinct())
        {
            if (!first.Mentioned.Contains(shared) || !second.Mentioned.Contains(shared))
            {
                continue;
            }

            if (first.Scalars.Contains(shared) || second.Scalars.Contains(shared) ||
                first.Offsets(shared) is not { } firstOffsets || second.Offsets(shared) is not { } secondOffsets ||
                secondOffsets.Any(range => range.Highest is not { } highest || highest > firstOffsets.Min(other => other.Lowest)))
            {
                return false;
            }
        }

        bool Meets(BodyFacts writer, BodyFacts other) => writer.Written.Any(parameters.Contains) && other.Mentioned.Any(parameters.Contains);
        return !Meets(first, second) && !Meets(second, first);
    }

    /// <summary>
    /// What one loop body writes and mentions, and at which offsets from the counter it indexes each buffer: one offset
    /// where the index is the counter plus a constant, and from a lowest offset up (no highest) where it is the counter of a
    /// nested ascending loop that starts at the counter plus a constant (<c>for (j = i + 1; …) dQ[j]</c>: offsets 1 and up).
    /// </summary>
    private sealed class BodyFacts
    {
        private readonly Dictionary<string, List<(long Lowest, long? Highest)?>> _offsets = new();

        public BodyFacts(IEnumerable<Statement> body, HashSet<string> declared, string counter)
        {
            Walk(body, declared, counter, new Dictionary<string, long?>());
        }

        /// <summary>The names declared outside the body that it assigns or updates: scalars and buffers.</summary>
        public HashSet<string> Written { get; } = new();

        /// <summary>The names declared outside the body that it reads or writes.</summary>
        public HashSet<string> Mentioned { get; } = new();

        /// <summary>The names it mentions as whole variables (not as a buffer's elements).</summary>
        public HashSet<string> Scalars { get; } = new();

        /// <summary>The offsets from the counter at which the body indexes <paramref name="vector"/>; null where an index is another expression.</summary>
        public IReadOnlyList<(long Lowest, long? Highest)>? Offsets(string vector) =>
            _offsets.TryGetValue(vector, out var offsets) && offsets.All(o => o.HasValue) ? offsets.Select(o => o!.Value).ToList() : null;

        /// <param name="nested">The counters of the nested loops around the statements: the lowest offset from the counter each starts at, or null where unknown.</param>
        private void Walk(IEnumerable<Statement> body, HashSet<string> declared, string counter, Dictionary<string, long?> nested)
        {
            foreach (var statement in body)
            {
                var target = statement switch
                {
                    AssignReal assign => assign.Target,
                    UpdateReal update => update.Target,
                    _ => null,
                };
                if (target is not null && StatementFacts.TargetName(target) is var name && !declared.Contains(name))
                {
                    Written.Add(name);
                }

                foreach (var node in StatementFacts.Expressions(statement).SelectMany(ExpressionFacts.Nodes))
                {
                    switch (node)
                    {
                        case Element element:
                            Access(element.Vector, Range(element.Index, counter, nested));
                            break;
                        case VectorArgument vector:
                            Access(vector.Vector, null); // the whole vector
                            break;
                        case Variable variable when !declared.Contains(variable.Name):
                            Mentioned.Add(variable.Name);
                            Scalars.Add(variable.Name);
                            break;
                    }
                }

                if (statement is ForLoop inner)
                {
                    // An ascending loop from the counter plus c runs its own counter over c and up; any other, unknown.
                    long? start = inner.Descending ? null : Range(inner.From, counter, nested)?.Lowest;
                    var within = new Dictionary<string, long?>(nested) { [inner.Counter] = start };
                    Walk(inner.Body, declared, counter, within);
                }
            }
        }

        /// <summary>The offsets an index takes from the counter: the counter plus c, or a nested counter (from its start) plus c; else null.</summary>
        private static (long Lowest, long? Highest)? Range(Expr index, string counter, Dictionary<string, long?> nested)
        {
            if (Offset(index, counter) is { } offset)
            {
                return (offset, offset);
            }

            foreach (var pair in nested)
            {
                if (pair.Value is { } start && Offset(index, pair.Key) is { } step)
                {
                    return (start + step, null);
                }
            }

            return null;
        }

        private void Access(string vector, (long Lowest, long? Highest)? offset)
        {
            Mentioned.Add(vector);
            if (!_offsets.TryGetValue(vector, out var offsets))
            {
                _offsets[vector] = offsets = new List<(long Lowest, long? Highest)?>();
            }

            offsets.Add(offset);
        }

        /// <summary>c for an index <c>i</c>, <c>i + c</c>, <c>c + i</c> or <c>i - c</c> (i the counter, c a whole constant); else null.</summary>
        public static long? Offset(Expr index, string counter) => index switch
        {
            Variable variable when variable.Name == counter => 0,
            Binary { Operator: BinaryOperator.Add, Left: Variable left, Right: Constant right } when left.Name == counter => Whole(right.Value),
            Binary { Operator: BinaryOperator.Add, Left: Constant left, Right: Variable right } when right.Name == counter => Whole(left.Value),
            Binary { Operator: BinaryOperator.Subtract, Left: Variable left, Right: Constant right } when left.Name == counter => -Whole(right.Value),
            _ => null,
        };

        private static long? Whole(double value) => value == System.Math.Floor(value) && System.Math.Abs(value) < 1e9 ? (long)value : null;
    }

    /// <summary>
    /// The lengths of a body's buffers, as far as they are known, in one normal form: a parameter's <c>x.Length</c>, a
    /// buffer's declared length, an integer local declared once and never assigned replaced by its value
    /// (<c>n = x.Length</c>), an adjoint or scratch buffer as long as the buffer it is declared for.
    /// </summary>
    private sealed class Extents
    {
        private readonly Dictionary<string, Expr> _lengths = new();
        private readonly Dictionary<string, Expr> _integers = new();

        public Extents(IEnumerable<Statement> body, IEnumerable<string> parameters)
        {
            var flat = StatementFacts.Flatten(body).ToList();
            var changing = new HashSet<string>(flat.Select(s => s switch { StepInteger step => step.Name, AssignInteger assign => assign.Name, _ => null })
                .Where(name => name is not null)!);
            changing.UnionWith(flat.Select(StatementFacts.DeclaredName).Where(name => name is not null).GroupBy(name => name).Where(g => g.Count() > 1).Select(g => g.Key!));
            foreach (string parameter in parameters)
            {
                _lengths[parameter] = LengthOf(parameter);
            }

            foreach (var statement in flat)
            {
                switch (statement)
                {
                    case DeclareInteger integer when !changing.Contains(integer.Name):
                        _integers[integer.Name] = integer.Value;
                        break;
                    case DeclareBuffer buffer when !changing.Contains(buffer.Name):
                        _lengths[buffer.Name] = buffer.Length;
                        break;
                    case DeclareAdjointBuffer adjoint when !changing.Contains(adjoint.Name):
                        _lengths[adjoint.Name] = LengthOf(adjoint.Buffer);
                        break;
                }
            }
        }

        /// <summary><paramref name="expression"/> with integer locals and buffer lengths replaced by what they stand for.</summary>
        public Expr Normal(Expr expression) => Normal(expression, depth: 0);

        /// <summary>Adds to <paramref name="reached"/> each element <paramref name="statement"/> indexes with a constant, where the buffer's length is known.</summary>
        public void Reach(Statement statement, HashSet<(Expr Length, long Index)> reached)
        {
            if (statement is not (DeclareReal or AssignReal or UpdateReal))
            {
                return;
            }

            foreach (var node in StatementFacts.Expressions(statement).SelectMany(Evaluated))
            {
                if (node is Element { Index: Constant { Value: var index } } element && index >= 0 && index == System.Math.Floor(index) &&
                    _lengths.ContainsKey(element.Vector))
                {
                    reached.Add((Normal(LengthOf(element.Vector)), (long)index));
                }
            }
        }

        /// <summary>The nodes of <paramref name="expression"/> evaluated whenever it is: not those of a conditional's arms, nor a logical operator's right side.</summary>
        private static IEnumerable<Expr> Evaluated(Expr expression)
        {
            var pending = new Stack<Expr>();
            pending.Push(expression);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                yield return node;
                var children = node switch
                {
                    Conditional conditional => new[] { conditional.Condition },
                    Logical logical => new[] { logical.Left },
                    _ => ExpressionFacts.Children(node),
                };
                foreach (var child in children)
                {
                    pending.Push(child);
                }
            }
        }

        private static Member LengthOf(string vector) => new(new Variable(vector), "Length");

        private Expr Normal(Expr expression, int depth) => depth > 8 ? expression : ExpressionFacts.Rewrite(expression, node => node switch
        {
            Variable variable when _integers.TryGetValue(variable.Name, out var value) => Normal(value, depth + 1),
            Member { Name: "Length", Target: Variable { Name: var vector } } member when _lengths.TryGetValue(vector, out var length) && !length.Equals(member) =>
                Normal(length, depth + 1),
            _ => null,
        });
    }
}
