using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SymbolicDiff;

/// <summary>
/// The SIMD kernels behind the span overloads of <see cref="Losses"/>, written once for
/// <see cref="double"/> and <see cref="float"/>.
/// </summary>
/// <remarks>
/// Elementwise steps run through <see cref="TensorPrimitives"/> on chunks of at most
/// <see cref="ChunkLength"/> elements held in stack buffers, so that nothing is allocated whatever the
/// length, and each chunk stays in the L1 cache between steps. Chunk results are accumulated in
/// <see cref="double"/> (for float input too). The sigmoid-minus-target gradient is one fused
/// <see cref="Vector{T}"/> pass instead, since its exact form needs a per-element choice of formula.
/// </remarks>
internal static class SpanKernels
{
    /// <summary>The number of elements per chunk: 256 doubles (2 KiB) per stack buffer.</summary>
    public const int ChunkLength = 256;

    /// <summary>
    /// (1/n)·Σ (x<sub>i</sub> − y<sub>i</sub>)², the differences formed exactly as a scalar loop forms them (no
    /// expansion into x² − 2xy + y²), finite wherever the true mean is.
    /// </summary>
    /// <remarks>
    /// The fast path sums the squares as they are. Where that sum overflows though the mean need not (10,000
    /// differences of 10<sup>154</sup>: each square is finite, their sum is not), it is done again with every
    /// difference divided by a power of two near the largest one, which is exact, and the mean scaled back.
    /// A sum that is infinite because a difference is (an infinite input, or 10<sup>308</sup> − (−10<sup>308</sup>))
    /// stays infinite: so is the true mean.
    /// </remarks>
    public static double MeanOfSquaredDifferences<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> difference = stackalloc T[Math.Min(ChunkLength, x.Length)];
        double sum = 0;
        for (int start = 0; start < x.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, x.Length - start);
            var d = difference[..length];
            TensorPrimitives.Subtract(x.Slice(start, length), y.Slice(start, length), d);
            sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(d));
        }

        return double.IsPositiveInfinity(sum)
            ? ScaledMeanOfSquaredDifferences(x, y, difference)
            : sum / x.Length;
    }

    /// <summary>
    /// The slow path of <see cref="MeanOfSquaredDifferences{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>: with s = 2<sup>k</sup>
    /// the power of two at or below the largest |x<sub>i</sub> − y<sub>i</sub>|, (((1/n)·Σ ((x<sub>i</sub> − y<sub>i</sub>)/s)²)·s)·s,
    /// where every scaled square is below 4 and only a mean that truly overflows can.
    /// </summary>
    private static double ScaledMeanOfSquaredDifferences<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> difference)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T largest = T.Zero;
        for (int start = 0; start < x.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, x.Length - start);
            var d = difference[..length];
            TensorPrimitives.Subtract(x.Slice(start, length), y.Slice(start, length), d);
            largest = T.Max(largest, T.Abs(TensorPrimitives.MaxMagnitude<T>(d)));
        }

        if (!T.IsFinite(largest))
        {
            return double.PositiveInfinity;
        }

        int exponent = T.ILogB(largest);
        T inverse = T.ScaleB(T.One, -exponent);
        double sum = 0;
        for (int start = 0; start < x.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, x.Length - start);
            var d = difference[..length];
            TensorPrimitives.Subtract(x.Slice(start, length), y.Slice(start, length), d);
            TensorPrimitives.Multiply(d, inverse, d);
            sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(d));
        }

        double scale = Math.ScaleB(1.0, exponent);
        return sum / x.Length * scale * scale;
    }

    /// <summary>destination<sub>i</sub> += scale·(x<sub>i</sub> − y<sub>i</sub>).</summary>
    public static void AddScaledDifference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> difference = stackalloc T[Math.Min(ChunkLength, x.Length)];
        for (int start = 0; start < x.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, x.Length - start);
            var d = difference[..length];
            var target = destination.Slice(start, length);
            TensorPrimitives.Subtract(x.Slice(start, length), y.Slice(start, length), d);
            TensorPrimitives.MultiplyAdd(d, scale, target, target);
        }
    }

    /// <summary>
    /// (1/n)·Σ max(z<sub>i</sub>, 0) − z<sub>i</sub>·t<sub>i</sub> + log1p(e<sup>−|z<sub>i</sub>|</sup>), the mean of the
    /// elementwise binary cross-entropy with logits of <see cref="Losses.BinaryCrossEntropyWithLogits(double, double)"/>,
    /// finite wherever the true mean is.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Per element, max(z, 0) − z·t is formed first and log1p(e<sup>−|z|</sup>) added to it, as in the scalar loss.
    /// log1p(e) for e = e<sup>−|z|</sup> in [0, 1] is computed accurately even where 1 + e rounds to 1: with
    /// u = fl(1 + e), the rounding error r = e − (u − 1) is exact (u − 1 is exact, and so is the difference, by
    /// Fast2Sum since e ≤ 1), and ln(1 + e) = ln(u + r) = ln u + r/u + O((r/u)²), where r/u ≤ 2<sup>−53</sup>.
    /// Where u = 1 this gives e itself, which is what log1p of a tiny e is. There is no branch, so it vectorizes.
    /// </para>
    /// <para>
    /// Where the plain sum overflows though the mean need not (losses near the largest finite value), it is
    /// done again with every elementwise loss divided by 2<sup>k</sup> ≥ n, which is exact, and the mean scaled back.
    /// </para>
    /// </remarks>
    public static double MeanBinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = SumBinaryCrossEntropyWithLogits(logits, targets, T.One);
        if (!double.IsPositiveInfinity(sum))
        {
            return sum / logits.Length;
        }

        int exponent = BitOperations.Log2((uint)logits.Length - 1) + 1;
        double scaled = SumBinaryCrossEntropyWithLogits(logits, targets, T.ScaleB(T.One, -exponent));
        return scaled * (Math.ScaleB(1.0, exponent) / logits.Length);
    }

    /// <summary>
    /// Σ <paramref name="factor"/>·(max(z<sub>i</sub>, 0) − z<sub>i</sub>·t<sub>i</sub> + log1p(e<sup>−|z<sub>i</sub>|</sup>)),
    /// each chunk's elementwise losses multiplied by the factor (a power of two) before they are summed.
    /// </summary>
    private static double SumBinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunk = Math.Min(ChunkLength, logits.Length);
        Span<T> first = stackalloc T[chunk];
        Span<T> second = stackalloc T[chunk];
        Span<T> third = stackalloc T[chunk];
        double sum = 0;
        for (int start = 0; start < logits.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, logits.Length - start);
            var z = logits.Slice(start, length);
            var t = targets.Slice(start, length);
            var e = first[..length];
            var u = second[..length];
            var scratch = third[..length];

            // e = exp(−|z|), in [0, 1].
            TensorPrimitives.Abs(z, e);
            TensorPrimitives.Negate(e, e);
            TensorPrimitives.Exp(e, e);

            // log1p(e) = ln u + (e − (u − 1)) / u with u = fl(1 + e); left in e.
            TensorPrimitives.Add(e, T.One, u);
            TensorPrimitives.Subtract(u, T.One, scratch);
            TensorPrimitives.Subtract(e, scratch, e);
            TensorPrimitives.Divide(e, u, e);
            TensorPrimitives.Log(u, u);
            TensorPrimitives.Add(u, e, e);

            // (max(z, 0) − z·t) + log1p(e^−|z|).
            TensorPrimitives.Max(z, T.Zero, u);
            TensorPrimitives.Multiply(z, t, scratch);
            TensorPrimitives.Subtract(u, scratch, u);
            TensorPrimitives.Add(u, e, u);
            if (factor != T.One)
            {
                TensorPrimitives.Multiply(u, factor, u);
            }

            sum += double.CreateTruncating(TensorPrimitives.Sum<T>(u));
        }

        return sum;
    }

    /// <summary>
    /// destination<sub>i</sub> += scale·(σ(z<sub>i</sub>) − t<sub>i</sub>), with σ(z) − t evaluated as
    /// (1 − t)·σ(z) − t·σ(−z) so that it keeps its value in both tails for the labels 0 and 1
    /// (−4.25·10<sup>−18</sup> for z = 40, t = 1, where σ(40) rounds to 1).
    /// </summary>
    /// <remarks>
    /// With e = e<sup>−|z|</sup>: ((1 − t) − t·e) / (1 + e) for z ≥ 0 and ((1 − t)·e − t) / (1 + e) for z &lt; 0, as
    /// <see cref="Losses.BinaryCrossEntropyWithLogitsLogitDerivative(double, double)"/>. One fused pass over
    /// <see cref="Vector{T}"/> (one exponential, the sign chosen by a mask) rather than a chain of
    /// <see cref="TensorPrimitives"/> calls. Measured against the former, inexact TensorPrimitives σ(z) − t
    /// (n = 16 to 100,000, on a shared two-core machine, so ±30%): two vectorized sigmoids took 1.7 to 3 times as
    /// long, this pass 1.0 to 1.3 times. The tail that does not fill a vector runs the same formula in scalars.
    /// </remarks>
    public static void AddScaledSigmoidMinusTarget<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int done = 0;
#if NET9_0_OR_GREATER
        // Vector.Exp arrived in .NET 9: on .NET 8 the scalar loop below does every element.
        if (Vector.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(double))
            {
                done = VectorSigmoidMinusTarget(
                    MemoryMarshal.Cast<T, double>(logits), MemoryMarshal.Cast<T, double>(targets),
                    double.CreateTruncating(scale), MemoryMarshal.Cast<T, double>(destination));
            }
            else if (typeof(T) == typeof(float))
            {
                done = VectorSigmoidMinusTarget(
                    MemoryMarshal.Cast<T, float>(logits), MemoryMarshal.Cast<T, float>(targets),
                    float.CreateTruncating(scale), MemoryMarshal.Cast<T, float>(destination));
            }
        }
#endif

        for (int i = done; i < logits.Length; i++)
        {
            T z = logits[i], t = targets[i];
            T e = T.Exp(-T.Abs(z));
            T numerator = z >= T.Zero ? (T.One - t) - t * e : (T.One - t) * e - t;
            destination[i] += scale * (numerator / (T.One + e));
        }
    }

#if NET9_0_OR_GREATER
    /// <summary>The double vector body of <see cref="AddScaledSigmoidMinusTarget{T}"/>; returns how many elements it did.</summary>
    private static int VectorSigmoidMinusTarget(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, double scale, Span<double> destination)
    {
        var one = Vector<double>.One;
        var factor = new Vector<double>(scale);
        int i = 0;
        for (; i <= logits.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            var z = new Vector<double>(logits[i..]);
            var t = new Vector<double>(targets[i..]);
            var e = Vector.Exp(-Vector.Abs(z));
            var nonNegative = Vector.GreaterThanOrEqual(z, Vector<double>.Zero);
            var sigmoidTimesDenominator = Vector.ConditionalSelect(nonNegative, one, e);
            var complementTimesDenominator = Vector.ConditionalSelect(nonNegative, e, one);
            var residual = ((one - t) * sigmoidTimesDenominator - t * complementTimesDenominator) / (one + e);
            (new Vector<double>(destination[i..]) + residual * factor).CopyTo(destination[i..]);
        }

        return i;
    }

    /// <summary>The float vector body of <see cref="AddScaledSigmoidMinusTarget{T}"/>; returns how many elements it did.</summary>
    private static int VectorSigmoidMinusTarget(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, float scale, Span<float> destination)
    {
        var one = Vector<float>.One;
        var factor = new Vector<float>(scale);
        int i = 0;
        for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var z = new Vector<float>(logits[i..]);
            var t = new Vector<float>(targets[i..]);
            var e = Vector.Exp(-Vector.Abs(z));
            var nonNegative = Vector.GreaterThanOrEqual(z, Vector<float>.Zero);
            var sigmoidTimesDenominator = Vector.ConditionalSelect(nonNegative, one, e);
            var complementTimesDenominator = Vector.ConditionalSelect(nonNegative, e, one);
            var residual = ((one - t) * sigmoidTimesDenominator - t * complementTimesDenominator) / (one + e);
            (new Vector<float>(destination[i..]) + residual * factor).CopyTo(destination[i..]);
        }

        return i;
    }

#endif

    /// <summary>
    /// The parts of a stable log-sum-exp: the index k of the largest logit (the first one on a tie, the first
    /// NaN if there is one), its value m, and others = Σ<sub>i≠k</sub> e<sup>z<sub>i</sub> − m</sup>, so that
    /// ln Σ<sub>i</sub> e<sup>z<sub>i</sub></sup> = m + log1p(others).
    /// </summary>
    /// <remarks>
    /// Leaving out the maximum's own term e<sup>0</sup> = 1 keeps others exact to its last bits even when it is
    /// far below 1 (a confident prediction), where 1 + others would round it away.
    /// </remarks>
    public static (int ArgMax, T Max, double Others) LogSumExpParts<T>(ReadOnlySpan<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int argMax = IndexOfMax(logits);
        T max = logits[argMax];
        double others = SumExpShifted(logits[..argMax], max) + SumExpShifted(logits[(argMax + 1)..], max);
        return (argMax, max, others);
    }

    /// <summary>
    /// The core of the softmax's vector-Jacobian product: adds scale·e<sup>z<sub>i</sub> − m</sup> to destination[i],
    /// with scale = seed / (1 + others), and returns the log-sum-exp parts as <see cref="LogSumExpParts{T}"/> does.
    /// </summary>
    /// <remarks>
    /// The scale needs the whole sum before the first product, so the exponentials are needed twice: below
    /// <see cref="ScalarBelow"/> logits (a classifier's few classes) they are kept on the stack from the sum,
    /// one exponential per logit; above, they are computed again in vectorised chunks. The exponential of
    /// logit <paramref name="target"/> is returned too (NaN where it was not kept), so that the caller need not
    /// compute it a third time.
    /// </remarks>
    public static (int ArgMax, T Max, double Others, T TargetExponential) AddSoftmaxScaled<T>(
        ReadOnlySpan<T> logits, double seed, Span<T> destination, int target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (logits.Length >= ScalarBelow)
        {
            var parts = LogSumExpParts(logits);
            AddScaledExpShifted(logits, parts.Max, T.CreateTruncating(seed / (1.0 + parts.Others)), destination);
            return (parts.ArgMax, parts.Max, parts.Others, T.NaN);
        }

        // A length known only at run time, on purpose: a constant-length stackalloc is zeroed with 256/512-bit stores
        // and no vzeroupper, and every T.Exp after it would pay the AVX–SSE transition penalty (StackStorage).
        Span<T> exponentials = stackalloc T[logits.Length];
        int argMax = IndexOfMax(logits);
        T max = logits[argMax];
        // Summed as LogSumExpParts sums them (the logits before the maximum, then those after it, then the two sums added),
        // so that a loss computed from these parts equals the one computed from those bit for bit.
        double before = 0;
        for (int i = 0; i < argMax; i++)
        {
            exponentials[i] = T.Exp(logits[i] - max);
            before += double.CreateTruncating(exponentials[i]);
        }

        exponentials[argMax] = T.Exp(max - max);
        double after = 0;
        for (int i = argMax + 1; i < logits.Length; i++)
        {
            exponentials[i] = T.Exp(logits[i] - max);
            after += double.CreateTruncating(exponentials[i]);
        }

        double others = before + after;

        T scale = T.CreateTruncating(seed / (1.0 + others));
        for (int i = 0; i < logits.Length; i++)
        {
            destination[i] += exponentials[i] * scale;
        }

        return (argMax, max, others, exponentials[target]);
    }

    /// <summary>
    /// The index of the largest value, as <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> defines it
    /// (the first NaN if there is one, the first of equal values, +0 above −0), by a plain loop below
    /// <see cref="ScalarBelow"/> values, where the vectorised call's dispatch costs more than the search.
    /// </summary>
    public static int IndexOfMax<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length >= ScalarBelow)
        {
            return TensorPrimitives.IndexOfMax(values);
        }

        int best = 0;
        T max = values[0];
        if (T.IsNaN(max))
        {
            return 0;
        }

        for (int i = 1; i < values.Length; i++)
        {
            T value = values[i];
            if (T.IsNaN(value))
            {
                return i;
            }

            // Equal values differ only for a signed zero: +0 is taken above −0, as TensorPrimitives does.
            if (value > max || (value == max && T.IsNegative(max) && !T.IsNegative(value)))
            {
                max = value;
                best = i;
            }
        }

        return best;
    }

    // Below this length a plain loop beats TensorPrimitives' per-call dispatch: a softmax over a few classes
    // (measured: the MLP benchmark's 3 logits spent about 100 ns per call in dispatch).
    private const int ScalarBelow = 16;

    /// <summary>Σ e<sup>z<sub>i</sub> − shift</sup>.</summary>
    private static double SumExpShifted<T>(ReadOnlySpan<T> logits, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (logits.Length < ScalarBelow)
        {
            double total = 0;
            foreach (T z in logits)
            {
                total += double.CreateTruncating(T.Exp(z - shift));
            }

            return total;
        }

        Span<T> buffer = stackalloc T[Math.Min(ChunkLength, logits.Length)];
        double sum = 0;
        for (int start = 0; start < logits.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, logits.Length - start);
            var exponentials = buffer[..length];
            TensorPrimitives.Subtract(logits.Slice(start, length), shift, exponentials);
            TensorPrimitives.Exp(exponentials, exponentials);
            sum += double.CreateTruncating(TensorPrimitives.Sum<T>(exponentials));
        }

        return sum;
    }

    /// <summary>destination<sub>i</sub> += scale·e<sup>z<sub>i</sub> − shift</sup>.</summary>
    public static void AddScaledExpShifted<T>(ReadOnlySpan<T> logits, T shift, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (logits.Length < ScalarBelow)
        {
            for (int i = 0; i < logits.Length; i++)
            {
                destination[i] += T.Exp(logits[i] - shift) * scale;
            }

            return;
        }

        Span<T> buffer = stackalloc T[Math.Min(ChunkLength, logits.Length)];
        for (int start = 0; start < logits.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, logits.Length - start);
            var exponentials = buffer[..length];
            var target = destination.Slice(start, length);
            TensorPrimitives.Subtract(logits.Slice(start, length), shift, exponentials);
            TensorPrimitives.Exp(exponentials, exponentials);
            TensorPrimitives.MultiplyAdd(exponentials, scale, target, target);
        }
    }
}
