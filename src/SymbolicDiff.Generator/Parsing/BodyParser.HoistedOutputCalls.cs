using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SymbolicDiff.Generator.Parsing;

// A call that writes into spans and whose value is read inside a larger expression, `x * UWithGradient(v, dV)` or
// `total += Step(s, w, next)`: the parser hoists it into a hidden local just before its statement (a CallWithOutputs
// with a ValueName, as `double u = UWithGradient(v, dV);` is). That keeps the user's order only where the call runs
// exactly once, at that statement, and nothing else in the statement reads what it writes; elsewhere it stays SD0005.
internal sealed partial class BodyParser
{
    /// <summary>
    /// Why <paramref name="invocation"/>, read inside a larger expression, cannot run just before its statement: it is
    /// an operand that runs only sometimes (<c>&amp;&amp;</c>, <c>||</c>, <c>?:</c>, <c>??</c>, a switch arm), or part of a loop's
    /// condition or step (which run once per iteration), or its statement reads a span it writes elsewhere. Null where
    /// it can be hoisted.
    /// </summary>
    private static string? OutOfTurnReason(IInvocationOperation invocation, Func<IArgumentOperation, bool> isOutput)
    {
        IOperation child = invocation;
        IOperation statement = invocation;
        for (var parent = invocation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation { Syntax: ConditionalExpressionSyntax } conditional when !ReferenceEquals(child, conditional.Condition):
                    return "as an operand of '?:', which runs only one of its two operands";
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical when ReferenceEquals(child, logical.RightOperand):
                    return $"as the right operand of '{(logical.OperatorKind == BinaryOperatorKind.ConditionalAnd ? "&&" : "||")}', which runs only when the left one does not decide";
                case ICoalesceOperation coalesce when ReferenceEquals(child, coalesce.WhenNull):
                    return "as the right operand of '??', which runs only sometimes";
                case ISwitchExpressionArmOperation:
                    return "in an arm of a switch expression, which runs only when the arm is chosen";
                case IForLoopOperation forLoop when ReferenceEquals(child, forLoop.Condition) || forLoop.AtLoopBottom.Contains(child):
                    return "in the condition or the step of a 'for' loop, which run once per iteration";
                case IWhileLoopOperation whileLoop when ReferenceEquals(child, whileLoop.Condition):
                    return "in the condition of a loop, which runs once per iteration";
            }

            if (parent is IBlockOperation or ILoopOperation or IMethodBodyOperation or ILocalFunctionOperation or ISwitchCaseOperation
                || parent is IConditionalOperation { Syntax: IfStatementSyntax })
            {
                break;
            }

            statement = parent;
        }

        // total += gradient[0] * UWithGradient(v, gradient): C# reads gradient[0] before the call writes it.
        var written = invocation.Arguments.Where(isOutput).Select(argument => ReferencedSymbol(WithoutConversions(argument.Value))).Where(symbol => symbol is not null).ToList();
        var inCall = invocation.Descendants().ToList();
        foreach (var reference in statement.DescendantsAndSelf())
        {
            if (ReferencedSymbol(reference) is { } symbol && written.Contains(symbol, SymbolEqualityComparer.Default) && !inCall.Contains(reference))
            {
                return $"where its statement also uses '{symbol.Name}', which the call writes (C# evaluates that use in turn with the call)";
            }
        }

        return null;
    }

    private static ISymbol? ReferencedSymbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    // A vector under its conversions, the user-defined one included: a double[] passed for a Span<double> goes through
    // the span's implicit operator, a conversion with a method (a call's arguments, Array.Fill(w, v), x.CopyTo(w)).
    private static IOperation WithoutConversions(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        return value;
    }
}
