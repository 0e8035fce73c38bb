using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// <c>CubicEnergyWithGradient(v, b, a, gradient, out double dB)</c> with dB read (<see cref="ScalarGradientPartModels"/>,
/// U(v, b) = ½ b² Σᵢ aᵢ vᵢ² + ⅓ b³): dB = ∂U/∂b is differentiated through U's Hessian-vector product, ∂L/∂dB being the
/// product's direction for b. With Q = Σᵢ aᵢ vᵢ² and P = Σᵢ aᵢ vᵢ: gᵢ = ∂U/∂vᵢ = b² aᵢ vᵢ, g_b = ∂U/∂b = bQ + b²,
/// ∂g_b/∂vᵢ = 2b aᵢ vᵢ, ∂g_b/∂b = Q + 2b. Each gradient is checked against its closed form worked out by hand and
/// against central differences of the method, and forward mode against the hand-worked directional derivative.
/// </summary>
public class ScalarGradientPartTests
{
    private static readonly double[] V = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };
    private static readonly double[] Direction = { 0.3, -1.1, 0.7 };
    private const double DirectionB = -0.6;

    private const double CentralTolerance = 1e-6;

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void The_square_of_the_scalar_part_passes_its_adjoint_as_the_products_direction_for_b(double b)
    {
        // L = g_b²: ∂L/∂vᵢ = 2 g_b · 2b aᵢ vᵢ, ∂L/∂b = 2 g_b (Q + 2b).
        var (q, _, gb) = Sums(V, b);
        double[] dV = new double[V.Length];
        double value = ScalarGradientPartModels.SquaredScalarPartWithGradient(V, b, A, dV, out double dB);
        Assert.Equal(gb * gb, value, 12);
        Assert.Equal(2 * gb * (q + 2 * b), dB, 12);
        var expected = V.Select((v, i) => 2 * gb * 2 * b * A[i] * v).ToArray();
        CheckGradient(expected, dV, 2 * gb * (q + 2 * b), dB, (v, bb) => ScalarGradientPartModels.SquaredScalarPart(v, bb, A), b);
        CheckForward(ScalarGradientPartModels.SquaredScalarPartWithDerivative(V, b, A, Direction, DirectionB), value, expected, 2 * gb * (q + 2 * b));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void Both_parts_of_the_gradient_read_together_pass_both_adjoints_as_the_direction(double b)
    {
        // L = g_b · S with S = Σᵢ gᵢ = b² P: ∂L/∂vᵢ = 2b aᵢ vᵢ S + g_b b² aᵢ, ∂L/∂b = (Q + 2b) S + g_b · 2b P.
        var (q, p, gb) = Sums(V, b);
        double s = b * b * p;
        double[] dV = new double[V.Length];
        double value = ScalarGradientPartModels.BothPartsWithGradient(V, b, A, dV, out double dB);
        Assert.Equal(gb * s, value, 12);
        var expected = V.Select((v, i) => 2 * b * A[i] * v * s + gb * b * b * A[i]).ToArray();
        double expectedB = (q + 2 * b) * s + gb * 2 * b * p;
        CheckGradient(expected, dV, expectedB, dB, (v, bb) => ScalarGradientPartModels.BothParts(v, bb, A), b);
        CheckForward(ScalarGradientPartModels.BothPartsWithDerivative(V, b, A, Direction, DirectionB), value, expected, expectedB);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void The_value_times_the_scalar_part_reads_the_gradient_for_the_value_and_the_product_for_the_part(double b)
    {
        // L = U · g_b: ∂L/∂vᵢ = gᵢ g_b + U · 2b aᵢ vᵢ, ∂L/∂b = g_b² + U (Q + 2b).
        var (q, _, gb) = Sums(V, b);
        double u = 0.5 * b * b * q + b * b * b / 3;
        double[] dV = new double[V.Length];
        double value = ScalarGradientPartModels.ValueTimesScalarPartWithGradient(V, b, A, dV, out double dB);
        Assert.Equal(u * gb, value, 12);
        var expected = V.Select((v, i) => b * b * A[i] * v * gb + u * 2 * b * A[i] * v).ToArray();
        double expectedB = gb * gb + u * (q + 2 * b);
        CheckGradient(expected, dV, expectedB, dB, (v, bb) => ScalarGradientPartModels.ValueTimesScalarPart(v, bb, A), b);
        CheckForward(ScalarGradientPartModels.ValueTimesScalarPartWithDerivative(V, b, A, Direction, DirectionB), value, expected, expectedB);
    }

    [Theory]
    [InlineData(0.9, 0.05, 1)]
    [InlineData(0.9, 0.05, 6)]
    [InlineData(-0.5, 0.1, 10)]
    public void A_descent_in_both_v_and_b_follows_the_scalar_part_of_the_gradient(double b, double eta, int steps)
    {
        double[] dStart = new double[V.Length];
        double value = ScalarGradientPartModels.JointDescentWithGradient(V, b, A, eta, steps, dStart, out double dB, out double dEta);

        // By hand: the chain rule through each step, one tangent per parameter direction (eᵢ for start, b, η).
        var (expectedValue, _) = JointDescentByHand(b, eta, steps, new double[V.Length], 0, 0);
        Assert.Equal(expectedValue, value, 12);
        for (int i = 0; i < V.Length; i++)
        {
            var unit = new double[V.Length];
            unit[i] = 1;
            Assert.Equal(JointDescentByHand(b, eta, steps, unit, 0, 0).Derivative, dStart[i], 10);
        }

        Assert.Equal(JointDescentByHand(b, eta, steps, new double[V.Length], 1, 0).Derivative, dB, 10);
        Assert.Equal(JointDescentByHand(b, eta, steps, new double[V.Length], 0, 1).Derivative, dEta, 10);

        // Central differences of the method itself.
        Assert.Equal(Central(x => ScalarGradientPartModels.JointDescent(V, x, A, eta, steps), b), dB, CentralTolerance);
        Assert.Equal(Central(x => ScalarGradientPartModels.JointDescent(V, b, A, x, steps), eta), dEta, CentralTolerance);
        for (int i = 0; i < V.Length; i++)
        {
            int index = i;
            Assert.Equal(Central(x => ScalarGradientPartModels.JointDescent(With(V, index, x), b, A, eta, steps), V[i]), dStart[i], CentralTolerance);
        }

        // Forward mode along (Direction, DirectionB, 0.4) against the same hand-worked chain rule.
        var (forwardValue, derivative) = ScalarGradientPartModels.JointDescentWithDerivative(V, b, A, eta, steps, Direction, DirectionB, 0.4);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(JointDescentByHand(b, eta, steps, Direction, DirectionB, 0.4).Derivative, derivative, 10);
        Assert.Equal(Dot(dStart, Direction) + dB * DirectionB + dEta * 0.4, derivative, 10);
    }

    [Fact]
    public void The_sweeps_pass_the_scalar_parts_adjoint_and_tangent_through_the_Hessian_vector_product()
    {
        // The numbers are checked above; this is how they read (the models' own source, run through the generator).
        string source = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Nested", "ScalarGradientPartModels.cs"));
        var result = GeneratorHarness.Run(source).ShouldSucceed();
        Snapshot.Verify(result.Source("ScalarGradientPartModels.JointDescent.g.cs"), suffix: "JointDescent");
    }

    /// <summary>
    /// The descent and its derivative along (dStart, db, dη), the chain rule written out by hand: gᵢ = c² aᵢ vᵢ,
    /// g_c = cQ + c², dgᵢ = 2c dc aᵢ vᵢ + c² aᵢ dvᵢ, dg_c = dc Q + c Σᵢ 2 aᵢ vᵢ dvᵢ + 2c dc.
    /// </summary>
    private static (double Value, double Derivative) JointDescentByHand(double b, double eta, int steps, double[] dStart, double db, double dEta)
    {
        double[] v = (double[])V.Clone(), dv = (double[])dStart.Clone();
        double c = b, dc = db;
        for (int s = 0; s < steps; s++)
        {
            double q = 0, dq = 0;
            for (int i = 0; i < v.Length; i++)
            {
                q += A[i] * v[i] * v[i];
                dq += 2 * A[i] * v[i] * dv[i];
            }

            double gc = c * q + c * c, dgc = dc * q + c * dq + 2 * c * dc;
            for (int i = 0; i < v.Length; i++)
            {
                double g = c * c * A[i] * v[i], dg = 2 * c * dc * A[i] * v[i] + c * c * A[i] * dv[i];
                v[i] -= eta * g;
                dv[i] -= dEta * g + eta * dg;
            }

            c -= eta * gc;
            dc -= dEta * gc + eta * dgc;
        }

        double value = c * c, derivative = 2 * c * dc;
        for (int i = 0; i < v.Length; i++)
        {
            value += v[i] * v[i];
            derivative += 2 * v[i] * dv[i];
        }

        return (value, derivative);
    }

    private static (double Q, double P, double Gb) Sums(double[] v, double b)
    {
        double q = v.Select((x, i) => A[i] * x * x).Sum(), p = v.Select((x, i) => A[i] * x).Sum();
        return (q, p, b * q + b * b);
    }

    private static void CheckGradient(double[] expected, double[] dV, double expectedB, double dB, Func<double[], double, double> method, double b)
    {
        Assert.Equal(expectedB, dB, 12);
        Assert.Equal(Central(x => method(V, x), b), dB, CentralTolerance);
        for (int i = 0; i < V.Length; i++)
        {
            int index = i;
            Assert.Equal(expected[i], dV[i], 12);
            Assert.Equal(Central(x => method(With(V, index, x), b), V[i]), dV[i], CentralTolerance);
        }
    }

    private static void CheckForward((double Value, double Derivative) forward, double value, double[] expected, double expectedB)
    {
        Assert.Equal(value, forward.Value, 12);
        Assert.Equal(Dot(expected, Direction) + expectedB * DirectionB, forward.Derivative, 12);
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
