namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A scalar gradient output passed as <c>out</c> may be any variable the caller likes: an element of an input
/// gets the right number (it is written last, after everything was read), and an element of a span output,
/// which would silently overwrite another gradient, is rejected by name.
/// </summary>
public class OutputAliasingTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0 };
    private static readonly double[] W = { 0.3, 0.8, -0.4 };

    [Fact]
    public void An_out_aliasing_an_input_element_gets_the_right_gradient()
    {
        double[] expectedW = new double[3];
        SpanModels.LogisticWithGradient(X, W, 0.2, 1.0, expectedW, out double expectedBias);

        // The bias gradient goes into weights[0], which is also an input: every partial must still be the one
        // computed from the original weights (before, dBias was accumulated into it during the sweep).
        double[] weights = (double[])W.Clone();
        double[] dW = new double[3];
        SpanModels.LogisticWithGradient(X, weights, 0.2, 1.0, dW, out weights[0]);

        Assert.Equal(expectedW, dW);
        Assert.Equal(expectedBias, weights[0]);
    }

    [Fact]
    public void An_out_aliasing_an_input_read_inside_the_backward_loop_gets_the_right_gradient()
    {
        // f(x, b) = Σ (b·xᵢ)²: ∂f/∂b = Σ 2b·xᵢ² is accumulated inside the backward loop, which reads every xᵢ;
        // with out x[0] as ∂f/∂b, accumulating into the output during the sweep changed x[0] before it was read.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable]
                public static double Scaled(double[] x, double b)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += (b * x[i]) * (b * x[i]);
                    }

                    return s;
                }
            }
            """).ShouldSucceed();
        var gradient = run.Load().GetType("C")!.GetMethods()
            .Single(m => m.Name == "ScaledWithGradient" && m.GetParameters().Length == 4)
            .CreateDelegate<ScaledGradient>();

        double[] x = { 0.5, -1.5, 2.0 };
        double[] dX = new double[3];
        gradient(x, 2.0, dX, out x[0]);

        // ∂f/∂b = 2b Σ xᵢ² = 4 · 6.5 = 26; ∂f/∂xᵢ = 2b²xᵢ = 8xᵢ, all at the original x.
        Assert.Equal(26.0, x[0]);
        Assert.Equal(new[] { 4.0, -12.0, 16.0 }, dX);
    }

    private delegate double ScaledGradient(double[] x, double b, Span<double> dX, out double dB);

    [Fact]
    public void An_out_aliasing_an_element_of_a_span_output_is_rejected()
    {
        double[] dW = new double[3];
        var exception = Assert.Throws<ArgumentException>(() => SpanModels.LogisticWithGradient(X, W, 0.2, 1.0, dW, out dW[1]));
        Assert.Equal("dBias", exception.ParamName);
        Assert.Contains("dWeights", exception.Message, StringComparison.Ordinal);
    }
}
