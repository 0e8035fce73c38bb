using System;

namespace SymbolicDiff;

// The span overloads of the losses: mean reductions over elements, and the vector-Jacobian products of
// their derivatives (see the remarks on Losses and on Vectors).
public static partial class Losses
{
    // ---- Mean squared error ------------------------------------------------------------------------------

    /// <summary>
    /// The mean squared error (1/n)·Σ<sub>i</sub> (p<sub>i</sub> − t<sub>i</sub>)² of n predictions and targets:
    /// PyTorch's <c>F.mse_loss(p, t)</c> with its default <c>reduction='mean'</c>.
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <returns>
    /// The mean of the squared differences, each difference formed directly (never expanded into
    /// p² − 2pt + t², which would cancel); <see cref="double.NaN"/> if an element is NaN. For one element
    /// it equals <see cref="MeanSquaredError(double, double)"/>.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty (PyTorch gives NaN), or <paramref name="targets"/> is not as long as it.
    /// </exception>
    /// <remarks>
    /// The vector-Jacobian product with respect to the predictions is
    /// <see cref="MeanSquaredErrorPredictionsGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>;
    /// the targets are constants (no derivative is declared for them).
    /// </remarks>
    [Derivative(nameof(predictions), nameof(MeanSquaredErrorPredictionsGradient))]
    public static double MeanSquaredError(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        return SpanKernels.SumOfSquaredDifferences(predictions, targets) / predictions.Length;
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="MeanSquaredError(ReadOnlySpan{double}, ReadOnlySpan{double})"/> with
    /// respect to the predictions: adds seed·(2/n)·(p<sub>i</sub> − t<sub>i</sub>) to gradient[i].
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <param name="seed">The derivative ∂L/∂mse of the final result with respect to the loss (1 when the loss is the result).</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂p: one element per prediction; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it.
    /// </exception>
    public static void MeanSquaredErrorPredictionsGradient(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, double seed, Span<double> gradient)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        SpanGuard.Gradient(gradient.Length, predictions.Length, nameof(predictions));
        SpanKernels.AddScaledDifference(predictions, targets, 2.0 * seed / predictions.Length, gradient);
    }

    /// <summary>
    /// The mean squared error (1/n)·Σ<sub>i</sub> (p<sub>i</sub> − t<sub>i</sub>)² of float predictions and targets
    /// (PyTorch's <c>F.mse_loss</c>, mean reduction).
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <returns>
    /// The mean of the squared differences: differences and squares in float, the sum of each 256-element
    /// chunk in float (SIMD), the chunks added and divided in double and the result rounded to float once.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty (PyTorch gives NaN), or <paramref name="targets"/> is not as long as it.
    /// </exception>
    /// <remarks>
    /// The vector-Jacobian product with respect to the predictions is
    /// <see cref="MeanSquaredErrorPredictionsGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.
    /// </remarks>
    [Derivative(nameof(predictions), nameof(MeanSquaredErrorPredictionsGradient))]
    public static float MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        return (float)(SpanKernels.SumOfSquaredDifferences(predictions, targets) / predictions.Length);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with
    /// respect to the predictions: adds seed·(2/n)·(p<sub>i</sub> − t<sub>i</sub>) to gradient[i].
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <param name="seed">The derivative ∂L/∂mse of the final result with respect to the loss.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂p: one element per prediction; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it.
    /// </exception>
    public static void MeanSquaredErrorPredictionsGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, float seed, Span<float> gradient)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        SpanGuard.Gradient(gradient.Length, predictions.Length, nameof(predictions));
        SpanKernels.AddScaledDifference(predictions, targets, (float)(2.0 * seed / predictions.Length), gradient);
    }

    // ---- Argument checks ---------------------------------------------------------------------------------

    /// <summary>The inputs (named <paramref name="inputsName"/>) are not empty, and there is one target per input.</summary>
    private static void CheckPairs(int inputs, int targets, string inputsName)
    {
        SpanGuard.NotEmpty(inputs, inputsName);
        SpanGuard.SameLength(targets, inputs, "targets", inputsName);
    }
}
