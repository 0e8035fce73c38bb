namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A generated gradient over spans allocates nothing once warm: outputs are the caller's, adjoint buffers and
/// saved values live on the stack under a bound and in pooled arrays above it. Measured by
/// <see cref="Allocations.PerCall(Action, int)"/>.
/// </summary>
public class AllocationTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Logistic_regression_gradient_allocates_nothing(int d)
    {
        var random = new Random(d);
        double[] x = Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray();
        double[] w = new double[d];
        double[] dW = new double[d];

        long allocated = Allocations.PerCall(() => SpanModels.LogisticWithGradient(x, w, 0.1, 1, dW, out _));

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(64)]    // differentiated row by row, so only one row's saved values are held at a time, however many rows
    public void Mlp_batch_gradient_allocates_nothing_on_the_stack_or_pooled(int rows)
    {
        var random = new Random(rows);
        const int d = 4, hidden = 8, classes = 3;
        double[] features = Enumerable.Range(0, rows * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(r => r % classes).ToArray();
        double[] w1 = Enumerable.Range(0, hidden * d).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] b1 = new double[hidden], w2 = Enumerable.Range(0, classes * hidden).Select(_ => random.NextDouble() - 0.5).ToArray(), b2 = new double[classes];
        double[] dW1 = new double[w1.Length], dB1 = new double[b1.Length], dW2 = new double[w2.Length], dB2 = new double[b2.Length];

        long allocated = Allocations.PerCall(() => MlpModel.BatchLossWithGradient(features, labels, w1, b1, w2, b2, dW1, dB1, dW2, dB2));

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_large_local_buffer_takes_its_adjoint_from_the_pool_without_allocating()
    {
        // 300 rows × 2 columns: the buffer y (300 elements) is longer than the 128-element stack bound.
        var random = new Random(7);
        double[] matrix = Enumerable.Range(0, 600).Select(_ => random.NextDouble()).ToArray();
        double[] x = { 0.5, -0.25 };
        double[] dMatrix = new double[matrix.Length];

        // MatrixVectorNorm allocates its own buffer with new double[rows], as written: measure the gradient's
        // extra cost over the method itself.
        long method = Allocations.PerCall(() => VectorFunctions.MatrixVectorNorm(matrix, x));
        long gradient = Allocations.PerCall(() => VectorFunctions.MatrixVectorNormWithGradient(matrix, x, dMatrix));

        Assert.Equal(method, gradient);
    }
}
