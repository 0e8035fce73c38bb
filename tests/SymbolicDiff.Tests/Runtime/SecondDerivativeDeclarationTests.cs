using System.Reflection;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The runtime's derivative methods declare their own derivatives with [Derivative] (what second derivatives
/// differentiate through). Every declared partial of every such method is checked against central differences of the
/// method it differentiates, at points away from its kinks, and the total second derivatives they compose to are
/// checked against ones worked out by hand.
/// </summary>
public class SecondDerivativeDeclarationTests
{
    private static readonly double[] Points = { -3.7, -1.6, -0.45, 0.3, 0.8, 1.4, 2.9 };
    private static readonly double[] Probabilities = { 0.07, 0.3, 0.55, 0.92 };

    /// <summary>(derivative method, parameter index, declared partial method) for every [Derivative] on a derivative method.</summary>
    public static TheoryData<string, string, int, string> DeclaredSecondDerivatives()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var type in new[] { typeof(Activations), typeof(Losses) })
        {
            var derivativeMethods = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .SelectMany(m => m.GetCustomAttributes<DerivativeAttribute>().Select(a => a.DerivativeMethod))
                .ToHashSet();
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => derivativeMethods.Contains(m.Name) && m.ReturnType == typeof(double)))
            {
                foreach (var attribute in method.GetCustomAttributes<DerivativeAttribute>())
                {
                    var parameters = method.GetParameters();
                    int index = attribute.Parameter is null ? 0 : Array.FindIndex(parameters, p => p.Name == attribute.Parameter);
                    data.Add(type.Name, method.Name, index, attribute.DerivativeMethod);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Every_derivative_method_of_a_double_primitive_declares_its_derivatives()
    {
        // The primitives: methods with [Derivative] that are not themselves another's derivative method.
        var withoutDeclaration = new List<string>();
        foreach (var type in new[] { typeof(Activations), typeof(Losses) })
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(double) && m.GetParameters().All(p => p.ParameterType == typeof(double))).ToList();
            var derivativeNames = methods.SelectMany(m => m.GetCustomAttributes<DerivativeAttribute>().Select(a => a.DerivativeMethod)).ToHashSet();
            foreach (var primitive in methods.Where(m => m.GetCustomAttributes<DerivativeAttribute>().Any() && !derivativeNames.Contains(m.Name)))
            {
                foreach (var attribute in primitive.GetCustomAttributes<DerivativeAttribute>())
                {
                    var derivative = methods.First(m => m.Name == attribute.DerivativeMethod);
                    if (!derivative.GetCustomAttributes<DerivativeAttribute>().Any())
                    {
                        withoutDeclaration.Add(derivative.Name);
                    }
                }
            }
        }

        Assert.Empty(withoutDeclaration);
        // 18 before the sigmoid's and softplus's second-order partials declared theirs, for third derivatives (two each on
        // SigmoidDerivativeZPartial and SigmoidDerivativeSigmoidPartial, one on SoftplusSecondDerivative).
        Assert.True(DeclaredSecondDerivatives().Count() >= 23);
    }

    [Theory]
    [MemberData(nameof(DeclaredSecondDerivatives))]
    public void A_declared_second_derivative_matches_central_differences(string typeName, string methodName, int parameter, string partialName)
    {
        var type = typeName == nameof(Activations) ? typeof(Activations) : typeof(Losses);
        var method = type.GetMethods().Single(m => m.Name == methodName && m.ReturnType == typeof(double));
        var partial = type.GetMethods().Single(m => m.Name == partialName && m.ReturnType == typeof(double));
        int arity = method.GetParameters().Length;
        bool probability = methodName.StartsWith("BinaryCrossEntropy", StringComparison.Ordinal) && !methodName.Contains("Logit", StringComparison.Ordinal);
        int checkedPoints = 0;
        foreach (var arguments in Arguments(methodName, arity, probability))
        {
            double F(double value)
            {
                var moved = (double[])arguments.Clone();
                moved[parameter] = value;
                return (double)method.Invoke(null, moved.Cast<object>().ToArray())!;
            }

            double h = 1e-6 * Math.Max(1, Math.Abs(arguments[parameter]));
            double differences = (F(arguments[parameter] + h) - F(arguments[parameter] - h)) / (2 * h);
            double declared = (double)partial.Invoke(null, arguments.Take(partial.GetParameters().Length).Cast<object>().ToArray())!;
            Assert.True(
                Math.Abs(differences - declared) <= 1e-6 * Math.Max(1, Math.Abs(declared)),
                $"∂{methodName}/∂(argument {parameter}) at ({string.Join(", ", arguments)}): declared {partialName} = {declared}, central differences {differences}");
            checkedPoints++;
        }

        Assert.True(checkedPoints >= 4);
    }

    /// <summary>Points away from kinks: for a method taking a function's value too, the value at the point (σ(z), tanh(x)).</summary>
    private static IEnumerable<double[]> Arguments(string methodName, int arity, bool probability)
    {
        foreach (double a in probability ? Probabilities : Points)
        {
            if (Math.Abs(Math.Abs(a) - 1.0) < 1e-3)
            {
                continue;
            }

            yield return (methodName, arity) switch
            {
                ("SigmoidDerivative", 2) => new[] { a, Activations.Sigmoid(a) },
                ("TanhDerivative", 2) => new[] { a, Math.Tanh(a) },
                ("LeakyReluDerivative", 2) => new[] { a, 0.05 },
                (_, 1) => new[] { a },
                _ => new[] { a, probability ? 0.35 : 0.6 * a - 0.2 },
            };
        }
    }

    /// <summary>Points on both sides of the branches of SigmoidDerivative (z = 1) and TanhDerivative (|x| = 1), and in the tails.</summary>
    public static TheoryData<double> AlongTheValue => new() { -6.0, -0.7, 0.0, 0.9, 1.3, 8.0 };

    [Theory]
    [MemberData(nameof(AlongTheValue))]
    public void Along_the_value_the_partials_compose_to_the_second_derivative_worked_out_by_hand(double z)
    {
        // σ'' = σ(1 − σ)(1 − 2σ): dσ'/dz = ∂/∂z + ∂/∂σ · σ'(z)
        double s = Activations.Sigmoid(z);
        double sigmoid2 = Activations.SigmoidDerivativeZPartial(z, s) + Activations.SigmoidDerivativeSigmoidPartial(z, s) * s * (1 - s);
        Assert.Equal(s * (1 - s) * (1 - 2 * s), sigmoid2, 14);

        // tanh'' = −2 tanh(1 − tanh²)
        double t = Math.Tanh(z);
        double tanh2 = Activations.TanhDerivativeXPartial(z, t) + Activations.TanhDerivativeTanhPartial(z, t) * Activations.TanhDerivative(z, t);
        Assert.Equal(-2 * t * (1 - t * t), tanh2, 12);

        // softplus'' = σ(1 − σ)
        Assert.Equal(s * (1 - s), Activations.SoftplusSecondDerivative(z), 14);
    }

    [Theory]
    [MemberData(nameof(AlongTheValue))]
    public void Along_the_value_the_second_order_partials_compose_to_the_third_derivative_worked_out_by_hand(double z)
    {
        // The second derivative is Z(z, s) + S(z, s)·s'(z) with Z, S the partials of the derivative method; its derivative
        // along s = σ(z) is ZZ + 2·ZS·s' + SS·s'² + S·s'' (ZS = SZ, the mixed partial). σ''' = σ(1 − σ)(1 − 6σ + 6σ²).
        double s = Activations.Sigmoid(z), s1 = s * (1 - s), s2 = s1 * (1 - 2 * s);
        double sigmoid3 = Activations.SigmoidDerivativeZPartialZPartial(z, s) + 2 * Activations.SigmoidDerivativeMixedPartial(z, s) * s1 +
            Activations.SigmoidDerivativeSigmoidPartialSigmoidPartial(z, s) * s1 * s1 + Activations.SigmoidDerivativeSigmoidPartial(z, s) * s2;
        Assert.Equal(s1 * (1 - 6 * s + 6 * s * s), sigmoid3, 1e-14);

        // tanh''' = (1 − tanh²)(6 tanh² − 2)
        double t = Math.Tanh(z), t1 = 1 - t * t, t2 = -2 * t * t1;
        double tanh3 = Activations.TanhDerivativeXPartialXPartial(z, t) + 2 * Activations.TanhDerivativeMixedPartial(z, t) * t1 +
            Activations.TanhDerivativeTanhPartialTanhPartial(z, t) * t1 * t1 + Activations.TanhDerivativeTanhPartial(z, t) * t2;
        Assert.Equal(t1 * (6 * t * t - 2), tanh3, 1e-12);

        // softplus''' = σ'' = σ(1 − σ)(1 − 2σ)
        Assert.Equal(s2, Activations.SoftplusThirdDerivative(z), 1e-14);
    }
}
