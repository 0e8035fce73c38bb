namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Activations.Sigmoid, Tanh and Softplus declare their derivative with [Derivative], that derivative declares its
/// partials, and those declare theirs; Math.Tanh's rule is a call of Activations.TanhDerivative with the same partials.
/// A third derivative through each (ThirdOrder = true, forward mode over a Hessian that calls the second-level partials)
/// is generated and exact, on both sides of the point where the derivative method changes formula (z = 1 for
/// SigmoidDerivative, |x| = 1 for TanhDerivative). Checked against the activation's third derivative by hand and
/// against central differences of the generated Hessian.
/// </summary>
public class ActivationThirdDerivativeTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class ActivationThird
        {
            [Differentiable(ThirdOrder = true)]
            public static double Sigmoid(double x, double y) => Activations.Sigmoid(x * y);

            [Differentiable(ThirdOrder = true)]
            public static double Tanh(double x, double y) => Activations.Tanh(x * y);

            [Differentiable(ThirdOrder = true)]
            public static double Softplus(double x, double y) => Activations.Softplus(x * y);

            [Differentiable(ThirdOrder = true)]
            public static double MathTanh(double x, double y) => Math.Tanh(x * y);

            [Differentiable(ThirdOrder = true)]
            public static float SigmoidFloat(float x, float y) => Activations.Sigmoid(x * y);

            [Differentiable(ThirdOrder = true)]
            public static float TanhFloat(float x, float y) => Activations.Tanh(x * y);

            [Differentiable(ThirdOrder = true)]
            public static float SoftplusFloat(float x, float y) => Activations.Softplus(x * y);

            public static float[] FloatHessianWithDerivative(string name, float x, float y, float dx, float dy)
            {
                var all = new float[11];
                all[0] = name switch
                {
                    "Sigmoid" => SigmoidFloatHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                    "Tanh" => TanhFloatHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                    _ => SoftplusFloatHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                };
                return all;
            }

            public static double[] HessianWithDerivative(string name, double x, double y, double dx, double dy)
            {
                var all = new double[11];
                all[0] = name switch
                {
                    "Sigmoid" => SigmoidHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                    "Tanh" => TanhHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                    "MathTanh" => MathTanhHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                    _ => SoftplusHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4)),
                };
                return all;
            }

            public static double[] Hessian(string name, double x, double y)
            {
                var all = new double[7];
                all[0] = name switch
                {
                    "Sigmoid" => SigmoidWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4)),
                    "Tanh" => TanhWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4)),
                    "MathTanh" => MathTanhWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4)),
                    _ => SoftplusWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4)),
                };
                return all;
            }
        }
        """;

    private static readonly Lazy<Type> Compiled = new(() => GeneratorHarness.Run(Source).ShouldSucceed().Load().GetType("ActivationThird")!);

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Softplus")]
    [InlineData("MathTanh")]
    public void The_third_derivatives_of_an_activation_of_a_product_match_the_closed_form_and_central_differences(string name)
    {
        var type = Compiled.Value;

        // u = xy on both sides of u = 1 (Sigmoid's branch) and of u = −1 (Tanh's), near them and far out in each tail.
        foreach (var (x, y) in new[] { (0.4, 0.9), (1.1, 0.95), (1.5, 1.2), (2.0, 2.5), (-0.6, 1.5), (-2.0, 1.7), (0.8, -3.0), (4.0, -3.5) })
        {
            double dx = 0.3, dy = -0.8;
            var all = Call(type, "HessianWithDerivative", name, x, y, dx, dy);

            // By hand, with u = xy and the activation's derivatives g', g'', g''' at u:
            // U_xxx = y³ g''', U_xxy = 2y g'' + x y² g''', U_xyy = 2x g'' + x² y g''', U_yyy = x³ g'''.
            var (d2, d3) = Derivatives(name, x * y);
            double xxx = y * y * y * d3, xxy = 2 * y * d2 + x * y * y * d3, xyy = 2 * x * d2 + x * x * y * d3, yyy = x * x * x * d3;
            var byHand = new[] { xxx * dx + xxy * dy, xxy * dx + xyy * dy, xxy * dx + xyy * dy, xyy * dx + yyy * dy };

            double h = 1e-5;
            var plus = Call(type, "Hessian", name, x + h * dx, y + h * dy);
            var minus = Call(type, "Hessian", name, x - h * dx, y - h * dy);
            for (int i = 0; i < 4; i++)
            {
                double tangent = all[7 + i];
                Assert.True(Math.Abs(byHand[i] - tangent) <= 1e-12 * Math.Max(1, Math.Abs(byHand[i])), $"{name} ({x}, {y}) T[{i}]: expected {byHand[i]:R}, got {tangent:R}");
                double central = (plus[3 + i] - minus[3 + i]) / (2 * h);
                Assert.True(Math.Abs(central - tangent) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"{name} ({x}, {y}) T[{i}] against central differences: {central:R}, got {tangent:R}");
            }
        }
    }

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Softplus")]
    public void A_float_method_gets_the_third_derivatives_through_the_float_activations(string name)
    {
        // The float partials are the double ones rounded once (FloatSecondDerivativeDeclarationTests), so the float
        // third derivatives are the double ones to float precision.
        var type = Compiled.Value;
        foreach (var (x, y) in new[] { (0.4f, 0.9f), (1.1f, 0.95f), (2.0f, 2.5f), (-0.6f, 1.5f), (0.8f, -3.0f) })
        {
            float dx = 0.3f, dy = -0.8f;
            var all = (float[])type.GetMethod("FloatHessianWithDerivative")!.Invoke(null, new object[] { name, x, y, dx, dy })!;
            var (d2, d3) = Derivatives(name, (double)x * y);
            double xxx = y * y * y * d3, xxy = 2 * y * d2 + x * y * y * d3, xyy = 2 * x * d2 + x * x * y * d3, yyy = x * x * x * d3;
            var byHand = new[] { xxx * dx + xxy * dy, xxy * dx + xyy * dy, xxy * dx + xyy * dy, xyy * dx + yyy * dy };
            for (int i = 0; i < 4; i++)
            {
                Assert.True(Math.Abs(byHand[i] - all[7 + i]) <= 1e-5 * Math.Max(1, Math.Abs(byHand[i])), $"{name} float ({x}, {y}) T[{i}]: expected {byHand[i]:R}, got {all[7 + i]:R}");
            }
        }
    }

    [Fact]
    public void A_function_declared_as_its_own_derivative_gets_third_derivatives_and_is_read_to_a_fixed_depth()
    {
        // MyExp's derivative is MyExp: the reader stops two levels below it (else it would recurse), which is the depth
        // third derivatives call. U = e^(xy): U_xxx = y³e, U_xxy = (2y + xy²)e, U_xyy = (2x + x²y)e, U_yyy = x³e.
        var type = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class OwnDerivative
            {
                [Derivative(nameof(MyExp))]
                public static double MyExp(double x) => Math.Exp(x);

                [Differentiable(ThirdOrder = true)]
                public static double U(double x, double y) => MyExp(x * y);

                public static double[] HessianWithDerivative(double x, double y, double dx, double dy)
                {
                    var all = new double[11];
                    all[0] = UHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4));
                    return all;
                }

                public static double[] Hessian(double x, double y)
                {
                    var all = new double[7];
                    all[0] = UWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4));
                    return all;
                }
            }
            """).ShouldSucceed().Load().GetType("OwnDerivative")!;
        foreach (var (x, y) in new[] { (0.4, 0.9), (-1.3, 0.7), (1.2, -0.5) })
        {
            double dx = 0.3, dy = -0.8, e = Math.Exp(x * y);
            var all = (double[])type.GetMethod("HessianWithDerivative")!.Invoke(null, new object[] { x, y, dx, dy })!;
            double xxx = y * y * y * e, xxy = (2 * y + x * y * y) * e, xyy = (2 * x + x * x * y) * e, yyy = x * x * x * e;
            var byHand = new[] { xxx * dx + xxy * dy, xxy * dx + xyy * dy, xxy * dx + xyy * dy, xyy * dx + yyy * dy };
            double h = 1e-5;
            var plus = (double[])type.GetMethod("Hessian")!.Invoke(null, new object[] { x + h * dx, y + h * dy })!;
            var minus = (double[])type.GetMethod("Hessian")!.Invoke(null, new object[] { x - h * dx, y - h * dy })!;
            for (int i = 0; i < 4; i++)
            {
                Assert.True(Math.Abs(byHand[i] - all[7 + i]) <= 1e-12 * Math.Max(1, Math.Abs(byHand[i])), $"({x}, {y}) T[{i}]: expected {byHand[i]:R}, got {all[7 + i]:R}");
                double central = (plus[3 + i] - minus[3 + i]) / (2 * h);
                Assert.True(Math.Abs(central - all[7 + i]) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"({x}, {y}) T[{i}] against central differences: {central:R}, got {all[7 + i]:R}");
            }
        }
    }

    /// <summary>
    /// The activation's second and third derivatives at u, from the textbook identities in its value, with σ(1 − σ)
    /// as σ(u)σ(−u) and 1 − tanh² as sech², so that they keep their digits in the tails.
    /// </summary>
    private static (double Second, double Third) Derivatives(string name, double u)
    {
        switch (name)
        {
            case "Sigmoid":
            {
                // σ' = σ(1 − σ), σ'' = σ'(1 − 2σ), σ''' = σ'(1 − 6σ + 6σ²).
                double s = 1 / (1 + Math.Exp(-u)), d1 = s / (1 + Math.Exp(u));
                return (d1 * (1 - 2 * s), d1 * (1 - 6 * s + 6 * s * s));
            }

            case "Tanh" or "MathTanh":
            {
                // t' = 1 − t², t'' = −2t(1 − t²), t''' = (1 − t²)(6t² − 2).
                double t = Math.Tanh(u), d1 = 1 / (Math.Cosh(u) * Math.Cosh(u));
                return (-2 * t * d1, d1 * (6 * t * t - 2));
            }

            default:
            {
                // softplus' = σ, so softplus'' = σ' = σ(1 − σ) and softplus''' = σ'' = σ(1 − σ)(1 − 2σ).
                double s = 1 / (1 + Math.Exp(-u)), d1 = s / (1 + Math.Exp(u));
                return (d1, d1 * (1 - 2 * s));
            }
        }
    }

    private static double[] Call(Type type, string name, string activation, params double[] arguments) =>
        (double[])type.GetMethod(name)!.Invoke(null, new object[] { activation }.Concat(arguments.Cast<object>()).ToArray())!;
}
