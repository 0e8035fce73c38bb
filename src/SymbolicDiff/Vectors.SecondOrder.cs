using System;
using System.Numerics;
using System.Numerics.Tensors;
using SymbolicDiff.Runtime;

namespace SymbolicDiff;

// The derivatives of the dot product's vector-Jacobian products, declared on them with [Derivative], for second
// derivatives through Dot (see Losses.Spans.SecondOrder.cs for the shape). DotLeftGradient adds seed·right into the
// gradient, so its tangent adds seed·dright + dseed·right: the Hessian of left·right pairs left with right.
public static partial class Vectors
{
    /// <summary>
    /// The derivative of <see cref="DotLeftGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// along a direction: adds seed·dright<sub>i</sub> + dseed·right<sub>i</sub> to gradientTangent[i].
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="leftTangent">The tangent of <paramref name="left"/>, as long as it, or empty where it does not vary (it does not enter the result).</param>
    /// <param name="rightTangent">The tangent of <paramref name="right"/>, as long as it, or empty where it does not vary.</param>
    /// <param name="seedTangent">The tangent of the seed (0 where the dot product is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: as long as <paramref name="left"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradientTangent"/> is not as long as <paramref name="left"/>, a tangent is
    /// neither empty nor as long as its vector, or <paramref name="gradientTangent"/> overlaps a span the method reads.
    /// </exception>
    public static void DotLeftGradientTangent(
        ReadOnlySpan<double> left, ReadOnlySpan<double> right, double seed,
        ReadOnlySpan<double> leftTangent, ReadOnlySpan<double> rightTangent, double seedTangent, Span<double> gradientTangent)
    {
        CheckTangents(left, right, leftTangent, rightTangent, gradientTangent);
        AddTangent(right, rightTangent, seed, seedTangent, gradientTangent);
    }

    /// <summary>
    /// The derivative of <see cref="DotRightGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// along a direction: adds seed·dleft<sub>i</sub> + dseed·left<sub>i</sub> to gradientTangent[i].
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="leftTangent">The tangent of <paramref name="left"/>, as long as it, or empty where it does not vary.</param>
    /// <param name="rightTangent">The tangent of <paramref name="right"/>, as long as it, or empty where it does not vary (it does not enter the result).</param>
    /// <param name="seedTangent">The tangent of the seed (0 where the dot product is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: as long as <paramref name="right"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradientTangent"/> is not as long as <paramref name="left"/>, a tangent is
    /// neither empty nor as long as its vector, or <paramref name="gradientTangent"/> overlaps a span the method reads.
    /// </exception>
    public static void DotRightGradientTangent(
        ReadOnlySpan<double> left, ReadOnlySpan<double> right, double seed,
        ReadOnlySpan<double> leftTangent, ReadOnlySpan<double> rightTangent, double seedTangent, Span<double> gradientTangent)
    {
        CheckTangents(left, right, leftTangent, rightTangent, gradientTangent);
        AddTangent(left, leftTangent, seed, seedTangent, gradientTangent);
    }

    /// <summary>
    /// The derivative of <see cref="DotLeftGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>
    /// along a direction: adds seed·dright<sub>i</sub> + dseed·right<sub>i</sub> to gradientTangent[i], in float.
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="leftTangent">The tangent of <paramref name="left"/>, as long as it, or empty where it does not vary (it does not enter the result).</param>
    /// <param name="rightTangent">The tangent of <paramref name="right"/>, as long as it, or empty where it does not vary.</param>
    /// <param name="seedTangent">The tangent of the seed (0 where the dot product is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: as long as <paramref name="left"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradientTangent"/> is not as long as <paramref name="left"/>, a tangent is
    /// neither empty nor as long as its vector, or <paramref name="gradientTangent"/> overlaps a span the method reads.
    /// </exception>
    public static void DotLeftGradientTangent(
        ReadOnlySpan<float> left, ReadOnlySpan<float> right, float seed,
        ReadOnlySpan<float> leftTangent, ReadOnlySpan<float> rightTangent, float seedTangent, Span<float> gradientTangent)
    {
        CheckTangents(left, right, leftTangent, rightTangent, gradientTangent);
        AddTangent(right, rightTangent, seed, seedTangent, gradientTangent);
    }

    /// <summary>
    /// The derivative of <see cref="DotRightGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>
    /// along a direction: adds seed·dleft<sub>i</sub> + dseed·left<sub>i</sub> to gradientTangent[i], in float.
    /// </summary>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as <paramref name="left"/>.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="leftTangent">The tangent of <paramref name="left"/>, as long as it, or empty where it does not vary.</param>
    /// <param name="rightTangent">The tangent of <paramref name="right"/>, as long as it, or empty where it does not vary (it does not enter the result).</param>
    /// <param name="seedTangent">The tangent of the seed (0 where the dot product is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: as long as <paramref name="right"/>; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="right"/> or <paramref name="gradientTangent"/> is not as long as <paramref name="left"/>, a tangent is
    /// neither empty nor as long as its vector, or <paramref name="gradientTangent"/> overlaps a span the method reads.
    /// </exception>
    public static void DotRightGradientTangent(
        ReadOnlySpan<float> left, ReadOnlySpan<float> right, float seed,
        ReadOnlySpan<float> leftTangent, ReadOnlySpan<float> rightTangent, float seedTangent, Span<float> gradientTangent)
    {
        CheckTangents(left, right, leftTangent, rightTangent, gradientTangent);
        AddTangent(left, leftTangent, seed, seedTangent, gradientTangent);
    }

    /// <summary>
    /// The tangent of seed·other, the contribution one side's product adds: seed·dother + dseed·other, added into
    /// <paramref name="gradientTangent"/> (an empty <paramref name="otherTangent"/> is a zero one).
    /// </summary>
    private static void AddTangent<T>(ReadOnlySpan<T> other, ReadOnlySpan<T> otherTangent, T seed, T seedTangent, Span<T> gradientTangent)
        where T : IFloatingPointIeee754<T>
    {
        TensorPrimitives.MultiplyAdd(other, seedTangent, gradientTangent, gradientTangent);
        if (!otherTangent.IsEmpty)
        {
            TensorPrimitives.MultiplyAdd(otherTangent, seed, gradientTangent, gradientTangent);
        }
    }

    private static void CheckTangents<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right, ReadOnlySpan<T> leftTangent, ReadOnlySpan<T> rightTangent, Span<T> gradientTangent)
    {
        ArgumentChecks.Length(right.Length, left.Length, nameof(right), nameof(left));
        ArgumentChecks.EmptyOrLength(leftTangent.Length, left.Length, nameof(leftTangent), nameof(left));
        ArgumentChecks.EmptyOrLength(rightTangent.Length, right.Length, nameof(rightTangent), nameof(right));
        ArgumentChecks.Length(gradientTangent.Length, left.Length, nameof(gradientTangent), nameof(left));
        SpanGuard.NoOverlap(gradientTangent, nameof(gradientTangent), "left, right, leftTangent, rightTangent", left, right, leftTangent, rightTangent);
    }
}
