using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Second derivatives of a method that reads another method's generated gradient are third derivatives of that method:
/// forward-over-reverse over the caller's gradient meets the callee's Hessian entries (a scalar callee's
/// <see cref="HessianEntry"/>) or its Hessian-vector product (a callee over spans), whose tangents along a direction
/// are ∇³U[d] (contracted with a row, or with the product's direction), and the callee generates nothing that computes
/// them. SD0031 says what that would take and what to write meanwhile.
/// </summary>
internal static partial class SecondOrder
{
    /// <summary>SD0031 for a method that reads <paramref name="callee"/>'s gradient (<c>UWithGradient</c>).</summary>
    private static DiagnosticInfo ThirdDerivative(MethodModel method, LocationInfo? location, string callee, bool overSpans)
    {
        string gradient = GeneratedNames.GradientMethod(callee);
        string needs = overSpans
            ? $"the directional derivative of its Hessian-vector product, forward mode over '{GeneratedNames.HessianVectorProductMethod(callee)}', which is not generated"
            : $"the directional derivative of its Hessian, forward mode over '{GeneratedNames.HessianMethod(callee)}', which is not generated";
        string instead = overSpans
            ? $"to get them, write the gradient it reads as a vector-valued [Differentiable(SecondOrder = true)] method of its own and call that instead of '{gradient}' (and '{callee}' for its value)"
            : $"to get them, write the gradient entry it reads as a [Differentiable(SecondOrder = true)] method of its own and call that instead of '{gradient}'";
        return Unsupported(method, location, $"a method that differentiates through '{gradient}' (its second derivatives are third derivatives of '{callee}', which need {needs}; {instead})");
    }
}
