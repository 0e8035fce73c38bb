using System.Reflection;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The runtime's span primitives declare their derivatives in the vector-Jacobian form: for each differentiable
/// span parameter, [Derivative(parameter, method)] names a public static void method in the same type that takes
/// the function's parameters, then a seed of the function's return type, then a Span of it, the gradient. The
/// generator learns this form in issue 4; until then this test keeps the declarations to it.
/// </summary>
public class VectorJacobianDeclarationTests
{
    [Fact]
    public void The_span_primitives_and_their_declared_parameters_are_these()
    {
        var declared = SpanDeclarations()
            .Select(d => $"{d.Function.DeclaringType!.Name}.{d.Function.Name}({d.Function.ReturnType.Name}): {d.Parameter} -> {d.Method}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();

        string[] expected =
        [
            "Losses.BinaryCrossEntropyWithLogits(Double): logits -> BinaryCrossEntropyWithLogitsLogitsGradient",
            "Losses.BinaryCrossEntropyWithLogits(Single): logits -> BinaryCrossEntropyWithLogitsLogitsGradient",
            "Losses.MeanSquaredError(Double): predictions -> MeanSquaredErrorPredictionsGradient",
            "Losses.MeanSquaredError(Single): predictions -> MeanSquaredErrorPredictionsGradient",
            "Losses.SoftmaxCrossEntropy(Double): logits -> SoftmaxCrossEntropyLogitsGradient",
            "Losses.SoftmaxCrossEntropy(Single): logits -> SoftmaxCrossEntropyLogitsGradient",
            "Vectors.Dot(Double): left -> DotLeftGradient",
            "Vectors.Dot(Double): right -> DotRightGradient",
            "Vectors.Dot(Single): left -> DotLeftGradient",
            "Vectors.Dot(Single): right -> DotRightGradient",
        ];
        Assert.Equal(expected.OrderBy(s => s, StringComparer.Ordinal), declared);
    }

    [Fact]
    public void Each_declared_gradient_method_has_the_vector_Jacobian_signature()
    {
        foreach (var (function, parameter, methodName) in SpanDeclarations())
        {
            var real = function.ReturnType;
            Assert.True(real == typeof(double) || real == typeof(float), $"{function}: returns {real}");

            var span = function.GetParameters().Single(p => p.Name == parameter);
            Assert.Equal(typeof(ReadOnlySpan<>).MakeGenericType(real), span.ParameterType);

            Type[] expected = function.GetParameters().Select(p => p.ParameterType)
                .Append(real)
                .Append(typeof(Span<>).MakeGenericType(real))
                .ToArray();
            var method = function.DeclaringType!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static, expected);
            Assert.True(method is not null, $"{function} declares {methodName}, which has no public static overload taking ({string.Join(", ", expected.Select(t => t.Name))})");
            Assert.Equal(typeof(void), method!.ReturnType);
            Assert.Equal(
                function.GetParameters().Select(p => p.Name).Append("seed").Append("gradient"),
                method.GetParameters().Select(p => p.Name));
        }
    }

    [Fact]
    public void Each_vector_Jacobian_product_declares_its_tangent_for_second_derivatives()
    {
        foreach (var (function, _, methodName) in SpanDeclarations())
        {
            var real = function.ReturnType;
            var product = function.DeclaringType!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static,
                function.GetParameters().Select(p => p.ParameterType).Append(real).Append(typeof(Span<>).MakeGenericType(real)).ToArray())!;
            var attribute = Assert.Single(product.GetCustomAttributes<DerivativeAttribute>());
            Assert.Null(attribute.Parameter);
            Assert.Equal(methodName + "Tangent", attribute.DerivativeMethod);

            // The product's inputs, a tangent per real or span input (an int index gets none), the gradient's tangent.
            var inputs = product.GetParameters().SkipLast(1).ToList();
            var varying = inputs.Where(p => p.ParameterType == real || p.ParameterType == typeof(ReadOnlySpan<>).MakeGenericType(real)).ToList();
            Type[] expected = inputs.Select(p => p.ParameterType).Concat(varying.Select(p => p.ParameterType)).Append(typeof(Span<>).MakeGenericType(real)).ToArray();
            var tangent = function.DeclaringType!.GetMethod(attribute.DerivativeMethod, BindingFlags.Public | BindingFlags.Static, expected);
            Assert.True(tangent is not null, $"{product} declares {attribute.DerivativeMethod}, which has no public static overload taking ({string.Join(", ", expected.Select(t => t.Name))})");
            Assert.Equal(typeof(void), tangent!.ReturnType);
            Assert.Equal(
                inputs.Select(p => p.Name).Concat(varying.Select(p => p.Name + "Tangent")).Append("gradientTangent"),
                tangent.GetParameters().Select(p => p.Name));
        }
    }

    private static IEnumerable<(MethodInfo Function, string Parameter, string Method)> SpanDeclarations() =>
        typeof(Activations).Assembly.GetTypes()
            .Where(type => type.IsPublic)
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => method.ReturnType != typeof(void) && method.GetParameters().Any(p => p.ParameterType.IsByRefLike))
            .SelectMany(method => method.GetCustomAttributes<DerivativeAttribute>()
                .Select(attribute => (method, attribute.Parameter!, attribute.DerivativeMethod)));
}
