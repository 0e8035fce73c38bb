using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// Differentiating through the gradient of a method over spans (<see cref="GradientOverSpansModels"/>): gradient descent
/// on U(v) = Σ ½ aᵢ vᵢ², whose steps v ← v − η·a∘v are linear, so after n steps vᵢ = (1 − η aᵢ)ⁿ startᵢ and
/// L = Σ vᵢ² has ∂L/∂startᵢ = 2 (1 − η aᵢ)²ⁿ startᵢ and ∂L/∂η = Σ −2 n aᵢ (1 − η aᵢ)²ⁿ⁻¹ startᵢ² (worked out by hand, not
/// by the generated code), and against central finite differences of the method itself; forward mode must agree.
/// </summary>
public class GradientOverSpansTests
{
    private static readonly double[] Start = { 0.8, -0.3, 1.5 };
    private static readonly double[] A = { 1.0, 2.5, 0.4 };

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.3, 12)]
    public void Gradient_descent_through_the_energys_gradient_has_the_closed_form_gradient(double eta, int steps)
    {
        double[] dStart = new double[Start.Length];
        double value = GradientOverSpansModels.DescendWithGradient(Start, A, eta, steps, dStart, out double dEta);

        double expectedValue = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - eta * A[i];
            expectedValue += Math.Pow(r, 2 * steps) * Start[i] * Start[i];
            expectedDEta += -2 * steps * A[i] * Math.Pow(r, 2 * steps - 1) * Start[i] * Start[i];
            Assert.Equal(2 * Math.Pow(r, 2 * steps) * Start[i], dStart[i], 12);
        }

        Assert.Equal(expectedValue, value, 12);
        Assert.Equal(expectedDEta, dEta, 12);

        Assert.Equal(Central(e => GradientOverSpansModels.Descend(Start, A, e, steps), eta), dEta, 6);
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            Assert.Equal(Central(s => GradientOverSpansModels.Descend(With(Start, index, s), A, eta, steps), Start[i]), dStart[i], 6);
        }

        // Forward mode along (dStart, dEta) = (u, w): the same gradient dotted with the direction.
        double[] u = { 0.3, -1.1, 0.7 };
        const double w = -0.4;
        var (forwardValue, derivative) = GradientOverSpansModels.DescendWithDerivative(Start, A, eta, steps, u, w);
        Assert.Equal(value, forwardValue, 12);
        Assert.Equal(dStart.Zip(u, (g, d) => g * d).Sum() + dEta * w, derivative, 11);
    }

    [Fact]
    public void The_descents_sweeps_call_the_energys_Hessian_vector_product_with_the_gradients_adjoint_or_tangent()
    {
        // The numbers are checked above; this is how they read (the models' own source, run through the generator).
        string source = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Nested", "GradientOverSpansModels.cs"));
        Snapshot.Verify(GeneratorHarness.Run(source).ShouldSucceed().Source("GradientOverSpansModels.Descend.g.cs"));
    }

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
