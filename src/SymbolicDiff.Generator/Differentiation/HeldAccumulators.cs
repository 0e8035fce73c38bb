using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// An adjoint element that a loop only adds into, at an index the loop does not change, held in a local for the loop's
/// duration: the one pass that does it, over every program Emit prints (<see cref="Apply(GradientProgram)"/>). The
/// backward sweep of <c>v[j] += l[c + j] * centered[i]</c> over j adds into ∂/∂centered[i] once per iteration:
/// <code>
/// for (int j = d - 1; j >= i + 1; j--)
/// {
///     dL[c + j] += dQTimesCentered[j] * centered[i];
///     dCentered[i] += dQTimesCentered[j] * l[c + j];
/// }
/// </code>
/// The JIT cannot keep <c>dCentered[i]</c> in a register (two spans may overlap as far as it knows), so every iteration
/// loads it, adds and stores it back, and the next iteration's load waits for that store: a chain of store-to-load
/// forwarding through memory where a hand-written adjoint sums into a local (ADBench's GMM gradient, <c>muBar</c>).
/// Here the element is loaded into a local before the loop, the loop adds into the local, and the local is stored back
/// after it, all under <c>if</c> the loop runs at least once:
/// <code>
/// if (d - 1 >= i + 1)
/// {
///     double dCenteredElement = dCentered[i];
///     for (…) { dL[c + j] += …; dCenteredElement += dQTimesCentered[j] * l[c + j]; }
///     dCentered[i] = dCenteredElement;
/// }
/// </code>
/// <para>
/// Where. A loop (counted, not a <c>while</c>) and an element <c>v[e]</c> such that: <c>v</c> is an adjoint (or tangent)
/// buffer the program declares, or a gradient output it clears, and no <c>var</c> of the program views it (a slice);
/// every statement of the loop's body that mentions <c>v</c>, at any depth, is a direct statement of the body of the form
/// <c>v[e] += x</c> or <c>v[e] -= x</c> (or <c>v[e] = v[e] ± x</c>, as forward mode over a backward sweep writes it) with the
/// same index e, and x does not mention <c>v</c>; and nothing e reads is written
/// in the loop (its counter, a local it declares, a target it assigns, an integer it steps), and e pops nothing.
/// </para>
/// <para>
/// Why that is exact. An adjoint buffer is memory the program allocated for itself, and a gradient output is checked on
/// entry not to overlap any input or other output, so no other name in the loop reaches <c>v</c>'s memory; with no view
/// of <c>v</c> either, the loop's only accesses to <c>v[e]</c>'s memory are those updates. e has the same value at each of
/// them and before and after the loop. So the local takes, update by update, the values <c>v[e]</c> took, the same
/// additions in the same order, and storing it back leaves <c>v[e]</c> with the value the loop left: bit for bit. The
/// updates are unconditional statements of the body (a <c>branch ? x : 0.0</c> guard is inside x), so where the loop runs at
/// least once the first iteration indexes <c>v[e]</c> anyway: the load before the loop throws where that access threw, and
/// where the loop does not run, the guard skips the load and the store as the loop skipped the updates.
/// </para>
/// <para>
/// Where the statements after the loop only add into the element and read it until one overwrites it, the local is
/// carried through them instead of being stored back (HeldAccumulators.Carried.cs).
/// </para>
/// </summary>
internal static partial class HeldAccumulators
{
    /// <summary>Every body of <paramref name="program"/> that Emit prints, each loop's held accumulators in locals.</summary>
    public static GradientProgram Apply(GradientProgram program) => program.WithEveryScope(scope =>
    {
        // A Hessian's prologue declares buffers its body adds into: the scope, not the body, says which buffers are owned
        // and which names are taken, and one allocator serves both bodies, which share the method's scope.
        var owned = OwnedBuffers(scope.Statements);
        if (owned.Count == 0)
        {
            return body => body;
        }

        var names = scope.Names();
        return body => Rewrite(body, owned, names).ToEquatableArray();
    });

    /// <summary>
    /// The buffers only their own name reaches: adjoint and tangent buffers the program declares, and gradient outputs it
    /// clears, less any that a <c>var</c> views.
    /// </summary>
    private static HashSet<string> OwnedBuffers(IEnumerable<Statement> body)
    {
        var all = StatementFacts.Flatten(body).ToList();
        var owned = new HashSet<string>(all.Select(statement => statement switch
        {
            DeclareAdjointBuffer buffer => buffer.Name,
            ClearOutput { View: null } clear => clear.Output,
            _ => null,
        }).OfType<string>());
        foreach (var view in all.OfType<DeclareVar>())
        {
            owned.ExceptWith(StatementFacts.NamesIn(view.Value));
        }

        return owned;
    }

    private static List<Statement> Rewrite(IEnumerable<Statement> statements, HashSet<string> owned, NameAllocator names)
    {
        var result = new List<Statement>();
        var list = statements as IReadOnlyList<Statement> ?? statements.ToList();
        for (int at = 0; at < list.Count; at++)
        {
            var statement = list[at];
            switch (statement)
            {
                case ForLoop loop:
                    var (held, after) = Hold(loop, list.Skip(at + 1).ToList(), owned, names);
                    result.AddRange(held);
                    at += after;
                    break;
                case IfStatement guarded:
                    result.Add(guarded with { Then = Rewrite(guarded.Then, owned, names).ToEquatableArray() });
                    break;
                default:
                    result.Add(statement);
                    break;
            }
        }

        return result;
    }

    /// <summary>
    /// <paramref name="loop"/>, its held accumulators in locals (wrapped as described above), its body's loops in turn; and
    /// how many of the statements <paramref name="after"/> it (those an accumulator is carried through, see
    /// HeldAccumulators.Carried.cs) the returned statements replace.
    /// </summary>
    private static (IEnumerable<Statement> Statements, int After) Hold(ForLoop loop, IReadOnlyList<Statement> after, HashSet<string> owned, NameAllocator names)
    {
        var held = loop.While is null ? HeldElements(loop, owned) : new List<Element>();
        if (held.Count == 0)
        {
            return (new[] { loop with { Body = Rewrite(loop.Body, owned, names).ToEquatableArray() } }, 0);
        }

        var locals = held.ToDictionary(element => element, element => names.Fresh(element.Vector + "Element"));
        var body = loop.Body.Select(statement =>
            AddedInto(statement) is { } target && locals.TryGetValue(target, out var local) ? Into(statement, local) : statement);
        var ends = Carried(held, after);
        var carried = new HashSet<Element>(ends.Keys);
        int through = ends.Count == 0 ? 0 : ends.Values.Max() + 1;
        var inside = new List<Statement>();
        inside.AddRange(held.Where(element => !carried.Contains(element)).Select(element => new DeclareReal(locals[element], element)
        {
            Comment = Comment.Of("the loop below only adds into ", element, ": held here, stored back after it"),
        }));
        var (reads, readBody) = HoistReads(loop with { Body = body.ToEquatableArray() }, owned, names);
        inside.AddRange(reads);
        inside.Add(loop with { Body = Rewrite(readBody, owned, names).ToEquatableArray() });
        inside.AddRange(held.Where(element => !carried.Contains(element)).Select(element => new UpdateReal(element, UpdateOperator.Set, new Variable(locals[element]))));
        var result = held.Where(carried.Contains).Select(element => (Statement)new DeclareReal(locals[element], element)
        {
            Comment = Comment.Of("the loop below and the statements after it up to its overwrite only add into ", element, " and read it: held here"),
        }).ToList();
        result.AddRange(inside.Count > 1 && RunsAtLeastOnce(loop) is { } condition
            ? new[] { new IfStatement(condition, inside.ToEquatableArray()) { Comment = Comment.Of(carried.Count < held.Count ? "where the loop runs, as it indexes the element then" : "where the loop runs, as it reads the element then") } }
            : inside);
        result.AddRange(after.Take(through).Select((statement, at) => Through(statement, at, ends, locals)));
        return (result, through);
    }

    /// <summary>The elements of owned buffers that <paramref name="loop"/> only adds into, at an index it does not change, in order of first update.</summary>
    private static List<Element> HeldElements(ForLoop loop, HashSet<string> owned)
    {
        var updated = loop.Body
            .Select(statement => AddedInto(statement) is { } target && owned.Contains(target.Vector) ? target : null)
            .OfType<Element>()
            .Distinct()
            .ToList();
        if (updated.Count == 0)
        {
            return updated;
        }

        var written = new HashSet<string>(StatementFacts.WrittenNamesIn(loop.Body)) { loop.Counter };
        return updated.Where(element =>
            updated.Count(other => other.Vector == element.Vector) == 1
            && !ExpressionFacts.Mentions(element.Index, node => node is SavedPop)
            && !StatementFacts.NamesIn(element.Index).Any(written.Contains)
            && !StatementFacts.NamesIn(loop.From).Concat(StatementFacts.NamesIn(loop.To)).Contains(element.Vector)
            && loop.Body.All(statement => OnlyAddsInto(statement, element)))
            .ToList();
    }

    /// <summary>
    /// Whether the direct statement <paramref name="statement"/> of the loop's body adds into <paramref name="element"/>
    /// (reading nothing else of its buffer), or leaves the buffer alone, nested statements included.
    /// </summary>
    private static bool OnlyAddsInto(Statement statement, Element element)
    {
        if (AddedInto(statement) is { } target && target.Equals(element))
        {
            return !StatementFacts.NamesIn(Added(statement)).Contains(element.Vector);
        }

        return StatementFacts.Flatten(new[] { statement }).All(inner =>
            !StatementFacts.Expressions(inner).SelectMany(StatementFacts.NamesIn).Contains(element.Vector)
            && !(inner is DeclareAdjointBuffer buffer && buffer.Name == element.Vector));
    }

    /// <summary>
    /// The element <paramref name="statement"/> adds into: <c>v[e] += x</c> or <c>v[e] -= x</c>, or as forward mode over a
    /// backward sweep writes them, <c>v[e] = v[e] + x</c> or <c>v[e] = v[e] - x</c> (printed <c>+=</c>, <c>-=</c>); else null.
    /// </summary>
    private static Element? AddedInto(Statement statement) => statement switch
    {
        UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract, Target: Element target } => target,
        AssignReal { Target: Element target, Value: Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract, Left: var left } } when left.Equals(target) => target,
        _ => null,
    };

    /// <summary>What a statement <see cref="AddedInto"/> recognises adds (or subtracts).</summary>
    private static Expr Added(Statement statement) => statement is UpdateReal update ? update.Value : ((Binary)((AssignReal)statement).Value).Right;

    /// <summary>The statement, adding into <paramref name="local"/> instead of the element it adds into.</summary>
    private static Statement Into(Statement statement, string local) => statement switch
    {
        UpdateReal update => update with { Target = new Variable(local) },
        AssignReal { Value: Binary sum } assign => assign with { Target = new Variable(local), Value = sum with { Left = new Variable(local) } },
        _ => statement,
    };

    /// <summary>The condition under which <paramref name="loop"/> runs at least once, or null where its bounds are constants that make it.</summary>
    private static Expr? RunsAtLeastOnce(ForLoop loop)
    {
        if (loop.From is Constant from && loop.To is Constant to && (loop.Descending ? from.Value > to.Value : from.Value < to.Value))
        {
            return null;
        }

        return loop.Descending
            ? ForLoop.InclusiveBound(loop.To, BinaryOperator.Subtract) is { } lowest
                ? new Comparison(ComparisonOperator.GreaterOrEqual, loop.From, lowest)
                : new Comparison(ComparisonOperator.Greater, loop.From, loop.To)
            : ForLoop.InclusiveBound(loop.To, BinaryOperator.Add) is { } highest
                ? new Comparison(ComparisonOperator.LessOrEqual, loop.From, highest)
                : new Comparison(ComparisonOperator.Less, loop.From, loop.To);
    }
}
