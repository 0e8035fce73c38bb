using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SymbolicDiff.Runtime;

namespace SymbolicDiff;

/// <summary>
/// Vector primitives over spans, SIMD-accelerated with <see cref="TensorPrimitives"/>, with declared
/// vector-Jacobian products so that the SymbolicDiff generator can differentiate through calls to them.
/// </summary>
/// <remarks>
/// <para>
/// A span parameter's derivative is declared with <c>[Derivative(nameof(parameter), nameof(GradientMethod))]</c>,
/// as for a scalar parameter, but the gradient method has another shape: it takes the function's
/// parameters, then a <c>seed</c> (∂L/∂f, of the function's return type), then a <see cref="Span{T}"/>
/// <c>gradient</c> with one element per element of the parameter, and it <em>adds</em>
/// seed·∂f/∂parameter<sub>i</sub> to gradient[i] (a vector-Jacobian product, like a JAX <c>custom_vjp</c>
/// backward rule). It accumulates and never overwrites, so that a parameter used in several places
/// collects every contribution.
/// </para>
/// <para>
/// No method allocates. A gradient span must not share memory with an input span; the gradient methods throw
/// <see cref="ArgumentException"/> if it does, rather than return a silently wrong result.
/// </para>
/// </remarks>
public static partial class Vectors
{
    /// <summary>
    /// The dot product Σ<sub>i</sub> left<sub>i</sub>·right<sub>i</sub> (PyTorch's <c>torch.dot</c>), SIMD-accelerated
    /// (<see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>).
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <returns>
    /// The dot product: 0 for empty vectors (the empty sum, as <c>torch.dot</c> gives), <see cref="double.NaN"/>
    /// if an element is <see cref="double.NaN"/>. The SIMD sum adds the products in another order than a
    /// plain loop, so the last bits can differ from it.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="right"/> is not as long as <paramref name="left"/>.</exception>
    /// <remarks>
    /// The vector-Jacobian products are <see cref="DotLeftGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// (∂/∂left = right) and <see cref="DotRightGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/> (∂/∂right = left).
    /// </remarks>
    [Derivative(nameof(left), nameof(DotLeftGradient))]
    [Derivative(nameof(right), nameof(DotRightGradient))]
    public static double Dot(ReadOnlySpan<double> left, ReadOnlySpan<double> right)
    {
        ArgumentChecks.Length(right.Length, left.Length, nameof(right), nameof(left));
        return TensorPrimitives.Dot(left, right);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/> with respect to
    /// <paramref name="left"/>: adds seed·right<sub>i</sub> to gradient[i], since ∂(left·right)/∂left<sub>i</sub> = right<sub>i</sub>.
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The derivative ∂L/∂(left·right) of the final result with respect to the dot product.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂left: as long as <paramref name="left"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradient"/> is not as long as <paramref name="left"/>, or
    /// <paramref name="gradient"/> overlaps <paramref name="left"/> or <paramref name="right"/> (even exactly).
    /// </exception>
    [Derivative(nameof(DotLeftGradientTangent))]
    public static void DotLeftGradient(ReadOnlySpan<double> left, ReadOnlySpan<double> right, double seed, Span<double> gradient)
    {
        AddDotGradient(left, right, seed, gradient, left.Length, nameof(left), right);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/> with respect to
    /// <paramref name="right"/>: adds seed·left<sub>i</sub> to gradient[i], since ∂(left·right)/∂right<sub>i</sub> = left<sub>i</sub>.
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The derivative ∂L/∂(left·right) of the final result with respect to the dot product.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂right: as long as <paramref name="right"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradient"/> is not as long as <paramref name="left"/>, or
    /// <paramref name="gradient"/> overlaps <paramref name="left"/> or <paramref name="right"/> (even exactly).
    /// </exception>
    [Derivative(nameof(DotRightGradientTangent))]
    public static void DotRightGradient(ReadOnlySpan<double> left, ReadOnlySpan<double> right, double seed, Span<double> gradient)
    {
        AddDotGradient(left, right, seed, gradient, right.Length, nameof(right), left);
    }

    /// <summary>
    /// The dot product Σ<sub>i</sub> left<sub>i</sub>·right<sub>i</sub> of float vectors (PyTorch's <c>torch.dot</c>),
    /// SIMD-accelerated and accumulated in float.
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <returns>The dot product: 0 for empty vectors, <see cref="float.NaN"/> if an element is <see cref="float.NaN"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="right"/> is not as long as <paramref name="left"/>.</exception>
    /// <remarks>
    /// The vector-Jacobian products are <see cref="DotLeftGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>
    /// and <see cref="DotRightGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.
    /// </remarks>
    [Derivative(nameof(left), nameof(DotLeftGradient))]
    [Derivative(nameof(right), nameof(DotRightGradient))]
    public static float Dot(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        ArgumentChecks.Length(right.Length, left.Length, nameof(right), nameof(left));
        return TensorPrimitives.Dot(left, right);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with respect to
    /// <paramref name="left"/>: adds seed·right<sub>i</sub> to gradient[i].
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The derivative ∂L/∂(left·right) of the final result with respect to the dot product.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂left: as long as <paramref name="left"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradient"/> is not as long as <paramref name="left"/>, or
    /// <paramref name="gradient"/> overlaps <paramref name="left"/> or <paramref name="right"/> (even exactly).
    /// </exception>
    [Derivative(nameof(DotLeftGradientTangent))]
    public static void DotLeftGradient(ReadOnlySpan<float> left, ReadOnlySpan<float> right, float seed, Span<float> gradient)
    {
        AddDotGradient(left, right, seed, gradient, left.Length, nameof(left), right);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with respect to
    /// <paramref name="right"/>: adds seed·left<sub>i</sub> to gradient[i].
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The derivative ∂L/∂(left·right) of the final result with respect to the dot product.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂right: as long as <paramref name="right"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradient"/> is not as long as <paramref name="left"/>, or
    /// <paramref name="gradient"/> overlaps <paramref name="left"/> or <paramref name="right"/> (even exactly).
    /// </exception>
    [Derivative(nameof(DotRightGradientTangent))]
    public static void DotRightGradient(ReadOnlySpan<float> left, ReadOnlySpan<float> right, float seed, Span<float> gradient)
    {
        AddDotGradient(left, right, seed, gradient, right.Length, nameof(right), left);
    }

    /// <summary>
    /// The body of the four <c>Dot…Gradient</c> overloads: checks the arguments, then adds seed·<paramref name="partial"/>
    /// (the other vector, ∂(left·right)/∂<paramref name="differentiatedName"/>) to <paramref name="gradient"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddDotGradient<T>(
        ReadOnlySpan<T> left, ReadOnlySpan<T> right, T seed, Span<T> gradient, int differentiatedLength, string differentiatedName, ReadOnlySpan<T> partial)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentChecks.Length(right.Length, left.Length, nameof(right), nameof(left));
        SpanGuard.GradientOfPair(gradient, differentiatedLength, differentiatedName, left, right, "left, right");
        TensorPrimitives.MultiplyAdd(partial, seed, gradient, gradient);
    }
}
