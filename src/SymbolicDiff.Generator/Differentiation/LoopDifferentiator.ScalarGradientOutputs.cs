using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// <c>UWithGradient(v, b, dV, out double dB)</c> with dB read: dB = ∂U/∂b is one more output of the call, a real. The
/// Jacobian of the gradient (∇ᵥU, ∂U/∂b) is U's Hessian, symmetric, so the backward sweep passes ∂result/∂dB as the
/// Hessian-vector product's direction for b beside ∂result/∂dV for v: H·direction then carries ∂²U/∂b² · ∂result/∂dB
/// into ∂result/∂b and the mixed block ∂²U/∂v∂b · ∂result/∂dB into ∂result/∂v.
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>Whether a scalar part of the gradient the call writes (<c>out double dB</c>) reaches the result.</summary>
    private bool ScalarOutputsContribute(CallWithOutputs call) => call.ScalarOutputs.Any(_contributed.Contains);

    /// <summary>The product's direction for a scalar part of the gradient: ∂result/∂dB where dB reaches the result, else 0.</summary>
    private Expr ScalarOutputDirection(Expr output) =>
        output is OutArgument { Declares: true, Target: var target } && _contributed.Contains(target.Name) ? AdjointOf(target) : Constant.Zero;
}
