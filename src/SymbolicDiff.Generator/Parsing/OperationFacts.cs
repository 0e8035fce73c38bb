using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>Facts about Roslyn types and operators that both body parsers (straight-line and loops) read the same way.</summary>
internal static class OperationFacts
{
    /// <summary>The integer locals supported: int and long, whose arithmetic C# does in their own type.</summary>
    public static bool IsInteger(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    public static string IntegerKeyword(ITypeSymbol type) => type.SpecialType == SpecialType.System_Int64 ? "long" : "int";

    public static bool IsNumeric(ITypeSymbol? type) => type?.SpecialType is
        SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64 or
        SpecialType.System_Int16 or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_UInt16 or
        SpecialType.System_UInt32 or SpecialType.System_UInt64;

    /// <summary>
    /// A numeric type C# converts implicitly to the method's real type: anything numeric into double; for a
    /// float method everything but double, so that double arithmetic never hides in a float method.
    /// </summary>
    public static bool IsPromotable(ITypeSymbol? type, SpecialType real) =>
        IsNumeric(type) && !(real == SpecialType.System_Single && type!.SpecialType == SpecialType.System_Double);

    /// <summary>A field or property of this object (<c>this.scale</c>), of a type, or of a parameter (<c>p.X</c>), as C# text.</summary>
    public static string MemberCode(ISymbol member, IOperation? instance) => instance switch
    {
        null => DerivativeDeclarationReader.QualifiedName(member.ContainingType) + "." + CSharpLexical.Identifier(member.Name),
        IParameterReferenceOperation parameter => CSharpLexical.Identifier(parameter.Parameter.Name) + "." + CSharpLexical.Identifier(member.Name),
        _ => "this." + CSharpLexical.Identifier(member.Name),
    };

    public static BinaryOperator? ToBinaryOperator(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => BinaryOperator.Add,
        BinaryOperatorKind.Subtract => BinaryOperator.Subtract,
        BinaryOperatorKind.Multiply => BinaryOperator.Multiply,
        BinaryOperatorKind.Divide => BinaryOperator.Divide,
        _ => null,
    };

    public static ComparisonOperator? ToComparisonOperator(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => ComparisonOperator.Less,
        BinaryOperatorKind.LessThanOrEqual => ComparisonOperator.LessOrEqual,
        BinaryOperatorKind.GreaterThan => ComparisonOperator.Greater,
        BinaryOperatorKind.GreaterThanOrEqual => ComparisonOperator.GreaterOrEqual,
        BinaryOperatorKind.Equals => ComparisonOperator.Equal,
        BinaryOperatorKind.NotEquals => ComparisonOperator.NotEqual,
        _ => null,
    };

    /// <summary><c>Type.Method</c>, as messages name a called method.</summary>
    public static string DisplayName(IMethodSymbol method) =>
        method.ContainingType is null ? method.Name : method.ContainingType.Name + "." + method.Name;

    public static string LoopKeyword(ILoopOperation loop) => loop.LoopKind switch
    {
        LoopKind.For => "for",
        LoopKind.ForEach => "foreach",
        LoopKind.While when loop.Syntax is DoStatementSyntax => "do",
        LoopKind.While => "while",
        _ => loop.Syntax.GetFirstToken().Text,
    };
}
