namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// <c>ScaledEnergyWithGradient(v, b, a, gradient, out _)</c>: the gradient of a method of a vector and a differentiated
/// scalar (<see cref="GradientOverSpansModels.ScaledEnergy"/>, U(v, b) = b Σ ½ aᵢ vᵢ² + ½ b², ∇ᵥU = b a∘v), read by
/// descents whose steps vᵢ ← (1 − η b aᵢ) vᵢ are linear: with rᵢ = 1 − η b aᵢ, vₛ,ᵢ = rᵢˢ startᵢ. The mixed block
/// ∂(∇ᵥU)/∂b = a∘v is what carries ∂L/∂b. Closed forms worked out by hand, central differences of the methods, and
/// forward mode against the gradient dotted with the direction.
/// </summary>
public class MixedGradientOverSpansTests
{
    private static readonly double[] Start = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };
    private static readonly double[] Direction = { 0.3, -1.1, 0.7 };
    private const double DirectionB = 0.5;
    private const double DirectionEta = -0.4;

    // An absolute tolerance, not decimal places: rounding to 6 places splits values 1e-10 apart on either side of a boundary.
    private const double CentralTolerance = 1e-6;

    [Theory]
    [InlineData(0.7, 0.2, 1)]
    [InlineData(0.7, 0.2, 7)]
    [InlineData(1.3, 0.1, 12)]
    public void A_descent_on_the_vector_part_of_a_mixed_gradient_is_differentiated_with_respect_to_the_scalar(double b, double eta, int steps)
    {
        // L = Σᵢ rᵢ²ⁿ startᵢ²: ∂L/∂startᵢ = 2 rᵢ²ⁿ startᵢ, ∂L/∂b = Σᵢ 2n rᵢ²ⁿ⁻¹ (−η aᵢ) startᵢ², ∂L/∂η = Σᵢ 2n rᵢ²ⁿ⁻¹ (−b aᵢ) startᵢ².
        double[] dStart = new double[Start.Length];
        double value = GradientOverSpansModels.ScaledDescendWithGradient(Start, A, b, eta, steps, dStart, out double dB, out double dEta);

        double expectedValue = 0, expectedDB = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - eta * b * A[i];
            expectedValue += Math.Pow(r, 2 * steps) * Start[i] * Start[i];
            expectedDB += 2 * steps * Math.Pow(r, 2 * steps - 1) * -eta * A[i] * Start[i] * Start[i];
            expectedDEta += 2 * steps * Math.Pow(r, 2 * steps - 1) * -b * A[i] * Start[i] * Start[i];
            Assert.Equal(2 * Math.Pow(r, 2 * steps) * Start[i], dStart[i], 12);
        }

        Assert.Equal(expectedValue, value, 12);
        Assert.Equal(expectedDB, dB, 12);
        Assert.Equal(expectedDEta, dEta, 12);
        CheckAgainstCentralDifferences((s, bb, e) => GradientOverSpansModels.ScaledDescend(s, A, bb, e, steps), b, eta, dStart, dB, dEta);

        var (forwardValue, derivative) = GradientOverSpansModels.ScaledDescendWithDerivative(Start, A, b, eta, steps, Direction, DirectionB, DirectionEta);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dB * DirectionB + dEta * DirectionEta, derivative, 11);
    }

    [Theory]
    [InlineData(0.7, 0.2, 1)]
    [InlineData(0.7, 0.2, 7)]
    [InlineData(1.3, 0.1, 12)]
    public void The_energy_summed_along_the_descent_reads_the_scalar_part_of_the_gradient_for_its_value(double b, double eta, int steps)
    {
        // L = Σₛ [Σᵢ ½ b aᵢ rᵢ²ˢ startᵢ² + ½ b²]: ∂L/∂startᵢ = Σₛ b aᵢ rᵢ²ˢ startᵢ,
        // ∂L/∂b = Σₛ [Σᵢ (½ aᵢ rᵢ²ˢ − s η b aᵢ² rᵢ²ˢ⁻¹) startᵢ² + b], ∂L/∂η = −Σₛ Σᵢ s b² aᵢ² rᵢ²ˢ⁻¹ startᵢ².
        double[] dStart = new double[Start.Length];
        double value = GradientOverSpansModels.ScaledEnergyAlongDescentWithGradient(Start, A, b, eta, steps, dStart, out double dB, out double dEta);

        double expectedValue = 0, expectedDB = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - eta * b * A[i], expectedDStart = 0;
            for (int s = 0; s < steps; s++)
            {
                double squared = Start[i] * Start[i];
                expectedValue += 0.5 * b * A[i] * Math.Pow(r, 2 * s) * squared;
                expectedDStart += b * A[i] * Math.Pow(r, 2 * s) * Start[i];
                expectedDB += (0.5 * A[i] * Math.Pow(r, 2 * s) - s * eta * b * A[i] * A[i] * Math.Pow(r, 2 * s - 1)) * squared;
                expectedDEta -= s * b * b * A[i] * A[i] * Math.Pow(r, 2 * s - 1) * squared;
            }

            Assert.Equal(expectedDStart, dStart[i], 12);
        }

        expectedValue += steps * 0.5 * b * b;
        expectedDB += steps * b;
        Assert.Equal(expectedValue, value, 12);
        Assert.Equal(expectedDB, dB, 12);
        Assert.Equal(expectedDEta, dEta, 12);
        CheckAgainstCentralDifferences((s, bb, e) => GradientOverSpansModels.ScaledEnergyAlongDescent(s, A, bb, e, steps), b, eta, dStart, dB, dEta);

        var (forwardValue, derivative) = GradientOverSpansModels.ScaledEnergyAlongDescentWithDerivative(Start, A, b, eta, steps, Direction, DirectionB, DirectionEta);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(Dot(dStart, Direction) + dB * DirectionB + dEta * DirectionEta, derivative, 11);
    }

    [Fact]
    public void The_square_of_the_value_alone_takes_its_scalar_partial_from_one_more_gradient_call()
    {
        // L = U², ∂L/∂vᵢ = 2U b aᵢ vᵢ, ∂L/∂b = 2U (Σᵢ ½ aᵢ vᵢ² + b).
        const double b = 0.7;
        double half = Start.Select((v, i) => 0.5 * A[i] * v * v).Sum();
        double u = b * half + 0.5 * b * b;
        double[] dV = new double[Start.Length];
        double value = GradientOverSpansModels.SquaredScaledEnergyWithGradient(Start, b, A, dV, out double dB);
        Assert.Equal(u * u, value, 12);
        Assert.Equal(2 * u * (half + b), dB, 12);
        Assert.Equal(Central(x => GradientOverSpansModels.SquaredScaledEnergy(Start, x, A), b), dB, CentralTolerance);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(2 * u * b * A[i] * Start[i], dV[i], 12);
            Assert.Equal(Central(x => GradientOverSpansModels.SquaredScaledEnergy(With(Start, index, x), b, A), Start[i]), dV[i], CentralTolerance);
        }

        var (forwardValue, derivative) = GradientOverSpansModels.SquaredScaledEnergyWithDerivative(Start, b, A, Direction, DirectionB);
        Assert.Equal(u * u, forwardValue, 12);
        Assert.Equal(Dot(dV, Direction) + dB * DirectionB, derivative, 12);
    }

    private static void CheckAgainstCentralDifferences(Func<double[], double, double, double> method, double b, double eta, double[] dStart, double dB, double dEta)
    {
        Assert.Equal(Central(x => method(Start, x, eta), b), dB, CentralTolerance);
        Assert.Equal(Central(x => method(Start, b, x), eta), dEta, CentralTolerance);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(Central(x => method(With(Start, index, x), b, eta), Start[i]), dStart[i], CentralTolerance);
        }
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
