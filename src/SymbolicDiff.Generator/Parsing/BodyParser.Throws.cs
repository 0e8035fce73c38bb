using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>throw</c>: an argument guard (<c>if (x.Length != y.Length) throw new ArgumentException("...", nameof(y));</c>), a
/// throw in a loop or a branch, and a static throw helper (<c>ArgumentNullException.ThrowIfNull(x);</c>) become a
/// <see cref="ThrowIf"/> under the branch's recorded condition, so every generated method throws the same exception at
/// the same point of its forward sweep. A path that throws returns nothing, so its derivative is never needed, and what
/// follows runs only where nothing was thrown. The exception is printed again in every generated method: its types are
/// written fully qualified and its arguments may read the method's parameters and constants (names that mean the same
/// there); a local read in it is SD0004, saying so.
/// </summary>
internal sealed partial class BodyParser
{
    private static readonly SymbolDisplayFormat QualifiedType = SymbolDisplayFormat.FullyQualifiedFormat;

    // The integer locals the exception being printed reads (see ThrowIf.Reads).
    private readonly List<string> _throwReads = new();

    /// <summary>Whether <paramref name="statement"/> is a <c>throw</c> statement (or a static throw helper's call).</summary>
    private static bool IsThrow(IOperation statement) => statement is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation }
        || (statement is IExpressionStatementOperation { Operation: IInvocationOperation invocation } && IsThrowHelper(invocation));

    /// <summary>
    /// A static method that returns nothing and whose name starts with <c>Throw</c>: .NET's <c>ArgumentNullException.ThrowIfNull</c>,
    /// <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero</c>, a project's own <c>ThrowHelper.ThrowArgument(...)</c>.
    /// </summary>
    private static bool IsThrowHelper(IInvocationOperation invocation) =>
        invocation.TargetMethod is { IsStatic: true, ReturnsVoid: true, IsExtensionMethod: false } method && method.Name.StartsWith("Throw", System.StringComparison.Ordinal);

    /// <summary>The <c>throw</c> statement that is all of an <c>if</c>'s branch (alone or in a block), or null.</summary>
    private static IOperation? OnlyThrow(IOperation branch)
    {
        var only = branch is IBlockOperation { Operations.Length: 1 } block ? block.Operations[0] : branch;
        return only is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } ? only : null;
    }

    /// <summary>The <c>throw</c> statement (or throw helper's call) as a <see cref="ThrowIf"/> under the current guard.</summary>
    private void ParseThrow(IOperation statement, List<Statement> output)
    {
        _throwReads.Clear();
        var operation = statement is IExpressionStatementOperation wrapped ? wrapped.Operation : statement;
        string? code = operation switch
        {
            IThrowOperation { Exception: { } exception } => ThrowText(exception) is { } text ? $"throw {text};" : null,
            IInvocationOperation helper => InvocationText(helper) is { } call ? call + ";" : null,
            _ => ReportThrow(operation, "A 'throw;' that rethrows"),
        };
        if (code is null)
        {
            return;
        }

        if (_guard is null && operation is IThrowOperation)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, statement.Syntax.GetFirstToken(),
                "A 'throw' that every call reaches (the method never returns a value to differentiate; put it inside the 'if' that checks what it rejects)");
            return;
        }

        output.Add(new ThrowIf(_guard ?? new BoolConstant(true), code) { Reads = _throwReads.ToEquatableArray() });
        _throwReads.Clear();
    }

    /// <summary>A <c>throw</c> expression (<c>n &gt; 0 ? s / n : throw new ArgumentException(...)</c>): the exception as C#, or null (reported).</summary>
    private Expr? ParseThrowExpression(IThrowOperation throwOperation) =>
        throwOperation.Exception is { } exception && ThrowText(exception) is { } text ? new ThrownException($"throw {text}") : null;

    private string? ThrowText(IOperation exception) => ExceptionCode(Implicitless(exception));

    private static IOperation Implicitless(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// <paramref name="operation"/> (a part of the exception: its creation, a message, a <c>nameof</c>) as C# that means the
    /// same in a generated method, or null where it reads anything else (reported, once per throw).
    /// </summary>
    private string? ExceptionCode(IOperation operation)
    {
        operation = Implicitless(operation);
        switch (operation)
        {
            case ILiteralOperation or INameOfOperation when operation.Syntax is ExpressionSyntax literal && ReadsOnlyParameters(operation):
                return literal.ToString();

            case { ConstantValue: { HasValue: true, Value: var constant } }:
                return ConstantText(constant) ?? ReportThrow(operation, "The constant " + Quoted(operation));

            case IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, _method):
                return parameter.Syntax.ToString();

            case IInstanceReferenceOperation when !_method.IsStatic:
                return "this";

            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return MemberText(property.Instance, property.Property);

            case IFieldReferenceOperation field:
                return MemberText(field.Instance, field.Field);

            case IObjectCreationOperation { Constructor: { } constructor, Initializer: null } creation:
                return Arguments(creation.Arguments) is { } arguments ? $"new {constructor.ContainingType.ToDisplayString(QualifiedType)}({arguments})" : null;

            case IInvocationOperation invocation:
                return InvocationText(invocation);

            case IBinaryOperation { OperatorMethod: null or { ContainingType.SpecialType: SpecialType.System_String } } binary when binary.Syntax is BinaryExpressionSyntax syntax:
            {
                // "at x[" + i + "]" as written: a left operand with the same operator needs no parentheses (C# groups to the left).
                var leftOperand = Implicitless(binary.LeftOperand);
                var rightOperand = Implicitless(binary.RightOperand);
                return ExceptionCode(leftOperand) is { } left && ExceptionCode(rightOperand) is { } right
                    ? $"{Grouped(left, leftOperand, binary, isLeft: true)} {syntax.OperatorToken.Text} {Grouped(right, rightOperand, binary, isLeft: false)}"
                    : null;
            }

            case IInterpolatedStringOperation interpolated:
                return InterpolatedText(interpolated);

            case ILocalReferenceOperation { Local: { IsRef: false } local } when OperationFacts.IsInteger(local.Type):
            {
                string name = NameOf(local);
                if (!_throwReads.Contains(name))
                {
                    _throwReads.Add(name);
                }

                return CSharpLexical.Identifier(name);
            }

            case ILocalReferenceOperation local:
                return ReportThrow(operation, $"Reading the local '{local.Local.Name}' in the exception (the generated methods compute real locals differently: build the message from parameters, integer locals and constants)");

            default:
                return ReportThrow(operation, OperationDescriber.Describe(operation) + " in the exception (build the exception from parameters and constants)");
        }
    }

    private static string Grouped(string text, IOperation operand, IBinaryOperation parent, bool isLeft) =>
        operand is IBinaryOperation inner && !(isLeft && inner.OperatorKind == parent.OperatorKind) ? "(" + text + ")" : text;

    private string? MemberText(IOperation? instance, ISymbol member)
    {
        if (instance is null)
        {
            return member.ContainingType.ToDisplayString(QualifiedType) + "." + member.Name;
        }

        return ExceptionCode(instance) is { } target ? target + "." + member.Name : null;
    }

    private string? InvocationText(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsExtensionMethod)
        {
            return ReportThrow(invocation, $"The call of '{method.Name}' in the exception (write the message from parameters and constants)");
        }

        string? target = invocation.Instance is null ? method.ContainingType.ToDisplayString(QualifiedType) : ExceptionCode(invocation.Instance);
        string typeArguments = method.Arity == 0 ? string.Empty : "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(QualifiedType))) + ">";
        return target is not null && Arguments(invocation.Arguments) is { } arguments ? $"{target}.{method.Name}{typeArguments}({arguments})" : null;
    }

    /// <summary>The arguments as written (a parameter's default left out, named from there on; a <c>params</c> array's elements in place).</summary>
    private string? Arguments(IEnumerable<IArgumentOperation> arguments)
    {
        var written = new List<string>();
        bool named = false;
        foreach (var argument in arguments.OrderBy(a => a.Syntax is ArgumentSyntax ? a.Syntax.SpanStart : int.MaxValue))
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                named = true; // a caller-argument expression or a default: the generated call computes it again
                continue;
            }

            if (argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { IsImplicit: true, Initializer: { } elements })
            {
                foreach (var element in elements.ElementValues)
                {
                    if (ExceptionCode(element) is not { } text)
                    {
                        return null;
                    }

                    written.Add(text);
                }

                continue;
            }

            if (ExceptionCode(argument.Value) is not { } value)
            {
                return null;
            }

            named |= argument.Syntax is ArgumentSyntax { NameColon: not null };
            written.Add(named && argument.Parameter is { } parameter ? $"{parameter.Name}: {value}" : value);
        }

        return string.Join(", ", written);
    }

    private string? InterpolatedText(IInterpolatedStringOperation interpolated)
    {
        var text = new System.Text.StringBuilder("$\"");
        foreach (var part in interpolated.Parts)
        {
            switch (part)
            {
                case IInterpolatedStringTextOperation { Text.ConstantValue.Value: string literal }:
                    text.Append(SymbolDisplay.FormatLiteral(literal, quote: false).Replace("{", "{{").Replace("}", "}}"));
                    break;
                case IInterpolationOperation hole:
                    if (ExceptionCode(hole.Expression) is not { } value)
                    {
                        return null;
                    }

                    text.Append('{').Append(value.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '@') ? value : "(" + value + ")");
                    if (hole.Alignment is { } alignment)
                    {
                        if (ExceptionCode(alignment) is not { } width)
                        {
                            return null;
                        }

                        text.Append(',').Append(width);
                    }

                    if (hole.FormatString is { ConstantValue.Value: string format })
                    {
                        text.Append(':').Append(format);
                    }

                    text.Append('}');
                    break;
                default:
                    return ReportThrow(part, OperationDescriber.Describe(part) + " in the exception's message");
            }
        }

        return text.Append('"').ToString();
    }

    private bool ReadsOnlyParameters(IOperation operation) =>
        operation is not INameOfOperation { Argument: var named } ||
        Implicitless(named) is IParameterReferenceOperation { Parameter: var parameter } && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _method);

    /// <summary>A constant (a <c>const</c>, a <c>nameof</c> of a local) as a literal of its own type, or null for a type it has no literal of.</summary>
    private static string? ConstantText(object? constant) => constant switch
    {
        null => "null",
        string or char or bool or int => SymbolDisplay.FormatPrimitive(constant, quoteStrings: true, useHexadecimalNumbers: false),
        long value => value.ToString(CultureInfo.InvariantCulture) + "L",
        double value => value.ToString("R", CultureInfo.InvariantCulture) + "d",
        float value => value.ToString("R", CultureInfo.InvariantCulture) + "f",
        _ => null,
    };

    private static string Quoted(IOperation operation) => "'" + operation.Syntax + "'";

    private string? ReportThrow(IOperation operation, string what)
    {
        Report(DiagnosticDescriptors.UnsupportedStatement, operation.Syntax, what);
        return null;
    }
}
