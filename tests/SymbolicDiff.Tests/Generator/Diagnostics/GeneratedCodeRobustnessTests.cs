namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// Generated code that must hold up against hostile inputs: null arrays, user names that a generated local would
/// take, parameter types the XML docs must name exactly. Each test failed before its fix (two of the defects were
/// found by the fuzzer, see GeneratorFuzzTests).
/// </summary>
public class GeneratedCodeRobustnessTests
{
    private const string DotProduct = """
        using System;
        using SymbolicDiff;

        public static partial class C
        {
            [Differentiable(nameof(w), nameof(b))]
            public static double F(double[] w, double[] x, double b)
            {
                double s = b;
                for (int i = 0; i < w.Length; i++)
                {
                    s += w[i] * x[i];
                }

                return s;
            }
        }
        """;

    private delegate double SpanGradient(double[] w, double[] x, double b, Span<double> dW, out double dB);

    private delegate void Product(double[] w, double[] x, double b, double seed, Span<double> gradient);

    private static Type Compile(string source) => GeneratorHarness.Run(source).ShouldSucceed().Load().GetType("C")!;

    private static ArgumentNullException ThrowsNull(Action call)
    {
        var exception = Record.Exception(call);
        if (exception is System.Reflection.TargetInvocationException { InnerException: { } inner })
        {
            exception = inner;
        }

        return Assert.IsType<ArgumentNullException>(exception);
    }

    [Fact]
    public void A_null_array_is_an_ArgumentNullException_naming_it_in_every_generated_overload()
    {
        var type = Compile(DotProduct);
        double[] w = { 0.5, -1.5 }, x = { 2.0, 3.0 };

        // The allocating overload (before: NullReferenceException at new double[w.Length]).
        var allocating = type.GetMethod("FWithGradient", new[] { typeof(double[]), typeof(double[]), typeof(double) })!;
        Assert.Equal("w", ThrowsNull(() => allocating.Invoke(null, new object?[] { null, x, 1.0 })).ParamName);
        Assert.Equal("x", ThrowsNull(() => allocating.Invoke(null, new object?[] { w, null, 1.0 })).ParamName);

        // The overload into spans (before: the null array became an empty span in the overlap checks, then a
        // NullReferenceException in the loop).
        var spans = type.GetMethods().Single(m => m.Name == "FWithGradient" && m.GetParameters().Length == 5).CreateDelegate<SpanGradient>();
        var dW = new double[2];
        Assert.Equal("x", ThrowsNull(() => spans(w, null!, 1.0, dW, out _)).ParamName);
        Assert.Equal("w", ThrowsNull(() => spans(null!, x, 1.0, dW, out _)).ParamName);

        // The vector-Jacobian product a calling method's backward sweep uses (before: NullReferenceException at w.Length).
        var product = type.GetMethod("FWGradient")!.CreateDelegate<Product>();
        Assert.Equal("w", ThrowsNull(() => product(null!, x, 1.0, 1.0, new double[2])).ParamName);
        Assert.Equal("x", ThrowsNull(() => product(w, null!, 1.0, 1.0, new double[2])).ParamName);

        // Non-null arrays still work: ∂(b + w·x)/∂w = x, ∂/∂b = 1.
        double value = spans(w, x, 1.0, dW, out double dB);
        Assert.Equal(1.0 + 0.5 * 2.0 - 1.5 * 3.0, value);
        Assert.Equal(x, dW);
        Assert.Equal(1.0, dB);
    }

    [Fact]
    public void A_null_constant_array_of_a_method_differentiated_only_for_scalars_is_an_ArgumentNullException()
    {
        var type = Compile("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(b))]
                public static double F(double[] x, double b)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += x[i] * b * b;
                    }

                    return s;
                }
            }
            """);
        var method = type.GetMethod("FWithGradient")!;
        Assert.Equal("x", ThrowsNull(() => method.Invoke(null, new object?[] { null, 2.0 })).ParamName);

        // Σxᵢ·b², ∂/∂b = 2b·Σxᵢ = 2·2·(1 + 3) = 16; finite differences agree.
        var gradient = method.Invoke(null, new object[] { new[] { 1.0, 3.0 }, 2.0 })!;
        double db = (double)gradient.GetType().GetProperty("B")!.GetValue(gradient)!;
        Assert.Equal(16.0, db);
        const double h = 1e-6;
        static double F(double b) => (1.0 + 3.0) * b * b;
        Assert.Equal((F(2 + h) - F(2 - h)) / (2 * h), db, 1e-6);
    }

    [Fact]
    public void A_parameter_named_like_the_scratch_storage_of_an_output_gets_a_renamed_storage()
    {
        // The vector-Jacobian product keeps the gradient of w in a scratch buffer dWStorage: a parameter of that name
        // made CS0136 in generated code.
        var type = Compile("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(w))]
                public static double F(double[] w, double dWStorage)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * dWStorage;
                    }

                    return s;
                }
            }
            """);

        // ∂(c·Σwᵢ²)/∂wᵢ = 2c·wᵢ, added times the seed.
        double[] w = { 0.5, -2.0 };
        var gradient = new double[] { 10.0, 20.0 };
        var product = type.GetMethod("FWGradient")!.CreateDelegate<StorageProduct>();
        product(w, 3.0, 0.5, gradient);
        Assert.Equal(new[] { 10.0 + 0.5 * 2 * 3.0 * 0.5, 20.0 + 0.5 * 2 * 3.0 * -2.0 }, gradient);
    }

    private delegate void StorageProduct(double[] w, double dWStorage, double seed, Span<double> gradient);

    [Fact]
    public void A_parameter_named_like_the_scratch_storage_of_a_buffers_adjoint_gets_a_renamed_storage()
    {
        // The adjoint of the local buffer h is dS_dh (∂s/∂h, s being the result), kept in a scratch buffer
        // dS_dhStorage: a parameter of that name made CS0136 in generated code.
        var type = Compile("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(w))]
                public static double F(double[] w, double dS_dhStorage)
                {
                    Span<double> h = stackalloc double[w.Length];
                    for (int i = 0; i < w.Length; i++)
                    {
                        h[i] = w[i] * w[i];
                    }

                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += h[i] * dS_dhStorage;
                    }

                    return s;
                }
            }
            """);

        double[] w = { 0.5, -2.0, 1.5 };
        const double c = 3.0;
        var result = type.GetMethod("FWithGradient", new[] { typeof(double[]), typeof(double) })!.Invoke(null, new object[] { w, c })!;
        var dW = (double[])result.GetType().GetProperty("W")!.GetValue(result)!;

        // c·Σwᵢ²: ∂/∂wᵢ = 2c·wᵢ, worked out by hand, and by central differences.
        Assert.Equal(w.Select(wi => 2 * c * wi), dW);
        for (int i = 0; i < w.Length; i++)
        {
            double h = 1e-6;
            double Shifted(double by) => w.Select((wk, k) => k == i ? (wk + by) * (wk + by) : wk * wk).Sum() * c;
            Assert.Equal((Shifted(h) - Shifted(-h)) / (2 * h), dW[i], 1e-6);
        }
    }

    [Fact]
    public void A_nullable_parameter_is_named_exactly_in_the_generated_docs()
    {
        // The crefs of the generated docs dropped the '?', so that M(double, double) did not resolve to
        // M(double, double?): warning CS1574 in generated code (found by the fuzzer).
        GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double F(double x, double? unused) => x * x;
            }
            """).ShouldSucceed();
    }
}
