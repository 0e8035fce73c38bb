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
        if (method.HasOutputs)
        {
            return (null, ThirdOrderUnsupported(method, location, "a method that writes its results into spans (a vector-valued method: only methods that return a real get third derivatives)"));
        }

        if (hessian.Prologue.Count > 0 || CalleeHessians.Contains(hessian.Body))
        {
            return (null, ThirdOrderUnsupported(method, location, "a method whose second derivatives read another [Differentiable] method's Hessian (its third derivatives would need that method's)"));
        }

        if (method.Parameters.Any(p => p.IsDifferentiated && p.IsVector))
        {
            return DifferentiateHessianVectorProduct(method, hessian, location, cancellationToken);
        }

        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        var names = new HashSet<string>(hessian.UsedNames.Concat(hessian.Directions).Concat(method.Parameters.Select(p => p.Name)));
        var allocator = new NameAllocator(names);
        var tangents = differentiated.Select(p => allocator.Fresh(GeneratedNames.Tangent(p.Name))).ToList();

        // The Hessian program as a method: its direction v a parameter that does not vary, d the differentiated parameters' tangents.
        var parameters = method.Parameters
            .Select(p => p.IsDifferentiated ? p with { Output = tangents[differentiated.IndexOf(p)] } : p)
            .Concat(hessian.Directions.Select(direction => new ParameterModel(direction, method.RealType, IsDifferentiated: false)));
        var asMethod = HessianAsMethod(method, hessian, parameters);

        var results = hessian.PartialTangents.OfType<Variable>().Select(v => v.Name).Distinct().ToList();
        var forward = ForwardModeDifferentiator.DifferentiateGradient(asMethod, results, new Dictionary<string, string>(), cancellationToken);
        if (forward.Program is null)
        {
            if (forward.MissingFunction is { } missing)
            {
                return (null, ThirdOrderUnsupported(method, location, $"a method whose Hessian calls '{missing.Function}', which has no {(missing.Parameter is null ? "derivative of its own ([Derivative] on it)" : $"derivative with respect to its parameter '{missing.Parameter}'")}"));
            }

            var (what, at) = NoForwardRule(forward, "Hessian program", location);
            return (null, ThirdOrderUnsupported(method, at, what));
        }

        var secondTangents = hessian.PartialTangents
            .Select(tangent => tangent is Variable variable ? forward.Tangents[results.IndexOf(variable.Name)] : Constant.Zero)
            .ToEquatableArray();
        var used = new SortedSet<string>(StatementFacts.DeclaredNames(forward.Program.Body), System.StringComparer.Ordinal);
        used.UnionWith(StatementFacts.Flatten(forward.Program.Body).SelectMany(StatementFacts.Names));
        used.UnionWith(tangents);
        return (new HessianTangentProgram(forward.Program.Body, tangents.ToEquatableArray(), secondTangents) { UsedNames = used.ToEquatableArray() }, null);
    }

    /// <summary>
    /// <c>ThirdOrder = true</c> on a method over spans: forward mode over <paramref name="hessian"/>, its Hessian-vector
    /// product program, presented as a vector-valued method of its arguments and its direction v (both varying) whose outputs
    /// are the gradient and H·v. Emit prints it as <c>MHessianVectorProductWithDerivative</c>, the product's own forward
    /// mode: along (d, dv) the gradient's tangent is H·d and the product's is ∇³M[v, d] + H·dv, what the second derivatives
    /// of a caller reading <c>MWithGradient(v, dV)</c> need (its backward sweep calls the product with a direction that
    /// varies too). Methods differentiated with respect to spans only (SD0035 where a scalar is differentiated too).
    /// </summary>
    private static (HessianTangentProgram? Program, DiagnosticInfo? Diagnostic) DifferentiateHessianVectorProduct(
        MethodModel method,
        HessianProgram hessian,
        LocationInfo? location,
        CancellationToken cancellationToken)
    {
        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        if (differentiated.FirstOrDefault(p => !p.IsVector) is { } scalar)
        {
            return (null, ThirdOrderUnsupported(method, location, $"a method over spans differentiated with respect to a real too ('{scalar.Name}'; only methods over spans differentiated with respect to spans alone get MHessianVectorProductWithDerivative)"));
        }

        // Another function's second derivatives, called by the product (a callee's product tangent, a helper's weighted
        // product, a gradient read over spans): the forward transform has no rule for their derivatives, so they are
        // reported here rather than differentiated as constants.
        if (SecondDerivativeCalls(hessian.Body).FirstOrDefault() is { } secondOrderCall)
        {
            return (null, ThirdOrderUnsupported(method, location, $"a method whose Hessian-vector product calls '{secondOrderCall.Function.QualifiedName.Substring(secondOrderCall.Function.QualifiedName.LastIndexOf('.') + 1)}', second derivatives of another function (its third derivatives would need that function's)"));
        }

        var gradients = hessian.Partials.Select(partial => ((Variable)partial).Name).ToList();
        var products = hessian.PartialTangents.Select(product => ((Variable)product).Name).ToList();
        var names = new HashSet<string>(hessian.UsedNames.Concat(hessian.Directions).Concat(gradients).Concat(products).Concat(method.Parameters.Select(p => p.Name)));
        var allocator = new NameAllocator(names);
        string TangentOf(string name) => allocator.Fresh(name.TrimStart('@') + "Tangent");
        var tangents = differentiated.Select(p => TangentOf(p.Name)).ToList();
        var directionTangents = hessian.Directions.Select(TangentOf).ToList();
        var outputTangents = gradients.Concat(products).ToDictionary(output => output, TangentOf);

        // The product as a vector-valued method: its arguments and direction varying, the gradient and H·v its outputs.
        string span = $"global::System.Span<{method.RealType}>", readOnlySpan = $"global::System.ReadOnlySpan<{method.RealType}>";
        var parameters = method.Parameters
            .Select(p => p.IsDifferentiated ? p with { Output = tangents[differentiated.IndexOf(p)] } : p)
            .Concat(hessian.Directions.Select((direction, i) => new ParameterModel(direction, readOnlySpan, IsDifferentiated: true) { ElementType = method.RealType, Output = directionTangents[i] }))
            .Concat(gradients.Concat(products).Select(output => new ParameterModel(output, span, IsDifferentiated: false) { ElementType = method.RealType, Output = outputTangents[output] }));
        var asMethod = HessianAsMethod(method, hessian, parameters);

        var forward = ForwardModeDifferentiator.DifferentiateGradient(asMethod, gradients.Concat(products).ToList(), outputTangents, cancellationToken);
        if (forward.Program is null)
        {
            if (forward.MissingFunction is { } missing)
            {
                return (null, ThirdOrderUnsupported(method, location, $"a method whose Hessian-vector product calls '{missing.Function}', which has no {(missing.Parameter is null ? "derivative of its own ([Derivative] on it)" : $"derivative with respect to its parameter '{missing.Parameter}'")}"));
            }

            var (what, at) = NoForwardRule(forward, "Hessian-vector product", location);
            return (null, ThirdOrderUnsupported(method, at, what));
        }

        var used = new SortedSet<string>(StatementFacts.DeclaredNames(forward.Program.Body), System.StringComparer.Ordinal);
        used.UnionWith(StatementFacts.Flatten(forward.Program.Body).SelectMany(StatementFacts.Names));
        used.UnionWith(tangents.Concat(directionTangents).Concat(outputTangents.Values));
        return (new HessianTangentProgram(forward.Program.Body, tangents.ToEquatableArray(), EquatableArray<Expr>.Empty)
        {
            UsedNames = used.ToEquatableArray(),
            DirectionTangents = directionTangents.ToEquatableArray(),
            OutputTangents = gradients.Concat(products).Select(output => outputTangents[output]).ToEquatableArray(),
        }, null);
    }

    /// <summary>
    /// The Hessian program as a method the forward transform reads: <paramref name="parameters"/> (each varying one's
    /// tangent its output name), its body written out as for the gradient, its value the method's.
    /// </summary>
    private static MethodModel HessianAsMethod(MethodModel method, HessianProgram hessian, IEnumerable<ParameterModel> parameters) => method with
    {
        Parameters = parameters.ToEquatableArray(),
        Statements = Rewrite(hessian.Body, DerivativeCallables(method.Statements.Concat(hessian.Body))).ToEquatableArray(),
        Result = hessian.Returned,
    };

    /// <summary>The calls in <paramref name="statements"/> of another function's second derivatives, or of its forward mode over vectors.</summary>
    private static IEnumerable<VectorCall> SecondDerivativeCalls(IEnumerable<Statement> statements) =>
        StatementFacts.Flatten(statements)
            .SelectMany(StatementFacts.Expressions)
            .SelectMany(ExpressionFacts.Nodes)
            .OfType<VectorCall>()
            .Where(call => call.Function.IsProductTangentCall || call.Function.ProductIsHessianVector ||
                call.Function.QualifiedName == call.Function.HessianVectorProductMethod ||
                call.Function.HasOutputs && call.Function.QualifiedName == call.Function.DerivativeMethod);

    private static DiagnosticInfo ThirdOrderUnsupported(MethodModel method, LocationInfo? location, string what) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.ThirdOrderUnsupported, location, method.MethodName, what);

    /// <summary>
    /// SD0031 for a method that reads the gradient of <paramref name="callee"/>, a method over spans differentiated with
    /// respect to a real too (<c>UWithGradient(v, b, dV, out dB)</c>): its second derivatives would need forward mode over
    /// U's Hessian-vector product, which is generated for methods differentiated with respect to spans alone.
    /// </summary>
    private static DiagnosticInfo ThirdDerivativeOverSpans(MethodModel method, LocationInfo? location, string callee, string parameter)
    {
        string gradient = GeneratedNames.GradientMethod(callee);
        string needs = $"'{GeneratedNames.HessianVectorProductTangentMethod(callee)}', generated only for a method differentiated with respect to spans alone";
        string instead = $"to get them, hold '{parameter}' constant in '{callee}' (leave it out of its [Differentiable(...)]), or write the gradient it reads as a vector-valued [Differentiable(SecondOrder = true)] method of its own and call that instead of '{gradient}'";
        return Unsupported(method, location, $"a method that differentiates through '{gradient}' of a method differentiated with respect to a real too ('{parameter}'; its second derivatives are third derivatives of '{callee}', which need {needs}; {instead})");
    }
}
