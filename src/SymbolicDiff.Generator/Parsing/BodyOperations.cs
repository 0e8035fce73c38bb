using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// What the checks before and around the body parser need from a bound body, found in one walk of its operation
/// tree instead of one walk per check: whether it has errors, its calls (for calls of generated code), the names
/// its locals declare (reserved for generated names), its returns, every reference to each local, and the
/// parameters it assigns. The walk is in <see cref="OperationExtensions.Descendants"/> order, so every list is in
/// the order the separate walks found it.
/// </summary>
internal sealed class BodyOperations
{
    private static readonly List<ILocalReferenceOperation> NoReferences = new();

    private readonly Dictionary<ILocalSymbol, List<ILocalReferenceOperation>> _references = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IParameterSymbol> _assignedParameters = new(SymbolEqualityComparer.Default);

    private BodyOperations()
    {
    }

    /// <summary>Whether an operation is invalid or has an error type: code the compiler reports on, not this generator.</summary>
    public bool HasErrors { get; private set; }

    /// <summary>The outermost operation of each call written in the body but a conversion of it (one per <see cref="InvocationExpressionSyntax"/>).</summary>
    public List<IOperation> Invocations { get; } = new();

    /// <summary>The names of the body's locals, as declared.</summary>
    public List<string> DeclaredNames { get; } = new();

    /// <summary>The body's returns, except those of its local functions.</summary>
    public List<IReturnOperation> Returns { get; } = new();

    /// <summary>Every reference to <paramref name="local"/> in the body, in source order.</summary>
    public IReadOnlyList<ILocalReferenceOperation> References(ILocalSymbol local) =>
        _references.TryGetValue(local, out var references) ? references : NoReferences;

    /// <summary>Whether the body assigns <paramref name="parameter"/> (<c>x = ...</c>, <c>x += ...</c>, <c>x++</c>).</summary>
    public bool IsAssigned(IParameterSymbol parameter) => _assignedParameters.Contains(parameter);

    public static BodyOperations Of(IOperation block)
    {
        var facts = new BodyOperations();
        HashSet<SyntaxNode>? calls = null;
        foreach (var operation in block.Descendants())
        {
            if (operation is IInvalidOperation || operation.Type is { TypeKind: TypeKind.Error })
            {
                facts.HasErrors = true;
            }

            // An implicit conversion of a call (double u = UWithGradient(v, dV);) has the call's syntax too: only the call counts.
            if (operation.Syntax is InvocationExpressionSyntax invocation && operation is not IConversionOperation && (calls ??= new HashSet<SyntaxNode>()).Add(invocation))
            {
                facts.Invocations.Add(operation);
            }

            if (operation is ILocalReferenceOperation { IsDeclaration: true } declared)
            {
                facts.DeclaredNames.Add(declared.Local.Name); // out double dB: a local declared in an argument
            }

            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    facts.DeclaredNames.Add(declarator.Symbol.Name);
                    break;
                case IReturnOperation returned when !InLocalFunction(returned):
                    facts.Returns.Add(returned);
                    break;
                case ILocalReferenceOperation reference:
                    if (!facts._references.TryGetValue(reference.Local, out var references))
                    {
                        facts._references[reference.Local] = references = new List<ILocalReferenceOperation>();
                    }

                    references.Add(reference);
                    break;
                case IAssignmentOperation { Target: IParameterReferenceOperation { Parameter: var assigned } }:
                    facts._assignedParameters.Add(assigned);
                    break;
                case IIncrementOrDecrementOperation { Target: IParameterReferenceOperation { Parameter: var stepped } }:
                    facts._assignedParameters.Add(stepped);
                    break;
            }
        }

        return facts;
    }

    /// <summary>Whether <paramref name="operation"/> is inside a local function (whose returns leave only it).</summary>
    public static bool InLocalFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }
}
