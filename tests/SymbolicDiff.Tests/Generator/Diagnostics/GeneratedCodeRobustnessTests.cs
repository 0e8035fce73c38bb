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

    [Fact]
    public void A_local_named_nameof_does_not_break_the_argument_checks()
    {
        // The argument checks wrote nameof(dW): with a local named nameof in the method, CS0841 in generated code
        // (found by the fuzzer). They write the name as a string now.
        var type = Compile("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(w))]
                public static double F(double[] w)
                {
                    double nameof = 0.5;
                    for (int i = 0; i < w.Length; i++)
                    {
                        nameof += w[i] * w[i];
                    }

                    return nameof;
                }
            }
            """);
        var spans = type.GetMethods().Single(m => m.Name == "FWithGradient" && m.GetParameters().Length == 2).CreateDelegate<OneVector>();
        var exception = Assert.Throws<ArgumentException>(() => spans(new[] { 1.0, 2.0 }, new double[3]));
        Assert.Equal("dW", exception.ParamName);

        // 0.5 + Σwᵢ², ∂/∂wᵢ = 2wᵢ.
        var dW = new double[2];
        Assert.Equal(0.5 + 1 + 4, spans(new[] { 1.0, 2.0 }, dW));
        Assert.Equal(new[] { 2.0, 4.0 }, dW);
    }

    private delegate double OneVector(double[] w, Span<double> dW);

    [Fact]
    public void A_parameter_named_like_its_method_does_not_hide_the_method_from_the_docs()
    {
        // Inside the generated struct M0Gradient, the property M0 (of the parameter M0) hid the method M0 from the
        // struct's cref: CS1574 in generated code (found by the fuzzer).
        var type = Compile("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double M0(double x, double M0) => x * M0 * M0;
            }
            """);
        var gradient = type.GetMethod("M0WithGradient")!.Invoke(null, new object[] { 3.0, 2.0 })!;
        Assert.Equal(4.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);     // ∂(x·m²)/∂x = m²
        Assert.Equal(12.0, (double)gradient.GetType().GetProperty("M0")!.GetValue(gradient)!);   // ∂(x·m²)/∂m = 2xm
    }

    [Fact]
    public void A_constant_condition_in_a_loop_method_leaves_no_unreachable_code()
    {
        // !(1.5 > 0) is folded to !true, and the element adjoint it guards was written if (!true) …: warning CS0162 in
        // generated code, an error for a project with TreatWarningsAsErrors (found by the fuzzer, in a valid program).
        var type = Compile("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] v, double a) =>
                    (!(1.5 > 0) ? Activations.Sigmoid(v[v.Length - 1]) : Math.Tanh(a));
            }
            """);
        var gradient = type.GetMethod("FWithGradient", new[] { typeof(double[]), typeof(double) })!.Invoke(null, new object[] { new[] { 0.3, 0.7 }, 0.5 })!;
        Assert.Equal(new[] { 0.0, 0.0 }, (double[])gradient.GetType().GetProperty("V")!.GetValue(gradient)!);
        double tanh = Math.Tanh(0.5);
        Assert.Equal(1 - tanh * tanh, (double)gradient.GetType().GetProperty("A")!.GetValue(gradient)!, 1e-15);
    }

    [Fact]
    public void A_long_constant_beyond_the_double_integers_is_written_as_an_integer()
    {
        // long.MinValue in an int local was written -9.223372036854776E+18, a double: CS0266 in generated code (found
        // by the fuzzer). −2⁶³ is a double exactly, and is written -9223372036854775808 now.
        var type = Compile("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    long big = long.MinValue;
                    if (x > 1)
                    {
                        big = long.MinValue / 2;
                    }

                    return x * (big < 0 ? 2.0 : 3.0);
                }
            }
            """);
        var gradient = type.GetMethod("FWithGradient")!.Invoke(null, new object[] { 2.0 })!;
        Assert.Equal(2.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }
}
