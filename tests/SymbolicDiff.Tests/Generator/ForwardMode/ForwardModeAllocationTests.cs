using SymbolicDiff.Tests.Generator.Loops;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// A generated <c>MWithDerivative</c> allocates nothing once warm: tangents are the caller's spans, tangent buffers
/// and the scratch spans of vector-Jacobian products live on the stack under a bound and in pooled arrays above it.
/// Measured by <see cref="Allocations.PerCall(Action, int)"/>.
/// </summary>
public class ForwardModeAllocationTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Logistic_regression_derivative_allocates_nothing(int d)
    {
        var random = new Random(d);
        double[] x = Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray();
        double[] w = Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] dW = Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray();

        long allocated = Allocations.PerCall(() => SpanModels.LogisticWithDerivative(x, w, 0.1, 1, dW, 0.5).Derivative);

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(3)]      // the tangent buffer and the softmax's partials fit the stack
    [InlineData(300)]    // 300 classes: both come from the pool
    public void A_loss_over_a_stack_buffer_takes_its_tangent_and_partials_without_allocating(int classes)
    {
        var random = new Random(classes);
        double[] weights = Enumerable.Range(0, classes).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] inputs = Enumerable.Range(0, 4 * classes).Select(_ => random.NextDouble()).ToArray();
        double[] direction = Enumerable.Range(0, classes).Select(_ => random.NextDouble() - 0.5).ToArray();

        long allocated = Allocations.PerCall(() => VectorFunctions.SoftmaxRowsWithDerivative(weights, inputs, direction).Derivative);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_method_that_allocates_its_own_buffer_costs_nothing_more_in_forward_mode()
    {
        // 300 rows × 2 columns: the method's own buffer y (300 elements, new double[rows]) gets a pooled tangent.
        var random = new Random(7);
        double[] matrix = Enumerable.Range(0, 600).Select(_ => random.NextDouble()).ToArray();
        double[] x = { 0.5, -0.25 };
        double[] dMatrix = Enumerable.Range(0, 600).Select(_ => random.NextDouble() - 0.5).ToArray();

        long method = Allocations.PerCall(() => VectorFunctions.MatrixVectorNorm(matrix, x));
        long derivative = Allocations.PerCall(() => VectorFunctions.MatrixVectorNormWithDerivative(matrix, x, dMatrix).Derivative);

        Assert.Equal(method, derivative);
        Assert.True(method > 0, "the method itself allocates its buffer, so the comparison means something");
    }
}
