using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A costly call that a statement's value and its tangent both make is computed once, into a local declared before
/// the two: log-sum-exp's <c>sum += Math.Exp(x[i] - max)</c>, whose tangent <c>dSum += Math.Exp(x[i] - max) · (dX[i] − dMax)</c>
/// goes first (the statement overwrites what it reads) and so cannot read the value's result, becomes
/// <c>double exp = Math.Exp(x[i] - max);</c> and then <c>dSum += exp · (dX[i] − dMax); sum += exp;</c>, as the reverse
/// transform keeps a call its partials make again (<c>LoopDifferentiator.KeptCalls</c>). A Jacobian-vector product then
/// costs about one evaluation plus the tangents' arithmetic.
/// <para>
/// Why that is exact. Both statements read the state from before the pair: the tangent's statement writes only the
/// tangent, which no value reads, and a tangent placed after its statement is one that does not read the statement's
/// target. Only calls the value makes outside every conditional are taken, so the local computes nothing the method
/// would not; the functions are the C library's (<see cref="LoopDifferentiator.IsWorthKeeping"/>), pure, and each
/// costs far more than a local.
/// </para>
/// </summary>
internal sealed partial class ForwardModeDifferentiator
{
    /// <summary>
    /// Where <paramref name="value"/> and <paramref name="tangent"/> make the same costly call, declares it once in
    /// <paramref name="output"/> and returns the two reading the local instead; else returns them unchanged.
    /// </summary>
    private (Expr Value, Expr Tangent) ShareCalls(Expr value, Expr tangent, List<Statement> output)
    {
        var inTangent = new HashSet<Call>(ExpressionFacts.Nodes(tangent).OfType<Call>());
        var shared = new List<Call>();
        foreach (var call in LoopDifferentiator.UnconditionalCalls(value).Where(c => inTangent.Contains(c) && LoopDifferentiator.IsWorthKeeping(c)).Distinct().OrderByDescending(ExpressionFacts.Size))
        {
            // Outermost first: a call inside a shared one is computed with it.
            if (!shared.Any(outer => Mentions(outer, node => node.Equals(call))))
            {
                shared.Add(call);
            }
        }

        if (shared.Count == 0)
        {
            return (value, tangent);
        }

        var locals = new Dictionary<Expr, Expr>();
        foreach (var call in shared.OrderBy(call => FirstPosition(value, call)))
        {
            string local = _names.Fresh(NameAllocator.ToCamelCase(call.Function.DisplayName));
            output.Add(new DeclareReal(local, call) { Comment = Comment.Of("computed once: the value and its tangent both read it") });
            locals[call] = new Variable(local);
        }

        Expr Read(Expr expression) => ExpressionFacts.Rewrite(expression, node => locals.TryGetValue(node, out var local) ? local : null);
        return (Read(value), Read(tangent));
    }

    /// <summary>The position of <paramref name="call"/>'s first occurrence in a walk of <paramref name="expression"/>, so that locals are declared in reading order.</summary>
    private static int FirstPosition(Expr expression, Call call)
    {
        int position = 0;
        foreach (var node in ExpressionFacts.Nodes(expression))
        {
            if (node.Equals(call))
            {
                return position;
            }

            position++;
        }

        return position;
    }
}
