using System.Threading;
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
}
