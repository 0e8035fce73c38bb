using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>det</c> (cpp/gradbench/evals/det.hpp, after cmpad's det_of_minor): the determinant of the
    /// <paramref name="ell"/> × <paramref name="ell"/> row-major matrix <paramref name="a"/> (ell ≤ 16) by expansion
    /// in minors along the first row. GradBench recurses, re-expanding a minor each time it is met (about e · ell!
    /// products). The generator rejects recursion (SD0018), so here each minor is computed once, bottom-up, with column
    /// sets as integers whose bit c says whether column c is in: minors[S] is the determinant of the last |S| rows
    /// restricted to the columns in S, expanded along its first row exactly as det_of_minor does, from the minors one
    /// column smaller. The row is a loop of its own because the set's size cannot become an index (no int buffers);
    /// the sizes are kept as doubles and compared.
    /// </summary>
    [Differentiable(nameof(a))]
    public static double Determinant(ReadOnlySpan<double> a, int ell)
    {
        int subsets = 1 << ell;
        Span<double> minors = stackalloc double[subsets];
        Span<double> columnCount = stackalloc double[subsets];
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

        return minors[subsets - 1];
    }
}
