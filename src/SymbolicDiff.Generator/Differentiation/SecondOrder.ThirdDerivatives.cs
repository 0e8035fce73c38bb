using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Third derivatives, for callers whose own second derivatives read this method's gradient: the Hessian program is one
/// forward sweep over the gradient along a direction v (Emit runs it once per unit direction), itself a program in the
/// same IR, so the forward transform runs over it once more, along a second direction d with v held constant. The
/// tangent of each entry of H·v is then (∇³M[d]·v) for that parameter. As for the Hessian, nothing here differentiates
/// anything itself: this only presents the Hessian program as a method to the forward transform (v as parameters that
/// do not vary, d as the differentiated parameters' tangents) and reports what it cannot take.
/// </summary>
internal static partial class SecondOrder
{
    /// <summary>
    /// <c>ThirdOrder = true</c>: forward mode over <paramref name="hessian"/>, the Hessian program of <paramref name="method"/>,
    /// which Emit prints as <c>MHessianWithDerivative</c>. Scalar parameters only, and a Hessian that reads no other
    /// method's Hessian (SD0035 otherwise).
    /// </summary>
    public static (HessianTangentProgram? Program, DiagnosticInfo? Diagnostic) DifferentiateHessian(
        MethodModel method,
        HessianProgram hessian,
        LocationInfo? location,
        CancellationToken cancellationToken)
    {
        if (method.HasOutputs || method.Parameters.Any(p => p.IsDifferentiated && p.IsVector))
        {
            return (null, ThirdOrderUnsupported(method, location, "a method differentiated with respect to spans or writing its results into spans (only methods of scalar parameters get MHessianWithDerivative; a caller reading a gradient over spans has no third derivatives yet)"));
        }

        if (hessian.Prologue.Count > 0 || CalleeHessians.Contains(hessian.Body))
        {
            return (null, ThirdOrderUnsupported(method, location, "a method whose second derivatives read another [Differentiable] method's Hessian (its third derivatives would need that method's)"));
        }

        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        var names = new HashSet<string>(hessian.UsedNames.Concat(hessian.Directions).Concat(method.Parameters.Select(p => p.Name)));
        var allocator = new NameAllocator(names);
        var tangents = differentiated.Select(p => allocator.Fresh(GeneratedNames.Tangent(p.Name))).ToList();

        // The Hessian program as a method: its direction v a parameter that does not vary, d the differentiated parameters' tangents.
        var parameters = method.Parameters
            .Select(p => p.IsDifferentiated ? p with { Output = tangents[differentiated.IndexOf(p)] } : p)
            .Concat(hessian.Directions.Select(direction => new ParameterModel(direction, method.RealType, IsDifferentiated: false)))
            .ToList();
        var callables = DerivativeCallables(method.Statements.Concat(hessian.Body));
        var asMethod = method with
        {
            Parameters = parameters.ToEquatableArray(),
            Statements = Rewrite(hessian.Body, callables).ToEquatableArray(),
            Result = hessian.Returned,
        };

        var results = hessian.PartialTangents.OfType<Variable>().Select(v => v.Name).Distinct().ToList();
        var forward = ForwardModeDifferentiator.DifferentiateGradient(asMethod, results, new Dictionary<string, string>(), cancellationToken);
        if (forward.Program is null)
        {
            return forward.MissingFunction is { } missing
                ? (null, ThirdOrderUnsupported(method, location, $"a method whose Hessian calls '{missing.Function}', which has no {(missing.Parameter is null ? "derivative of its own ([Derivative] on it)" : $"derivative with respect to its parameter '{missing.Parameter}'")}"))
                : (null, ThirdOrderUnsupported(method, location, "a construct of its Hessian program that forward mode has no rule for"));
        }

        var secondTangents = hessian.PartialTangents
            .Select(tangent => tangent is Variable variable ? forward.Tangents[results.IndexOf(variable.Name)] : Constant.Zero)
            .ToEquatableArray();
        var used = new SortedSet<string>(StatementFacts.DeclaredNames(forward.Program.Body), System.StringComparer.Ordinal);
        used.UnionWith(StatementFacts.Flatten(forward.Program.Body).SelectMany(StatementFacts.Names));
        used.UnionWith(tangents);
        return (new HessianTangentProgram(forward.Program.Body, tangents.ToEquatableArray(), secondTangents) { UsedNames = used.ToEquatableArray() }, null);
    }

    private static DiagnosticInfo ThirdOrderUnsupported(MethodModel method, LocationInfo? location, string what) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.ThirdOrderUnsupported, location, method.MethodName, what);

    /// <summary>
    /// SD0031 for a method that reads the gradient of <paramref name="callee"/>, a method over spans (<c>UWithGradient(v, dV)</c>):
    /// its second derivatives would need forward mode over U's Hessian-vector product, which is not generated. (A scalar
    /// callee's third derivatives are: <see cref="DifferentiateHessian"/>, SD0034 where the callee does not ask for them.)
    /// </summary>
    private static DiagnosticInfo ThirdDerivativeOverSpans(MethodModel method, LocationInfo? location, string callee)
    {
        string gradient = GeneratedNames.GradientMethod(callee);
        string needs = $"the directional derivative of its Hessian-vector product, forward mode over '{GeneratedNames.HessianVectorProductMethod(callee)}', which is not generated";
        string instead = $"to get them, write the gradient it reads as a vector-valued [Differentiable(SecondOrder = true)] method of its own and call that instead of '{gradient}' (and '{callee}' for its value)";
        return Unsupported(method, location, $"a method that differentiates through '{gradient}' (its second derivatives are third derivatives of '{callee}', which need {needs}; {instead})");
    }
}
