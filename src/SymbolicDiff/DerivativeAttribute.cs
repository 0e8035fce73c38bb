using System;

namespace SymbolicDiff;

/// <summary>
/// Declares the derivative of a function so that the SymbolicDiff generator can differentiate through
/// calls to it. This is the one mechanism by which every non-built-in function gets a derivative: the
/// runtime's own primitives (<see cref="Activations.Sigmoid(double)"/>, <see cref="Losses.MeanSquaredError(double, double)"/>, ...)
/// use it exactly as user code does.
/// </summary>
/// <remarks>
/// <para>
/// The derivative method lives in the same type as the function and is at least <c>internal</c>.
/// It takes the function's parameters, with the same types in the same order, optionally followed by
/// one more parameter of the function's return type that receives the function's value (so that a
/// derivative such as σ'(z) = σ(z)(1 − σ(z)) can reuse the value instead of computing it again).
/// It returns the partial derivative of the function with respect to one parameter.
/// </para>
/// <para>
/// A function of one parameter uses the one-argument constructor. A function of several parameters
/// declares one attribute per parameter it can be differentiated with respect to. A parameter without a
/// declared partial may still receive arguments that do not depend on a differentiated parameter (a
/// target label, say); if it receives one that does, the generator reports error SD0012.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Derivative(nameof(SoftplusDerivative))]
/// public static double Softplus(double x) => x &gt; 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
///
/// // d/dx softplus(x) = σ(x); receives x (and could also receive the value as a second parameter).
/// public static double SoftplusDerivative(double x) => Activations.Sigmoid(x);
///
/// // The value and its derivative from one exponential: a generated gradient calls this in its forward sweep.
/// [Derivative(nameof(SigmoidDerivative), WithValue = nameof(SigmoidWithDerivative))]
/// public static double Sigmoid(double z) => ...;
/// public static double SigmoidWithDerivative(double z, out double derivative) { ... }
///
/// [Derivative(nameof(prediction), nameof(SquaredErrorDerivative))]
/// public static double SquaredError(double prediction, double target) =&gt; (prediction - target) * (prediction - target);
/// public static double SquaredErrorDerivative(double prediction, double target) =&gt; 2 * (prediction - target);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class DerivativeAttribute : Attribute
{
    /// <summary>Declares the derivative of a function of one parameter.</summary>
    /// <param name="derivativeMethod">The name of the derivative method in the same type, best written with <c>nameof</c>.</param>
    public DerivativeAttribute(string derivativeMethod)
    {
        DerivativeMethod = derivativeMethod;
    }

    /// <summary>Declares the partial derivative of a function with respect to one of its parameters.</summary>
    /// <param name="parameter">The parameter the partial derivative is taken with respect to, best written with <c>nameof</c>.</param>
    /// <param name="derivativeMethod">The name of the derivative method in the same type, best written with <c>nameof</c>.</param>
    public DerivativeAttribute(string parameter, string derivativeMethod)
    {
        Parameter = parameter;
        DerivativeMethod = derivativeMethod;
    }

    /// <summary>The parameter the partial derivative is taken with respect to; <see langword="null"/> for a function of one parameter.</summary>
    public string? Parameter { get; }

    /// <summary>The name of the method that computes the (partial) derivative.</summary>
    public string DerivativeMethod { get; }

    /// <summary>
    /// The name of a method in the same type that computes the function's value together with its derivative, sharing
    /// the work the two have in common (an exponential, the softmax's exponentials). It returns the function's value,
    /// bit for bit the value the function returns.
    /// <list type="bullet">
    /// <item>For a function of reals: it takes the function's parameters and then one <c>out</c> parameter of the
    /// function's return type, which receives the (partial) derivative with respect to <see cref="Parameter"/>, as
    /// <see cref="DerivativeMethod"/> would compute it: <c>double SigmoidWithDerivative(double z, out double derivative)</c>.
    /// A generated gradient (first order, reverse mode) calls it in its forward sweep instead of the function where the
    /// function declares a partial for this parameter only, and keeps the derivative for its backward sweep instead of
    /// calling <see cref="DerivativeMethod"/> there: <c>double a = Activations.SigmoidWithDerivative(z, out double da_dz);</c>.
    /// Worth it where the derivative, accurately, needs work the value has already done (σ′ in the tails needs the
    /// exponential σ computed). Second derivatives and forward mode call the function and <see cref="DerivativeMethod"/>.</item>
    /// <item>For a function over spans: it takes the function's parameters, then the seed, then the gradient span, as
    /// <see cref="DerivativeMethod"/> does, and adds the same product into the span. Where a differentiated loop runs each
    /// iteration's backward sweep right after its forward sweep and the seed is known at the call, the generated gradient
    /// calls it once instead of the function and then its product.</item>
    /// </list>
    /// </summary>
    public string? WithValue { get; set; }
}
