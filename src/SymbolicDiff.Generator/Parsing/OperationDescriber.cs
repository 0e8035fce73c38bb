using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>Names an unsupported construct in words a C# developer recognises, for diagnostic messages.</summary>
internal static class OperationDescriber
{
    private const int MaxQuotedLength = 60;

    /// <summary>Names what an unsupported assignment writes, e.g. <c>the field 's_total' ('s_total')</c>.</summary>
    public static string DescribeAssignmentTarget(IOperation target)
    {
        string what = target switch
        {
            IFieldReferenceOperation field => $"the field '{field.Field.Name}'",
            IPropertyReferenceOperation property => $"the property '{property.Property.Name}'",
            IDiscardOperation => "a discard",
            _ => What(target),
        };

        return what + Quote(target);
    }

    /// <summary>Describes an unsupported condition of an <c>if</c> or <c>?:</c>.</summary>
    public static string DescribeCondition(IOperation operation) =>
        "The condition " + Quote(operation).TrimStart() + " (conditions are comparisons of numbers, &&, ||, !, bool locals and parameters)";

    /// <summary>Describes an expression, e.g. <c>The '%' operator in 'x % 2'</c>.</summary>
    public static string Describe(IOperation operation) => Capitalise(What(operation)) + Quote(operation);

    /// <summary>Describes a statement, e.g. <c>An 'if' statement</c>.</summary>
    public static string DescribeStatement(IOperation operation) => operation switch
    {
        ISwitchOperation => "A 'switch' statement",
        ITryOperation => "A 'try' statement",
        IUsingOperation or IUsingDeclarationOperation => "A 'using' statement",
        ILockOperation => "A 'lock' statement",
        ILocalFunctionOperation => "A local function",
        IBranchOperation branch => $"A '{branch.Syntax.GetFirstToken().Text}' statement",
        ILabeledOperation => "A labelled statement",
        IReturnOperation => "A 'return' without a value",
        IInvocationOperation invocation => $"A call whose result is discarded ('{invocation.TargetMethod.Name}')",
        _ => Capitalise(What(operation)) + " used as a statement" + Quote(operation),
    };

    private static string What(IOperation operation) => operation switch
    {
        IBinaryOperation binary => BinaryWhat(binary),
        ICompoundAssignmentOperation compound => $"the compound assignment '{OperatorText(compound.OperatorKind)}='",
        IUnaryOperation unary => $"the unary operator '{unary.Syntax.GetFirstToken().Text}'",
        IConditionalOperation => "the conditional operator '?:' on values that are not double",
        IConversionOperation conversion => $"a conversion to '{conversion.Type?.ToDisplayString()}'",
        IFieldReferenceOperation field => $"reading the field '{field.Field.Name}' (fields of this object or static ones, of numeric type, can be read)",
        IPropertyReferenceOperation property => $"reading the property '{property.Property.Name}'",
        IArrayElementReferenceOperation => "an array element access",
        IObjectCreationOperation => "creating an object with 'new'",
        IAnonymousFunctionOperation => "a lambda",
        IThrowOperation => "a 'throw' expression here (write the 'if' that throws as a statement of its own: if (...) throw ...;)",
        ISwitchExpressionOperation => "a switch expression",
        IIsPatternOperation or IIsTypeOperation => "an 'is' test",
        IIncrementOrDecrementOperation => "an increment or decrement inside an expression (write it as a statement of its own: x[k], then k++; on the next line)",
        ICoalesceOperation => "the '??' operator",
        IParameterReferenceOperation parameter => $"the parameter '{parameter.Parameter.Name}' of type '{parameter.Type?.ToDisplayString()}'",
        ILocalReferenceOperation local => $"the local '{local.Local.Name}' of type '{local.Type?.ToDisplayString()}'",
        ILiteralOperation literal => $"a literal of type '{literal.Type?.ToDisplayString() ?? "null"}'",
        IInvocationOperation invocation => $"a call of '{invocation.TargetMethod.Name}'",
        _ => "the expression",
    };

    private static string BinaryWhat(IBinaryOperation binary)
    {
        string text = OperatorText(binary.OperatorKind);
        if (binary.OperatorMethod is not null)
        {
            return $"the user-defined operator '{text}'";
        }

        if (binary.Type is { SpecialType: not SpecialType.System_Double } type &&
            binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide)
        {
            return $"'{text}' on values of type '{type.ToDisplayString()}' (arithmetic must be on double)";
        }

        return binary.OperatorKind switch
        {
            BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or
            BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals =>
                $"the comparison '{text}' used as a number (comparisons belong in the conditions of 'if' and '?:')",
            _ => $"the '{text}' operator",
        };
    }

    private static string OperatorText(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => "+",
        BinaryOperatorKind.Subtract => "-",
        BinaryOperatorKind.Multiply => "*",
        BinaryOperatorKind.Divide => "/",
        BinaryOperatorKind.Remainder => "%",
        BinaryOperatorKind.LeftShift => "<<",
        BinaryOperatorKind.RightShift => ">>",
        BinaryOperatorKind.And => "&",
        BinaryOperatorKind.Or => "|",
        BinaryOperatorKind.ExclusiveOr => "^",
        BinaryOperatorKind.ConditionalAnd => "&&",
        BinaryOperatorKind.ConditionalOr => "||",
        BinaryOperatorKind.Equals => "==",
        BinaryOperatorKind.NotEquals => "!=",
        BinaryOperatorKind.LessThan => "<",
        BinaryOperatorKind.LessThanOrEqual => "<=",
        BinaryOperatorKind.GreaterThan => ">",
        BinaryOperatorKind.GreaterThanOrEqual => ">=",
        _ => kind.ToString(),
    };

    private static string Quote(IOperation operation)
    {
        string text = operation.Syntax.ToString().Replace("\r", " ").Replace("\n", " ");
        if (text.Length > MaxQuotedLength)
        {
            text = text.Substring(0, MaxQuotedLength - 3) + "...";
        }

        return $" ('{text}')";
    }

    private static string Capitalise(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
}
