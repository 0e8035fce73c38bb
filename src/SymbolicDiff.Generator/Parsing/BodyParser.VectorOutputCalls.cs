using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

// Calls of vector-valued helpers: `Step(state, next);`, a statement made for the results the helper writes into its
// span arguments (another [Differentiable] method with outputs). The call becomes a CallWithOutputs statement; the
// transforms differentiate it through the helper's generated MVectorJacobianProduct (reverse) and MWithDerivative
// (forward).
internal sealed partial class BodyParser
{
    /// <summary>
    /// A statement that is a call of a vector-valued helper: parsed into a <see cref="CallWithOutputs"/> (or reported).
    /// False where the callee is no such helper, so that the statement is reported as any other discarded call is.
    /// </summary>
    private bool TryParseOutputCall(IInvocationOperation invocation, List<Statement> output)
    {
        var method = invocation.TargetMethod;
        var nameLocation = invocation.Syntax is InvocationExpressionSyntax call ? call.Expression : invocation.Syntax;
        if (NestedCallee(invocation) is ({ } over, false) && method.Parameters.Any(p => ElementType(p.Type) is not null))
        {
            return TryParseGradientOverSpans(invocation, method, over, nameLocation, output);
        }

        if (!MethodParser.IsDifferentiable(method) && DerivativeDeclarationReader.HasDeclaredDerivative(method) && DerivativeDeclarationReader.IsOutputHelper(method))
        {
            return TryParseDeclaredOutputCall(invocation, method, nameLocation, output);
        }

        if (!MethodParser.IsDifferentiable(method) || !method.IsStatic || method.IsGenericMethod || !method.Parameters.Any(p => ElementType(p.Type) is not null))
        {
            return false;
        }

        var outputs = VectorOutputs.OfCallee(method, _semanticModel.Compilation, _cancellationToken);
        if (outputs.Count == 0)
        {
            return false;
        }

        var function = DescribeVectorValuedCallee(method, nameLocation, outputs);
        if (function is null)
        {
            return true;
        }

        var parsed = ParseOutputCallArguments(invocation, method, function);
        if (parsed is not null)
        {
            _calls.AddDifferentiableCall(method, invocation.Syntax);
            output.Add(new CallWithOutputs(parsed, invocation.Syntax.ToString()));
        }

        return true;
    }

    /// <summary>
    /// <c>double e = Step(state, k, next);</c> (or <c>return Step(...);</c>): a vector-valued helper whose returned value is
    /// read too, as the whole value of a declaration or a return, so that it runs exactly where the user's code runs it.
    /// </summary>
    private Expr? ParseValuedOutputCall(IInvocationOperation invocation, IMethodSymbol method, SyntaxNode nameLocation, IReadOnlyCollection<string> outputs)
    {
        // Inside a larger expression it runs just before its statement, where that is where the user's code runs it.
        if (!ReferenceEquals(invocation, _statementValue)
            && OutOfTurnReason(invocation, argument => argument.Parameter is { } parameter && outputs.Contains(parameter.Name)) is { } reason)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation,
                $"Using the value of '{DisplayName(method)}', a vector-valued method that writes its results into '{string.Join("', '", outputs)}', {reason} (it would run out of turn: declare a local with it before the statement, 'double value = {DisplayName(method)}(...);', and use the local there)");
            return null;
        }

        var function = DescribeVectorValuedCallee(method, nameLocation, outputs);
        var parsed = function is null ? null : ParseOutputCallArguments(invocation, method, function);
        if (parsed is null)
        {
            return null;
        }

        _calls.AddDifferentiableCall(method, invocation.Syntax);
        string value = _names.Fresh(NameAllocator.ToCamelCase(method.Name));
        _currentOutput.Add(new CallWithOutputs(parsed, invocation.Syntax.ToString()) { ValueName = value });
        return new Variable(value);
    }

    /// <summary>
    /// <c>UWithGradient(v, dV);</c> of a method U over spans: a vector-valued call whose outputs are U's gradient, so
    /// that it is differentiated through U's Hessian-vector product.
    /// </summary>
    private bool TryParseGradientOverSpans(IInvocationOperation invocation, IMethodSymbol method, IMethodSymbol callee, SyntaxNode nameLocation, List<Statement> output)
    {
        var function = DifferentiableCallees.DescribeGradientOverSpans(callee, _real);
        if (function is null || function.ParameterNames.Count != method.Parameters.Length)
        {
            // MethodBody reported SD0020 for it; the allocating form UWithGradient(v) is no call of a helper.
            return false;
        }

        if (_guard is not null)
        {
            ReportGuardedOutputCall(method, nameLocation);
            return true;
        }

        var parsed = ParseOutputCallArguments(invocation, method, function);
        if (parsed is not null)
        {
            _calls.AddDifferentiableCall(callee, invocation.Syntax); // U's code is called: none where U gets none (SD0024), no third order (SD0033)
            output.Add(new CallWithOutputs(parsed, invocation.Syntax.ToString()));
        }

        return true;
    }

    /// <summary>
    /// <c>double u = UWithGradient(v, dV);</c> (or <c>return UWithGradient(v, dV);</c>): the gradient over spans whose
    /// returned value U(v) is read too, as the whole value of a declaration or a return, so that the call runs where the
    /// user's code runs it. ∂u/∂v is the gradient the call writes into dV.
    /// </summary>
    private Expr? ParseValuedGradientOverSpans(IInvocationOperation invocation, IMethodSymbol method, IMethodSymbol callee, SyntaxNode nameLocation)
    {
        var function = DifferentiableCallees.DescribeGradientOverSpans(callee, _real);
        if (function is null || function.ParameterNames.Count != method.Parameters.Length)
        {
            return Unsupported(invocation); // MethodBody reported SD0020 for it already
        }

        // Inside a larger expression it runs just before its statement, where that is where the user's code runs it.
        if (!ReferenceEquals(invocation, _statementValue)
            && OutOfTurnReason(invocation, argument => argument.Parameter is { } parameter && function.IsOutput(parameter.Ordinal)) is { } reason)
        {
            string gradients = string.Join(", ", function.ParameterNames.Skip(callee.Parameters.Length));
            Report(DiagnosticDescriptors.UnsupportedExpression, invocation.Syntax,
                $"Using the value of '{method.Name}', which writes the gradient of '{DisplayName(callee)}' into '{gradients}', {reason} (it would run out of turn: declare a local with it before the statement, 'double {NameAllocator.ToCamelCase(callee.Name)} = {method.Name}(...);', and use the local there)");
            return null;
        }

        if (_guard is not null)
        {
            ReportGuardedOutputCall(method, nameLocation);
            return null;
        }

        var parsed = ParseOutputCallArguments(invocation, method, function);
        if (parsed is null)
        {
            return null;
        }

        _calls.AddDifferentiableCall(callee, invocation.Syntax);
        string value = _names.Fresh(NameAllocator.ToCamelCase(callee.Name));
        _currentOutput.Add(new CallWithOutputs(parsed, invocation.Syntax.ToString()) { ValueName = value });
        return new Variable(value);
    }

    /// <summary>A call of a span-writing helper that declares its products with [Derivative].</summary>
    private bool TryParseDeclaredOutputCall(IInvocationOperation invocation, IMethodSymbol method, SyntaxNode nameLocation, List<Statement> output)
    {
        var function = DerivativeDeclarationReader.ReadOutputHelper(method, out string? error);
        if (function is null)
        {
            Report(DiagnosticDescriptors.InvalidDerivativeDeclaration, nameLocation, DisplayName(method), error ?? "invalid declaration");
            return true;
        }

        if (_guard is not null)
        {
            ReportGuardedOutputCall(method, nameLocation);
            return true;
        }

        var parsed = ParseOutputCallArguments(invocation, method, function);
        if (parsed is not null)
        {
            output.Add(new CallWithOutputs(parsed, invocation.Syntax.ToString()));
        }

        return true;
    }

    private void ReportGuardedOutputCall(IMethodSymbol method, SyntaxNode nameLocation) =>
        Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation,
            $"A call of '{DisplayName(method)}', a vector-valued method, inside an 'if' or after an early return (call it unconditionally, and choose between its results with a conditional afterwards)");

    /// <summary>
    /// A [Differentiable] callee that writes <paramref name="outputs"/>, as a function over vectors whose derivatives are
    /// its generated methods; null (reported) where it cannot be called from here.
    /// </summary>
    private VectorFunction? DescribeVectorValuedCallee(IMethodSymbol method, SyntaxNode nameLocation, IReadOnlyCollection<string> outputs)
    {
        string? path = DifferentiableCallees.RecursionPath(_method, method, _semanticModel, _cancellationToken);
        if (path is not null)
        {
            Report(DiagnosticDescriptors.Recursion, nameLocation, _method.Name, DisplayName(method), path);
            return null;
        }

        if (!method.Parameters.Any(p => outputs.Contains(p.Name)))
        {
            // From metadata: the outputs' names are not known, only that it has some.
            Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation,
                $"A call of '{DisplayName(method)}', a vector-valued method compiled in another assembly (which of its spans it writes is known only for a method in this compilation)");
            return null;
        }

        if (_guard is not null)
        {
            ReportGuardedOutputCall(method, nameLocation);
            return null;
        }

        return DifferentiableCallees.DescribeVectorValued(method, outputs, _real);
    }

    /// <summary>
    /// The arguments of a call of a vector-valued helper: whole vectors for its spans (an output must be a local buffer
    /// of this method or one of its own outputs, and may not also be passed as an input), reals and integers for the others.
    /// </summary>
    private VectorCall? ParseOutputCallArguments(IInvocationOperation invocation, IMethodSymbol method, VectorFunction function)
    {
        var arguments = new List<Expr>();
        var inputs = new Dictionary<string, IArgumentOperation>();
        var written = new List<(string Vector, IArgumentOperation Argument)>();
        bool failed = false;
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            var value = argument.Value;
            int ordinal = argument.Parameter?.Ordinal ?? arguments.Count;
            Expr? parsed;
            if (function.IsOutput(ordinal) && ElementType(argument.Parameter?.Type) is null)
            {
                // UWithGradient(v, b, dV, out _) or out double dB: a scalar part of the gradient, discarded or read.
                parsed = ParseScalarGradientOutput(value, method, argument.Parameter?.Name);
            }
            else if (ElementType(argument.Parameter?.Type) is not null)
            {
                value = WithoutConversions(value);

                if (function.IsOutput(ordinal))
                {
                    parsed = ParseOutputArgument(value, method);
                    if (parsed is VectorArgument { Vector: var target })
                    {
                        written.Add((target, argument));
                    }
                }
                else
                {
                    parsed = ElementType(value.Type)?.SpecialType != _real ? Unsupported(value) : VectorName(value) is { } vector ? new VectorArgument(vector) : null; // VectorName reports what it cannot name
                    if (parsed is VectorArgument { Vector: var read })
                    {
                        inputs[read] = argument;
                        if (value is IParameterReferenceOperation)
                        {
                            CheckOutputRead(read, value.Syntax);
                        }
                    }
                }
            }
            else if (IsInteger(argument.Parameter?.Type))
            {
                var integer = ParseInteger(value);
                parsed = integer is null ? null : new IntegerValue(integer);
            }
            else
            {
                parsed = ParseReal(value);
            }

            failed |= parsed is null;
            arguments.Add(parsed ?? Constant.Zero);
        }

        // Step(s, s): the helper would overwrite values it still reads, and its generated derivatives, which run it
        // again, would read the new ones.
        foreach (var (vector, argument) in written)
        {
            if (inputs.ContainsKey(vector) || written.Count(w => w.Vector == vector) > 1)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, argument.Syntax,
                    $"Passing '{vector}' to '{DisplayName(method)}' both as its output '{argument.Parameter?.Name}' and as another of its arguments (the helper would overwrite values it still reads, and its derivatives would be wrong: write the results into a second buffer, and copy or swap afterwards)");
                failed = true;
            }
        }

        foreach (var (vector, _) in written)
        {
            if (_outputs.Contains(vector))
            {
                _writtenOutputs.Add(vector);
            }
        }

        return failed ? null : new VectorCall(function, arguments.ToEquatableArray()) { Location = LocationInfo.From(invocation.Syntax) };
    }

    /// <summary>What a helper may write its results into: a local buffer of this method, or one of this method's own outputs.</summary>
    private Expr? ParseOutputArgument(IOperation value, IMethodSymbol method)
    {
        switch (value)
        {
            case IParameterReferenceOperation { Parameter.Name: var name } when _outputs.Contains(name):
                return new VectorArgument(name);
            case ILocalReferenceOperation local when _buffers.Contains(local.Local):
                return new VectorArgument(local.Local.Name);
            case ILocalReferenceOperation { Local: var reported } when _reportedLocals.Contains(reported):
                return null;
            case var slice when IsSliceLocal(slice) || IsSliceForm(slice):
                ReportSliceOutput(slice, method);
                return null;
            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, value.Syntax,
                    $"Passing '{value.Syntax}' to '{DisplayName(method)}' to write its results into, when it is not a local buffer of this method (inputs are read-only, so that no output can alias them: declare a buffer, stackalloc double[n] or new double[n], and pass that)");
                return null;
        }
    }
}
