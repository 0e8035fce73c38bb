using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Which [Differentiable] callees both body parsers may read in place at a call (stacked layers: a callee that
/// selected some parameters, given a varying value for another one): those whose body is straight-line.
/// </summary>
internal static class InlinableCallees
{
    /// <summary>Recursion through inlining is the callee's own SD0018; this bounds the nesting anyway.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// The callee's body, when it is initialised locals of the real type and then one return, over parameters of
    /// the real type passed by value, reading only what <paramref name="caller"/>'s type can reach; else null.
    /// </summary>
    /// <remarks>
    /// The callee is a method (a [Differentiable] one, for stacked layers) or a local function of the caller, which is
    /// read in place at each call the same way: reading a captured local there reads its value at the call, as C# does.
    /// </remarks>
    public static (IBlockOperation Body, CSharpSyntaxNode Declaration)? StraightLineBody(
        IMethodSymbol callee, IMethodSymbol caller, SemanticModel semanticModel, SpecialType real, CancellationToken cancellationToken)
    {
        callee = callee.PartialImplementationPart ?? callee;
        if (SymbolEqualityComparer.Default.Equals(callee, caller) || callee.DeclaringSyntaxReferences.Length != 1 ||
            callee.ReturnType.SpecialType != real ||
            !callee.Parameters.All(p => p.Type.SpecialType == real && p.RefKind == RefKind.None) ||
            callee.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax) ||
            callee.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not CSharpSyntaxNode declaration ||
            declaration.ContainsDiagnostics)
        {
            return null;
        }

        var model = declaration.SyntaxTree == semanticModel.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(declaration.SyntaxTree);
        var block = model.GetOperation(declaration, cancellationToken) switch
        {
            IMethodBodyOperation body => body.BlockBody ?? body.ExpressionBody,
            ILocalFunctionOperation local => local.Body,
            _ => null,
        };
        if (block is null ||
            block.Operations.Length == 0 || block.Operations[block.Operations.Length - 1] is not IReturnOperation { ReturnedValue: not null })
        {
            return null;
        }

        for (int i = 0; i < block.Operations.Length - 1; i++)
        {
            if (block.Operations[i] is not IVariableDeclarationGroupOperation group ||
                group.Declarations.SelectMany(d => d.Declarators).Any(d =>
                    d.Symbol.Type.SpecialType != real || d.Symbol.IsConst || d.Symbol.IsRef || Initializer(d) is null))
            {
                return null;
            }
        }

        foreach (var operation in block.Descendants())
        {
            if (operation is IInvalidOperation or IInstanceReferenceOperation or IAnonymousFunctionOperation or ILocalFunctionOperation ||
                operation.Type is { TypeKind: TypeKind.Error })
            {
                return null;
            }

            ISymbol? member = operation switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                IInvocationOperation invocation => invocation.TargetMethod,
                _ => null,
            };
            if (member is not null && !semanticModel.Compilation.IsSymbolAccessibleWithin(member, caller.ContainingType))
            {
                return null;
            }
        }

        return (block, declaration);
    }

    /// <summary>
    /// Whether a [Differentiable] callee's gradient lacks a partial the call may need: an argument for a parameter
    /// it did not select may vary, by <paramref name="varies"/> (asked of each variable and vector read).
    /// </summary>
    public static bool NeedsPartialsNotSelected(Function callee, System.Collections.Generic.IReadOnlyList<Expr> arguments, Func<string, bool> varies)
    {
        for (int i = 0; i < arguments.Count && i < callee.GradientProperties.Count; i++)
        {
            if (callee.GradientProperties[i] is null && MayVary(arguments[i], varies))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="value"/> may depend on a differentiated parameter, conservatively (conditions
    /// count too; a callee read in place needlessly is still exact): integers and constants never do.
    /// </summary>
    public static bool MayVary(Expr value, Func<string, bool> varies) => value switch
    {
        Constant or External or IntegerValue or HeldArgument or BoolConstant or DefaultLiteral => false,
        Variable variable => varies(variable.Name),
        Element element => varies(element.Vector),
        Negate negate => MayVary(negate.Operand, varies),
        Binary binary => MayVary(binary.Left, varies) || MayVary(binary.Right, varies),
        Call call => call.Arguments.Any(argument => MayVary(argument, varies)),
        Comparison comparison => MayVary(comparison.Left, varies) || MayVary(comparison.Right, varies),
        Logical logical => MayVary(logical.Left, varies) || MayVary(logical.Right, varies),
        Not not => MayVary(not.Operand, varies),
        Conditional conditional => MayVary(conditional.Condition, varies) || MayVary(conditional.WhenTrue, varies) || MayVary(conditional.WhenFalse, varies),
        Member member => MayVary(member.Target, varies),
        CalleeValue callee => MayVary(callee.Call, varies),
        _ => true,
    };

    /// <summary>A declarator's initializer, on the declarator or (double a = 1, b = 2 aside) on its declaration.</summary>
    public static IVariableInitializerOperation? Initializer(IVariableDeclaratorOperation declarator) =>
        declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
}
