using SymbolicDiff.Runtime;
using System.Buffers;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// The adjoint of <see cref="AdBenchObjectives.Determinant"/>'s bottom-up expansion in minors, with the same loops
    /// (so that the comparison is of differentiation, not of algorithms). GradBench's manual gradient
    /// (tools/manual/det.cpp) is the cofactor matrix, ∂det/∂aᵢⱼ = (−1)^(i+j) det(minor without row i and column j),
    /// each minor expanded afresh; the tests check this one against cofactors computed that way. Here each
    /// minors[S] = Σ_{c∈S} ± a[row, c] · minors[S∖c] passes its adjoint on: ā[row, c] += ± m̄[S] · minors[S∖c] and
    /// m̄[S∖c] += ± a[row, c] · m̄[S], rows in the reverse of the forward order.
    /// </summary>
    public static double Determinant(ReadOnlySpan<double> a, int ell, Span<double> dA)
    {
        int subsets = 1 << ell;
        double[] buffer = ArrayPool<double>.Shared.Rent(3 * subsets);
        Span<double> minors = buffer.AsSpan(0, subsets);
        Span<double> minorsBar = buffer.AsSpan(subsets, subsets);
        Span<double> columnCount = buffer.AsSpan(2 * subsets, subsets);
        columnCount[0] = 0;
        for (int set = 1; set < subsets; set++)
        {
            columnCount[set] = columnCount[set >> 1] + (set & 1);
        }

        minors[0] = 1;
        for (int row = ell - 1; row >= 0; row--)
        {
            for (int set = 1; set < subsets; set++)
            {
                if (columnCount[set] == ell - row)
                {
                    double minor = 0;
                    double sign = 1;
                    for (int column = 0; column < ell; column++)
                    {
                        if ((set >> column & 1) == 1)
                        {
                            minor += sign * a[row * ell + column] * minors[set - (1 << column)];
                            sign = -sign;
                        }
                    }

                    minors[set] = minor;
                }
            }
        }

        double value = minors[subsets - 1];
        Zeroing.Clear(dA);
        Zeroing.Clear(minorsBar);
        minorsBar[subsets - 1] = 1;
        for (int row = 0; row < ell; row++)
        {
            for (int set = 1; set < subsets; set++)
            {
                if (columnCount[set] == ell - row)
                {
                    double bar = minorsBar[set];
                    double sign = 1;
                    for (int column = 0; column < ell; column++)
                    {
                        if ((set >> column & 1) == 1)
                        {
                            int smaller = set - (1 << column);
                            dA[row * ell + column] += sign * bar * minors[smaller];
                            minorsBar[smaller] += sign * a[row * ell + column] * bar;
                            sign = -sign;
                        }
                    }
                }
            }
        }

        ArrayPool<double>.Shared.Return(buffer);
        return value;
    }
}
