namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A [Differentiable] method over vectors gets, per differentiated vector, a generated vector-Jacobian product in
/// the runtime's convention (seed, then a span the product is added into), which a [Differentiable] caller's
/// backward sweep calls (<see cref="VectorFunctions.NormalizedEnergy"/>, checked against finite differences
/// with the other vector functions).
/// </summary>
public class VectorJacobianProductTests
{
    [Fact]
    public void The_product_adds_seed_times_the_gradient_into_what_the_span_holds()
    {
        double[] v = { 0.5, -1.5, 2.0 };
        double[] gradient = { 10.0, 20.0, 30.0 };

        VectorFunctions.SquaredNormVGradient(v, 3.0, gradient);

        // ∂(Σ vᵢ²)/∂vᵢ = 2vᵢ: 10 + 3·1, 20 + 3·(−3), 30 + 3·4.
        Assert.Equal(new[] { 13.0, 11.0, 42.0 }, gradient);
    }

    [Fact]
    public void A_gradient_span_of_the_wrong_length_is_rejected_by_name()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorFunctions.SquaredNormVGradient(new double[3], 1.0, new double[2]));
        Assert.Equal("gradient", exception.ParamName);
    }

    [Fact]
    public void The_caller_matches_the_gradient_worked_out_by_hand()
    {
        // f(x, w) = (w·x)/(1 + |x|²) + √(|w|² + 1).
        double[] x = { 0.3, -0.7 };
        double[] w = { 1.1, 0.4 };
        double s = w[0] * x[0] + w[1] * x[1], e = x[0] * x[0] + x[1] * x[1], n = w[0] * w[0] + w[1] * w[1];
        var gradient = VectorFunctions.NormalizedEnergyWithGradient(x, w);

        for (int i = 0; i < 2; i++)
        {
            double dx = w[i] / (1 + e) - s / ((1 + e) * (1 + e)) * 2 * x[i];
            double dw = x[i] / (1 + e) + w[i] / Math.Sqrt(n + 1);
            Assert.Equal(dx, gradient.X[i], 12);
            Assert.Equal(dw, gradient.W[i], 12);
        }
    }
}
