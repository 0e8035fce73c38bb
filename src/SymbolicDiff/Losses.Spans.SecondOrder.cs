using System;
using System.Numerics;
using SymbolicDiff.Runtime;

namespace SymbolicDiff;

// The derivatives of the span losses' vector-Jacobian products, declared on them with [Derivative], so that second
// derivatives (forward mode over a generated gradient, which calls the products) can differentiate through them. A
// product G(inputs, seed, gradient) adds seed·∇f into gradient; its tangent method takes G's parameters without the
// gradient, one tangent per real or span input of G (seed included), and adds the directional derivative of that
// contribution into gradientTangent: seed·H·inputTangent + seedTangent·∇f (plus the targets' terms). An empty tangent
// span stands for an input that does not vary (a zero tangent), so that callers need not fill spans of zeros.
public static partial class Losses
{
    // ---- Mean squared error ------------------------------------------------------------------------------

    /// <summary>
    /// The derivative of <see cref="MeanSquaredErrorPredictionsGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// along a direction: adds (2/n)·[seed·(dp<sub>i</sub> − dt<sub>i</sub>) + dseed·(p<sub>i</sub> − t<sub>i</sub>)] to
    /// gradientTangent[i]. The Hessian of the mean squared error with respect to the predictions is (2/n)·I.
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="predictionsTangent">The tangent dp of the predictions, as long as them, or empty where they do not vary.</param>
    /// <param name="targetsTangent">The tangent dt of the targets, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per prediction; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty; <paramref name="targets"/> or <paramref name="gradientTangent"/> is not as
    /// long as it; a tangent span is neither empty nor as long as its input; or <paramref name="gradientTangent"/> overlaps an input.
    /// </exception>
    public static void MeanSquaredErrorPredictionsGradientTangent(
        ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, double seed,
        ReadOnlySpan<double> predictionsTangent, ReadOnlySpan<double> targetsTangent, double seedTangent, Span<double> gradientTangent) =>
        MeanSquaredErrorTangent(predictions, targets, seed, predictionsTangent, targetsTangent, seedTangent, gradientTangent);

    /// <summary>
    /// The derivative of <see cref="MeanSquaredErrorPredictionsGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>
    /// along a direction: adds (2/n)·[seed·(dp<sub>i</sub> − dt<sub>i</sub>) + dseed·(p<sub>i</sub> − t<sub>i</sub>)] to
    /// gradientTangent[i], each term in double and rounded to float once.
    /// </summary>
    /// <param name="predictions">The predictions p; at least one.</param>
    /// <param name="targets">The targets t, one per prediction.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="predictionsTangent">The tangent dp of the predictions, as long as them, or empty where they do not vary.</param>
    /// <param name="targetsTangent">The tangent dt of the targets, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per prediction; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="predictions"/> is empty; <paramref name="targets"/> or <paramref name="gradientTangent"/> is not as
    /// long as it; a tangent span is neither empty nor as long as its input; or <paramref name="gradientTangent"/> overlaps an input.
    /// </exception>
    public static void MeanSquaredErrorPredictionsGradientTangent(
        ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, float seed,
        ReadOnlySpan<float> predictionsTangent, ReadOnlySpan<float> targetsTangent, float seedTangent, Span<float> gradientTangent) =>
        MeanSquaredErrorTangent(predictions, targets, seed, predictionsTangent, targetsTangent, seedTangent, gradientTangent);

    private static void MeanSquaredErrorTangent<T>(
        ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T seed,
        ReadOnlySpan<T> predictionsTangent, ReadOnlySpan<T> targetsTangent, T seedTangent, Span<T> gradientTangent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPairs(predictions.Length, targets.Length, nameof(predictions));
        int n = predictions.Length;
        ArgumentChecks.EmptyOrLength(predictionsTangent.Length, n, nameof(predictionsTangent), nameof(predictions));
        ArgumentChecks.EmptyOrLength(targetsTangent.Length, n, nameof(targetsTangent), nameof(targets));
        ArgumentChecks.Length(gradientTangent.Length, n, nameof(gradientTangent), nameof(predictions));
        SpanGuard.NoOverlap(gradientTangent, nameof(gradientTangent), "predictions, targets, predictionsTangent, targetsTangent", predictions, targets, predictionsTangent, targetsTangent);

        double scale = 2.0 / n;
        double s = double.CreateTruncating(seed);
        double ds = double.CreateTruncating(seedTangent);
        for (int i = 0; i < n; i++)
        {
            double dp = predictionsTangent.IsEmpty ? 0.0 : double.CreateTruncating(predictionsTangent[i]);
            double dt = targetsTangent.IsEmpty ? 0.0 : double.CreateTruncating(targetsTangent[i]);
            double difference = double.CreateTruncating(predictions[i]) - double.CreateTruncating(targets[i]);
            gradientTangent[i] = T.CreateTruncating(double.CreateTruncating(gradientTangent[i]) + scale * (s * (dp - dt) + ds * difference));
        }
    }

    // ---- Binary cross-entropy with logits --------------------------------------------------------------

    /// <summary>
    /// The derivative of <see cref="BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// along a direction: adds [seed·(σ(x<sub>i</sub>)·σ(−x<sub>i</sub>)·dx<sub>i</sub> − dt<sub>i</sub>) + dseed·(σ(x<sub>i</sub>) − t<sub>i</sub>)]/n
    /// to gradientTangent[i]. The Hessian with respect to the logits is diagonal, σ(x<sub>i</sub>)(1 − σ(x<sub>i</sub>))/n.
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="targets">The targets t, one per logit.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="logitsTangent">The tangent dx of the logits, as long as them, or empty where they do not vary.</param>
    /// <param name="targetsTangent">The tangent dt of the targets, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty; <paramref name="targets"/> or <paramref name="gradientTangent"/> is not as long
    /// as it; a tangent span is neither empty nor as long as its input; or <paramref name="gradientTangent"/> overlaps an input.
    /// </exception>
    /// <remarks>σ(x)·σ(−x) and (1 − t)·σ(x) − t·σ(−x) keep their small values in both tails, as in the product itself.</remarks>
    public static void BinaryCrossEntropyWithLogitsLogitsGradientTangent(
        ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, double seed,
        ReadOnlySpan<double> logitsTangent, ReadOnlySpan<double> targetsTangent, double seedTangent, Span<double> gradientTangent) =>
        BinaryCrossEntropyWithLogitsTangent(logits, targets, seed, logitsTangent, targetsTangent, seedTangent, gradientTangent);

    /// <summary>
    /// The derivative of <see cref="BinaryCrossEntropyWithLogitsLogitsGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>
    /// along a direction: adds [seed·(σ(x<sub>i</sub>)·σ(−x<sub>i</sub>)·dx<sub>i</sub> − dt<sub>i</sub>) + dseed·(σ(x<sub>i</sub>) − t<sub>i</sub>)]/n
    /// to gradientTangent[i], computed in double and rounded to float once.
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="targets">The targets t, one per logit.</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="logitsTangent">The tangent dx of the logits, as long as them, or empty where they do not vary.</param>
    /// <param name="targetsTangent">The tangent dt of the targets, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty; <paramref name="targets"/> or <paramref name="gradientTangent"/> is not as long
    /// as it; a tangent span is neither empty nor as long as its input; or <paramref name="gradientTangent"/> overlaps an input.
    /// </exception>
    public static void BinaryCrossEntropyWithLogitsLogitsGradientTangent(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, float seed,
        ReadOnlySpan<float> logitsTangent, ReadOnlySpan<float> targetsTangent, float seedTangent, Span<float> gradientTangent) =>
        BinaryCrossEntropyWithLogitsTangent(logits, targets, seed, logitsTangent, targetsTangent, seedTangent, gradientTangent);

    private static void BinaryCrossEntropyWithLogitsTangent<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T seed,
        ReadOnlySpan<T> logitsTangent, ReadOnlySpan<T> targetsTangent, T seedTangent, Span<T> gradientTangent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPairs(logits.Length, targets.Length, nameof(logits));
        int n = logits.Length;
        ArgumentChecks.EmptyOrLength(logitsTangent.Length, n, nameof(logitsTangent), nameof(logits));
        ArgumentChecks.EmptyOrLength(targetsTangent.Length, n, nameof(targetsTangent), nameof(targets));
        ArgumentChecks.Length(gradientTangent.Length, n, nameof(gradientTangent), nameof(logits));
        SpanGuard.NoOverlap(gradientTangent, nameof(gradientTangent), "logits, targets, logitsTangent, targetsTangent", logits, targets, logitsTangent, targetsTangent);

        double s = double.CreateTruncating(seed) / n;
        double ds = double.CreateTruncating(seedTangent) / n;
        for (int i = 0; i < n; i++)
        {
            double x = double.CreateTruncating(logits[i]);
            double t = double.CreateTruncating(targets[i]);
            double dx = logitsTangent.IsEmpty ? 0.0 : double.CreateTruncating(logitsTangent[i]);
            double dt = targetsTangent.IsEmpty ? 0.0 : double.CreateTruncating(targetsTangent[i]);
            double positive = Activations.Sigmoid(x);
            double negative = Activations.Sigmoid(-x);
            double term = s * (positive * negative * dx - dt) + ds * ((1.0 - t) * positive - t * negative);
            gradientTangent[i] = T.CreateTruncating(double.CreateTruncating(gradientTangent[i]) + term);
        }
    }

    // ---- Softmax cross-entropy ---------------------------------------------------------------------------

    /// <summary>
    /// The derivative of <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/>
    /// along a direction: adds seed·(H·dx)<sub>i</sub> + dseed·(p<sub>i</sub> − [i = target]) to gradientTangent[i], where
    /// p = softmax(x) and H = diag(p) − p·pᵀ is the Hessian of the loss, so (H·dx)<sub>i</sub> = p<sub>i</sub>·(dx<sub>i</sub> − p·dx).
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="logitsTangent">The tangent dx of the logits, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty; <paramref name="logitsTangent"/> is neither empty nor as long as it;
    /// <paramref name="gradientTangent"/> is not as long as it, or overlaps <paramref name="logits"/> or <paramref name="logitsTangent"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    /// <remarks>
    /// No exponential overflows (each is of a logit minus the largest), and p<sub>target</sub> − 1 is computed without
    /// cancellation as in the product, so a confident correct prediction keeps its small seed-tangent term.
    /// </remarks>
    public static void SoftmaxCrossEntropyLogitsGradientTangent(
        ReadOnlySpan<double> logits, int target, double seed,
        ReadOnlySpan<double> logitsTangent, double seedTangent, Span<double> gradientTangent) =>
        SoftmaxCrossEntropyTangent(logits, target, seed, logitsTangent, seedTangent, gradientTangent);

    /// <summary>
    /// The derivative of <see cref="SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{float}, int, float, Span{float})"/>
    /// along a direction: adds seed·p<sub>i</sub>·(dx<sub>i</sub> − p·dx) + dseed·(p<sub>i</sub> − [i = target]) to
    /// gradientTangent[i], p = softmax(x), computed in double and rounded to float once.
    /// </summary>
    /// <param name="logits">The logits x; at least one.</param>
    /// <param name="target">The index of the correct class, in [0, n).</param>
    /// <param name="seed">The seed the product was called with.</param>
    /// <param name="logitsTangent">The tangent dx of the logits, as long as them, or empty where they do not vary.</param>
    /// <param name="seedTangent">The tangent dseed of the seed (0 where the loss is the result).</param>
    /// <param name="gradientTangent">Receives the tangent of the product's contribution: one element per logit; added to, not overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is empty; <paramref name="logitsTangent"/> is neither empty nor as long as it;
    /// <paramref name="gradientTangent"/> is not as long as it, or overlaps <paramref name="logits"/> or <paramref name="logitsTangent"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is negative or not less than the number of logits.</exception>
    public static void SoftmaxCrossEntropyLogitsGradientTangent(
        ReadOnlySpan<float> logits, int target, float seed,
        ReadOnlySpan<float> logitsTangent, float seedTangent, Span<float> gradientTangent) =>
        SoftmaxCrossEntropyTangent(logits, target, seed, logitsTangent, seedTangent, gradientTangent);

    private static void SoftmaxCrossEntropyTangent<T>(
        ReadOnlySpan<T> logits, int target, T seed, ReadOnlySpan<T> logitsTangent, T seedTangent, Span<T> gradientTangent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckClass(logits.Length, target);
        int n = logits.Length;
        ArgumentChecks.EmptyOrLength(logitsTangent.Length, n, nameof(logitsTangent), nameof(logits));
        ArgumentChecks.Length(gradientTangent.Length, n, nameof(gradientTangent), nameof(logits));
        SpanGuard.NoOverlap(gradientTangent, nameof(gradientTangent), "logits, logitsTangent", logits, logitsTangent);

        var (argMax, maxValue, others) = SpanKernels.LogSumExpParts(logits);
        double max = double.CreateTruncating(maxValue);
        double sum = 1.0 + others;
        double s = double.CreateTruncating(seed);
        double ds = double.CreateTruncating(seedTangent);

        // p·dx, the probability-weighted mean of the tangent.
        double mean = 0.0;
        if (!logitsTangent.IsEmpty)
        {
            for (int j = 0; j < n; j++)
            {
                mean += Math.Exp(double.CreateTruncating(logits[j]) - max) * double.CreateTruncating(logitsTangent[j]);
            }

            mean /= sum;
        }

        for (int i = 0; i < n; i++)
        {
            double shifted = double.CreateTruncating(logits[i]) - max;
            double p = Math.Exp(shifted) / sum;
            double dx = logitsTangent.IsEmpty ? 0.0 : double.CreateTruncating(logitsTangent[i]);
            double gradient = i == target ? ProbabilityMinusOne(argMax == target, double.NaN, shifted, others, sum) : p;
            gradientTangent[i] = T.CreateTruncating(double.CreateTruncating(gradientTangent[i]) + s * p * (dx - mean) + ds * gradient);
        }
    }
}
