namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// The gradient of a method over arrays, over a span it only reads, or with an integer parameter, read by another
/// [Differentiable] method (<see cref="GradientOverArraysModels"/>): differentiated through the callee's Hessian-vector
/// product as one over read-only spans is. Checked against closed forms worked out by hand, central differences, and
/// forward mode against the gradient dotted with the direction.
/// </summary>
public class GradientOverArraysTests
{
    private static readonly double[] Start = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };
    private static readonly double[] Direction = { 0.3, -1.1, 0.7 };

    private const double CentralTolerance = 1e-6;

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.3, 12)]
    public void Descent_on_an_energy_over_arrays_with_an_integer_parameter_is_differentiated_through_its_Hessian_vector_product(double eta, int steps)
    {
        // vᵢ ← (1 − η aᵢ) vᵢ, L = Σ vᵢ² after n steps: ∂L/∂startᵢ = 2 rᵢ²ⁿ startᵢ, ∂L/∂η = −2n Σ aᵢ rᵢ²ⁿ⁻¹ startᵢ².
        double[] dStart = new double[Start.Length];
        double value = GradientOverArraysModels.DescendWithGradient(Start, A, eta, steps, dStart, out double dEta);
        double expectedValue = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - eta * A[i];
            expectedValue += Math.Pow(r, 2 * steps) * Start[i] * Start[i];
            expectedDEta -= 2 * steps * A[i] * Math.Pow(r, 2 * steps - 1) * Start[i] * Start[i];
            Assert.Equal(2 * Math.Pow(r, 2 * steps) * Start[i], dStart[i], 12);
            int index = i;
            Assert.Equal(Central(s => GradientOverArraysModels.Descend(With(Start, index, s), A, eta, steps), Start[i]), dStart[i], CentralTolerance);
        }

        Assert.Equal(expectedValue, value, 12);
        Assert.Equal(expectedDEta, dEta, 12);
        Assert.Equal(Central(e => GradientOverArraysModels.Descend(Start, A, e, steps), eta), dEta, CentralTolerance);

        const double w = -0.4;
        var (forwardValue, derivative) = GradientOverArraysModels.DescendWithDerivative(Start, A, eta, steps, Direction, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dEta * w, derivative, 11);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-2.0)]
    public void The_gradient_of_an_energy_over_a_span_it_only_reads_is_read_with_its_value(double x)
    {
        // L = x U + Σ (aᵢ vᵢ)²: ∂L/∂startᵢ = x aᵢ startᵢ + 2 aᵢ² startᵢ, ∂L/∂x = U.
        double u = Start.Select((v, i) => 0.5 * A[i] * v * v).Sum();
        double[] dStart = new double[Start.Length];
        double value = GradientOverArraysModels.WeightedSpanEnergyWithGradient(Start, A, x, dStart, out double dX);
        Assert.Equal(x * u + Start.Select((v, i) => A[i] * A[i] * v * v).Sum(), value, 12);
        Assert.Equal(u, dX, 12);
        Assert.Equal(Central(e => GradientOverArraysModels.WeightedSpanEnergy(Start, A, e), x), dX, CentralTolerance);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(x * A[i] * Start[i] + 2 * A[i] * A[i] * Start[i], dStart[i], 12);
            Assert.Equal(Central(s => GradientOverArraysModels.WeightedSpanEnergy(With(Start, index, s), A, x), Start[i]), dStart[i], CentralTolerance);
        }

        const double w = 0.9;
        var (forwardValue, derivative) = GradientOverArraysModels.WeightedSpanEnergyWithDerivative(Start, A, x, Direction, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dX * w, derivative, 11);
    }

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
