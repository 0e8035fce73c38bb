namespace SymbolicDiff.Tests.Generator;

public class SmokeTests
{
    [Fact]
    public void Worked_example_compiles_in_memory()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class Neuron
            {
                [Differentiable(nameof(w), nameof(b))]
                public static double Loss(double x, double w, double b, double y)
                {
                    double z = x * w + b;
                    double a = Activations.Sigmoid(z);
                    return Losses.MeanSquaredError(a, y);
                }
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("Neuron")!;
        var result = type.GetMethod("LossWithGradient")!.Invoke(null, new object[] { 0.5, 2.0, -1.0, 1.0 })!;
        Assert.Equal(-0.125, (double)result.GetType().GetProperty("W")!.GetValue(result)!, 12);
    }
}
