using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// The code emitted for forward mode, locked by a snapshot so that a change in its shape is seen in review: a batch of
/// sigmoid units over spans (nested loops, integer index locals, a local buffer with its tangent buffer) and the span
/// mean squared error, whose tangent comes from its vector-Jacobian product. The compiled method is also checked
/// against the reverse-mode gradient and finite differences, since a snapshot alone would lock in a wrong derivative.
/// </summary>
public class ForwardModeSnapshotTests
{
    private const string Batch = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(w), nameof(b))]
            public static double Batch(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> y)
            {
                int n = y.Length;
                int d = w.Length;
                Span<double> predictions = stackalloc double[n];
                for (int r = 0; r < n; r++)
                {
                    double z = b;
                    for (int j = 0; j < d; j++)
                    {
                        z += w[j] * x[r * d + j];
                    }

                    predictions[r] = Activations.Sigmoid(z);
                }

                return Losses.MeanSquaredError(predictions, y);
            }
        }
        """;

    [Fact]
    public void A_forward_sweep_computes_each_tangent_beside_its_value()
    {
        var run = GeneratorHarness.Run(Batch).ShouldSucceed();
        string generated = run.Source("Models.Batch.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("public static (double Value, double Derivative) BatchWithDerivative(", generated, StringComparison.Ordinal);

        // 3 rows of 2 features: x has 6 elements, w 2, y 3.
        var method = Assert.Single(JvpHarness.Methods(run));
        ForwardModeTests.Check(method, random => new[] { 6, 2, 3 });
    }
}
