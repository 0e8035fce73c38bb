using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>ref double acc = ref h[i];</c> and <c>ref readonly double f = ref x[0];</c>: a name for one element, read and written
/// through. Each use of the alias is read as the element itself (<c>acc += v</c> is <c>h[i] += v</c>), so every transform
/// sees element reads and writes it already supports. That is exact while the alias names the same element all along:
/// the index reads only constants, locals and parameters that nothing assigns while the alias is in scope, and the alias
/// is never made to refer elsewhere (<c>acc = ref h[j]</c>). Any other ref local stays SD0015, with the rewrite.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>The ref locals read as the element they alias, and that element's operation.</summary>
    private readonly Dictionary<ILocalSymbol, IOperation> _elementAliases = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The loop variables of <c>foreach (ref readonly double v in x)</c> (and of <c>foreach (ref double v in h)</c> where
    /// nothing writes through <c>v</c>): read as the copy of the element the loop declares, which they cannot differ from.
    /// </summary>
    private readonly HashSet<ILocalSymbol> _elementCopies = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether the ref loop variable of a <c>foreach</c> is only read, and so is read as a copy of its element (recorded):
    /// exact where nothing writes through it and the body does not name the vector (which could write the element the
    /// variable refers to, after the copy was taken). SD0004 otherwise, with the <c>for</c> loop to write.
    /// </summary>
    private bool TryCopyElementReference(IForEachLoopOperation loop, IOperation collection, ILocalSymbol element)
    {
        const string Advice = " (write a for loop over the elements instead: for (int i = 0; i < h.Length; i++) { ... h[i] ... })";
        if (AssignmentsTo(element).FirstOrDefault() is { } write)
        {
            _reportedLocals.Add(element);
            Report(DiagnosticDescriptors.UnsupportedStatement, write.Syntax, $"Writing through the foreach variable '{element.Name}' ('{write.Syntax}')" + Advice);
            return false;
        }

        ISymbol? vector = collection switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        var named = vector is null ? null : loop.Body.DescendantsAndSelf().FirstOrDefault(operation => operation switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, vector),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, vector),
            _ => false,
        });
        if (named is not null)
        {
            _reportedLocals.Add(element);
            Report(DiagnosticDescriptors.UnsupportedStatement, named.Syntax,
                $"Naming '{named.Syntax}' inside a loop over it by reference, 'foreach (ref ... {element.Name} in {named.Syntax})'" + Advice);
            return false;
        }

        _elementCopies.Add(element);
        return true;
    }

    /// <summary>What SD0015 says of a ref local it does not read as an element alias: the forms it does read, and the rewrite.</summary>
    private const string RefLocalAdvice =
        " (a ref local is read as an alias of one vector element, ref double e = ref h[i];, whose index nothing assigns while it is in scope; otherwise write through the element itself, h[i] += ...)";

    /// <summary>Whether <paramref name="local"/> is a ref local aliasing one element that stays the same; recorded if so.</summary>
    private bool TryAliasElement(ILocalSymbol local, IVariableInitializerOperation initializer, SyntaxNode declaration)
    {
        var value = initializer.Value;
        if (local.Type.SpecialType != _real || ElementAccess(value) is not { Index: var index } ||
            References(local).Any(reference => reference.Parent is ISimpleAssignmentOperation { IsRef: true } rebinding && ReferenceEquals(rebinding.Target, reference)))
        {
            return false;
        }

        var indexSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var part in index.DescendantsAndSelf())
        {
            switch (part)
            {
                case ILocalReferenceOperation { Local: var read }:
                    indexSymbols.Add(read);
                    break;
                case IParameterReferenceOperation { Parameter: var read }:
                    indexSymbols.Add(read);
                    break;
                case IInvocationOperation:
                    return false; // a call could answer differently each time
            }
        }

        // Nothing may assign an index symbol from the declaration to the end of the alias's scope.
        var scope = declaration.Ancestors().FirstOrDefault(node => node is BlockSyntax or SwitchSectionSyntax)?.Span ?? declaration.Span;
        int from = declaration.Span.End;
        bool moves = indexSymbols.Count > 0 && _root!.Descendants().Any(operation =>
            operation.Syntax.SpanStart >= from && scope.Contains(operation.Syntax.Span) &&
            (operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation step => step.Target,
                _ => null,
            }) switch
            {
                ILocalReferenceOperation { Local: var written } => indexSymbols.Contains(written),
                IParameterReferenceOperation { Parameter: var written } => indexSymbols.Contains(written),
                _ => false,
            });
        if (moves)
        {
            return false;
        }

        _elementAliases[local] = value;
        return true;
    }
}
