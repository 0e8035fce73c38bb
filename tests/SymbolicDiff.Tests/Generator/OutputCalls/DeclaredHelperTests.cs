using System.Globalization;
using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.OutputCalls;

/// <summary>
/// Calls of a span-writing helper that declares its products (<see cref="DeclaredHelperModels"/>). Euler steps of the
/// linear oscillator are a matrix power, sₙ = Aⁿ·s₀ with A = [[1, h], [−hω², 1 − hc]], so the derivatives are worked out
/// independently here by differentiating the matrix product (dAⁿ = Σ Aᵗ·dA·Aⁿ⁻¹⁻ᵗ), and checked against central
/// differences too; forward mode must agree with reverse mode.
/// </summary>
public class DeclaredHelperTests
{
    private const double X0 = 0.7, V0 = -0.4, Omega = 1.3, Damping = 0.25, H = 0.05;

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    public void Euler_steps_through_declared_products_match_the_matrix_power_derivative(int steps)
    {
        var g = DeclaredHelperModels.PositionWithGradient(X0, V0, Omega, Damping, H, steps);

        var (position, dOmega, dDamping, dX0, dV0) = MatrixPower(steps);
        Assert.Equal(position, g.Value, 12);
        Assert.Equal(dOmega, g.Omega, 12);
        Assert.Equal(dDamping, g.Damping, 12);
        Assert.Equal(dX0, g.X0, 12);
        Assert.Equal(dV0, g.V0, 12);

        Assert.Equal(Central(w => DeclaredHelperModels.Position(X0, V0, w, Damping, H, steps), Omega), g.Omega, 6);
        Assert.Equal(Central(c => DeclaredHelperModels.Position(X0, V0, Omega, c, H, steps), Damping), g.Damping, 6);
        Assert.Equal(Central(x => DeclaredHelperModels.Position(x, V0, Omega, Damping, H, steps), X0), g.X0, 6);

        var forward = DeclaredHelperModels.PositionWithDerivative(X0, V0, Omega, Damping, H, steps, 0.3, -0.2, 0.5, 1.1).Derivative;
        Assert.Equal(0.3 * g.X0 - 0.2 * g.V0 + 0.5 * g.Omega + 1.1 * g.Damping, forward, 10);
    }

    [Theory]
    [InlineData(1)]  // 1 row, 2 columns: a reverse sweep through the declared products
    [InlineData(6)]  // 6 rows, 2 columns: forward sweeps, the helper's tangents built from its products
    public void A_vector_valued_callers_Jacobian_goes_through_the_declared_products(int rows)
    {
        double[] positions = new double[rows], jacobian = new double[rows * 2];
        DeclaredHelperModels.PositionsJacobian(X0, V0, Omega, Damping, H, positions, jacobian);
        for (int s = 0; s < rows; s++)
        {
            var (position, dOmega, dDamping, _, _) = MatrixPower(s + 1);
            Assert.Equal(position, positions[s], 12);
            Assert.Equal(dOmega, jacobian[s * 2], 12);
            Assert.Equal(dDamping, jacobian[s * 2 + 1], 12);
        }
    }

    [Fact]
    public void A_product_with_the_wrong_signature_is_SD0011_at_the_call()
    {
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Derivative(nameof(k), nameof(DecayKGradient))]
                public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
                {
                    for (int i = 0; i < state.Length; i++) rate[i] = -k * state[i];
                }

                // Missing the cotangent.
                public static double DecayKGradient(ReadOnlySpan<double> state, double k) => 0;

                [Differentiable(nameof(k))]
                public static double F(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    [|Decay|](x, k, rate);
                    return rate[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.True(diagnostic.Id == "SD0011", diagnostic.ToString());
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Contains(
            "'DecayKGradient' must be a static, non-private method returning double that takes (System.ReadOnlySpan<double>, double, ReadOnlySpan<double> rateCotangent)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F", StringComparison.Ordinal));
    }

    /// <summary>
    /// Position after n steps and its derivatives, from sₙ = Aⁿ·s₀: dsₙ = Σₜ Aⁿ⁻¹⁻ᵗ·dA·sₜ, with ∂A/∂ω = [[0, 0], [−2hω, 0]],
    /// ∂A/∂c = [[0, 0], [0, −h]]; ∂sₙ/∂s₀ is the first row of Aⁿ.
    /// </summary>
    private static (double Position, double DOmega, double DDamping, double DX0, double DV0) MatrixPower(int n)
    {
        double[,] a = { { 1, H }, { -H * Omega * Omega, 1 - H * Damping } };
        var states = new List<double[]> { new[] { X0, V0 } };
        for (int t = 0; t < n; t++)
        {
            states.Add(Apply(a, states[t]));
        }

        double dOmega = 0, dDamping = 0;
        for (int t = 0; t < n; t++)
        {
            // dA·sₜ, then carried through the remaining n − 1 − t steps.
            double[] byOmega = { 0, -2 * H * Omega * states[t][0] };
            double[] byDamping = { 0, -H * states[t][1] };
            for (int r = t + 1; r < n; r++)
            {
                byOmega = Apply(a, byOmega);
                byDamping = Apply(a, byDamping);
            }

            dOmega += byOmega[0];
            dDamping += byDamping[0];
        }

        double[] e0 = { 1, 0 }, e1 = { 0, 1 };
        for (int t = 0; t < n; t++)
        {
            e0 = Apply(a, e0);
            e1 = Apply(a, e1);
        }

        return (states[n][0], dOmega, dDamping, e0[0], e1[0]);
    }

    private static double[] Apply(double[,] a, double[] s) => new[] { a[0, 0] * s[0] + a[0, 1] * s[1], a[1, 0] * s[0] + a[1, 1] * s[1] };

    private static double Central(Func<double, double> f, double at)
    {
        double step = 1e-6 * Math.Max(1, Math.Abs(at));
        return (f(at + step) - f(at - step)) / (2 * step);
    }
}
