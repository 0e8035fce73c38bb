using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SymbolicDiff.Runtime;

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
    /// it equals <see cref="MeanSquaredError(double, double)"/>. It is finite wherever the true mean is: where
    /// the sum of the squares overflows (10,000 differences of 10<sup>154</sup>), the differences are scaled by
    /// a power of two and the sum done again, so the mean is 10<sup>308</sup> rather than ∞.
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
        return SpanKernels.MeanOfSquaredDifferences(predictions, targets);
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
    /// <paramref name="predictions"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it,
    /// or <paramref name="gradient"/> overlaps <paramref name="predictions"/> or <paramref name="targets"/> (even exactly: the
    /// gradient would be accumulated into an input, which no caller means).
    /// </exception>
    [Derivative(nameof(MeanSquaredErrorPredictionsGradientTangent))]
    public static void MeanSquaredErrorPredictionsGradient(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, double seed, Span<double> gradient)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        SpanGuard.GradientOfPair(gradient, predictions.Length, nameof(predictions), predictions, targets, "predictions, targets");
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
    /// Where a chunk's float sum overflows though the mean is a finite float, the differences are scaled by a
    /// power of two and the sum done again.
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
        return (float)SpanKernels.MeanOfSquaredDifferences(predictions, targets);
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
    /// <paramref name="predictions"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it,
    /// or <paramref name="gradient"/> overlaps <paramref name="predictions"/> or <paramref name="targets"/> (even exactly: the
    /// gradient would be accumulated into an input, which no caller means).
    /// </exception>
    [Derivative(nameof(MeanSquaredErrorPredictionsGradientTangent))]
    public static void MeanSquaredErrorPredictionsGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, float seed, Span<float> gradient)
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        SpanGuard.GradientOfPair(gradient, predictions.Length, nameof(predictions), predictions, targets, "predictions, targets");
        SpanKernels.AddScaledDifference(predictions, targets, (float)(2.0 * seed / predictions.Length), gradient);
    }

    // ---- Binary cross-entropy with logits --------------------------------------------------------------

    /// <summary>
    /// The mean binary cross-entropy of σ(x<sub>i</sub>) for n logits and targets,
    /// (1/n)·Σ<sub>i</sub> −[t<sub>i</sub>·ln σ(x<sub>i</sub>) + (1 − t<sub>i</sub>)·ln(1 − σ(x<sub>i</sub>))], computed stably:
    /// PyTorch's <c>F.binary_cross_entropy_with_logits(x, t)</c> with its default <c>reduction='mean'</c>
    /// (and no <c>weight</c> or <c>pos_weight</c>).
    /// </summary>
    /// <param name="logits">The logits x; at least one. Any finite values.</param>
    /// <param name="targets">The targets t, one per logit, in [0, 1] (typically labels 0 and 1); not checked.</param>
    /// <returns>
    /// The mean of max(x, 0) − x·t + log1p(e<sup>−|x|</sup>), the elementwise loss of
    /// <see cref="BinaryCrossEntropyWithLogits(double, double)"/>: finite for every finite logit (exactly 1000 for
    /// x = 1000, t = 0), accurate for large margins (about 4.25·10<sup>−18</sup> for x = 40, t = 1), and
    /// <see cref="double.NaN"/> if an element is NaN. Where the sum of the elementwise losses overflows though
    /// their mean need not (logits near the largest double), they are scaled by a power of two and summed again.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty (PyTorch gives NaN), or <paramref name="targets"/> is not as long as it.
    /// </exception>
    /// <remarks>
    /// Stability: e<sup>−|x|</sup> never overflows, and log1p of it is computed with a correction that keeps
    /// its value where 1 + e<sup>−|x|</sup> rounds to 1 (which a plain vectorized ln(1 + y) would lose). The
    /// vector-Jacobian product with respect to the logits is
    /// <see cref="BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>;
    /// the targets are constants.
    /// </remarks>
    [Derivative(nameof(logits), nameof(BinaryCrossEntropyWithLogitsLogitsGradient))]
    public static double BinaryCrossEntropyWithLogits(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets)
    {
        CheckPairs(logits.Length, targets.Length, nameof(logits));
        return SpanKernels.MeanBinaryCrossEntropyWithLogits(logits, targets);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    /// with respect to the logits: adds seed·(σ(x<sub>i</sub>) − t<sub>i</sub>)/n to gradient[i].
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="targets">The targets t, one per logit.</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss (1 when the loss is the result).</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it,
    /// or <paramref name="gradient"/> overlaps <paramref name="logits"/> or <paramref name="targets"/> (even exactly: the
    /// gradient would be accumulated into an input, which no caller means).
    /// </exception>
    /// <remarks>
    /// σ(x) = 1 / (1 + e<sup>−x</sup>) is finite for every finite logit (0 for x = −1000, where e<sup>1000</sup> is
    /// infinite, and 1 for x = 1000). As in <see cref="BinaryCrossEntropyWithLogitsLogitDerivative(double, double)"/>,
    /// σ(x) − t is evaluated as (1 − t)·σ(x) − t·σ(−x), so a confident correct prediction keeps its small gradient
    /// (−4.25·10<sup>−18</sup>/n for x = 40, t = 1, where PyTorch's σ(x) − t gives 0).
    /// </remarks>
    [Derivative(nameof(BinaryCrossEntropyWithLogitsLogitsGradientTangent))]
    public static void BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, double seed, Span<double> gradient)
    {
        CheckPairs(logits.Length, targets.Length, nameof(logits));
        SpanGuard.GradientOfPair(gradient, logits.Length, nameof(logits), logits, targets, "logits, targets");
        SpanKernels.AddScaledSigmoidMinusTarget(logits, targets, seed / logits.Length, gradient);
    }

    /// <summary>
    /// The mean binary cross-entropy with logits of float logits and targets
    /// (PyTorch's <c>F.binary_cross_entropy_with_logits</c>, mean reduction), computed stably as
    /// (1/n)·Σ<sub>i</sub> max(x<sub>i</sub>, 0) − x<sub>i</sub>·t<sub>i</sub> + log1p(e<sup>−|x<sub>i</sub>|</sup>).
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="targets">The targets t, one per logit, in [0, 1]; not checked.</param>
    /// <returns>
    /// The mean loss: elementwise in float, the chunks added and divided in double and the result rounded to
    /// float once; finite for every finite logit, <see cref="float.NaN"/> if an element is NaN.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty (PyTorch gives NaN), or <paramref name="targets"/> is not as long as it.
    /// </exception>
    /// <remarks>
    /// The vector-Jacobian product with respect to the logits is
    /// <see cref="BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.
    /// </remarks>
    [Derivative(nameof(logits), nameof(BinaryCrossEntropyWithLogitsLogitsGradient))]
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckPairs(logits.Length, targets.Length, nameof(logits));
        return (float)SpanKernels.MeanBinaryCrossEntropyWithLogits(logits, targets);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// with respect to the logits: adds seed·(σ(x<sub>i</sub>) − t<sub>i</sub>)/n to gradient[i].
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="targets">The targets t, one per logit.</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="targets"/> or <paramref name="gradient"/> is not as long as it,
    /// or <paramref name="gradient"/> overlaps <paramref name="logits"/> or <paramref name="targets"/> (even exactly: the
    /// gradient would be accumulated into an input, which no caller means).
    /// </exception>
    [Derivative(nameof(BinaryCrossEntropyWithLogitsLogitsGradientTangent))]
    public static void BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, float seed, Span<float> gradient)
    {
        CheckPairs(logits.Length, targets.Length, nameof(logits));
        SpanGuard.GradientOfPair(gradient, logits.Length, nameof(logits), logits, targets, "logits, targets");
        SpanKernels.AddScaledSigmoidMinusTarget(logits, targets, (float)((double)seed / logits.Length), gradient);
    }

    // ---- Softmax cross-entropy ---------------------------------------------------------------------------

    /// <summary>
    /// The cross-entropy of the softmax of n logits against a class index,
    /// −ln softmax(x)[target] = ln Σ<sub>j</sub> e<sup>x<sub>j</sub></sup> − x<sub>target</sub>: PyTorch's
    /// <c>F.cross_entropy(x, target)</c> for one sample (no class weights, no label smoothing).
    /// </summary>
    /// <param name="logits">The logits x, one per class; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <returns>
    /// The loss, ≥ 0: (m − x<sub>target</sub>) + log1p(Σ<sub>j≠k</sub> e<sup>x<sub>j</sub> − m</sup>), where m = x<sub>k</sub>
    /// is the largest logit; <see cref="double.NaN"/> if a logit is NaN.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    /// <remarks>
    /// Stability: subtracting the largest logit m before exponentiating keeps every exponential in [0, 1], so
    /// logits of ±1000 give finite, exact results (2000 for x = (1000, −1000), target 1). The maximum's own
    /// term e<sup>0</sup> = 1 is left out of the sum and added by log1p, so a confident correct prediction keeps
    /// its small loss (about 8.5·10<sup>−18</sup> for x = (40, 0, 0), target 0), which ln(1 + ...) would round to 0.
    /// The vector-Jacobian product with respect to the logits is
    /// <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/>;
    /// <paramref name="target"/> is an index, not differentiable.
    /// </remarks>
    [Derivative(nameof(logits), nameof(SoftmaxCrossEntropyLogitsGradient), WithValue = nameof(SoftmaxCrossEntropyWithGradient))]
    public static double SoftmaxCrossEntropy(ReadOnlySpan<double> logits, int target)
    {
        CheckClass(logits.Length, target);
        var (_, max, others) = SpanKernels.LogSumExpParts(logits);
        return (max - logits[target]) + Numerics.Log1p(others);
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="SoftmaxCrossEntropy(ReadOnlySpan{double}, int)"/> with respect to the
    /// logits: adds seed·(softmax(x)<sub>i</sub> − [i = target]) to gradient[i].
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss (1 when the loss is the result).</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="gradient"/> is not as long as it or overlaps it (even
    /// exactly: every element of the gradient depends on every logit, so writing one would change the others).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    /// <remarks>
    /// softmax(x)<sub>i</sub> = e<sup>x<sub>i</sub> − m</sup> / s with s = Σ<sub>j</sub> e<sup>x<sub>j</sub> − m</sup> ≥ 1, so no
    /// exponential overflows. Where the target is the largest logit, softmax(x)<sub>target</sub> − 1 is computed as
    /// −(s − 1)/s from the sum that leaves the maximum out, so a confident correct prediction gets its small
    /// gradient (−8.5·10<sup>−18</sup> for x = (40, 0, 0), target 0) instead of 0.
    /// </remarks>
    [Derivative(nameof(SoftmaxCrossEntropyLogitsGradientTangent))]
    public static void SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan<double> logits, int target, double seed, Span<double> gradient)
    {
        AddLogitsGradient(logits, target, seed, gradient);
    }

    /// <summary>
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{double}, int)"/> and its vector-Jacobian product
    /// <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/> in one call, with
    /// the exponentials computed once for both: returns the loss and adds seed·(softmax(x)<sub>i</sub> − [i = target])
    /// to gradient[i]. The loss is the one <c>SoftmaxCrossEntropy</c> returns, the gradient the one its product adds, bit
    /// for bit.
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <returns>The loss, as <see cref="SoftmaxCrossEntropy(ReadOnlySpan{double}, int)"/> computes it.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="gradient"/> is not as long as it or overlaps it.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    /// <remarks>
    /// A generated gradient calls it where the loss's seed is known when the loss is computed (a batch loss
    /// differentiated row by row, <c>total += SoftmaxCrossEntropy(logits, label)</c>), instead of the loss and then
    /// its product.
    /// </remarks>
    public static double SoftmaxCrossEntropyWithGradient(ReadOnlySpan<double> logits, int target, double seed, Span<double> gradient)
    {
        var (max, others) = AddLogitsGradient(logits, target, seed, gradient);
        return (max - logits[target]) + Numerics.Log1p(others);
    }

    /// <summary>
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, int)"/> and its vector-Jacobian product
    /// <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{float}, int, float, Span{float})"/> in one call, with
    /// the exponentials computed once for both: returns the loss and adds seed·(softmax(x)<sub>i</sub> − [i = target])
    /// to gradient[i], each as the two separate calls compute it.
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <returns>The loss, as <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, int)"/> computes it.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="gradient"/> is not as long as it or overlaps it.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    public static float SoftmaxCrossEntropyWithGradient(ReadOnlySpan<float> logits, int target, float seed, Span<float> gradient)
    {
        var (max, others) = AddLogitsGradient(logits, target, seed, gradient);
        return (float)(((double)max - logits[target]) + Numerics.Log1p(others));
    }

    /// <summary>
    /// The cross-entropy of the softmax of n float logits against a class index, −ln softmax(x)[target]
    /// (PyTorch's <c>F.cross_entropy</c> for one sample), computed stably as for
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{double}, int)"/>.
    /// </summary>
    /// <param name="logits">The logits x, one per class; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <returns>
    /// The loss, ≥ 0: the exponentials in float, their sum, the logarithm and the difference in double, and the
    /// result rounded to float once; <see cref="float.NaN"/> if a logit is NaN.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    /// <remarks>
    /// The vector-Jacobian product with respect to the logits is
    /// <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{float}, int, float, Span{float})"/>.
    /// </remarks>
    [Derivative(nameof(logits), nameof(SoftmaxCrossEntropyLogitsGradient), WithValue = nameof(SoftmaxCrossEntropyWithGradient))]
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int target)
    {
        CheckClass(logits.Length, target);
        var (_, max, others) = SpanKernels.LogSumExpParts(logits);
        return (float)(((double)max - logits[target]) + Numerics.Log1p(others));
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, int)"/> with respect to the
    /// logits: adds seed·(softmax(x)<sub>i</sub> − [i = target]) to gradient[i].
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The derivative ∂L/∂loss of the final result with respect to the loss.</param>
    /// <param name="gradient">Receives the contributions to ∂L/∂x: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty, or <paramref name="gradient"/> is not as long as it or overlaps it (even
    /// exactly: every element of the gradient depends on every logit, so writing one would change the others).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    [Derivative(nameof(SoftmaxCrossEntropyLogitsGradientTangent))]
    public static void SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan<float> logits, int target, float seed, Span<float> gradient)
    {
        AddLogitsGradient(logits, target, seed, gradient);
    }

    /// <summary>
    /// softmax(x)<sub>target</sub> − 1 without cancellation: −others/sum when the target is the largest logit (where
    /// the probability is near 1), otherwise e<sup>x<sub>target</sub> − m</sup>/sum − 1 (the probability is then at most ½),
    /// with the exponential the softmax kept (<paramref name="targetExponential"/>) or, where it kept none (NaN; float
    /// logits, whose kept exponential is rounded to float), computed again in double.
    /// </summary>
    private static double ProbabilityMinusOne(bool targetIsMax, double targetExponential, double shiftedTarget, double others, double sum) =>
        targetIsMax ? -others / sum : (double.IsNaN(targetExponential) ? Math.Exp(shiftedTarget) : targetExponential) / sum - 1.0;

    // ---- Argument checks ---------------------------------------------------------------------------------

    /// <summary>The inputs (named <paramref name="inputsName"/>) are not empty, and there is one target per input.</summary>
    private static void CheckPairs(int inputs, int targets, string inputsName)
    {
        SpanGuard.NotEmpty(inputs, inputsName);
        ArgumentChecks.Length(targets, inputs, "targets", inputsName);
    }

    /// <summary>There is at least one logit, and the target is the index of one: two comparisons, inlined (run once per row of a batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckClass(int logits, int target)
    {
        SpanGuard.NotEmpty(logits, nameof(logits));
        if ((uint)target >= (uint)logits)
        {
            ThrowTargetOutOfRange(logits, target);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTargetOutOfRange(int logits, int target) =>
        throw new ArgumentOutOfRangeException(nameof(target), target, $"The target class must be in [0, {logits}): there are {logits} logits.");

    /// <summary>
    /// The checks and the addition both <c>SoftmaxCrossEntropyLogitsGradient</c> and <c>SoftmaxCrossEntropyWithGradient</c>
    /// make; returns the largest logit and the sum of the other exponentials, from which the loss follows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Max, double Others) AddLogitsGradient(ReadOnlySpan<double> logits, int target, double seed, Span<double> gradient)
    {
        CheckClass(logits.Length, target);
        ArgumentChecks.Length(gradient.Length, logits.Length, nameof(gradient), nameof(logits));
        SpanGuard.NoOverlap(gradient, nameof(gradient), nameof(logits), logits);
        double before = gradient[target];
        var (argMax, max, others, targetExponential) = SpanKernels.AddSoftmaxScaled(logits, seed, gradient, target);
        gradient[target] = before + seed * ProbabilityMinusOne(argMax == target, targetExponential, logits[target] - max, others, 1.0 + others);
        return (max, others);
    }

    /// <inheritdoc cref="AddLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Max, double Others) AddLogitsGradient(ReadOnlySpan<float> logits, int target, float seed, Span<float> gradient)
    {
        CheckClass(logits.Length, target);
        ArgumentChecks.Length(gradient.Length, logits.Length, nameof(gradient), nameof(logits));
        SpanGuard.NoOverlap(gradient, nameof(gradient), nameof(logits), logits);
        double before = gradient[target];
        var (argMax, max, others, _) = SpanKernels.AddSoftmaxScaled(logits, seed, gradient, target);
        gradient[target] = (float)(before + seed * ProbabilityMinusOne(argMax == target, double.NaN, (double)logits[target] - max, others, 1.0 + others));
        return (max, others);
    }
}
