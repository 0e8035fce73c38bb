using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// <c>UWithGradient(v, b, dV, out double dB)</c> with dB read, in forward mode: U's Hessian-vector product along the
/// arguments' tangents writes the gradient (dV and dB, the caller's locals) and H·direction, whose part for b is the
/// tangent of dB, d(∂U/∂b) = ∂²U/∂b∂v · dv + ∂²U/∂b² · db, into a local declared by the call.
/// </summary>
internal sealed partial class ForwardModeDifferentiator
{
    /// <summary>Whether a scalar part of the gradient the call writes (<c>out double dB</c>) needs a tangent.</summary>
    private bool ScalarOutputsActive(CallWithOutputs call) => call.ScalarOutputs.Any(_active.Contains);

    /// <summary>Where the product writes H·direction's part for a scalar: dB's tangent where dB varies, else <c>out _</c>.</summary>
    private Expr ScalarOutputTangent(Expr output) =>
        output is OutArgument { Declares: true, Target.Name: var name } && _active.Contains(name)
            ? new OutArgument(new Variable(NewTangent(name)), Declares: true)
            : new OutArgument(new Variable("_"), Declares: false);

    /// <summary>The tangents of the scalar parts a call writes from constants only: 0.</summary>
    private IEnumerable<Statement> ConstantScalarOutputTangents(CallWithOutputs call) =>
        call.ScalarOutputs.Where(_active.Contains).Select(name => (Statement)new DeclareReal(NewTangent(name), Constant.Zero)
        {
            Comment = Comment.Of($"{name} is a constant here"),
        });
}
