using System.Reflection;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>
/// The worked example of the contract, a sigmoid neuron with squared error, at x = 0.5, w = 2, b = −1,
/// y = 1; compiled by the build-time generator (Neuron below) and by the in-memory harness.
/// </summary>
/// <remarks>
/// Expected numbers, by hand (and checked with python3's math module):
/// z = x·w + b = 0, a = σ(0) = ½, L = (a − y)² = ¼.
/// ∂L/∂a = 2(a − y) = −1, ∂a/∂z = a(1 − a) = ¼, ∂z/∂w = x = ½, ∂z/∂b = 1,
/// so ∂L/∂w = −1 · ¼ · ½ = −0.125 and ∂L/∂b = −0.25.
/// With ½(a − y)²: L = 0.125, ∂L/∂a = a − y = −½, ∂L/∂w = −0.0625, ∂L/∂b = −0.125.
/// One step with lr = ½: w = 2 + 0.0625 = 2.0625, b = −1 + 0.125 = −0.875, z = 0.15625,
/// a = σ(0.15625) = 0.5389832206876841, L = 0.21253647080750057 (python3).
/// </remarks>
public partial class WorkedExampleTests
{
    // The contract code, verbatim.
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

    // Its twin with the textbook half squared error, in another part of the same partial class.
    public static partial class Neuron
    {
        [Differentiable(nameof(w), nameof(b))]
        public static double HalfLoss(double x, double w, double b, double y)
        {
            double z = x * w + b;
            double a = Activations.Sigmoid(z);
            return Losses.HalfSquaredError(a, y);
        }
    }

    private const double X = 0.5;
    private const double W = 2.0;
    private const double B = -1.0;
    private const double Y = 1.0;
    private const double Tolerance = 1e-12;

    [Fact]
    public void Loss_gradient_matches_the_hand_derivation()
    {
        Neuron.LossGradient g = Neuron.LossWithGradient(X, W, B, Y);

        Assert.Equal(0.25, g.Value, Tolerance);
        Assert.Equal(-0.125, g.W, Tolerance);
        Assert.Equal(-0.25, g.B, Tolerance);
    }

    [Fact]
    public void Half_loss_gradient_matches_the_hand_derivation()
    {
        Neuron.HalfLossGradient g = Neuron.HalfLossWithGradient(X, W, B, Y);

        Assert.Equal(0.125, g.Value, Tolerance);
        Assert.Equal(-0.0625, g.W, Tolerance);
        Assert.Equal(-0.125, g.B, Tolerance);
    }

    [Fact]
    public void Gradient_deconstructs_into_value_and_partials()
    {
        var g = Neuron.LossWithGradient(X, W, B, Y);
        var (value, dw, db) = g;

        Assert.Equal(g.Value, value);
        Assert.Equal(g.W, dw);
        Assert.Equal(g.B, db);
        Assert.Equal(0.25, value, Tolerance);
        Assert.Equal(-0.125, dw, Tolerance);
        Assert.Equal(-0.25, db, Tolerance);

        var (halfValue, halfDw, halfDb) = Neuron.HalfLossWithGradient(X, W, B, Y);
        Assert.Equal((0.125, -0.0625, -0.125), (halfValue, halfDw, halfDb));
    }

    [Fact]
    public void Value_is_exactly_the_loss_itself()
    {
        Assert.Equal(Neuron.Loss(X, W, B, Y), Neuron.LossWithGradient(X, W, B, Y).Value);
        Assert.Equal(Neuron.HalfLoss(X, W, B, Y), Neuron.HalfLossWithGradient(X, W, B, Y).Value);

        // Also away from the symmetric point z = 0, where rounding has more room to differ.
        Assert.Equal(Neuron.Loss(-1.3, 0.7, 0.2, 0.0), Neuron.LossWithGradient(-1.3, 0.7, 0.2, 0.0).Value);
        Assert.Equal(Neuron.HalfLoss(2.9, -0.4, 1.1, 1.0), Neuron.HalfLossWithGradient(2.9, -0.4, 1.1, 1.0).Value);
    }

    [Fact]
    public void Only_the_named_parameters_have_gradient_properties()
    {
        var properties = typeof(Neuron.LossGradient)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name)
            .OrderBy(name => name, StringComparer.Ordinal);
        Assert.Equal(new[] { "B", "Value", "W" }, properties);
        Assert.Equal(typeof(Neuron), typeof(Neuron.LossGradient).DeclaringType);
    }

    [Fact]
    public void One_gradient_descent_step_lowers_the_loss_and_raises_the_activation()
    {
        const double learningRate = 0.5;
        var g = Neuron.LossWithGradient(X, W, B, Y);

        double w = W;
        double b = B;
        w -= learningRate * g.W;
        b -= learningRate * g.B;

        Assert.Equal(2.0625, w, Tolerance);
        Assert.Equal(-0.875, b, Tolerance);

        double activationBefore = Activations.Sigmoid(X * W + B);
        double activationAfter = Activations.Sigmoid(X * w + b);
        double lossAfter = Neuron.Loss(X, w, b, Y);

        Assert.True(lossAfter < g.Value, $"loss went from {g.Value} to {lossAfter}");
        Assert.True(activationAfter > activationBefore, $"activation went from {activationBefore} to {activationAfter}");
        Assert.Equal(0.5389832206876841, activationAfter, Tolerance);
        Assert.Equal(0.21253647080750057, lossAfter, Tolerance);
    }

    private const string ContractSource = """
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

        public static partial class Neuron
        {
            [Differentiable(nameof(w), nameof(b))]
            public static double HalfLoss(double x, double w, double b, double y)
            {
                double z = x * w + b;
                double a = Activations.Sigmoid(z);
                return Losses.HalfSquaredError(a, y);
            }
        }
        """;

    [Fact]
    public void The_in_memory_harness_gives_the_same_numbers()
    {
        var neuron = GeneratorHarness.Run(ContractSource).ShouldSucceed().Load().GetType("Neuron")!;
        object[] arguments = { X, W, B, Y };

        object loss = neuron.GetMethod("LossWithGradient")!.Invoke(null, arguments)!;
        Assert.Equal("LossGradient", loss.GetType().Name);
        Assert.Equal(0.25, Read(loss, "Value"), Tolerance);
        Assert.Equal(-0.125, Read(loss, "W"), Tolerance);
        Assert.Equal(-0.25, Read(loss, "B"), Tolerance);
        Assert.Equal((double)neuron.GetMethod("Loss")!.Invoke(null, arguments)!, Read(loss, "Value"));
        Assert.Null(loss.GetType().GetProperty("X"));
        Assert.Null(loss.GetType().GetProperty("Y"));

        object half = neuron.GetMethod("HalfLossWithGradient")!.Invoke(null, arguments)!;
        Assert.Equal(0.125, Read(half, "Value"), Tolerance);
        Assert.Equal(-0.0625, Read(half, "W"), Tolerance);
        Assert.Equal(-0.125, Read(half, "B"), Tolerance);
        Assert.Equal((double)neuron.GetMethod("HalfLoss")!.Invoke(null, arguments)!, Read(half, "Value"));

        // The generated record struct deconstructs into (value, dw, db).
        var deconstruct = loss.GetType().GetMethod("Deconstruct")!;
        object?[] parts = new object?[3];
        deconstruct.Invoke(loss, parts);
        Assert.Equal(new object?[] { Read(loss, "Value"), Read(loss, "W"), Read(loss, "B") }, parts);
    }

    private static double Read(object gradient, string property) => (double)gradient.GetType().GetProperty(property)!.GetValue(gradient)!;
}
