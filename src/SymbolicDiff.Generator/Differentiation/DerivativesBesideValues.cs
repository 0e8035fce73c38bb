using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A call of a function whose <c>[Derivative]</c> names a value-and-derivative method (<c>WithValue</c>:
/// <c>Activations.SigmoidWithDerivative(z, out double derivative)</c>) is made through that method in a first-order
/// gradient's forward sweep, and the derivative it gives is what the backward sweep reads:
/// <code>
/// double forget = global::SymbolicDiff.Activations.SigmoidWithDerivative(z, out double dforget_dz);
/// ...
/// dLoss_dz += dLoss_dforget * dforget_dz;
/// </code>
/// instead of <c>Sigmoid(z)</c> forward and <c>SigmoidDerivative(z, forget)</c> backward.
/// <para>
/// Why. The accurate σ′ in the tails needs e<sup>−|z|</sup>, which σ has rounded away (σ(40) is 1) and which the
/// derivative method computes again (one more exponential per gate, about 12 % of the LSTM's gradient); the forward
/// sweep has it at hand. The value the method returns is the function's, bit for bit (its contract), so the forward sweep
/// computes what it did; the partial is the declared one, computed with the value instead of after it, so the gradient
/// is the derivative method's to a few ulps (exactly so where the method forms it as the derivative method does).
/// </para>
/// <para>
/// Where. The call depends on a differentiated parameter through the one parameter the function declares a partial
/// for (<see cref="CallWithDerivative.Of"/>), and the forward sweep evaluates it unconditionally: the whole value of a
/// declaration, or, in a method with loops, a call inside a real declaration or assignment directly in a loop's body or
/// at the top level, not under a conditional, which is first declared as a local of its own (<c>double tanh =
/// Activations.TanhWithDerivative(cell, out double dtanh_dx);</c>). The derivative is then a local like the value:
/// where the backward sweep reads it in a later iteration, the forward sweep saves it at the end of the iteration with
/// the loop's other locals (<see cref="ToBeRecordedAnalysis"/>), as it saves the value.
/// </para>
/// <para>
/// Not for second derivatives: forward mode over the gradient differentiates the derivative method (its own
/// <c>[Derivative]</c>), which a kept derivative would hide; such methods, and forward mode, call the function and its
/// derivative method as before.
/// </para>
/// </summary>
internal static class DerivativesBesideValues
{
    /// <summary>The straight-line forward sweep (single assignment, calls normalised) with each such call made through its value-and-derivative method.</summary>
    public static List<Assignment> InStraightLine(MethodModel method, List<Assignment> forward, HashSet<string> active, NameAllocator names)
    {
        if (method.SecondOrder)
        {
            return forward;
        }

        return forward.Select(assignment =>
            assignment.IsDouble && assignment.Value is Call call && Beside(call, assignment.Target, active, names) is { } beside
                ? assignment with { Value = beside }
                : assignment).ToList();
    }

    /// <summary>The method as the loop transform differentiates it, with each such call made through its value-and-derivative method.</summary>
    public static MethodModel InLoops(MethodModel method)
    {
        if (method.SecondOrder)
        {
            return method;
        }

        var varied = ActivityAnalysis.Varied(
            method.Parameters.Where(p => p.IsDifferentiated).Select(p => p.Name),
            StatementFacts.Writes(method.Statements).Select(write => new DataFlow(write.Target, Reads(write.Value).ToList())).ToList());
        var rewriter = new LoopRewriter(varied, NameAllocator.ForBody(method, method.Statements));
        var statements = rewriter.Rewrite(method.Statements);
        return rewriter.Changed ? method with { Statements = statements } : method;
    }

    /// <summary>The call made through its value-and-derivative method, its partial declared as d<paramref name="target"/>_d<c>input</c>; null where that does not apply.</summary>
    private static CallWithDerivative? Beside(Call call, string target, HashSet<string> active, NameAllocator names)
    {
        if (CallWithDerivative.Of(call) is not { } found || !Reads(call.Arguments[found.Argument]).Any(active.Contains))
        {
            return null;
        }

        // ∂a/∂z after the argument where it is a local (da_dz), else after the callee's parameter (dforget_dz for σ(w·x + b)).
        string input = call.Arguments[found.Argument] is Variable argument ? argument.Name
            : found.Argument < call.Function.ParameterNames.Count ? call.Function.ParameterNames[found.Argument] : "u";
        return new CallWithDerivative(call.Function, call.Arguments, found.Method, found.Argument, names.Fresh(GeneratedNames.LocalPartial(target, input))) { Location = call.Location };
    }

    /// <summary>The names an expression reads, vectors by name (<see cref="StatementFacts.NamesIn"/>); more than the transforms' own reads (integers too), which only makes a call count as varying where it may.</summary>
    private static IEnumerable<string> Reads(Expr expression) => StatementFacts.NamesIn(expression);

    /// <summary>Rewrites the declarations and assignments directly in loop bodies and at the top level.</summary>
    private sealed class LoopRewriter
    {
        private readonly HashSet<string> _varied;
        private readonly NameAllocator _names;

        public LoopRewriter(HashSet<string> varied, NameAllocator names) => (_varied, _names) = (varied, names);

        public bool Changed => _rewrites > 0;

        private int _rewrites;

        public EquatableArray<Statement> Rewrite(EquatableArray<Statement> statements)
        {
            int before = _rewrites;
            var output = new List<Statement>(statements.Count);
            foreach (var statement in statements)
            {
                output.Add(statement switch
                {
                    ForLoop loop => Loop(loop),
                    DeclareReal { IntegerCode: false, Unassigned: false } real => Declaration(real, output),
                    AssignReal assign => assign with { Value = Named(assign.Value, output) },
                    _ => statement,
                });
            }

            return _rewrites == before ? statements : output.ToEquatableArray();
        }

        private Statement Loop(ForLoop loop)
        {
            int before = _rewrites;
            var body = Rewrite(loop.Body);
            return _rewrites == before ? loop : loop with { Body = body };
        }

        private Statement Declaration(DeclareReal real, List<Statement> output)
        {
            if (real.Value is not Call root || CallWithDerivative.Of(root) is null)
            {
                return real with { Value = Named(real.Value, output) };
            }

            var call = root with { Arguments = root.Arguments.Select(argument => Named(argument, output)).ToEquatableArray() };
            if (Beside(call, real.Name, _varied, _names) is not { } beside)
            {
                return real with { Value = call };
            }

            _rewrites++;
            return real with { Value = beside };
        }

        /// <summary>
        /// <paramref name="expression"/> with each such call it evaluates unconditionally declared before it as a local of
        /// its own, innermost first (in <paramref name="output"/>), and read from there.
        /// </summary>
        private Expr Named(Expr expression, List<Statement> output)
        {
            switch (expression)
            {
                case Conditional or Logical or ThrownException:
                    return expression; // evaluated only where a condition holds
                case Call call when CallWithDerivative.Of(call) is not null:
                {
                    var inner = call with { Arguments = call.Arguments.Select(argument => Named(argument, output)).ToEquatableArray() };
                    if (!Reads(inner.Arguments[CallWithDerivative.Of(inner)!.Value.Argument]).Any(_varied.Contains))
                    {
                        return inner;
                    }

                    string local = _names.Fresh(NameAllocator.ToCamelCase(call.Function.DisplayName));
                    output.Add(new DeclareReal(local, Beside(inner, local, _varied, _names)!));
                    _rewrites++;
                    return new Variable(local);
                }

                default:
                    var children = ExpressionFacts.Children(expression);
                    return children.Count == 0 ? expression : ExpressionFacts.WithChildren(expression, children.Select(child => Named(child, output)).ToArray());
            }
        }
    }
}
