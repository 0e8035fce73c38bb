namespace SymbolicDiff.Tests.Generator.OutputCalls;

/// <summary>
/// Gradients, forward derivatives and Jacobians of methods that call vector-valued helpers (<see cref="OutputCallModels"/>),
/// each checked two ways: against the derivative worked out by hand from the closed-form solution (x' = −k·x under
/// Euler steps is x₀(1 − h·k)ⁿ; the logistic equation has an exact solution RK4 follows to 1e-9), and against central
/// finite differences of the method itself. Forward mode must agree with reverse mode along random directions.
/// </summary>
public class OutputCallTests
{
    private const double Step = 1e-6;

    private static readonly double[] X0 = { 0.8, -0.3, 1.5 };

    [Theory]
    [InlineData(0.7, 0.1, 1)]
    [InlineData(0.7, 0.1, 6)]
    [InlineData(2.5, 0.05, 11)]
    public void Euler_steps_through_a_rate_helper_have_the_closed_form_gradient(double k, double h, int steps)
    {
        double[] dX0 = new double[X0.Length];
        double value = OutputCallModels.EulerDecayWithGradient(X0, k, h, steps, dX0, out double dK);

        // Σx(T) = Σx0·aⁿ with a = 1 − h·k: ∂/∂x0ᵢ = aⁿ, ∂/∂k = −n·h·Σx0·aⁿ⁻¹.
        double a = 1 - h * k, total = X0.Sum();
        Assert.Equal(total * Math.Pow(a, steps), value, 12);
        Assert.Equal(-steps * h * total * Math.Pow(a, steps - 1), dK, 12);
        Assert.All(dX0, d => Assert.Equal(Math.Pow(a, steps), d, 12));

        Assert.Equal(Central(kk => OutputCallModels.EulerDecay(X0, kk, h, steps), k), dK, 6);
        for (int i = 0; i < X0.Length; i++)
        {
            Assert.Equal(Central(v => OutputCallModels.EulerDecay(With(X0, i, v), k, h, steps), X0[i]), dX0[i], 6);
        }

        AssertForwardAgrees(
            (dx, dk) => OutputCallModels.EulerDecayWithDerivative(X0, k, h, steps, dx, dk).Derivative, dX0, dK);
    }

    [Fact]
    public void Euler_steps_into_a_second_buffer_copied_back_chain_through_an_expression_argument()
    {
        const double k = 0.6, scale = 1.3, h = 0.08;
        const int steps = 7;
        double[] dX0 = new double[X0.Length];
        OutputCallModels.EulerCopiedWithGradient(X0, k, scale, h, steps, dX0, out double dK, out double dScale);

        // The step uses k·scale: Σx0·aⁿ with a = 1 − h·k·scale.
        double a = 1 - h * k * scale, total = X0.Sum();
        Assert.Equal(-steps * h * scale * total * Math.Pow(a, steps - 1), dK, 12);
        Assert.Equal(-steps * h * k * total * Math.Pow(a, steps - 1), dScale, 12);
        Assert.All(dX0, d => Assert.Equal(Math.Pow(a, steps), d, 12));

        Assert.Equal(Central(v => OutputCallModels.EulerCopied(X0, v, scale, h, steps), k), dK, 6);
        Assert.Equal(Central(v => OutputCallModels.EulerCopied(X0, k, v, h, steps), scale), dScale, 6);
        Assert.Equal(Central(v => OutputCallModels.EulerCopied(With(X0, 1, v), k, scale, h, steps), X0[1]), dX0[1], 6);

        var direction = Direction(X0.Length + 2, seed: 3);
        var forward = OutputCallModels.EulerCopiedWithDerivative(X0, k, scale, h, steps, direction.AsSpan(0, X0.Length), direction[X0.Length], direction[X0.Length + 1]).Derivative;
        double expected = Dot(dX0, direction) + dK * direction[X0.Length] + dScale * direction[X0.Length + 1];
        Assert.Equal(expected, forward, 10);
    }

    [Fact]
    public void Rk4_on_the_logistic_equation_follows_the_exact_solutions_derivatives()
    {
        double[] x0 = { 0.1, 0.5, 0.9 };
        const double r = 1.7, h = 0.01;
        const int steps = 100; // T = 1
        double[] dX0 = new double[x0.Length];
        double value = OutputCallModels.LogisticRk4WithGradient(x0, r, h, steps, dX0, out double dR);

        // x(T) = 1/(1 + c·E), c = 1/x0 − 1, E = e^(−rT): ∂x/∂r = T·x·(1 − x), ∂x/∂x0 = E/(x0²(1 + c·E)²).
        double exactValue = 0, exactDr = 0;
        for (int i = 0; i < x0.Length; i++)
        {
            double c = 1 / x0[i] - 1, e = Math.Exp(-r), x = 1 / (1 + c * e);
            exactValue += x;
            exactDr += x * (1 - x);
            Assert.Equal(e / (x0[i] * x0[i] * (1 + c * e) * (1 + c * e)), dX0[i], 8);
        }

        Assert.Equal(exactValue, value, 8);
        Assert.Equal(exactDr, dR, 8);

        Assert.Equal(Central(v => OutputCallModels.LogisticRk4(x0, v, h, steps), r), dR, 6);
        for (int i = 0; i < x0.Length; i++)
        {
            Assert.Equal(Central(v => OutputCallModels.LogisticRk4(With(x0, i, v), r, h, steps), x0[i]), dX0[i], 6);
        }

        AssertForwardAgrees((dx, d) => OutputCallModels.LogisticRk4WithDerivative(x0, r, h, steps, dx, d).Derivative, dX0, dR);
    }

    [Fact]
    public void A_buffer_read_before_the_helper_overwrites_it_is_saved_whole_and_restored()
    {
        const double k = 0.9, h = 0.2;
        const int steps = 6;
        double[] dX0 = new double[X0.Length];
        double value = OutputCallModels.RateEnergyWithGradient(X0, k, h, steps, dX0, out double dK);

        // E = k²·Q·S with Q = Σx0², S = Σₜ₌₀ⁿ⁻² a²ᵗ, a = 1 − h·k; dS/dk = Σ 2t·a²ᵗ⁻¹·(−h).
        double a = 1 - h * k, q = X0.Sum(x => x * x), s = 0, dS = 0;
        for (int t = 0; t <= steps - 2; t++)
        {
            s += Math.Pow(a, 2 * t);
            dS += t == 0 ? 0 : 2 * t * Math.Pow(a, 2 * t - 1) * -h;
        }

        Assert.Equal(k * k * q * s, value, 12);
        Assert.Equal(2 * k * q * s + k * k * q * dS, dK, 12);
        for (int i = 0; i < X0.Length; i++)
        {
            Assert.Equal(2 * k * k * X0[i] * s, dX0[i], 12);
        }

        Assert.Equal(Central(v => OutputCallModels.RateEnergy(X0, v, h, steps), k), dK, 6);
        AssertForwardAgrees((dx, d) => OutputCallModels.RateEnergyWithDerivative(X0, k, h, steps, dx, d).Derivative, dX0, dK);
    }

    [Theory]
    [InlineData(5)]  // m = 5 rows > n = 4 columns: reverse sweeps
    [InlineData(2)]  // m = 2 rows ≤ n = 4 columns: forward sweeps
    public void A_vector_valued_caller_has_the_Jacobian_of_its_trajectory(int rows)
    {
        const double k = 0.4, h = 0.3;
        int columns = X0.Length + 1;
        double[] positions = new double[rows], jacobian = new double[rows * columns];
        OutputCallModels.TrajectoryJacobian(X0, k, h, positions, jacobian);

        // positionsₛ = x0₀·aˢ⁺¹: ∂/∂x0₀ = aˢ⁺¹, ∂/∂x0ⱼ = 0 for j > 0, ∂/∂k = −h·(s + 1)·x0₀·aˢ.
        double a = 1 - h * k;
        for (int s = 0; s < rows; s++)
        {
            Assert.Equal(X0[0] * Math.Pow(a, s + 1), positions[s], 12);
            Assert.Equal(Math.Pow(a, s + 1), jacobian[s * columns], 12);
            Assert.Equal(0.0, jacobian[s * columns + 1]);
            Assert.Equal(0.0, jacobian[s * columns + 2]);
            Assert.Equal(-h * (s + 1) * X0[0] * Math.Pow(a, s), jacobian[s * columns + 3], 12);

            int row = s;
            Assert.Equal(Central(v => Positions(X0, v, h, rows)[row], k), jacobian[s * columns + 3], 6);
            Assert.Equal(Central(v => Positions(With(X0, 0, v), k, h, rows)[row], X0[0]), jacobian[s * columns], 6);
        }
    }

    [Fact]
    public void A_caller_whose_output_the_helper_writes_has_the_helpers_Jacobian()
    {
        const double k = 1.25;
        double[] r = new double[X0.Length], jacobian = new double[X0.Length * (X0.Length + 1)];
        OutputCallModels.RatesJacobian(X0, k, r, jacobian);

        // rᵢ = −k·xᵢ: ∂rᵢ/∂xⱼ = −k·δᵢⱼ, ∂rᵢ/∂k = −xᵢ.
        int columns = X0.Length + 1;
        for (int i = 0; i < X0.Length; i++)
        {
            Assert.Equal(-k * X0[i], r[i], 15);
            for (int j = 0; j < X0.Length; j++)
            {
                Assert.Equal(i == j ? -k : 0.0, jacobian[i * columns + j], 15);
            }

            Assert.Equal(-X0[i], jacobian[i * columns + X0.Length], 15);
            int row = i;
            Assert.Equal(Central(v => { var rates = new double[X0.Length]; OutputCallModels.Rates(X0, v, rates); return rates[row]; }, k), jacobian[i * columns + X0.Length], 6);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_helpers_returned_value_read_by_the_caller_is_differentiated_too(int steps)
    {
        const double k = 0.3, h = 0.1;
        double[] dX0 = new double[X0.Length];
        double value = OutputCallModels.EnergyAndPositionWithGradient(X0, k, h, steps, dX0, out double dK);

        // a = 1 − h·k, xₛ = x0·aˢ, energyₛ = k·Q·a²ˢ (Q = Σx0²): total = k·Q·S + x0₀·aⁿ, S = Σₛ₌₀ⁿ⁻¹ a²ˢ.
        double a = 1 - h * k, q = X0.Sum(x => x * x), s = 0, dS = 0;
        for (int t = 0; t < steps; t++)
        {
            s += Math.Pow(a, 2 * t);
            dS += t == 0 ? 0 : 2 * t * Math.Pow(a, 2 * t - 1) * -h;
        }

        Assert.Equal(k * q * s + X0[0] * Math.Pow(a, steps), value, 12);
        Assert.Equal(q * s + k * q * dS - h * steps * X0[0] * Math.Pow(a, steps - 1), dK, 12);
        Assert.Equal(2 * k * X0[0] * s + Math.Pow(a, steps), dX0[0], 12);
        Assert.Equal(2 * k * X0[2] * s, dX0[2], 12);

        Assert.Equal(Central(v => OutputCallModels.EnergyAndPosition(X0, v, h, steps), k), dK, 6);
        Assert.Equal(Central(v => OutputCallModels.EnergyAndPosition(With(X0, 1, v), k, h, steps), X0[1]), dX0[1], 6);
        AssertForwardAgrees((dx, d) => OutputCallModels.EnergyAndPositionWithDerivative(X0, k, h, steps, dx, d).Derivative, dX0, dK);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_helper_whose_returned_value_is_declared_but_never_read_still_writes_its_outputs(int steps)
    {
        // The call stays for its outputs: x0₀·aⁿ, ∂/∂x0₀ = aⁿ, ∂/∂k = −h·n·x0₀·aⁿ⁻¹ (a = 1 − h·k), the others 0.
        const double k = 0.3, h = 0.1;
        double a = 1 - h * k;
        double[] dX0 = new double[X0.Length];
        double value = OutputCallModels.PositionIgnoringEnergiesWithGradient(X0, k, h, steps, dX0, out double dK);
        Assert.Equal(X0[0] * Math.Pow(a, steps), value, 12);
        Assert.Equal(-h * steps * X0[0] * Math.Pow(a, steps - 1), dK, 12);
        Assert.Equal(Math.Pow(a, steps), dX0[0], 12);
        Assert.Equal(0, dX0[1], 12);
        Assert.True(Math.Abs(Central(v => OutputCallModels.PositionIgnoringEnergies(X0, v, h, steps), k) - dK) < 1e-6);
        Assert.True(Math.Abs(Central(v => OutputCallModels.PositionIgnoringEnergies(With(X0, 0, v), k, h, steps), X0[0]) - dX0[0]) < 1e-6);
        AssertForwardAgrees((dx, d) => OutputCallModels.PositionIgnoringEnergiesWithDerivative(X0, k, h, steps, dx, d).Derivative, dX0, dK);
    }

    [Fact]
    public void A_constant_vector_passed_where_the_helper_differentiates_gets_a_zero_tangent()
    {
        const double k = -1.7;
        var g = OutputCallModels.RateNormWithGradient(X0, k);
        double squares = X0.Sum(x => x * x);

        // k²·Σw²: ∂/∂k = 2k·Σw².
        Assert.Equal(k * k * squares, g.Value, 12);
        Assert.Equal(2 * k * squares, g.K, 12);
        Assert.Equal(Central(v => OutputCallModels.RateNorm(X0, v), k), g.K, 6);
        Assert.Equal(g.K, OutputCallModels.RateNormWithDerivative(X0, k, 1.0).Derivative, 12);
    }

    [Fact]
    public void A_helpers_value_through_its_struct_gradient_is_differentiated()
    {
        double[] w = { 0.5, 2 };
        const double k = 0.7;
        var g = OutputCallModels.UsesScaleWithGradient(w, k);

        // 9k²·(1 + w₀w₁): ∂/∂k = 18k·(1 + w₀w₁).
        Assert.Equal(9 * k * k * (1 + w[0] * w[1]), g.Value, 12);
        Assert.Equal(18 * k * (1 + w[0] * w[1]), g.K, 12);
        Assert.Equal(Central(v => OutputCallModels.UsesScale(w, v), k), g.K, 6);
        Assert.Equal(g.K, OutputCallModels.UsesScaleWithDerivative(w, k, 1.0).Derivative, 12);
    }

    [Theory]
    [InlineData(4, 10)]
    [InlineData(12, 25)]
    public void The_AD_bench_ode_with_its_rate_as_a_helper_has_the_inlined_objectives_gradient(int n, int steps)
    {
        var random = new Random(n);
        double[] x = Enumerable.Range(0, n).Select(_ => random.NextDouble() + 0.5).ToArray();
        double[] viaHelper = new double[n], inlined = new double[n];
        double value = OutputCallModels.GradBenchOdeWithGradient(x, steps, viaHelper);
        double expected = SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives.OdeFinalStateWithGradient(x, steps, inlined);

        // The objective with the system written out (its gradient checked against GradBench's hand-written one in
        // AdBenchGradientTests), and central differences.
        Assert.Equal(expected, value, 12);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(inlined[i], viaHelper[i], 10);
            int at = i;
            Assert.Equal(Central(v => OutputCallModels.GradBenchOde(With(x, at, v), steps), x[i]), viaHelper[i], 5);
        }
    }

    [Theory]
    [InlineData(1.3)]
    [InlineData(-0.6)]
    public void An_output_read_and_then_overwritten_is_restored_for_the_reverse_sweep(double a)
    {
        // The vector-Jacobian product is the reverse sweep (the Jacobian of one column would take a forward one).
        double[] r = new double[2];
        OutputCallModels.OverwrittenOutputVectorJacobianProduct(a, r, new double[] { 1, 0 }, out double d0);
        OutputCallModels.OverwrittenOutputVectorJacobianProduct(a, r, new double[] { 0, 1 }, out double d1);

        // r₀ = a⁴ + a, r₁ = a⁴ + a².
        Assert.Equal(4 * a * a * a + 1, d0, 12);
        Assert.Equal(4 * a * a * a + 2 * a, d1, 12);
        Assert.Equal(Central(v => { var values = new double[2]; OutputCallModels.OverwrittenOutput(v, values); return values[0]; }, a), d0, 6);
        Assert.Equal(Central(v => { var values = new double[2]; OutputCallModels.OverwrittenOutput(v, values); return values[1]; }, a), d1, 6);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(300)] // longer than the 128-element stack bound: the scratch spans are pooled
    public void The_gradient_through_a_helper_allocates_nothing(int length)
    {
        double[] x0 = Enumerable.Range(0, length).Select(i => 1.0 + i % 7).ToArray();
        double[] dX0 = new double[length];
        long allocated = Allocations.PerCall(() =>
        {
            OutputCallModels.LogisticRk4WithGradient(x0, 0.5, 0.01, 5, dX0, out _);
            OutputCallModels.EulerDecayWithDerivative(x0, 0.5, 0.01, 5, dX0, 1.0);
        });

        Assert.Equal(0, allocated);
    }

    private static double[] Positions(double[] x0, double k, double h, int rows)
    {
        var positions = new double[rows];
        OutputCallModels.Trajectory(x0, k, h, positions);
        return positions;
    }

    /// <summary>The forward derivative along random directions equals the gradient dotted with them.</summary>
    private static void AssertForwardAgrees(Func<double[], double, double> forward, double[] vectorGradient, double scalarGradient)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var direction = Direction(vectorGradient.Length + 1, seed);
            var vector = direction.Take(vectorGradient.Length).ToArray();
            double expected = Dot(vectorGradient, vector) + scalarGradient * direction[^1];
            Assert.Equal(expected, forward(vector, direction[^1]), 9);
        }
    }

    private static double[] Direction(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private static double Dot(IReadOnlyList<double> a, IReadOnlyList<double> b) => a.Select((x, i) => x * b[i]).Sum();

    private static double Central(Func<double, double> f, double at)
    {
        double step = Step * Math.Max(1, Math.Abs(at));
        return (f(at + step) - f(at - step)) / (2 * step);
    }

    private static double[] With(double[] values, int index, double value)
    {
        var copy = (double[])values.Clone();
        copy[index] = value;
        return copy;
    }
}
