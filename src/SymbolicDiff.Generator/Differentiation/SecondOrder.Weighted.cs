using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Second derivatives of a vector-valued method (one that writes outputs r): its vector-Jacobian product is the gradient
/// of the projection Σᵢ cᵢ rᵢ with the cotangents c held constant (<see cref="VectorJacobian"/>), so forward mode over that
/// gradient program along v gives the tangent of cᵀJ, which is Σᵢ cᵢ ∇²rᵢ · v: the weighted Hessian-vector product that
/// Newton's method on ½‖r‖² (c = r) or a full-Hessian least-squares step needs, with no Hessian per output. The same
/// machinery as a scalar method's product; only the program differentiated is the projection's.
/// </summary>
internal static partial class SecondOrder
{
    // As for every scratch span of generated code: on the stack up to this many elements, pooled above.
    private const int OutputTangentStackBound = 128;

    public static (HessianProgram? Program, DiagnosticInfo? Diagnostic) DifferentiateVectorValued(
        MethodModel method,
        JacobianProgram jacobian,
        LocationInfo? location,
        CancellationToken cancellationToken)
    {
        var product = jacobian.Product;
        if (!product.WritesOutputs)
        {
            return (null, Unsupported(method, location, "a vector-valued method whose vector-Jacobian product keeps its partials in locals"));
        }

        // Every scalar's parts are out parameters, as in MVectorJacobianProduct, even where no vector is differentiated.
        return OverGradient(product.Method, product, location, scalarsAsOutParameters: true, cancellationToken);
    }
    /// <summary>
    /// Why a call of a vector-valued helper in the gradient has no second derivatives, or null where it has: its product
    /// (with its returned value's adjoint as one more weight, where the caller reads the value) is differentiated through
    /// the helper's <c>HessianVectorProduct</c> (SD0032 at the call where the helper does not ask for it). A helper that
    /// declares only its products stays SD0031. <c>UWithGradient(v, dV)</c> (a third derivative of U) is differentiated
    /// through U's <c>HessianVectorProductWithDerivative</c> (SD0034 at the call where U does not ask for it; SD0031 where
    /// U is differentiated with respect to a real too).
    /// </summary>
    private static DiagnosticInfo? HelperProblem(MethodModel method, VectorCall helperCall, LocationInfo? location)
    {
        var helper = helperCall.Function;
        if (helper.ProductIsHessianVector)
        {
            string callee = helper.DisplayName.EndsWith(GeneratedNames.GradientMethod(string.Empty), System.StringComparison.Ordinal)
                ? helper.DisplayName.Substring(0, helper.DisplayName.Length - GeneratedNames.GradientMethod(string.Empty).Length)
                : helper.DisplayName;
            if (helper.HessianVectorProductTangentMethod is null)
            {
                var read = StatementFacts.Flatten(method.Statements).OfType<CallWithOutputs>().FirstOrDefault(c => c.Call.Function.ProductMethod == helper.ProductMethod);
                return DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutThirdOrder, read?.Call.Location ?? location, method.MethodName, callee);
            }

            int parameters = helper.Outputs.Count(output => !output);
            // Its differentiated reals (out double dB): U's product tangent is generated for spans alone.
            for (int i = 0; i < parameters && i < helperCall.Arguments.Count; i++)
            {
                if (i < helper.Differentiated.Count && helper.Differentiated[i] && helperCall.Arguments[i] is not VectorArgument)
                {
                    return ThirdDerivativeOverSpans(method, location, callee, helper.ParameterNames[i]);
                }
            }

            return null;
        }

        if (helper.ProductMethod is null)
        {
            return Unsupported(method, location, $"a method that calls a helper that declares only its vector-Jacobian products ('{helper.DisplayName}'), which declare no derivatives of their own");
        }

        if (!helper.IsHelperProductCall)
        {
            // The reverse transforms call a helper only through its product (the value's adjoint one of its weights).
            return Unsupported(method, location, $"a method whose gradient calls '{helper.DisplayName}' other than through its vector-Jacobian product");
        }

        if (helper.HessianVectorProductMethod is null)
        {
            // At the call, where the code fix adds SecondOrder = true to the helper.
            var call = StatementFacts.Flatten(method.Statements).OfType<CallWithOutputs>().FirstOrDefault(c => c.Call.Function.ProductMethod == helper.ProductMethod);
            return DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutSecondOrder, call?.Call.Location ?? location, method.MethodName, helper.DisplayName);
        }

        return null;
    }
}
