namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// The contract says <c>MJacobian</c>, <c>MVectorJacobianProduct</c> and <c>MWithDerivative</c> write the outputs: after
/// the call they hold what the method itself writes, whichever sweeps ran (a reverse sweep restores overwritten values
/// as it goes, which must not leave the outputs as they were before the call).
/// </summary>
public static partial class StraightLineOutputModels
{
    /// <summary>Loop-free, m = 2 < n = 3 (reverse sweeps): r₀ = p₀p₁p₂, then r₀ updated in place; r₁ = p₀ + p₁ + p₂.</summary>
    [Differentiable]
    public static void Pair(ReadOnlySpan<double> p, Span<double> r)
    {
        r[0] = p[0] * p[1];
        r[0] = r[0] * p[2];
        r[1] = p[0] + p[1] + p[2];
    }
}

public class OutputsAfterSweepsTests
{
    [Fact]
    public void Loop_free_outputs_hold_the_methods_values_after_its_reverse_Jacobian_and_product()
    {
        double[] p = { 1.5, -2.0, 0.5 };
        var r = new double[2];
        StraightLineOutputModels.Pair(p, r);
        Assert.Equal(new[] { 1.5 * -2.0 * 0.5, 1.5 - 2.0 + 0.5 }, r);

        var jacobianR = new[] { double.NaN, double.NaN };
        var jacobian = new double[6];
        StraightLineOutputModels.PairJacobian(p, jacobianR, jacobian);
        Assert.Equal(r, jacobianR);
        Assert.Equal(new[] { -2.0 * 0.5, 1.5 * 0.5, 1.5 * -2.0, 1, 1, 1 }, jacobian);

        var productR = new[] { double.NaN, double.NaN };
        var dP = new double[3];
        StraightLineOutputModels.PairVectorJacobianProduct(p, productR, new[] { 1.0, 2.0 }, dP);
        Assert.Equal(r, productR);
        Assert.Equal(new[] { -2.0 * 0.5 + 2, 1.5 * 0.5 + 2, 1.5 * -2.0 + 2 }, dP);
    }

    [Theory]
    [InlineData(1)] // m = 2 < n = 3: reverse sweeps
    [InlineData(6)] // m = 12 > n = 3: forward sweeps
    public void Decay_outputs_hold_the_methods_values_after_its_Jacobian(int steps)
    {
        var positions = new double[steps];
        var velocities = new double[steps];
        VectorValuedModels.Decay(0.7, 1.3, 0.1, positions, velocities);

        var jacobianPositions = Enumerable.Repeat(double.NaN, steps).ToArray();
        var jacobianVelocities = Enumerable.Repeat(double.NaN, steps).ToArray();
        VectorValuedModels.DecayJacobian(0.7, 1.3, 0.1, jacobianPositions, jacobianVelocities, new double[2 * steps * 3]);
        Assert.Equal(positions, jacobianPositions);
        Assert.Equal(velocities, jacobianVelocities);

        var productPositions = Enumerable.Repeat(double.NaN, steps).ToArray();
        var productVelocities = Enumerable.Repeat(double.NaN, steps).ToArray();
        VectorValuedModels.DecayVectorJacobianProduct(0.7, 1.3, 0.1, productPositions, productVelocities,
            Enumerable.Repeat(1.0, steps).ToArray(), Enumerable.Repeat(1.0, steps).ToArray(), out _, out _, out _);
        Assert.Equal(positions, productPositions);
        Assert.Equal(velocities, productVelocities);
    }

    [Fact]
    public void Moments_outputs_hold_the_methods_values_after_its_reverse_Jacobian()
    {
        // m = 2 outputs, n = 1 + 50 inputs: reverse sweeps.
        var w = Enumerable.Range(0, 50).Select(i => Math.Sin(i)).ToArray();
        var moments = new double[2];
        double value = VectorValuedModels.Moments(1.5, w, moments);

        var jacobianMoments = new[] { double.NaN, double.NaN };
        VectorValuedModels.MomentsJacobian(1.5, w, jacobianMoments, new double[2 * 51]);
        Assert.Equal(moments, jacobianMoments);

        var productMoments = new[] { double.NaN, double.NaN };
        VectorValuedModels.MomentsVectorJacobianProduct(1.5, w, productMoments, new[] { 1.0, 1.0 }, out _, new double[50]);
        Assert.Equal(moments, productMoments);
        Assert.Equal(value, moments[0] + moments[1]);
    }

    [Fact]
    public void Updated_outputs_hold_the_methods_values_after_its_Jacobian()
    {
        // r[i] is written and then added to: the reverse sweep restores its first value on the way back.
        double[] a = { 0.5, -1.25, 2.0 };
        var r = new double[3];
        var t = new double[3];
        VectorValuedModels.Updated(a, 1.5, r, t);

        var jacobianR = Enumerable.Repeat(double.NaN, 3).ToArray();
        var jacobianT = Enumerable.Repeat(double.NaN, 3).ToArray();
        VectorValuedModels.UpdatedJacobian(a, 1.5, jacobianR, jacobianT, new double[6 * 4]);
        Assert.Equal(r, jacobianR);
        Assert.Equal(t, jacobianT);
    }
}
