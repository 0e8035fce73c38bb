using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A real local that a loop's body declares from a little arithmetic on values the backward sweep still has
/// (k-means' <c>double difference = points[i * d + l] - centroids[j * d + l];</c>) is declared again at the start of
/// the backward iteration, as the body's integer locals and its integer branches are, instead of being pushed at the
/// end of each forward iteration and popped by the backward one: a hand-written adjoint computes such a difference
/// again where it needs it. Where nothing else in the forward loop is saved, the forward loop then has nothing left to
/// do for the backward sweep; a running selection's recomputed iteration drops it (<see cref="WithoutUnreadRecomputation"/>),
/// and the backward loop, which no longer pops, may count up (LoopDifferentiator.Direction.cs).
/// <para>
/// The rule. A real local <c>L</c>, declared once, by a statement directly in loop <c>P</c>'s body, never assigned
/// afterwards, which the forward sweep would save at the end of each iteration of <c>P</c>, and whose declaration
/// <list type="bullet">
/// <item>reads only constants, loop counters, integer locals no step changes, integer parameters held constant, index
/// tables, buffers nothing writes from <c>P</c> on, and branches the backward sweep computes again or restores
/// (<see cref="ReadsOnlyRecomputable"/>, as for a replayed local), so no real local and no saved value;</item>
/// <item>applies at most <see cref="MaxRecomputedOperations"/> additions, subtractions, multiplications or negations
/// to them, and calls nothing: about what the push and the pop it replaces cost, never a call a kept value avoids.</item>
/// </list>
/// Why that is exact. <c>L</c> keeps the value of its declaration to the end of the iteration, which is the value the
/// stack would give back; the declaration evaluated again in the backward iteration reads the same counters, the same
/// integers (computed again before it, in program order) and the same elements (nothing writes them from <c>P</c> on),
/// so it gives the same value, bit for bit. Loops whose locals are computed again by other means (a running
/// selection's, a checkpointed loop's, the loop differentiated iteration by iteration) never save them at the end of an
/// iteration, so the rule does not meet them.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>The most arithmetic operations a declaration computed again in the backward iteration may apply.</summary>
    private const int MaxRecomputedOperations = 3;

    /// <summary>The real locals declared again at the start of their loop's backward iteration instead of saved at the end of its forward one.</summary>
    private readonly HashSet<string> _recomputedLocals = new();

    /// <summary>Takes the real locals the backward iteration can declare again out of what the forward sweep saves at the end of an iteration.</summary>
    private void RecomputeCheapLocals()
    {
        foreach (var pair in SavedAtEnd.ToList())
        {
            var loop = pair.Key;
            foreach (string name in pair.Value.ToList())
            {
                if (loop.Body.FirstOrDefault(statement => statement is DeclareReal real && real.Name == name) is DeclareReal declaration &&
                    IsCheapToRecompute(declaration, loop))
                {
                    _recomputedLocals.Add(name);
                    pair.Value.Remove(name);
                }
            }

            if (pair.Value.Count == 0)
            {
                SavedAtEnd.Remove(loop);
            }
        }
    }

    private bool IsCheapToRecompute(DeclareReal declaration, ForLoop loop)
    {
        string name = declaration.Name;
        if (!_index.Reals.Contains(name) || _replays.ContainsKey(name) ||
            _index.Statements.Count(statement => StatementFacts.DeclaredName(statement) == name) != 1 ||
            _index.Statements.Any(statement => statement is AssignReal { Target: Variable { Name: var target } } && target == name))
        {
            return false;
        }

        return Operations(declaration.Value) is int operations && operations <= MaxRecomputedOperations &&
            ReadsOnlyRecomputable(declaration, name, loop);
    }

    /// <summary>The arithmetic operations on reals an expression applies (its indices apart), or null where it does anything else (a call, a conditional, a division).</summary>
    private static int? Operations(Expr expression)
    {
        switch (expression)
        {
            case Constant or Variable or Element:
                return 0;
            case Negate negate:
                return Operations(negate.Operand) is int inner ? inner + 1 : null;
            case Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply } binary:
                return Operations(binary.Left) is int left && Operations(binary.Right) is int right ? left + right + 1 : null;
            default:
                return null;
        }
    }

    /// <summary>Whether the backward iteration declares <paramref name="statement"/> again, as it does the body's integer locals.</summary>
    private bool IsRecomputedLocal(Statement statement) => statement is DeclareReal real && _recomputedLocals.Contains(real.Name);

    /// <summary>A statement the backward iteration computes again, a recomputed real local saying why it is not restored.</summary>
    private Statement AsComputedAgain(Statement statement) => IsRecomputedLocal(statement)
        ? statement with { Comment = Comment.Of($"computed again, as this iteration did: cheaper than saving {StatementFacts.DeclaredName(statement)}") }
        : statement;

    /// <summary>
    /// A running selection's iteration computed again for its backward step, <paramref name="again"/>, without the
    /// statements whose values that step, <paramref name="backward"/>, never reads: where its locals are declared again in
    /// the backward loops, the recomputed forward loops are left computing what nothing reads (k-means' distance). A
    /// statement stays if it saves anything, writes anything but a local, or writes a local that a kept statement or the
    /// backward step reads; a loop left with an empty body goes.
    /// </summary>
    private static List<Statement> WithoutUnreadRecomputation(List<Statement> again, IReadOnlyList<Statement> backward)
    {
        // The backward step's free names: what it reads and does not declare itself (it runs after again, in the same
        // block, so a name it declares cannot be one again declares at that block's level).
        var declaredThere = new HashSet<string>(StatementFacts.DeclaredNames(backward));
        var read = new HashSet<string>(backward.SelectMany(StatementFacts.Names).Where(name => !declaredThere.Contains(name)));
        var kept = DeadLocals.Remove(again.ToEquatableArray(), read);
        return WithoutEmptyLoops(kept).ToList();
    }

    private static IEnumerable<Statement> WithoutEmptyLoops(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            if (statement is ForLoop loop)
            {
                var body = WithoutEmptyLoops(loop.Body).ToEquatableArray();
                if (body.Count == 0 || body.All(s => s is CommentLine))
                {
                    continue;
                }

                yield return loop with { Body = body };
                continue;
            }

            yield return statement;
        }
    }
}
