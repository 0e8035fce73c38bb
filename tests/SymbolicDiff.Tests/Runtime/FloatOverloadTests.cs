using System.Reflection;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The float overloads of the scalar activations and losses (issue 13, item 5): each agrees with the double
/// overload at the same (float) inputs to within float rounding, and declares its derivatives as the double
/// overload does, resolving to float derivative methods.
/// </summary>
public class FloatOverloadTests
{
    private static readonly float[] Inputs = [-120f, -80f, -40f, -17.5f, -3.25f, -1f, -0.3f, -1e-6f, 0f, 1e-6f, 0.3f, 0.5f, 1f, 2.75f, 9.5f, 17.5f, 40f, 80f, 120f];

    private static readonly float[] Probabilities = [0f, 1e-30f, 1e-6f, 0.1f, 0.3f, 0.5f, 0.7f, 0.999f, 1f];

    private static readonly float[] Targets = [0f, 0.25f, 1f];

    /// <summary>One-argument float functions and their double counterparts, by name.</summary>
    public static TheoryData<string> Unary => new()
    {
        nameof(Activations.Sigmoid), nameof(Activations.Tanh), nameof(Activations.Relu), nameof(Activations.Softplus),
        nameof(Activations.ReluDerivative), nameof(Activations.SoftplusDerivative),
    };

    [Theory]
    [MemberData(nameof(Unary))]
    public void Unary_activations_agree_with_the_double_overload(string name)
    {
        var single = Method(typeof(Activations), name, typeof(float));
        var twin = Method(typeof(Activations), name, typeof(double));
        foreach (float x in Inputs)
        {
            float actual = (float)single.Invoke(null, [x])!;
            double expected = (double)twin.Invoke(null, [(double)x])!;
            AssertFloatClose(expected, actual, $"{name}({x})");
        }
    }

    [Fact]
    public void Derivatives_that_take_the_value_agree_with_the_double_overload()
    {
        foreach (float z in Inputs)
        {
            float sigmoid = Activations.Sigmoid(z);
            AssertFloatClose(Activations.SigmoidDerivative((double)z, Activations.Sigmoid((double)z)), Activations.SigmoidDerivative(z, sigmoid), $"σ'({z})");

            float tanh = Activations.Tanh(z);
            AssertFloatClose(Activations.TanhDerivative((double)z, tanh), Activations.TanhDerivative(z, tanh), $"tanh'({z})");

            AssertFloatClose(Activations.LeakyRelu((double)z, 0.2), Activations.LeakyRelu(z, 0.2f), $"leaky_relu({z}, 0.2)");
            AssertFloatClose(Activations.LeakyRelu((double)z), Activations.LeakyRelu(z), $"leaky_relu({z})");
            AssertFloatClose(Activations.LeakyReluDerivative((double)z, 0.2), Activations.LeakyReluDerivative(z, 0.2f), $"leaky_relu'({z}, 0.2)");
        }
    }

    [Fact]
    public void Sigmoid_derivative_in_float_keeps_its_tails()
    {
        // σ'(±80) = e^−80/(1 + e^−80)² = 1.8048513878454153e-35 (python3 decimal), a normal float; σ(80) is 1 in float.
        Assert.Equal(1f, Activations.Sigmoid(80f));
        foreach (float z in new[] { 80f, -80f })
        {
            float actual = Activations.SigmoidDerivative(z, Activations.Sigmoid(z));
            Assert.True(Math.Abs(actual - 1.8048513878454153e-35) <= 1.8048513878454153e-35 * 1e-7, $"σ'({z}) = {actual:R}");
        }
    }

    /// <summary>Two-argument float losses and partials and their double counterparts, by name.</summary>
    public static TheoryData<string> Binary => new()
    {
        nameof(Losses.MeanSquaredError), nameof(Losses.MeanSquaredErrorPredictionDerivative), nameof(Losses.MeanSquaredErrorTargetDerivative),
        nameof(Losses.HalfSquaredError), nameof(Losses.HalfSquaredErrorPredictionDerivative), nameof(Losses.HalfSquaredErrorTargetDerivative),
        nameof(Losses.BinaryCrossEntropy), nameof(Losses.BinaryCrossEntropyProbabilityDerivative), nameof(Losses.BinaryCrossEntropyTargetDerivative),
        nameof(Losses.BinaryCrossEntropyWithLogits), nameof(Losses.BinaryCrossEntropyWithLogitsLogitDerivative), nameof(Losses.BinaryCrossEntropyWithLogitsTargetDerivative),
    };

    [Theory]
    [MemberData(nameof(Binary))]
    public void Losses_and_their_partials_agree_with_the_double_overload(string name)
    {
        var single = Method(typeof(Losses), name, typeof(float), typeof(float));
        var twin = Method(typeof(Losses), name, typeof(double), typeof(double));
        var firsts = name.StartsWith("BinaryCrossEntropy", StringComparison.Ordinal) && !name.Contains("Logits", StringComparison.Ordinal) ? Probabilities : Inputs;
        foreach (float first in firsts)
        {
            foreach (float target in Targets)
            {
                float actual = (float)single.Invoke(null, [first, target])!;
                double expected = (double)twin.Invoke(null, [(double)first, (double)target])!;
                AssertFloatClose(expected, actual, $"{name}({first}, {target})");
            }
        }
    }

    [Fact]
    public void The_float_overloads_compute_the_worked_example()
    {
        // x = 0.5, w = 2, b = −1, y = 1: z = 0, a = σ(0) = 0.5, loss = (0.5 − 1)² = 0.25; all exact in float.
        float a = Activations.Sigmoid(0.5f * 2f - 1f);
        Assert.Equal(0.5f, a);
        Assert.Equal(0.25f, Losses.MeanSquaredError(a, 1f));
        Assert.Equal(-1f, Losses.MeanSquaredErrorPredictionDerivative(a, 1f));
        Assert.Equal(0.25f, Activations.SigmoidDerivative(0f, a));
    }

    /// <summary>Every double scalar activation and loss with a [Derivative] declaration.</summary>
    public static TheoryData<string, string> Declared => new()
    {
        { nameof(Activations), nameof(Activations.Sigmoid) }, { nameof(Activations), nameof(Activations.Tanh) },
        { nameof(Activations), nameof(Activations.Relu) }, { nameof(Activations), nameof(Activations.LeakyRelu) },
        { nameof(Activations), nameof(Activations.Softplus) },
        { nameof(Losses), nameof(Losses.MeanSquaredError) }, { nameof(Losses), nameof(Losses.HalfSquaredError) },
        { nameof(Losses), nameof(Losses.BinaryCrossEntropy) }, { nameof(Losses), nameof(Losses.BinaryCrossEntropyWithLogits) },
    };

    [Theory]
    [MemberData(nameof(Declared))]
    public void Each_float_overload_declares_the_derivatives_of_its_double_twin_and_they_resolve_to_float_methods(string typeName, string name)
    {
        var type = typeName == nameof(Activations) ? typeof(Activations) : typeof(Losses);
        var twin = type.GetMethods().Single(m => m.Name == name && m.ReturnType == typeof(double) && m.GetParameters().All(p => p.ParameterType == typeof(double)));
        var single = type.GetMethods().Single(m => m.Name == name && m.ReturnType == typeof(float) && m.GetParameters().All(p => p.ParameterType == typeof(float)));
        Assert.Equal(twin.GetParameters().Select(p => p.Name), single.GetParameters().Select(p => p.Name));

        var expected = twin.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
        var actual = single.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
        Assert.NotEmpty(actual);
        Assert.Equal(expected, actual);

        // As the generator resolves them: same type, static, returning float, taking the function's float
        // parameters, optionally followed by a float receiving the value.
        int n = single.GetParameters().Length;
        foreach (var (_, derivative) in actual)
        {
            Assert.Contains(type.GetMethods(BindingFlags.Public | BindingFlags.Static), m =>
                m.Name == derivative && m.ReturnType == typeof(float) &&
                m.GetParameters().Length is var count && (count == n || count == n + 1) &&
                m.GetParameters().All(p => p.ParameterType == typeof(float)));
        }
    }

    private static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, parameters) ?? throw new InvalidOperationException($"{type.Name}.{name}({string.Join(", ", parameters.Select(p => p.Name))}) does not exist");

    /// <summary>Within two float ulps of the double value rounded to float (or both NaN, or both the same infinity or zero).</summary>
    private static void AssertFloatClose(double expected, float actual, string what)
    {
        float rounded = (float)expected;
        if (float.IsNaN(rounded) || float.IsInfinity(rounded) || rounded == 0)
        {
            Assert.True(rounded.Equals(actual) || (rounded == 0 && actual == 0), $"{what}: expected {rounded:R}, got {actual:R}");
            return;
        }

        float tolerance = 2 * (MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded));
        Assert.True(Math.Abs(actual - rounded) <= tolerance, $"{what}: expected {rounded:R} (from {expected:R}), got {actual:R}");
    }
}
