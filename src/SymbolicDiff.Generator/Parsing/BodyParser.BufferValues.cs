using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// A local buffer declared with its values, as NumPy's <c>np.array([...])</c> is ported: <c>double[] w = { 0.5, 1, 2 };</c>,
/// <c>new double[] { ... }</c>, <c>new[] { a * x[0], 1.0 }</c>, <c>Span&lt;double&gt; w = stackalloc double[] { ... };</c>, a collection expression <c>double[] w = [a, b * x[0]];</c>. Lowered here to
/// the buffer of that length and one assignment per element, in order (<c>w[0] = 0.5;</c> ...), which every transform already
/// differentiates: a value may read the differentiated parameters like any other.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>The values a buffer is declared with, and whether it is on the stack; null for a buffer declared by its length.</summary>
    private (IReadOnlyList<IOperation> Values, bool OnStack)? BufferValues(ILocalSymbol local, IOperation value, IVariableInitializerOperation initializer)
    {
        if (value is IArrayCreationOperation { DimensionSizes.Length: 1, Initializer: { } values })
        {
            return (values.ElementValues, false);
        }

        var syntax = (initializer.Syntax as EqualsValueClauseSyntax)?.Value;
        bool onStack = true;
        IEnumerable<ExpressionSyntax>? elements = syntax switch
        {
            StackAllocArrayCreationExpressionSyntax { Initializer: { } listed } => listed.Expressions,
            ImplicitStackAllocArrayCreationExpressionSyntax { Initializer: var listed } => listed.Expressions,
            _ => null,
        };

        // A collection expression, double[] w = [a, b * x[0]]; or Span<double> t = [1, 2, 3]; (C# 12): read from its syntax,
        // whose elements the semantic model binds like any expression (the operation of the whole needs a newer Roslyn than
        // the one referenced); an array for an array, and on the stack for a span, as C# puts it. A spread (..xs) is not a
        // list of values: it stays unsupported, reported with the initializer.
        if (syntax is CollectionExpressionSyntax collection && collection.Elements.All(element => element is ExpressionElementSyntax))
        {
            elements = collection.Elements.Cast<ExpressionElementSyntax>().Select(element => element.Expression);
            onStack = local.Type is not IArrayTypeSymbol;
        }

        if (elements is null)
        {
            return null;
        }

        var operations = new List<IOperation>();
        foreach (var element in elements)
        {
            if (_semanticModel.GetOperation(element, _cancellationToken) is not { } operation)
            {
                return null;
            }

            operations.Add(operation);
        }

        return (operations, onStack);
    }

    /// <summary><c>double[] w = { 0.5, 1, 2 };</c>: the buffer, then <c>w[0] = 0.5; w[1] = 1; w[2] = 2;</c> (in a loop, in each iteration).</summary>
    private void ParseBufferValues(ILocalSymbol local, IReadOnlyList<IOperation> values, bool onStack, IVariableInitializerOperation initializer, List<Statement> output)
    {
        var parsed = new List<Expr>(values.Count);
        foreach (var value in values)
        {
            var element = value.Type?.SpecialType == _real || value.ConstantValue.HasValue ? ParseReal(value)
                : OperationFacts.IsInteger(value.Type) ? ParseIntegerAsReal(value)
                : ParseReal(value);
            if (element is null)
            {
                return;
            }

            parsed.Add(element);
        }

        _buffers.Add(local);
        string name = NameOf(local);
        var declaration = new DeclareBuffer(name, new Constant(values.Count), onStack);
        (_loopDepth == 0 ? output : _top).Add(declaration);
        string source = initializer.Parent?.Syntax.ToString() ?? local.Name;
        for (int i = 0; i < parsed.Count; i++)
        {
            var target = new Element(name, new Constant(i));
            output.Add(new AssignReal(target, Guarded(target, parsed[i]), source));
        }
    }
}
