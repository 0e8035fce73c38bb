using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// One statement's partials often call the same function: <c>sumExp += Math.Exp(x[i] - max)</c> has
/// ∂/∂x[i] = exp(x[i] − max) and ∂/∂max = −exp(x[i] − max). The backward sweep computes such a call once, into a local
/// declared before the statement's contributions, as a person deriving it by hand would.
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// Declares (in <paramref name="output"/>) each call, and each conditional, that two or more of
    /// <paramref name="partials"/> evaluate, and returns the partials with them replaced by the locals. Tanh's derivative
    /// (1 − tanh²u for |u| ≤ 1, else 2(1 + |tanh u|)·e^−2|u|/(1 + e^−2|u|)) is such a conditional: in each of
    /// <c>change = Math.Tanh(h * w + bias)</c>'s three partials. A call or conditional under a conditional is never
    /// moved out of it on its own (its argument may index past an end where the condition is false); but one that some
    /// partial evaluates outside every conditional is evaluated by that partial's line anyway, so computing it once
    /// before is safe wherever it also occurs, under a conditional or not (<c>outgate * Math.Tanh(cell)</c>: tanh(cell)
    /// is the partial with respect to outgate, and inside tanh's derivative, the one with respect to cell).
    /// </summary>
    private List<Expr> SharePartialCalls(List<Expr> partials, List<BackwardLine> output)
    {
        var counts = new Dictionary<Expr, int>();
        var evaluated = new HashSet<Expr>();
        foreach (var partial in partials)
        {
            var unconditional = UnconditionalCalls(partial).Cast<Expr>().Concat(OutermostConditionals(partial)).ToList();
            evaluated.UnionWith(unconditional);
            foreach (var node in unconditional.Concat(ExpressionFacts.Nodes(partial).OfType<Call>()).Distinct())
            {
                counts[node] = counts.TryGetValue(node, out int count) ? count + 1 : 1;
            }
        }

        // Outermost first: a call inside a shared call is computed once with it.
        var shared = new Dictionary<Expr, Variable>();
        foreach (var node in counts.Where(pair => pair.Value > 1 && evaluated.Contains(pair.Key)).Select(pair => pair.Key).OrderByDescending(ExpressionFacts.Size))
        {
            if (shared.Keys.Any(outer => ExpressionFacts.Mentions(outer, inner => inner.Equals(node))))
            {
                continue;
            }

            string name = node is Call call ? call.Function.DisplayName : "Derivative";
            var local = new Variable(_names.Fresh(name.Length == 0 ? "shared" : char.ToLowerInvariant(name[0]) + name.Substring(1)));
            shared[node] = local;
            output.Add(new BackwardLine(new DeclareReal(local.Name, node) { Comment = Comment.Of($"computed once, used in {counts[node]} partials below") }));
        }

        return shared.Count == 0
            ? partials
            : partials.Select(partial => ExpressionFacts.Rewrite(partial, node => shared.TryGetValue(node, out var local) ? local : null)).ToList();
    }

    /// <summary>
    /// The conditionals of <paramref name="expression"/> not under another, and with no zero side: a partial that is zero
    /// on one side is the guard of its own line (see <c>Guard</c>), which runs only where it is not zero.
    /// </summary>
    private static IEnumerable<Conditional> OutermostConditionals(Expr expression)
    {
        if (expression is Conditional conditional)
        {
            if (conditional is not ({ WhenTrue: Constant { IsZero: true } } or { WhenFalse: Constant { IsZero: true } }))
            {
                yield return conditional;
            }

            yield break;
        }

        foreach (var child in ExpressionFacts.Children(expression))
        {
            foreach (var inner in OutermostConditionals(child))
            {
                yield return inner;
            }
        }
    }

    /// <summary>The calls of <paramref name="expression"/> not under a conditional.</summary>
    internal static IEnumerable<Call> UnconditionalCalls(Expr expression)
    {
        if (expression is Conditional)
        {
            yield break;
        }

        if (expression is Call call)
        {
            yield return call;
        }

        foreach (var child in ExpressionFacts.Children(expression))
        {
            foreach (var inner in UnconditionalCalls(child))
            {
                yield return inner;
            }
        }
    }
}
