using SymbolicDiff.Tests.Generator.Loops;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// The generated <c>MWithDerivative</c> (forward mode, a Jacobian-vector product) checked two ways at seeded random
/// points and random directions: against the reverse-mode gradient dotted with the direction, and against a central
/// finite difference of the method along the direction. Its value must be exactly the method's.
/// </summary>
public class ForwardModeTests
{
    private const int Points = 8;
    private const double Step = 1e-6;
    private const double FiniteDifferenceTolerance = 1e-6;
    private const double GradientTolerance = 1e-9;

    /// <summary>Loops, branches, early returns, running indices, buffers, Math, runtime and [Differentiable] callees, functions over vectors.</summary>
    [Fact]
    public void Every_method_of_VectorFunctions_gets_a_derivative_equal_to_its_gradient_along_the_direction_and_to_finite_differences()
    {
        string source = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Loops", "VectorFunctions.cs"));
        var run = GeneratorHarness.Run("using System;\n" + source);
        Assert.Empty(run.GeneratorDiagnostics);
        var methods = JvpHarness.Methods(run);

        // Every method of the file but one: forward mode does not yet chain through the scalar product of a
        // function over vectors given a varying real (HelperWithVaryingScale), so that method gets only its gradient.
        var expected = typeof(SymbolicDiff.Tests.Generator.Loops.VectorFunctions).GetMethods()
            .Where(m => m.GetCustomAttributes(typeof(DifferentiableAttribute), false).Length > 0)
            .Select(m => m.Name)
            .Where(name => name != nameof(SymbolicDiff.Tests.Generator.Loops.VectorFunctions.HelperWithVaryingScale))
            .OrderBy(name => name, StringComparer.Ordinal);
        Assert.Equal(expected, methods.Select(m => m.Name).OrderBy(name => name, StringComparer.Ordinal));
        foreach (var method in methods)
        {
            Check(method, VectorFiniteDifferenceTests.Lengths.TryGetValue(method.Name, out var lengths) ? lengths : null);
        }
    }

    private const string Constructs = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            /// <summary>An early return makes a scalar method take the structured path.</summary>
            [Differentiable]
            public static double Ramp(double x)
            {
                if (x < 0)
                {
                    return 0;
                }

                return x * x * x;
            }

            /// <summary>Math functions over a span, a quotient, a running index stepped by the loop.</summary>
            [Differentiable]
            public static double Mixed(ReadOnlySpan<double> x, double s)
            {
                double total = 0;
                int k = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double u = Math.Exp(x[i] * s) / (1 + x[i] * x[i]);
                    total += Math.Sqrt(u + 1) + Math.Log(1 + u) + Math.Pow(Math.Abs(x[k]) + 1, s) + Math.Atan2(x[i], s + 2) + Math.Tanh(u * s) + Math.Cbrt(u) * Math.Sin(s);
                    k++;
                }

                return total / x.Length;
            }

            /// <summary>Sigmoid and the mean squared error through their declared partials.</summary>
            [Differentiable(nameof(w), nameof(b))]
            public static double Neuron(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, double y)
            {
                double z = b;
                for (int i = 0; i < x.Length; i++)
                {
                    z += w[i] * x[i];
                }

                double a = Activations.Sigmoid(z);
                return Losses.MeanSquaredError(a, y);
            }

            /// <summary>A constant parameter reassigned with a varying value, a stackalloc buffer, Max, Min and Clamp.</summary>
            [Differentiable(nameof(w))]
            public static double Reassigned(double[] w, double scale)
            {
                Span<double> h = stackalloc double[w.Length];
                for (int i = 0; i < w.Length; i++)
                {
                    h[i] = Math.Max(w[i], 0.1 * w[i]);
                }

                for (int i = 0; i < w.Length; i++)
                {
                    scale = Math.Clamp(scale * 0.9 + h[i], -5.0, 5.0);
                }

                return scale * scale + Math.Min(h[0], scale);
            }

            /// <summary>A parameter named like another's tangent: the tangents become dX_1 (for x) and dDX (for dX).</summary>
            [Differentiable]
            public static double Collide(double[] x, double dX)
            {
                double dXSum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    dXSum += x[i] * dX;
                }

                return dXSum * dXSum;
            }

            /// <summary>A statement that reads its own target through a rule that reuses its value: the tangent goes first.</summary>
            [Differentiable(nameof(x))]
            public static double Iterated(double x, int n)
            {
                double p = x;
                for (int i = 0; i < n + 1; i++)
                {
                    p = Math.Exp(p * 0.5) / (1 + p * p);
                }

                return p;
            }

            /// <summary>Binary cross-entropy of logits built in a loop, and a dot product of two differentiated vectors.</summary>
            [Differentiable(nameof(w), nameof(v))]
            public static double Logits(double[] w, double[] v, double[] targets)
            {
                double[] logits = new double[targets.Length];
                for (int i = 0; i < targets.Length; i++)
                {
                    logits[i] = w[i] * 2 - v[i];
                }

                return Losses.BinaryCrossEntropyWithLogits(logits, targets) + Vectors.Dot(w, v) * Vectors.Dot(v, v);
            }

            /// <summary>An assignment in a branch whose rule reuses its value: the tangent follows it, under the same condition.</summary>
            [Differentiable]
            public static double Gated(double[] x)
            {
                double s = 0;
                double last = 1;
                for (int i = 0; i < x.Length; i++)
                {
                    if (x[i] > 0)
                    {
                        last = Math.Exp(x[i] * last);
                        s += last;
                    }
                    else
                    {
                        s += 1;
                        last = Math.Sqrt(x[i] * x[i] + 1);
                    }
                }

                return s + last;
            }

            /// <summary>A buffer element assigned from a function over the same buffer, which reads it whole.</summary>
            [Differentiable]
            public static double SelfDot(double[] w)
            {
                double[] h = new double[w.Length];
                for (int i = 0; i < w.Length; i++)
                {
                    h[i] = w[i] * w[i];
                }

                h[0] = Vectors.Dot(h, w);
                return h[0] + Vectors.Dot(h, h);
            }
        }
        """;

    [Fact]
    public void Early_returns_math_runtime_functions_buffers_and_colliding_names_match_the_gradient_and_finite_differences()
    {
        var run = GeneratorHarness.Run(Constructs).ShouldSucceed();
        Assert.Contains("CollideWithDerivative(double[] x, double dX, global::System.ReadOnlySpan<double> dX_1, double dDX)", run.Source("Models.Collide.g.cs"), StringComparison.Ordinal);
        var methods = JvpHarness.Methods(run);
        Assert.Equal(new[] { "Collide", "Gated", "Iterated", "Logits", "Mixed", "Neuron", "Ramp", "Reassigned", "SelfDot" }, methods.Select(m => m.Name).Order().ToArray());
        foreach (var method in methods)
        {
            Check(method, method.Name == "Logits" ? random => Enumerable.Repeat(random.Next(2, 6), 3).ToArray() : null);
        }
    }

    [Fact]
    public void The_worked_example_over_spans_gives_the_derivatives_worked_out_by_hand()
    {
        // README: x = 0.5, w = 2, b = −1, y = 1 gives ∂L/∂w = −0.125 and ∂L/∂b = −0.25 (MSE of σ(z), z = 0).
        double[] x = { 0.5 }, w = { 2.0 };
        var (value, alongW) = SpanModels.NeuronWithDerivative(x, w, -1.0, 1.0, new[] { 1.0 }, 0.0);
        var (_, alongB) = SpanModels.NeuronWithDerivative(x, w, -1.0, 1.0, new[] { 0.0 }, 1.0);
        var (_, mixed) = SpanModels.NeuronWithDerivative(x, w, -1.0, 1.0, new[] { 2.0 }, 3.0);

        Assert.Equal(0.25, value);
        Assert.Equal(-0.125, alongW);
        Assert.Equal(-0.25, alongB);
        Assert.Equal(2 * -0.125 + 3 * -0.25, mixed);
    }

    [Fact]
    public void An_instance_method_reads_its_fields_and_its_derivative_is_the_one_derived_by_hand()
    {
        const string source = """
            using SymbolicDiff;

            public partial class Spring
            {
                private readonly double _stiffness = 1.5;

                /// <summary>½·k·Σ x², whose derivative along dx is k·Σ x·dx.</summary>
                [Differentiable]
                public double Energy(double[] x)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += 0.5 * _stiffness * x[i] * x[i];
                    }

                    return s;
                }

                public static double[] Jvp(double[] x, double[] dX)
                {
                    var (value, derivative) = new Spring().EnergyWithDerivative(x, dX);
                    return new[] { value, derivative };
                }
            }
            """;
        var type = GeneratorHarness.Run(source).ShouldSucceed().Load().GetType("Spring")!;
        double[] x = { 0.5, -1.25, 2.0 }, dX = { 1.0, 0.5, -0.25 };

        var result = (double[])type.GetMethod("Jvp")!.Invoke(null, new object[] { x, dX })!;

        Assert.Equal(0.75 * (0.25 + 1.5625 + 4.0), result[0], 12);
        Assert.Equal(1.5 * (0.5 * 1.0 + -1.25 * 0.5 + 2.0 * -0.25), result[1], 12);
    }

    [Fact]
    public void A_float_method_computes_its_derivative_in_float()
    {
        var x = new[] { 0.5f, -1.0f, 0.25f };
        var weights = new[] { 0.3f, 0.7f, -0.2f };
        var direction = new[] { 1.0f, -0.5f, 2.0f };

        var (value, derivative) = SpanModels.FloatTanhLayerWithDerivative(x, weights, direction);

        // Σ tanh(wᵢxᵢ)², whose derivative along d is Σ 2·tanh(wᵢxᵢ)·(1 − tanh²(wᵢxᵢ))·xᵢ·dᵢ, in double as the oracle.
        double expected = 0, expectedValue = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double h = Math.Tanh((double)weights[i] * x[i]);
            expectedValue += h * h;
            expected += 2 * h * (1 - h * h) * x[i] * direction[i];
        }

        Assert.Equal(SpanModels.FloatTanhLayer(x, weights), value);
        Assert.Equal(expectedValue, value, 5);
        Assert.Equal(expected, derivative, 5);
        var gradient = SpanModels.FloatTanhLayerWithGradient(x, weights);
        Assert.Equal(gradient.Weights.Zip(direction, (g, d) => (double)g * d).Sum(), derivative, 5);
    }

    [Fact]
    public void A_tangent_of_the_wrong_length_is_an_ArgumentException_naming_it()
    {
        double[] x = { 0.5, 1.0 }, w = { 2.0, -1.0 };

        var exception = Assert.Throws<ArgumentException>(() => SpanModels.LogisticWithDerivative(x, w, 0.1, 1.0, new double[3], 0.0));

        Assert.Equal("dWeights", exception.ParamName);
    }

    /// <summary>At seeded random points and directions: the value exactly, the derivative against ∇M·d and the central difference.</summary>
    internal static void Check(JvpMethod method, Func<Random, int[]>? lengths)
    {
        var random = new Random(method.Name.Length * 7919 + 31);
        for (int point = 0; point < Points; point++)
        {
            var arguments = Arguments(method, lengths, random);
            var tangents = method.Tangents.Select(i => arguments[i] switch
            {
                double[] vector => (object)vector.Select(_ => random.NextDouble() * 2 - 1).ToArray(),
                _ => random.NextDouble() * 2 - 1,
            }).ToArray();
            string at = $"{method.Name} at point {point}";

            var (value, derivative) = method.Derivative(arguments, tangents);
            Assert.True(method.F(arguments).Equals(value), $"{at}: value {value:R}, the method gives {method.F(arguments):R}");

            var (gradientValue, gradientAlong) = method.GradientDotTangent(arguments, tangents);
            Assert.Equal(gradientValue, value);
            Assert.True(
                Math.Abs(derivative - gradientAlong) <= GradientTolerance * Math.Max(1, Math.Abs(gradientAlong)),
                $"{at}: forward mode {derivative:R}, reverse-mode gradient · direction {gradientAlong:R}");

            double difference = method.CentralDifference(arguments, tangents, Step);
            Assert.True(
                Math.Abs(derivative - difference) <= FiniteDifferenceTolerance * Math.Max(1, Math.Abs(difference)),
                $"{at}: forward mode {derivative:R}, central difference {difference:R}");
        }
    }

    private static object[] Arguments(JvpMethod method, Func<Random, int[]>? shape, Random random)
    {
        int common = random.Next(3, 7);
        int[] lengths = shape?.Invoke(random) ?? method.Parameters.Select(_ => common).ToArray();
        int next = 0;
        return method.Parameters.Select(p => p.Type switch
        {
            "double[]" => (object)Enumerable.Range(0, lengths[next++]).Select(_ => Uniform(random)).ToArray(),
            "int" => random.Next(0, 6),
            _ => Uniform(random),
        }).ToArray();
    }

    // Away from 0, where ReLU, Abs and Max have their kinks: [-1.5, -0.1] ∪ [0.1, 1.5].
    private static double Uniform(Random random)
    {
        double magnitude = 0.1 + 1.4 * random.NextDouble();
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }
}
