using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// In a loop whose accumulators are held in locals (<see cref="HeldAccumulators"/>), an element the loop reads at an index
/// it does not change, from a buffer it cannot write, is read once before it. GMM's <c>dL[c + j] += dV[j] * centered[i];</c>
/// reads <c>centered[i]</c> in every iteration over j: the JIT cannot know that the store into <c>dL</c> leaves it alone
/// (two spans), so it loads it again each time; a hand-written adjoint names it once.
/// <para>
/// Where. Every element the loop writes (at any depth) is of an owned buffer (an adjoint or tangent buffer the program
/// declares, or a gradient output it clears, none viewed by a <c>var</c>), and the loop calls nothing that writes; the
/// element read, <c>u[e]</c>, is of a buffer that is not owned, read by a direct statement of the body outside any
/// conditional's arms (<c>c ? a : b</c> evaluates one of them) and outside an index, and nothing e reads is written in the loop.
/// </para>
/// <para>
/// Why that is exact. An adjoint buffer is memory the program allocated for itself; a gradient output is checked on entry
/// not to overlap any span parameter or another output; no owned buffer is viewed by another name. So the loop's writes
/// reach no element of <c>u</c>, and e keeps its value: each iteration reads the value the local holds. The read happens
/// in the first iteration's statement whatever the branches, so under the held accumulators' guard (the loop runs at least
/// once) reading it before the loop throws only where that read threw.
/// </para>
/// </summary>
internal static partial class HeldAccumulators
{
    /// <summary>The declarations of <paramref name="loop"/>'s hoisted reads, and its body reading the locals instead.</summary>
    private static (List<Statement> Reads, List<Statement> Body) HoistReads(ForLoop loop, HashSet<string> owned, NameAllocator names)
    {
        var all = StatementFacts.Flatten(loop.Body).ToList();
        if (!all.All(statement => WritesOnlyOwned(statement, owned)))
        {
            return (new List<Statement>(), loop.Body.ToList());
        }

        var written = new HashSet<string>(all.SelectMany(StatementFacts.WrittenNames)) { loop.Counter };
        var reads = loop.Body
            .SelectMany(statement => ValueOf(statement) is { } value ? UnconditionalReads(value) : Enumerable.Empty<Element>())
            .Where(element => !owned.Contains(element.Vector) && !written.Contains(element.Vector)
                && !ExpressionFacts.Mentions(element.Index, node => node is SavedPop)
                && !StatementFacts.NamesIn(element.Index).Any(written.Contains))
            .Distinct()
            .ToList();
        var locals = reads.ToDictionary(element => element, element => names.Fresh(element.Vector + "Element"));
        var declarations = reads.Select(element => (Statement)new DeclareReal(locals[element], element)
        {
            Comment = Comment.Of("the loop below reads it and writes nothing it could change"),
        }).ToList();
        var body = loop.Body.Select(statement => ValueOf(statement) is { } value
            ? WithValue(statement, ExpressionFacts.Rewrite(value, node => node is Element element && locals.TryGetValue(element, out var local) ? new Variable(local) : null))
            : statement).ToList();
        return (declarations, body);
    }

    /// <summary>Whether the statement writes no element but of an owned buffer, and calls nothing that could write.</summary>
    private static bool WritesOnlyOwned(Statement statement, HashSet<string> owned) => statement switch
    {
        AssignReal { Target: Element target } => owned.Contains(target.Vector),
        UpdateReal { Target: Element target } => owned.Contains(target.Vector),
        CallStatement or CallWithOutputs => false,
        _ => true,
    };

    /// <summary>The real value a direct statement computes (an update's, an assignment's, a declaration's), or null.</summary>
    private static Expr? ValueOf(Statement statement) => statement switch
    {
        UpdateReal update => update.Value,
        AssignReal assign => assign.Value,
        DeclareReal declaration => declaration.Value,
        _ => null,
    };

    private static Statement WithValue(Statement statement, Expr value) => statement switch
    {
        UpdateReal update => update with { Value = value },
        AssignReal assign => assign with { Value = value },
        DeclareReal declaration => declaration with { Value = value },
        _ => statement,
    };

    /// <summary>The elements <paramref name="expression"/> always reads: not those in a conditional's arms, a logical's right side, or an index.</summary>
    private static IEnumerable<Element> UnconditionalReads(Expr expression)
    {
        switch (expression)
        {
            case Element element:
                yield return element;
                yield break;
            case Conditional conditional:
                foreach (var read in UnconditionalReads(conditional.Condition))
                {
                    yield return read;
                }

                yield break;
            case Logical logical:
                foreach (var read in UnconditionalReads(logical.Left))
                {
                    yield return read;
                }

                yield break;
            case IntegerValue:
                yield break;
        }

        foreach (var child in ExpressionFacts.Children(expression))
        {
            foreach (var read in UnconditionalReads(child))
            {
                yield return read;
            }
        }
    }
}
