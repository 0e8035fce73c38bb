using System.Reflection;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The float derivative methods of the runtime's primitives declare their own derivatives as the double ones do (what
/// a float method's second derivatives differentiate through), and each declared float partial computes the double
/// partial rounded once (the double partials are checked against central differences in SecondDerivativeDeclarationTests).
/// </summary>
public class FloatSecondDerivativeDeclarationTests
{
    private static readonly Type[] Types = { typeof(Activations), typeof(Losses) };

    private static bool AllOf(MethodInfo method, Type type) =>
        method.ReturnType == type && method.GetParameters().All(p => p.ParameterType == type);

    [Fact]
    public void Every_float_derivative_method_declares_the_partials_its_double_overload_declares()
    {
        int compared = 0, comparedPartials = 0;
        foreach (var type in Types)
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static);
            var floats = methods.Where(m => AllOf(m, typeof(float))).ToList();
            // The primitives: float methods with [Derivative] that are not themselves another's derivative method.
            var declared = floats.SelectMany(m => m.GetCustomAttributes<DerivativeAttribute>().Select(a => a.DerivativeMethod)).ToHashSet();
            var floatPrimitives = floats.Where(m => m.GetCustomAttributes<DerivativeAttribute>().Any() && !declared.Contains(m.Name));
            var derivativeNames = floatPrimitives.SelectMany(m => m.GetCustomAttributes<DerivativeAttribute>().Select(a => a.DerivativeMethod)).ToHashSet();
            foreach (var derivative in floats.Where(m => derivativeNames.Contains(m.Name)))
            {
                var parameterTypes = derivative.GetParameters().Select(_ => typeof(double)).ToArray();
                var twin = type.GetMethod(derivative.Name, parameterTypes);
                Assert.NotNull(twin);
                var expected = twin!.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
                var actual = derivative.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
                Assert.True(expected.Count > 0, $"{type.Name}.{twin.Name}(double…) declares no derivative");
                Assert.Equal(expected, actual);

                // The partial it names exists for float, with the derivative method's float parameters, and declares the
                // partials its double overload declares (what third derivatives differentiate through).
                foreach (var (_, partialName) in actual)
                {
                    var floatPartial = type.GetMethod(partialName, derivative.GetParameters().Select(p => p.ParameterType).ToArray());
                    Assert.NotNull(floatPartial);
                    var doublePartial = type.GetMethod(partialName, parameterTypes)!;
                    var expectedOfPartial = doublePartial.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
                    var actualOfPartial = floatPartial!.GetCustomAttributes<DerivativeAttribute>().Select(a => (a.Parameter, a.DerivativeMethod)).OrderBy(a => a.Parameter).ToList();
                    Assert.Equal(expectedOfPartial, actualOfPartial);
                    comparedPartials += expectedOfPartial.Count > 0 ? 1 : 0;
                }

                compared++;
            }
        }

        // Sigmoid, Tanh, Relu, LeakyRelu, Softplus; two partials each of MSE, half squared error, BCE, BCE with logits.
        Assert.Equal(13, compared);

        // The partials that declare their own: TanhDerivative's two, SigmoidDerivative's two, SoftplusSecondDerivative.
        Assert.Equal(5, comparedPartials);
    }

    [Fact]
    public void Each_float_second_order_partial_is_its_double_partial_rounded_once()
    {
        double[] points = { -3.7, -1.6, -0.45, 0.07, 0.3, 0.55, 0.92, 1.4, 2.9 };
        int checkedMethods = 0;
        foreach (var type in Types)
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static);
            var partialNames = methods.Where(m => AllOf(m, typeof(float)))
                .SelectMany(m => m.GetCustomAttributes<DerivativeAttribute>().Select(a => a.DerivativeMethod))
                .ToHashSet();
            foreach (var partial in methods.Where(m => AllOf(m, typeof(float)) && partialNames.Contains(m.Name) && (m.Name.EndsWith("Partial", StringComparison.Ordinal) || m.Name.EndsWith("Curvature", StringComparison.Ordinal) || m.Name.EndsWith("SecondDerivative", StringComparison.Ordinal) || m.Name.EndsWith("ThirdDerivative", StringComparison.Ordinal))))
            {
                var twin = type.GetMethod(partial.Name, partial.GetParameters().Select(_ => typeof(double)).ToArray())!;
                foreach (double first in points)
                {
                    foreach (double second in points)
                    {
                        // Float inputs, so that both overloads see the same numbers.
                        object[] floatArguments = new object[] { (float)first, (float)second }.Take(partial.GetParameters().Length).ToArray();
                        object[] doubleArguments = floatArguments.Select(a => (object)(double)(float)a).ToArray();
                        float actual = (float)partial.Invoke(null, floatArguments)!;
                        float expected = (float)(double)twin.Invoke(null, doubleArguments)!;
                        Assert.True(actual.Equals(expected), $"{type.Name}.{partial.Name}({string.Join(", ", floatArguments)}): {actual:R}, expected {expected:R}");
                    }
                }

                checkedMethods++;
            }
        }

        // 19, and the third-order partials: three of TanhDerivative's partials (XPartialXPartial, TanhPartialTanhPartial,
        // MixedPartial), three of SigmoidDerivative's (ZPartialZPartial, SigmoidPartialSigmoidPartial, MixedPartial) and
        // SoftplusThirdDerivative.
        Assert.Equal(26, checkedMethods);
    }
}
