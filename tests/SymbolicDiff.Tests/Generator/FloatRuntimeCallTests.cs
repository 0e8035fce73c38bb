using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// float [Differentiable] methods that call the runtime's activations and losses (issue 13, item 5): before the
/// float overloads existed these were SD0005 and CS0266; now the generator finds the float overloads' declared
/// derivatives and the gradient is right.
/// </summary>
public class FloatRuntimeCallTests
{
    private const string Source = """
        using SymbolicDiff;

        public static partial class FloatNeuron
        {
            // The worked example, in float.
            [Differentiable(nameof(w), nameof(b))]
            public static float Loss(float x, float w, float b, float y)
            {
                float z = x * w + b;
                float a = Activations.Sigmoid(z);
                return Losses.MeanSquaredError(a, y);
            }

            // Every other scalar activation and loss, each partial taken.
            [Differentiable]
            public static float Everything(float u, float v, float p)
            {
                float h = Activations.Tanh(u * v) + Activations.Relu(u - v) + Activations.LeakyRelu(v - u, 0.1f) + Activations.Softplus(u + v);
                float q = Activations.Sigmoid(p);
                return Losses.HalfSquaredError(h, u) + Losses.BinaryCrossEntropyWithLogits(h, q) + Losses.BinaryCrossEntropy(q, v * v / (1f + v * v));
            }
        }
        """;

    [Fact]
    public void A_float_method_calling_Sigmoid_and_MeanSquaredError_gets_the_worked_example_gradient()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        string generated = run.Source("FloatNeuron.Loss.g.cs");
        Assert.Contains("Activations.SigmoidDerivative(", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("double", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("FloatNeuron")!;
        object[] arguments = { 0.5f, 2f, -1f, 1f };
        object gradient = type.GetMethod("LossWithGradient")!.Invoke(null, arguments)!;

        // z = 0, a = ½, loss = ¼, ∂L/∂w = 2(a − y)·σ'(0)·x = −0.125, ∂L/∂b = −0.25: exact in float.
        Assert.Equal(0.25f, Read(gradient, "Value"));
        Assert.Equal(-0.125f, Read(gradient, "W"));
        Assert.Equal(-0.25f, Read(gradient, "B"));
        Assert.Equal((float)type.GetMethod("Loss")!.Invoke(null, arguments)!, Read(gradient, "Value"));

        // Elsewhere, against central differences of the double model.
        foreach (var (x, w, b, y) in new[] { (1.5f, 0.8f, 0.3f, 0f), (-0.7f, 1.1f, 0.2f, 1f), (2f, -3f, 0.5f, 0.25f) })
        {
            gradient = type.GetMethod("LossWithGradient")!.Invoke(null, new object[] { x, w, b, y })!;
            double[] point = { x, w, b, y };
            AssertNear(Central(DoubleLoss, point, 1), Read(gradient, "W"), $"∂L/∂w at {(x, w, b, y)}");
            AssertNear(Central(DoubleLoss, point, 2), Read(gradient, "B"), $"∂L/∂b at {(x, w, b, y)}");
        }
    }

    [Fact]
    public void A_float_method_calling_every_scalar_activation_and_loss_gets_a_correct_gradient()
    {
        var type = GeneratorHarness.Run(Source).ShouldSucceed().Load().GetType("FloatNeuron")!;
        foreach (var (u, v, p) in new[] { (0.3f, -0.8f, 0.4f), (1.2f, 0.5f, -1.5f), (-0.6f, -0.2f, 2f) })
        {
            object gradient = type.GetMethod("EverythingWithGradient")!.Invoke(null, new object[] { u, v, p })!;
            double[] point = { u, v, p };
            Assert.Equal((float)DoubleEverything(point), Read(gradient, "Value"), 1e-5f);
            AssertNear(Central(DoubleEverything, point, 0), Read(gradient, "U"), $"∂/∂u at {(u, v, p)}");
            AssertNear(Central(DoubleEverything, point, 1), Read(gradient, "V"), $"∂/∂v at {(u, v, p)}");
            AssertNear(Central(DoubleEverything, point, 2), Read(gradient, "P"), $"∂/∂p at {(u, v, p)}");
        }
    }

    private static double DoubleLoss(double[] p)
    {
        double a = Activations.Sigmoid(p[0] * p[1] + p[2]);
        return Losses.MeanSquaredError(a, p[3]);
    }

    private static double DoubleEverything(double[] point)
    {
        double u = point[0], v = point[1], p = point[2];
        double h = Activations.Tanh(u * v) + Activations.Relu(u - v) + Activations.LeakyRelu(v - u, 0.1) + Activations.Softplus(u + v);
        double q = Activations.Sigmoid(p);
        return Losses.HalfSquaredError(h, u) + Losses.BinaryCrossEntropyWithLogits(h, q) + Losses.BinaryCrossEntropy(q, v * v / (1 + v * v));
    }

    private static double Central(Func<double[], double> f, double[] point, int index)
    {
        double h = 1e-6 * Math.Max(1, Math.Abs(point[index]));
        var plus = (double[])point.Clone();
        var minus = (double[])point.Clone();
        plus[index] += h;
        minus[index] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }

    // float rounding of the forward values (~6e-8 relative) bounds the agreement.
    private static void AssertNear(double expected, float actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    private static float Read(object gradient, string property) => (float)gradient.GetType().GetProperty(property)!.GetValue(gradient)!;
}
