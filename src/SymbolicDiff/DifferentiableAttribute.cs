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
}
