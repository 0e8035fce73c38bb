using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Nested differentiation: a [Differentiable] method reads another one's generated gradient
/// (<c>UWithGradient(x, k).X</c>, or <c>var g = UWithGradient(x, k);</c> then <c>g.X</c>) or directional derivative
/// (<c>UWithDerivative(x, k, dX, dK).Derivative</c>). Each entry read becomes a call of a function of U's arguments
/// whose partials are a row of U's Hessian (<see cref="GradientComponent"/>); <c>.Value</c> is a call of U itself; a
/// directional derivative is the sum of the gradient's entries times the tangents. From there on it is a call like
/// any other, differentiated by the same transforms.
/// </summary>
internal sealed partial class BodyParser
{
    private const string ValueMember = "Value";
    private const string DerivativeMember = "Derivative";

    // var g = UWithGradient(x, k);  the real local that holds each member of g that is read (g.X → gX), taken at the declaration.
    private readonly Dictionary<ILocalSymbol, Dictionary<string, Variable>> _gradientLocals = new(SymbolEqualityComparer.Default);

    /// <summary>A read of a member of another method's generated gradient or derivative: parsed (null after a reported problem) and true; else false.</summary>
    private bool TryParseNestedGradient(IOperation operation, out Expr? parsed)
    {
        parsed = null;
        var (instance, member) = MemberRead(operation);
        if (instance is ILocalReferenceOperation local && _gradientLocals.TryGetValue(local.Local, out var members))
        {
            // A member whose read was reported at the declaration is not reported again at each use.
            parsed = members.TryGetValue(member!, out var variable) ? variable : _reportedLocals.Contains(local.Local) ? null : Unsupported(operation);
            return true;
        }

        if (instance is IInvocationOperation call && NestedCallee(call) is { } callee)
        {
            var arguments = ParseNestedArguments(call);
            parsed = arguments is null ? null : NestedRead(call, callee.Method, callee.IsDerivative, arguments, member!, hoist: !ReferenceEquals(operation, _statementValue));
            return true;
        }

        return false;
    }

    /// <summary>
    /// <c>var g = UWithGradient(x, k);</c>: each member of g read anywhere gets a real local here, so that g.X means
    /// the value at the declaration whatever x does later. True when the declaration was such a local.
    /// </summary>
    private bool TryDeclareGradientLocal(ILocalSymbol local, IVariableInitializerOperation initializer, List<Statement> output)
    {
        if (initializer.Value is not IInvocationOperation call || NestedCallee(call) is not { } callee)
        {
            return false;
        }

        if (AssignmentsTo(local).Any())
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, initializer.Syntax.Parent?.GetFirstToken() ?? initializer.Syntax.GetFirstToken(),
                $"Assigning the local '{local.Name}' that holds a generated gradient again (declare a new local for each call)");
            return true;
        }

        var members = new Dictionary<string, Variable>(System.StringComparer.Ordinal);
        _gradientLocals[local] = members;
        var read = References(local).Select(MemberOfReference).Where(member => member is not null).Select(member => member!).Distinct().ToList();
        if (read.Count == 0)
        {
            return true;
        }

        var arguments = ParseNestedArguments(call);
        if (arguments is null)
        {
            _reportedLocals.Add(local);
            return true;
        }

        foreach (string member in read)
        {
            var value = NestedRead(call, callee.Method, callee.IsDerivative, arguments, member, hoist: false);
            if (value is null)
            {
                _reportedLocals.Add(local);
                break;
            }

            string name = _names.Fresh(NameAllocator.ToCamelCase(local.Name) + NameAllocator.ToPascalCase(member));
            output.Add(new DeclareReal(name, GuardedDeclaration(value)));
            members[member] = new Variable(name);
        }

        return true;
    }

    private static string? MemberOfReference(ILocalReferenceOperation reference) =>
        MemberRead(reference.Parent!) is { Instance: var instance, Member: var member } && ReferenceEquals(instance, reference) ? member : null;

    /// <summary><c>instance.Member</c> for a property or a tuple element (<c>Item1</c> is <c>Value</c>, <c>Item2</c> <c>Derivative</c>).</summary>
    private static (IOperation? Instance, string? Member) MemberRead(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation { Instance: { } instance, Arguments.IsEmpty: true } property => (instance, property.Property.Name),
        IFieldReferenceOperation { Instance: { } instance } field => (instance, field.Field.Name switch
        {
            "Item1" => ValueMember,
            "Item2" => DerivativeMember,
            var name => name,
        }),
        _ => (null, null),
    };

    /// <summary>The [Differentiable] method whose generated <c>MWithGradient</c> or <c>MWithDerivative</c> is called, or null.</summary>
    private static (IMethodSymbol Method, bool IsDerivative)? NestedCallee(IInvocationOperation call)
    {
        var target = call.TargetMethod;
        if (!MethodBody.IsGenerated(target))
        {
            return null;
        }

        foreach (bool isDerivative in new[] { false, true })
        {
            string suffix = isDerivative ? GeneratedNames.DerivativeMethod(string.Empty) : GeneratedNames.GradientMethod(string.Empty);
            if (target.Name.Length > suffix.Length && target.Name.EndsWith(suffix, System.StringComparison.Ordinal))
            {
                string name = target.Name.Substring(0, target.Name.Length - suffix.Length);
                var callees = target.ContainingType.GetMembers(name).OfType<IMethodSymbol>().Where(MethodParser.IsDifferentiable).ToList();
                return callees.Count == 1 ? (callees[0], isDerivative) : null;
            }
        }

        return null;
    }

    private List<Expr>? ParseNestedArguments(IInvocationOperation call)
    {
        var arguments = new List<Expr>();
        foreach (var argument in call.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            var value = ParseReal(argument.Value);
            if (value is null)
            {
                return null;
            }

            arguments.Add(value);
        }

        return arguments;
    }

    /// <summary>
    /// <paramref name="member"/> of U's generated gradient (or derivative) at <paramref name="arguments"/>; null after
    /// a reported problem. With <paramref name="hoist"/>, U's own value gets a local, as a call of U does.
    /// </summary>
    private Expr? NestedRead(IInvocationOperation call, IMethodSymbol callee, bool isDerivative, IReadOnlyList<Expr> arguments, string member, bool hoist)
    {
        string? path = DifferentiableCallees.RecursionPath(_method, callee, _semanticModel, _cancellationToken);
        if (path is not null)
        {
            Report(DiagnosticDescriptors.Recursion, call.Syntax, _method.Name, DisplayName(callee), path);
            return null;
        }

        var function = DifferentiableCallees.Describe(callee);
        int parameters = callee.Parameters.Length;
        var calleeArguments = arguments.Take(parameters).ToEquatableArray();
        _calls.AddDifferentiableCall(callee, call.Syntax);
        if (function.GradientProperties.Any(property => property is null))
        {
            _calls.SelectingCalled.Add(function.DisplayName);
        }

        if (member == ValueMember)
        {
            var value = new Call(function, calleeArguments) { Location = LocationInfo.From(call.Syntax) };
            if (!hoist)
            {
                return value;
            }

            string temporary = _names.Fresh(NameAllocator.ToCamelCase(callee.Name));
            _currentOutput.Add(new DeclareReal(temporary, value));
            return new Variable(temporary);
        }

        if (function.Hessian is null)
        {
            Report(DiagnosticDescriptors.NestedDifferentiation, call.Syntax,
                _method.Name,
                callee.ContainingType.Name + "." + call.TargetMethod.Name,
                callee.ContainingType.Name + "." + callee.Name,
                $"needs the second derivatives of '{callee.Name}' (the partials of its gradient are its Hessian): add SecondOrder = true to its attribute, [Differentiable(SecondOrder = true)]");
            return null;
        }

        if (isDerivative && member == DerivativeMember)
        {
            // Σ ∂U/∂pⱼ · dpⱼ over U's differentiated parameters, the tangents following U's arguments.
            Expr total = Constant.Zero;
            int tangent = parameters;
            for (int j = 0; j < parameters; j++)
            {
                if (function.GradientProperties[j] is not { } property)
                {
                    continue;
                }

                var entry = new Call(function.GradientEntry(property), calleeArguments) { Location = LocationInfo.From(call.Syntax) };
                var product = new Binary(BinaryOperator.Multiply, entry, arguments[tangent++]);
                total = total is Constant { IsZero: true } ? product : new Binary(BinaryOperator.Add, total, product);
            }

            return total;
        }

        if (!isDerivative && function.GradientProperties.Contains(member))
        {
            return new Call(function.GradientEntry(member), calleeArguments) { Location = LocationInfo.From(call.Syntax) };
        }

        Report(DiagnosticDescriptors.UnsupportedExpression, call.Syntax.Parent ?? call.Syntax, $"Reading '{member}' of '{call.TargetMethod.Name}'");
        return null;
    }
}
