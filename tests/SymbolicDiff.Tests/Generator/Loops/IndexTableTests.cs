using System;
using SymbolicDiff;
using Xunit;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>Integer tables a body reads indices from: another name for an index parameter, and a constant table of its own.</summary>
public static partial class IndexTables
{
    /// <summary>Gathers x through a table of indices passed in, read under a local name.</summary>
    [Differentiable(nameof(x))]
    public static double Gathered(ReadOnlySpan<double> x, ReadOnlySpan<int> indices)
    {
        ReadOnlySpan<int> rows = indices;
        double total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            total += x[rows[i]] * x[i];
        }

        return total;
    }

    /// <summary>A constant permutation of the method's own.</summary>
    [Differentiable]
    public static double Permuted(ReadOnlySpan<double> x)
    {
        int[] order = { 2, 0, 1 };
        double total = 0;
        for (int i = 0; i < order.Length; i++)
        {
            total += x[order[i]] * x[i] * (i + 1);
        }

        return total;
    }
}

public class IndexTableTests
{
    [Fact]
    public void A_parameter_read_under_a_local_name_indexes_like_the_parameter()
    {
        double[] x = { 0.5, -1.25, 2.0, 0.75 };
        int[] indices = { 3, 3, 0 };
        var dX = new double[x.Length];
        double value = IndexTables.GatheredWithGradient(x, indices, dX);

        // total = x3·x0 + x3·x1 + x0·x2, worked out by hand.
        Assert.Equal(x[3] * x[0] + x[3] * x[1] + x[0] * x[2], value, 12);
        Assert.Equal(new[] { x[3] + x[2], x[3], x[0], x[0] + x[1] }, dX, new ToleranceComparer(1e-12));
        AssertMatchesCentralDifferences(v => IndexTables.Gathered(v, indices), x, dX);
    }

    [Fact]
    public void A_constant_table_of_the_methods_own_indexes_and_costs_no_allocation()
    {
        double[] x = { 0.5, -1.25, 2.0 };
        var dX = new double[x.Length];
        IndexTables.PermutedWithGradient(x, dX);

        // total = 1·x2·x0 + 2·x0·x1 + 3·x1·x2.
        Assert.Equal(new[] { x[2] + 2 * x[1], 2 * x[0] + 3 * x[2], x[0] + 3 * x[1] }, dX, new ToleranceComparer(1e-12));
        AssertMatchesCentralDifferences(v => IndexTables.Permuted(v), x, dX);

        // Once warm, the call allocates nothing.
        Assert.Equal(0, Allocations.PerCall(() => IndexTables.PermutedWithGradient(x, dX)));
    }

    [Fact]
    public void A_table_filled_at_run_time_is_SD0004_at_its_initializer_with_what_is_supported()
    {
        SymbolicDiff.Tests.Generator.Diagnostics.DiagnosticAssert.Single(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    int[] order [|=|] new int[x.Length];
                    double total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        total += x[order[i]];
                    }

                    return total;
                }
            }
            """,
            "SD0004",
            "The integer table 'order' initialized this way (supported: another name for an integer span or array parameter, or constants: { 2, 0, 1 } or [2, 0, 1]; an integer table is only read) is not supported in a [Differentiable] method; supported statements are declarations of double, float, int, long and bool locals and of buffers (stackalloc double[n], new double[n]), assignments (=, +=, -=, *=, /=, ++, --) to them and to buffer elements, if/else and switch, for/foreach/while/do loops with break and continue, and return and throw anywhere");
    }

    private static void AssertMatchesCentralDifferences(Func<double[], double> f, double[] x, double[] gradient)
    {
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            Assert.Equal((f(plus) - f(minus)) / (2 * h), gradient[i], 6);
        }
    }

    private sealed class ToleranceComparer(double tolerance) : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
