using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// In-place Householder triangularisation of a small dense row-major matrix, applied to a right-hand side at the same
/// time, and back substitution: what <see cref="LevenbergMarquardt"/> needs to solve its damped least-squares step
/// without forming JᵀJ (which would square the condition number) and without allocating.
/// </summary>
/// <remarks>
/// Hand-written rather than MathNet.Numerics' QR because the step is solved many times per fit on buffers of a fixed
/// size: MathNet's factorisations allocate their result objects on every call, and the runtime stays free of a
/// dependency for ~60 lines of textbook code (Golub &amp; Van Loan, Algorithm 5.2.1). Q is never formed: each reflection
/// is applied to the right-hand side as it is found.
/// </remarks>
internal static class HouseholderQr
{
    /// <summary>
    /// Reduces the top of <paramref name="a"/> (rows × cols, row-major) to upper-triangular R by reflections Hₖ…H₁, and
    /// replaces <paramref name="rhs"/> (rows elements) with Hₖ…H₁·rhs. Below the diagonal the matrix is left as zeros.
    /// </summary>
    public static void Triangularize(Span<double> a, int rows, int cols, Span<double> rhs)
    {
        int steps = Math.Min(rows, cols);
        for (int k = 0; k < steps; k++)
        {
            // ‖a[k.., k]‖, scaled by the largest element so that neither overflow nor underflow loses it.
            double scale = 0;
            for (int i = k; i < rows; i++)
            {
                scale = Math.Max(scale, Math.Abs(a[i * cols + k]));
            }

            if (scale == 0)
            {
                continue; // The column is already zero below the diagonal: R[k, k] = 0.
            }

            double sum = 0;
            for (int i = k; i < rows; i++)
            {
                double e = a[i * cols + k] / scale;
                sum += e * e;
            }

            double norm = scale * Math.Sqrt(sum);
            double diagonal = a[k * cols + k];
            // The reflection maps the column to alpha·e_k; alpha takes the sign opposite to the diagonal so that
            // v₀ = diagonal − alpha never cancels.
            double alpha = diagonal > 0 ? -norm : norm;
            double v0 = diagonal - alpha;
            // vᵀv = v₀² + Σ_{i>k} a[i,k]² = (diagonal − alpha)² + norm² − diagonal² = 2·norm·(norm + |diagonal|).
            double twoOverVv = 1 / (norm * (norm + Math.Abs(diagonal)));

            for (int c = k + 1; c < cols; c++)
            {
                double dot = v0 * a[k * cols + c];
                for (int i = k + 1; i < rows; i++)
                {
                    dot += a[i * cols + k] * a[i * cols + c];
                }

                double f = dot * twoOverVv;
                a[k * cols + c] -= f * v0;
                for (int i = k + 1; i < rows; i++)
                {
                    a[i * cols + c] -= f * a[i * cols + k];
                }
            }

            double rhsDot = v0 * rhs[k];
            for (int i = k + 1; i < rows; i++)
            {
                rhsDot += a[i * cols + k] * rhs[i];
            }

            double g = rhsDot * twoOverVv;
            rhs[k] -= g * v0;
            for (int i = k + 1; i < rows; i++)
            {
                rhs[i] -= g * a[i * cols + k];
                a[i * cols + k] = 0;
            }

            a[k * cols + k] = alpha;
        }
    }

    /// <summary>
    /// Solves R·x = rhs[0..n) for the upper-triangular n × n top of <paramref name="r"/> (row stride n). Returns
    /// <see langword="false"/> (x undefined) if a diagonal element is 0.
    /// </summary>
    public static bool BackSubstitute(ReadOnlySpan<double> r, int n, ReadOnlySpan<double> rhs, Span<double> x)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double diagonal = r[i * n + i];
            if (diagonal == 0)
            {
                return false;
            }

            double sum = rhs[i];
            for (int j = i + 1; j < n; j++)
            {
                sum -= r[i * n + j] * x[j];
            }

            x[i] = sum / diagonal;
        }

        return true;
    }
}
