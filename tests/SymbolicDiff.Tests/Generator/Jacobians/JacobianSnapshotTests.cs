using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// The file generated for one small vector-valued method (exponential-decay residuals, two scalar parameters), locked
/// by a snapshot so that a change in its shape is seen in review: the forward sweep with each output's tangent beside
/// it, the vector-Jacobian product (the cotangents seeding the outputs' adjoints), and <c>MJacobian</c> choosing its
/// sweeps. A snapshot alone would lock in a wrong derivative, so the compiled Jacobian is also checked against the one
/// worked out by hand.
/// </summary>
public class JacobianSnapshotTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(a), nameof(k))]
            public static void Decay(double a, double k, ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> r)
            {
                for (int i = 0; i < t.Length; i++)
                {
                    r[i] = a * Math.Exp(-k * t[i]) - y[i];
                }
            }
        }

        public static class Driver
        {
            public static double[] Jacobian(double a, double k, double[] t, double[] y)
            {
                var jacobian = new double[t.Length * 2];
                Models.DecayJacobian(a, k, t, y, new double[t.Length], jacobian);
                return jacobian;
            }
        }
        """;

    [Fact]
    public void A_vector_valued_method_gets_its_tangents_its_vector_Jacobian_product_and_its_Jacobian()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        Snapshot.Verify(run.Source("Models.Decay.g.cs"));

        // ∂rᵢ/∂a = e^(−k·tᵢ), ∂rᵢ/∂k = −a·tᵢ·e^(−k·tᵢ); three rows (forward sweeps) and one row (reverse sweeps).
        var jacobian = run.Load().GetType("Driver")!.GetMethod("Jacobian", BindingFlags.Public | BindingFlags.Static)!;
        foreach (var t in new[] { new[] { 0.5, 1.0, 2.0 }, new[] { 1.5 } })
        {
            const double a = 2.5, k = 0.8;
            var actual = (double[])jacobian.Invoke(null, new object[] { a, k, t, new double[t.Length] })!;
            for (int i = 0; i < t.Length; i++)
            {
                double e = Math.Exp(-k * t[i]);
                Assert.Equal(e, actual[i * 2], 14);
                Assert.Equal(-a * t[i] * e, actual[i * 2 + 1], 14);
            }
        }
    }
}
