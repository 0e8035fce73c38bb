namespace SymbolicDiff.Tests.Generator;

/// <summary>A user's name that a generated name would take is never a compile error in generated code.</summary>
public class GeneratedNameCollisionTests
{
    [Fact]
    public void A_parameter_named_like_a_gradient_output_gets_a_renamed_output()
    {
        // x's output would be dX, the name of the user's own parameter: it becomes dX_1 (before, CS0100 in
        // generated code and no SD diagnostic).
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double F(double[] x, double dX)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += x[i] * x[i] * dX;
                    }

                    return s;
                }
            }
            """).ShouldSucceed();

        var method = run.Load().GetType("C")!.GetMethods().Single(m => m.Name == "FWithGradient" && m.GetParameters().Length == 3);
        Assert.Equal(new[] { "x", "dX", "dX_1" }, method.GetParameters().Select(p => p.Name));

        double[] x = { 0.5, -2.0 };
        var gradient = new double[2];
        double value = Invoke(method, x, 3.0, gradient);
        Assert.Equal((0.25 + 4.0) * 3.0, value);
        Assert.Equal(new[] { 2 * 0.5 * 3.0, 2 * -2.0 * 3.0 }, gradient);   // ∂(3Σxᵢ²)/∂xᵢ = 6xᵢ
    }

    [Fact]
    public void Parameters_named_like_the_vector_Jacobian_products_own_take_precedence()
    {
        // The generated WeightsGradient(…, seed, gradient) would repeat a parameter named seed or gradient.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(weights))]
                public static double F(double[] weights, double seed, double gradient, int i)
                {
                    double s = 0;
                    for (int k = 0; k < weights.Length; k++)
                    {
                        s += weights[k] * seed * gradient * i;
                    }

                    return s;
                }
            }
            """).ShouldSucceed();

        var product = run.Load().GetType("C")!.GetMethod("FWeightsGradient")!;
        Assert.Equal(new[] { "weights", "seed", "gradient", "i", "seed_1", "gradient_1" }, product.GetParameters().Select(p => p.Name));
    }

    [Fact]
    public void A_local_and_a_parameter_named_like_the_trace_leave_the_trace_another_name()
    {
        // MDerivation's trace is the local `derivation`: the body's own local and a parameter derivation_1 take the first two.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double F(double x, double derivation_1)
                {
                    double derivation = x * x;
                    return derivation * derivation_1;
                }
            }
            """).ShouldSucceed();

        Assert.Contains("var derivation_2 = new global::SymbolicDiff.Derivation(", run.Derivation("C.F.g.cs"), StringComparison.Ordinal);
        var trace = (Derivation)run.Load().GetType("C")!.GetMethod("FDerivation")!.Invoke(null, new object[] { 1.5, 3.0 })!;
        Assert.Equal(1.5 * 1.5 * 3.0, trace.Value);
        Assert.Equal(2 * 1.5 * 3.0, trace.Gradient[0].Value);   // ∂(x²c)/∂x = 2xc
        const double h = 1e-6;
        Assert.Equal(((1.5 + h) * (1.5 + h) * 3.0 - (1.5 - h) * (1.5 - h) * 3.0) / (2 * h), trace.Gradient[0].Value, 1e-8);
    }

    // Span arguments cannot go through MethodInfo.Invoke: a delegate of the right shape calls the method.
    private delegate double Gradient(double[] x, double dX, Span<double> output);

    private static double Invoke(System.Reflection.MethodInfo method, double[] x, double dX, double[] output) =>
        method.CreateDelegate<Gradient>()(x, dX, output);
}
