using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// The value of a call that writes into spans, read inside a larger expression (<see cref="GradientInExpressionModels"/>,
/// U(v) = Σ ½ aᵢ vᵢ², ∇U = a∘v): hoisted into a hidden local just before its statement, it is differentiated as
/// <c>double u = UWithGradient(v, a, dV);</c> is. Each gradient is checked against its closed form worked out by hand and
/// against central differences of the method, and forward mode against the gradient dotted with the direction.
/// </summary>
public class GradientInExpressionTests
{
    private static readonly double[] V = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };
    private static readonly double[] Direction = { 0.3, -1.1, 0.7 };

    private const double CentralTolerance = 1e-6;

    [Theory]
    [InlineData(0.7)]
    [InlineData(-2.0)]
    public void The_energy_read_inside_a_product_passes_x_times_the_gradient_and_its_value_to_x(double x)
    {
        // L = x U + Σ (aᵢ vᵢ)²: ∂L/∂vᵢ = x aᵢ vᵢ + 2 aᵢ² vᵢ, ∂L/∂x = U.
        double[] dV = new double[V.Length];
        double value = GradientInExpressionModels.WeightedEnergyWithGradient(V, A, x, dV, out double dX);
        Assert.Equal(x * Energy(V) + V.Select((v, i) => A[i] * A[i] * v * v).Sum(), value, 12);
        Assert.Equal(Energy(V), dX, 12);
        Assert.Equal(Central(e => GradientInExpressionModels.WeightedEnergy(V, A, e), x), dX, CentralTolerance);
        for (int i = 0; i < V.Length; i++)
        {
            int index = i;
            Assert.Equal(x * A[i] * V[i] + 2 * A[i] * A[i] * V[i], dV[i], 12);
            Assert.Equal(Central(s => GradientInExpressionModels.WeightedEnergy(With(V, index, s), A, x), V[i]), dV[i], CentralTolerance);
        }

        const double w = -0.4;
        var (forwardValue, derivative) = GradientInExpressionModels.WeightedEnergyWithDerivative(V, A, x, Direction, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dV, Direction) + dX * w, derivative, 11);
    }

    [Fact]
    public void The_energy_read_as_a_functions_argument_in_a_return_is_differentiated_through_the_function()
    {
        // L = log(1 + U): ∂L/∂vᵢ = aᵢ vᵢ / (1 + U).
        double u = Energy(V);
        double[] dV = new double[V.Length];
        double value = GradientInExpressionModels.LogEnergyWithGradient(V, A, dV);
        Assert.Equal(Math.Log(1 + u), value, 12);
        for (int i = 0; i < V.Length; i++)
        {
            int index = i;
            Assert.Equal(A[i] * V[i] / (1 + u), dV[i], 12);
            Assert.Equal(Central(s => GradientInExpressionModels.LogEnergy(With(V, index, s), A), V[i]), dV[i], CentralTolerance);
        }

        var (forwardValue, derivative) = GradientInExpressionModels.LogEnergyWithDerivative(V, A, Direction);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dV, Direction), derivative, 12);
    }

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.3, 12)]
    public void The_energy_added_in_with_a_compound_assignment_in_a_loop_is_read_at_each_step(double eta, int steps)
    {
        // vₛ,ᵢ = rᵢˢ startᵢ with rᵢ = 1 − η aᵢ, and L = η Σₛ U(vₛ):
        // ∂L/∂startᵢ = η Σₛ aᵢ rᵢ²ˢ startᵢ and ∂L/∂η = Σₛ U(vₛ) − η Σₛ Σᵢ s aᵢ² rᵢ²ˢ⁻¹ startᵢ².
        double[] dStart = new double[V.Length];
        double value = GradientInExpressionModels.ScaledEnergyAlongDescentWithGradient(V, A, eta, steps, dStart, out double dEta);

        double energies = 0, expectedDEta = 0;
        for (int i = 0; i < V.Length; i++)
        {
            double r = 1 - eta * A[i], expectedDStart = 0;
            for (int s = 0; s < steps; s++)
            {
                energies += 0.5 * A[i] * Math.Pow(r, 2 * s) * V[i] * V[i];
                expectedDStart += eta * A[i] * Math.Pow(r, 2 * s) * V[i];
                expectedDEta -= eta * s * A[i] * A[i] * Math.Pow(r, 2 * s - 1) * V[i] * V[i];
            }

            Assert.Equal(expectedDStart, dStart[i], 12);
        }

        expectedDEta += energies;
        Assert.Equal(eta * energies, value, 12);
        Assert.Equal(expectedDEta, dEta, 12);

        Assert.Equal(Central(e => GradientInExpressionModels.ScaledEnergyAlongDescent(V, A, e, steps), eta), dEta, CentralTolerance);
        for (int i = 0; i < V.Length; i++)
        {
            int index = i;
            Assert.Equal(Central(s => GradientInExpressionModels.ScaledEnergyAlongDescent(With(V, index, s), A, eta, steps), V[i]), dStart[i], CentralTolerance);
        }

        const double w = 0.6;
        var (forwardValue, derivative) = GradientInExpressionModels.ScaledEnergyAlongDescentWithDerivative(V, A, eta, steps, Direction, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dEta * w, derivative, 11);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 0.5)]
    public void The_energy_read_in_an_ifs_condition_runs_before_the_branch_and_its_gradient_is_read_after(double factor, double scale)
    {
        // L = s Σ aᵢ vᵢ² with s = ½ where U(v) > 1 (at 2·V, U = 3.53), else 1 (at V, U = 0.8825): ∂L/∂vᵢ = 2 s aᵢ vᵢ.
        double[] v = V.Select(x => factor * x).ToArray();
        Assert.Equal(scale == 1, Energy(v) < 1);
        double[] dV = new double[v.Length];
        double value = GradientInExpressionModels.ClippedWithGradient(v, A, dV);
        Assert.Equal(scale * v.Select((x, i) => A[i] * x * x).Sum(), value, 12);
        for (int i = 0; i < v.Length; i++)
        {
            int index = i;
            Assert.Equal(2 * scale * A[i] * v[i], dV[i], 12);
            Assert.Equal(Central(s => GradientInExpressionModels.Clipped(With(v, index, s), A), v[i]), dV[i], CentralTolerance);
        }

        var (forwardValue, derivative) = GradientInExpressionModels.ClippedWithDerivative(v, A, Direction);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dV, Direction), derivative, 12);
    }

    [Theory]
    [InlineData(1.3, 0.4, -0.9)]
    [InlineData(-0.5, 2.0, 0.25)]
    public void A_vector_valued_helpers_value_read_inside_a_product_is_differentiated_with_the_outputs_it_writes(double s, double w0, double w1)
    {
        // L = 2 s (w₀ + w₁) · s w₀ = 2 s² w₀ (w₀ + w₁): ∂L/∂s = 4 s w₀ (w₀ + w₁), ∂L/∂w₀ = 2 s² (2 w₀ + w₁), ∂L/∂w₁ = 2 s² w₀.
        double[] w = { w0, w1 };
        double[] dW = new double[2];
        double value = GradientInExpressionModels.TwiceMomentsWithGradient(s, w, out double dS, dW);
        Assert.Equal(2 * s * s * w0 * (w0 + w1), value, 12);
        Assert.Equal(4 * s * w0 * (w0 + w1), dS, 12);
        Assert.Equal(2 * s * s * (2 * w0 + w1), dW[0], 12);
        Assert.Equal(2 * s * s * w0, dW[1], 12);
        Assert.Equal(Central(e => GradientInExpressionModels.TwiceMoments(e, w), s), dS, CentralTolerance);
        Assert.Equal(Central(e => GradientInExpressionModels.TwiceMoments(s, new[] { e, w1 }), w0), dW[0], CentralTolerance);
        Assert.Equal(Central(e => GradientInExpressionModels.TwiceMoments(s, new[] { w0, e }), w1), dW[1], CentralTolerance);

        double[] directionW = { 0.5, -1.5 };
        var (forwardValue, derivative) = GradientInExpressionModels.TwiceMomentsWithDerivative(s, w, 0.8, directionW);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(dS * 0.8 + Dot(dW, directionW), derivative, 11);
    }

    [Fact]
    public void The_hoisted_call_reads_as_a_local_declared_just_before_its_statement()
    {
        // The numbers are checked above; this is how they read (the models' own source, run through the generator).
        string source = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Nested", "GradientInExpressionModels.cs"));
        var result = GeneratorHarness.Run(source).ShouldSucceed();
        Snapshot.Verify(result.Source("GradientInExpressionModels.WeightedEnergy.g.cs"), suffix: "WeightedEnergy");
    }

    private static double Energy(double[] v) => v.Select((x, i) => 0.5 * A[i] * x * x).Sum();

    private static double Dot(double[] x, double[] y) => x.Zip(y, (p, q) => p * q).Sum();

    private static double Central(Func<double, double> f, double at)
    {
        double step = 1e-6 * Math.Max(1, Math.Abs(at));
        return (f(at + step) - f(at - step)) / (2 * step);
    }

    private static double[] With(double[] values, int index, double value)
    {
        var copy = (double[])values.Clone();
        copy[index] = value;
        return copy;
    }
}
