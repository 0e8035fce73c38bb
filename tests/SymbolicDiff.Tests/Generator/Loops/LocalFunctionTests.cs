using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Local functions, as people write small helpers inside a method: a straight-line one (parameters and locals of the
/// real type, then one return) is read in place at each call, static or capturing the method's parameters.
/// </summary>
public static partial class LocalFunctionFunctions
{
    /// <summary>Σ xᵢ² + sin(scale·xᵢ) + (scale·xᵢ)², through a static local function and one that captures scale.</summary>
    [Differentiable]
    public static double SquaresAndWaves(double[] x, double scale)
    {
        static double Square(double v) => v * v;

        double Scaled(double v)
        {
            double t = v * scale;
            return Math.Sin(t) + Square(t);
        }

        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Square(x[i]) + Scaled(x[i]);
        }

        return s;
    }

    /// <summary>A neuron written with a local sigmoid: σ(w·x + b)·w, straight-line.</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double Neuron(double x, double w, double b)
    {
        static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
        return Sigmoid(x * w + b) * w;
    }
}

public class LocalFunctionTests
{
    [Fact]
    public void Local_functions_static_and_capturing_give_the_hand_worked_gradient()
    {
        double[] x = { 0.5, -1, 2 };
        double scale = 1.5;
        double[] gradient = new double[3];
        double value = LocalFunctionFunctions.SquaresAndWavesWithGradient(x, scale, gradient, out double dScale);
        Assert.Equal(LocalFunctionFunctions.SquaresAndWaves(x, scale), value);

        // ∂/∂xᵢ = 2xᵢ + scale·(cos(scale·xᵢ) + 2·scale·xᵢ); ∂/∂scale = Σ xᵢ·(cos(scale·xᵢ) + 2·scale·xᵢ).
        double expectedScale = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double inner = Math.Cos(scale * x[i]) + 2 * scale * x[i];
            Assert.Equal(2 * x[i] + scale * inner, gradient[i], 13);
            expectedScale += x[i] * inner;
        }

        Assert.Equal(expectedScale, dScale, 13);
    }

    [Fact]
    public void A_local_sigmoid_gives_the_worked_example_neurons_partials()
    {
        // z = 0.5·2 − 1 = 0: σ = 0.5, σ' = 0.25. f = σ(z)·w: ∂f/∂w = σ'·x·w + σ = 0.25·0.5·2 + 0.5 = 0.75; ∂f/∂b = σ'·w = 0.5.
        var result = LocalFunctionFunctions.NeuronWithGradient(0.5, 2, -1);
        Assert.Equal(1.0, result.Value, 15);
        Assert.Equal(0.75, result.W, 15);
        Assert.Equal(0.5, result.B, 15);
    }

    [Theory]
    [InlineData(nameof(LocalFunctionFunctions.SquaresAndWaves))]
    [InlineData(nameof(LocalFunctionFunctions.Neuron))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(LocalFunctionFunctions), methodName, null);

    [Fact]
    public void A_local_function_that_is_not_straight_line_is_SD0005_at_its_call_saying_what_to_write()
    {
        DiagnosticAssert.Single(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double Twice(double v)
                    {
                        double r = v;
                        if (v > 0) r = 2 * v;
                        return r;
                    }

                    return [|Twice|](x);
                }
            }
            """,
            "SD0005",
            "A call of the local function 'Twice', which is not straight-line (a local function is read in place at each call: double parameters, double locals, then one return; or make it a static method marked [Differentiable]) is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative");
    }
}
