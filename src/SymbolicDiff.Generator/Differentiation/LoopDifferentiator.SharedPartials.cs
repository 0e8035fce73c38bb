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
    /// Declares (in <paramref name="output"/>) each call that occurs in two or more of <paramref name="partials"/> outside
    /// every conditional, and returns the partials with those calls replaced by the locals. A call under a conditional
    /// is never moved out of it (its argument may index past an end where the condition is false); a call that occurs
    /// outside one is evaluated by its line anyway, so computing it once before is safe wherever it also occurs.
    /// </summary>
    private List<Expr> SharePartialCalls(List<Expr> partials, List<BackwardLine> output)
    {
        var counts = new Dictionary<Call, int>();
        foreach (var partial in partials)
        {
            foreach (var call in UnconditionalCalls(partial).Distinct())
            {
                counts[call] = counts.TryGetValue(call, out int count) ? count + 1 : 1;
            }
        }

        // Outermost first: a call inside a shared call is computed once with it.
        var shared = new Dictionary<Expr, Variable>();
        foreach (var call in counts.Where(pair => pair.Value > 1).Select(pair => pair.Key).OrderByDescending(ExpressionFacts.Size))
        {
            if (shared.Keys.Any(outer => ExpressionFacts.Mentions(outer, node => node.Equals(call))))
            {
                continue;
            }

            string name = call.Function.DisplayName;
            var local = new Variable(_names.Fresh(name.Length == 0 ? "shared" : char.ToLowerInvariant(name[0]) + name.Substring(1)));
            shared[call] = local;
            output.Add(new BackwardLine(new DeclareReal(local.Name, call) { Comment = Comment.Of($"computed once, used in {counts[call]} partials below") }));
        }

        return shared.Count == 0
            ? partials
            : partials.Select(partial => ExpressionFacts.Rewrite(partial, node => shared.TryGetValue(node, out var local) ? local : null)).ToList();
    }

    /// <summary>The calls of <paramref name="expression"/> not under a conditional.</summary>
    private static IEnumerable<Call> UnconditionalCalls(Expr expression)
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
