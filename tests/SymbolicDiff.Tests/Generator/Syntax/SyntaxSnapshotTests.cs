using SymbolicDiff.Tests.Generator.Loops;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Syntax;

/// <summary>
/// The code emitted for the arg-min written as people write it first (an integer index assigned inside the loop, under
/// a switch on the element's kind), locked by a snapshot so that a change in its shape is seen in review; the compiled
/// method is also checked against finite differences, since a snapshot alone would lock in a wrong derivative.
/// </summary>
public class SyntaxSnapshotTests
{
    private const string ArgMin = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double Nearest(double[] x, double q)
            {
                int best = 0;
                double bestD = double.MaxValue;
                for (int j = 0; j < x.Length; j++)
                {
                    double d = (x[j] - q) * (x[j] - q);
                    if (d < bestD)
                    {
                        bestD = d;
                        best = j;
                    }
                }

                double weight = (best % 3) switch { 0 => 1.0, 1 => 0.5, _ => 2.0 };
                return bestD + weight * x[best];
            }
        }
        """;

    private const string Cyclic = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double Cyclic(double[] x, double a)
            {
                double s = 0;
                int idx = 0;
                int i = 0;
                do
                {
                    s += a * x[idx] * x[idx];
                    idx = (idx + 2) % x.Length;
                    i++;
                }
                while (i < x.Length);

                return s;
            }
        }
        """;

    [Fact]
    public void The_arg_min_reads_its_index_after_the_loop_without_saving_it()
    {
        var run = GeneratorHarness.Run(ArgMin).ShouldSucceed();
        string generated = run.Source("Models.Nearest.g.cs");
        Snapshot.Verify(generated);
        // Read only after the loop, where it holds its final value: nothing saved for it.
        Assert.DoesNotContain("saved.Push(best)", generated, StringComparison.Ordinal);
        Assert.Matches(@"if \(branch\)\s*\{\s*bestD = d;\s*best = j;\s*\}", generated); // one block under the recorded branch
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Nearest", random => new[] { 5 });
    }

    [Fact]
    public void A_cyclic_index_read_in_the_loop_is_saved_before_each_assignment_and_restored_where_the_backward_sweep_meets_it()
    {
        var run = GeneratorHarness.Run(Cyclic).ShouldSucceed();
        string generated = run.Source("Models.Cyclic.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("saved.Push((double)idx);", generated, StringComparison.Ordinal);
        Assert.Contains("idx = (int)saved.Pop();", generated, StringComparison.Ordinal);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Cyclic", random => new[] { 5 });
    }

    private const string Halving = """
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double Halving(double x, int maxSteps)
            {
                double y = x;
                int i = 0;
                do
                {
                    y = 0.5 * y;
                    i++;
                }
                while (i < maxSteps && y > 1);

                return y;
            }
        }
        """;

    [Fact]
    public void A_do_loop_with_a_test_after_its_bound_is_a_for_loop_whose_test_sets_its_break_flag()
    {
        var run = GeneratorHarness.Run(Halving).ShouldSucceed();
        string generated = run.Source("Models.Halving.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("for (int i = 0; i < (maxSteps > 0 ? maxSteps : 1); i++)", generated, StringComparison.Ordinal);
        var halving = run.Load().GetType("Models")!.GetMethod("HalvingWithGradient", new[] { typeof(double), typeof(int) })!;
        // x = 10: four halvings (5, 2.5, 1.25, 0.625): ∂/∂x = 1/16.
        object gradient = halving.Invoke(null, new object[] { 10.0, 10 })!;
        Assert.Equal(0.0625, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }
}
