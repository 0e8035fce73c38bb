using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

// The scalar parts of a gradient over spans, `UWithGradient(v, b, dV, out double dB)`: a discard, or a real local the
// call declares and writes (∂U/∂b), which the caller may read like any other local. The transforms differentiate it
// through U's Hessian-vector product, as they do the span parts.
internal sealed partial class BodyParser
{
    /// <summary>
    /// The <c>out</c> argument that receives a scalar part of a gradient over spans (<c>out dB</c> in
    /// <c>UWithGradient(v, b, dV, out dB)</c>): <c>out _</c>, or <c>out double dB</c> (<c>out var dB</c>), a real local
    /// declared by the call. A local declared before the call is reported: the call declares the part it writes.
    /// </summary>
    private Expr? ParseScalarGradientOutput(IOperation value, IMethodSymbol method, string? parameter)
    {
        if (value is IDiscardOperation)
        {
            return new OutArgument(new Variable("_"), Declares: false);
        }

        if (value is IDeclarationExpressionOperation { Expression: ILocalReferenceOperation { Local: var declared } }
            && declared.Type.SpecialType == _real && !declared.IsRef)
        {
            // Nothing reads it: the part is discarded, as with out _.
            bool read = References(declared).Any(reference => reference.Parent is not IDeclarationExpressionOperation);
            return read ? new OutArgument(new Variable(NameOf(declared)), Declares: true) : new OutArgument(new Variable("_"), Declares: false);
        }

        if (value is ILocalReferenceOperation { Local: var local })
        {
            _reportedLocals.Add(local); // its uses are not reported again
        }

        Report(DiagnosticDescriptors.UnsupportedExpression, value.Syntax.Parent ?? value.Syntax,
            $"Passing '{value.Syntax}' for '{parameter}', a scalar part of the gradient '{method.Name}' writes, when it is not a local declared by the call (declare it there, 'out double {parameter}', and read that local; or pass 'out _' to discard it)");
        return null;
    }
}
