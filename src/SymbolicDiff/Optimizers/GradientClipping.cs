using System;
using System.Numerics.Tensors;

namespace SymbolicDiff.Optimizers;

/// <summary>Gradient clipping, applied to a gradient between its computation and the optimizer step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> in place so that their Euclidean norm is at most about
    /// <paramref name="maxNorm"/>, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> (norm type 2): with
    /// ‖g‖ = √Σg<sub>i</sub>², each g<sub>i</sub> is multiplied by min(1, maxNorm / (‖g‖ + 10<sup>−6</sup>)).
    /// </summary>
    /// <param name="gradients">
    /// All the gradients, as one vector (the runtime's optimizers take one flat parameter vector, so its norm is the
    /// global norm over every parameter); scaled in place.
    /// </param>
    /// <param name="maxNorm">The largest norm allowed; finite and at least 0.</param>
    /// <param name="errorIfNonFinite">
    /// Whether a NaN or infinite norm throws (the default, and PyTorch's announced future default) or, as PyTorch's
    /// current default, goes on: an infinite norm then scales the finite gradients to 0 (and infinite ones to NaN),
    /// a NaN norm makes every gradient NaN.
    /// </param>
    /// <returns>The norm ‖g‖ before clipping, as PyTorch returns it: useful to log, and 0 for no gradients.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is NaN, infinite or negative.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="errorIfNonFinite"/> is <see langword="true"/> and a gradient is NaN or infinite (the gradients are left unchanged).
    /// </exception>
    /// <remarks>
    /// The norm is finite whenever the true norm is: if √Σg<sub>i</sub>² overflows although every gradient is finite
    /// (gradients near 10<sup>200</sup>), it is computed again with the gradients scaled by a power of two. It does
    /// not allocate.
    /// </remarks>
    public static double ClipByGlobalNorm(Span<double> gradients, double maxNorm, bool errorIfNonFinite = true)
    {
        OptimizerGuard.NonNegativeFinite(maxNorm, nameof(maxNorm), "maximum norm");
        double norm = Norm(gradients);
        if (!double.IsFinite(norm) && errorIfNonFinite)
        {
            throw new ArgumentException(
                $"The norm of the gradients is {norm}: a gradient is NaN or infinite, so clipping would not give a usable gradient. "
                + "Pass errorIfNonFinite: false to scale them anyway, as PyTorch's default does.",
                nameof(gradients));
        }

        double coefficient = maxNorm / (norm + 1e-6);
        if (!(coefficient >= 1.0))
        {
            TensorPrimitives.Multiply(gradients, coefficient, gradients);
        }

        return norm;
    }

    /// <summary>√Σx<sub>i</sub>², rescaled where the plain sum of squares overflows though the norm does not.</summary>
    private static double Norm(ReadOnlySpan<double> x)
    {
        double norm = TensorPrimitives.Norm(x);
        if (!double.IsPositiveInfinity(norm))
        {
            return norm;
        }

        double largest = Math.Abs(TensorPrimitives.MaxMagnitude(x));
        if (!double.IsFinite(largest))
        {
            return largest;
        }

        int exponent = Math.ILogB(largest);
        double inverse = Math.ScaleB(1.0, -exponent);
        Span<double> buffer = stackalloc double[Math.Min(SpanKernels.ChunkLength, x.Length)];
        double sum = 0;
        for (int start = 0; start < x.Length; start += SpanKernels.ChunkLength)
        {
            int length = Math.Min(SpanKernels.ChunkLength, x.Length - start);
            var scaled = buffer[..length];
            TensorPrimitives.Multiply(x.Slice(start, length), inverse, scaled);
            sum += TensorPrimitives.SumOfSquares<double>(scaled);
        }

        return Math.Sqrt(sum) * Math.ScaleB(1.0, exponent);
    }
}
