using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>det</c> (cpp/gradbench/evals/det.hpp, after cmpad's det_of_minor): the determinant of the
    /// <paramref name="ell"/> × <paramref name="ell"/> row-major matrix <paramref name="a"/> (ell ≤ 16) by expansion
    /// in minors along the first row. GradBench recurses, re-expanding a minor each time it is met (about e · ell!
    /// products). The generator rejects recursion (SD0018), bit operations (SD0005), array fields read by index
    /// (SD0005) and conversions to int (SD0005), so here each minor is computed once, bottom-up, with column sets
    /// as integers whose bit c says whether column c is in (read with / and %): minors[S] is the determinant of the
    /// last |S| rows restricted to the columns in S, expanded along its first row exactly as det_of_minor does,
    /// from the minors one column smaller. The row is a loop of its own because the set's size cannot become an
    /// index (no int buffers, no conversion); the sizes are kept as doubles and compared.
    /// </summary>
    [Differentiable(nameof(a))]
    public static double Determinant(ReadOnlySpan<double> a, int ell)
    {
        int[] powersOfTwo = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
        int subsets = powersOfTwo[ell];
        Span<double> minors = stackalloc double[subsets];
        Span<double> columnCount = stackalloc double[subsets];
        for (int set = 1; set < subsets; set++)
        {
            columnCount[set] = columnCount[set / 2] + set % 2;
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
                        if (set / powersOfTwo[column] % 2 == 1)
                        {
                            minor += sign * a[row * ell + column] * minors[set - powersOfTwo[column]];
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
