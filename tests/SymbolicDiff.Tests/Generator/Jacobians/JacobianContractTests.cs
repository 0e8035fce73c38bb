namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// The generated methods of a vector-valued method check their arguments (an ArgumentException naming the wrong one)
/// and allocate nothing at steady state: their scratch tangents and cotangents are on the stack up to 128 elements
/// and rented from the pool above.
/// </summary>
public class JacobianContractTests
{
    private static readonly double[] X = { 77.6, 114.9, 141.1, 190.8, 239.9 };
    private static readonly double[] Y = { 10.07, 14.73, 17.94, 23.93, 29.61 };
    private static readonly double[] B = { 240, 5.5e-4 };

    [Fact]
    public void A_Jacobian_of_the_wrong_length_is_an_ArgumentException_naming_it()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorValuedModels.Misra1aJacobian(B, X, Y, new double[X.Length], new double[X.Length * 2 - 1]));
        Assert.Equal("jacobian", exception.ParamName);
        Assert.Contains("5 × 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_tangent_of_the_wrong_length_is_an_ArgumentException_naming_it()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            VectorValuedModels.DecayWithDerivative(0.7, 1.3, 0.1, new double[4], new double[4], 1, 0, 0, new double[4], new double[3]));
        Assert.Equal("dVelocities", exception.ParamName);
    }

    [Fact]
    public void A_cotangent_of_the_wrong_length_is_an_ArgumentException_naming_it()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            VectorValuedModels.Misra1aVectorJacobianProduct(B, X, Y, new double[X.Length], new double[X.Length + 1], new double[2]));
        Assert.Equal("rCotangent", exception.ParamName);
    }

    [Fact]
    public void A_gradient_output_of_the_wrong_length_is_an_ArgumentException_naming_it()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            VectorValuedModels.Misra1aVectorJacobianProduct(B, X, Y, new double[X.Length], new double[X.Length], new double[3]));
        Assert.Equal("dB", exception.ParamName);
    }

    [Fact]
    public void A_null_array_is_an_ArgumentNullException_naming_it()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => VectorValuedModels.UpdatedJacobian(null!, 1, new double[3], new double[3], new double[24]));
        Assert.Equal("a", exception.ParamName);
    }

    [Theory]
    [InlineData(6)]   // m = 12 > n = 3: forward sweeps, scratch on the stack
    [InlineData(1)]   // m = 2 < n = 3: reverse sweeps
    [InlineData(300)] // m = 600: the column scratch (600 elements) and the adjoint buffers are rented from the pool
    public void MJacobian_allocates_nothing_at_steady_state(int steps)
    {
        var positions = new double[steps];
        var velocities = new double[steps];
        var jacobian = new double[2 * steps * 3];

        long allocated = Allocations.PerCall(() => VectorValuedModels.DecayJacobian(0.7, 1.3, 0.1, positions, velocities, jacobian));

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, jacobian[0]);
    }

    [Fact]
    public void MJacobian_by_reverse_sweeps_over_a_long_vector_allocates_nothing()
    {
        // m = 2 outputs, n = 1 + 500 inputs: reverse sweeps, and the adjoint of w in the pool.
        var w = Enumerable.Range(0, 500).Select(i => Math.Sin(i)).ToArray();
        var jacobian = new double[2 * 501];
        var moments = new double[2];

        long allocated = Allocations.PerCall(() => VectorValuedModels.MomentsJacobian(1.5, w, moments, jacobian));

        Assert.Equal(0, allocated);
    }
}
