using System;

namespace SymbolicDiff;

/// <summary>
/// Marks a method for compile-time differentiation. For a method <c>M</c> the SymbolicDiff source
/// generator adds, to the same partial type, a method <c>MWithGradient</c> with the same parameters that
/// returns the value of <c>M</c> together with its gradient, and a nested record struct <c>MGradient</c>
/// that holds them.
/// </summary>
/// <remarks>
/// The gradient is derived symbolically by reverse-mode source transformation: the generated method is
/// ordinary C# with no tape, no reflection and no allocation. Methods the generator cannot differentiate
/// are reported at compile time as errors <c>SD0001</c>–<c>SD0099</c> (see docs/diagnostics/README.md).
/// </remarks>
/// <example>
/// <code>
/// public static partial class Neuron
/// {
///     [Differentiable(nameof(w), nameof(b))]
///     public static double Loss(double x, double w, double b, double y)
///     {
///         double z = x * w + b;
///         double a = Activations.Sigmoid(z);
///         return Losses.MeanSquaredError(a, y);
///     }
/// }
///
/// Neuron.LossGradient g = Neuron.LossWithGradient(0.5, 2.0, -1.0, 1.0);
/// // g.Value == 0.25, g.W == -0.125, g.B == -0.25
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>
    /// Differentiates with respect to the named parameters, or, when no name is given, with respect to
    /// every <see cref="double"/> parameter.
    /// </summary>
    /// <param name="parameters">
    /// The names of the parameters to differentiate with respect to, best written with <c>nameof</c>.
    /// The gradient lists them in declaration order, whatever order they are named in here.
    /// </param>
    public DifferentiableAttribute(params string[] parameters)
    {
        Parameters = parameters ?? Array.Empty<string>();
    }

    /// <summary>The names of the parameters to differentiate with respect to; empty means all <see cref="double"/> parameters.</summary>
    public string[] Parameters { get; }

    /// <summary>
    /// Also generates second derivatives, by forward-mode differentiation of the generated gradient
    /// (forward-over-reverse). Off by default: nothing more is generated without it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For a method whose differentiated parameters are all scalars, the generator adds
    /// <c>MWithHessian(&lt;M's parameters&gt;)</c>, returning the value, the gradient and the dense symmetric Hessian
    /// (a <c>MHessian</c> record struct whose <c>Hessian</c> is a <c>double[,]</c>, row i and column j being
    /// ∂²M/∂pᵢ∂pⱼ over the differentiated parameters in declaration order), and an overload that writes the
    /// gradient and the Hessian (n×n, row-major) into spans without allocating. It costs n forward sweeps over the
    /// gradient, one per differentiated parameter.
    /// </para>
    /// <para>
    /// For a method over spans it adds <c>MHessianVectorProduct(&lt;M's parameters&gt;, &lt;one direction per
    /// differentiated parameter&gt;, &lt;gradient outputs&gt;, &lt;product outputs&gt;)</c>, which writes the gradient and
    /// the Hessian times the direction in one forward sweep over the gradient (a small constant multiple of the
    /// gradient's cost).
    /// </para>
    /// <para>
    /// Every function the gradient calls needs a derivative of its own: the built-in <c>Math</c> rules have them,
    /// and a <c>[Derivative]</c> method needs its own <c>[Derivative]</c>. Where one is missing, the generator
    /// reports error <c>SD0030</c> naming the function.
    /// </para>
    /// </remarks>
    public bool SecondOrder { get; set; }

    /// <summary>
    /// Also generates the directional derivative of the Hessian, for callers whose own second derivatives are third
    /// derivatives of this method: a <c>[Differentiable(SecondOrder = true)]</c> method that reads this method's
    /// generated gradient (<c>MWithGradient(x, k).X</c>). Implies <see cref="SecondOrder"/>. Off by default.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For a method whose differentiated parameters are all scalars, the generator adds, beside the span overload of
    /// <c>MWithHessian</c>, <c>MHessianWithDerivative(&lt;M's parameters&gt;, &lt;one tangent per differentiated
    /// parameter&gt;, Span gradient, Span hessian, Span hessianTangent)</c>: it writes the gradient, the Hessian and the
    /// Hessian's derivative along the tangents, Σₘ ∂³M/∂pᵢ∂pⱼ∂pₘ · dpₘ (n×n, row-major), by forward mode over the
    /// Hessian's own program (forward-over-forward-over-reverse), at about twice the cost of <c>MWithHessian</c>.
    /// </para>
    /// <para>
    /// It is an opt-in of its own because the method's code is generated without knowing its callers: most methods
    /// with second derivatives are never read by a caller that asks for its own, and would carry a third-order method
    /// nothing calls. A caller that needs it and finds it missing gets error <c>SD0034</c>, which names this property.
    /// </para>
    /// </remarks>
    public bool ThirdOrder { get; set; }
}
