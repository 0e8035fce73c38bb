using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// <c>double u = UWithGradient(v, a, dV);</c>: the value a gradient over spans returns, read by the caller
/// (<see cref="GradientOverSpansModels"/>, U(v) = Σ ½ aᵢ vᵢ², ∇U = a∘v). ∂u/∂v is the gradient the call writes. Each
/// gradient is checked against its closed form worked out by hand and against central differences of the method, and
/// forward mode against the gradient dotted with the direction.
/// </summary>
public class GradientValueOverSpansTests
{
    private static readonly double[] Start = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };
    private static readonly double[] Direction = { 0.3, -1.1, 0.7 };

    // An absolute tolerance, not decimal places: rounding to 6 places splits values 1e-10 apart on either side of a boundary.
    private const double CentralTolerance = 1e-6;

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.3, 12)]
    public void The_energy_summed_along_a_descent_reads_the_value_and_the_gradient_of_each_call(double eta, int steps)
    {
        // vₛ,ᵢ = rᵢˢ startᵢ with rᵢ = 1 − η aᵢ, so L = Σₛ Σᵢ ½ aᵢ rᵢ²ˢ startᵢ²:
        // ∂L/∂startᵢ = Σₛ aᵢ rᵢ²ˢ startᵢ and ∂L/∂η = −Σₛ Σᵢ s aᵢ² rᵢ²ˢ⁻¹ startᵢ².
        double[] dStart = new double[Start.Length];
        double value = GradientOverSpansModels.EnergyAlongDescentWithGradient(Start, A, eta, steps, dStart, out double dEta);

        double expectedValue = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - eta * A[i], expectedDStart = 0;
            for (int s = 0; s < steps; s++)
            {
                expectedValue += 0.5 * A[i] * Math.Pow(r, 2 * s) * Start[i] * Start[i];
                expectedDStart += A[i] * Math.Pow(r, 2 * s) * Start[i];
                expectedDEta -= s * A[i] * A[i] * Math.Pow(r, 2 * s - 1) * Start[i] * Start[i];
            }

            Assert.Equal(expectedDStart, dStart[i], 12);
        }

        Assert.Equal(expectedValue, value, 12);
        Assert.Equal(expectedDEta, dEta, 12);

        Assert.Equal(Central(e => GradientOverSpansModels.EnergyAlongDescent(Start, A, e, steps), eta), dEta, CentralTolerance);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(Central(s => GradientOverSpansModels.EnergyAlongDescent(With(Start, index, s), A, eta, steps), Start[i]), dStart[i], CentralTolerance);
        }

        const double w = -0.4;
        var (forwardValue, derivative) = GradientOverSpansModels.EnergyAlongDescentWithDerivative(Start, A, eta, steps, Direction, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dEta * w, derivative, 11);
    }

    [Fact]
    public void The_square_of_the_returned_energy_passes_its_adjoint_on_through_the_gradient()
    {
        // L = U², ∂L/∂vᵢ = 2U aᵢ vᵢ.
        double u = Energy(Start);
        double[] gradient = new double[Start.Length];
        double value = GradientOverSpansModels.SquaredEnergyWithGradient(Start, A, gradient);
        Assert.Equal(u * u, value, 12);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(2 * u * A[i] * Start[i], gradient[i], 12);
            Assert.Equal(Central(s => GradientOverSpansModels.SquaredEnergy(With(Start, index, s), A), Start[i]), gradient[i], CentralTolerance);
        }

        var (forwardValue, derivative) = GradientOverSpansModels.SquaredEnergyWithDerivative(Start, A, Direction);
        Assert.Equal(u * u, forwardValue, 12);
        Assert.Equal(Dot(gradient, Direction), derivative, 12);
    }

    [Fact]
    public void The_returned_energys_gradient_is_the_energys_gradient()
    {
        double[] gradient = new double[Start.Length];
        double value = GradientOverSpansModels.ReturnedEnergyWithGradient(Start, A, gradient);
        Assert.Equal(Energy(Start), value, 12);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(A[i] * Start[i], gradient[i], 12);
            Assert.Equal(Central(s => GradientOverSpansModels.ReturnedEnergy(With(Start, index, s), A), Start[i]), gradient[i], CentralTolerance);
        }

        var (forwardValue, derivative) = GradientOverSpansModels.ReturnedEnergyWithDerivative(Start, A, Direction);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(gradient, Direction), derivative, 12);
    }

    [Fact]
    public void A_call_whose_value_is_declared_but_never_read_still_writes_its_gradient()
    {
        // L = Σ (aᵢ vᵢ)², ∂L/∂vᵢ = 2 aᵢ² vᵢ.
        double[] gradient = new double[Start.Length];
        double value = GradientOverSpansModels.GradientNormSquaredWithGradient(Start, A, gradient);
        Assert.Equal(Start.Select((v, i) => A[i] * A[i] * v * v).Sum(), value, 12);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(2 * A[i] * A[i] * Start[i], gradient[i], 12);
            Assert.Equal(Central(s => GradientOverSpansModels.GradientNormSquared(With(Start, index, s), A), Start[i]), gradient[i], CentralTolerance);
        }

        var (_, derivative) = GradientOverSpansModels.GradientNormSquaredWithDerivative(Start, A, Direction);
        Assert.Equal(Dot(gradient, Direction), derivative, 12);
    }

    [Fact]
    public void The_sweeps_add_the_values_adjoint_times_the_gradient_the_product_wrote_and_its_tangent_is_a_dot_product()
    {
        // The numbers are checked above; this is how they read (the models' own source, run through the generator).
        string source = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Nested", "GradientOverSpansModels.cs"));
        var result = GeneratorHarness.Run(source).ShouldSucceed();
        Snapshot.Verify(result.Source("GradientOverSpansModels.EnergyAlongDescent.g.cs"), suffix: "EnergyAlongDescent");
        Snapshot.Verify(result.Source("GradientOverSpansModels.SquaredEnergy.g.cs"), suffix: "SquaredEnergy");
        Snapshot.Verify(result.Source("GradientOverSpansModels.ScaledEnergyAlongDescent.g.cs"), suffix: "ScaledEnergyAlongDescent");
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
