using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Stacked layers: a [Differentiable] callee that
/// selected some parameters, given a value that may vary for another one, is read in place at the call (its
/// locals and arguments become locals of the caller) when its body is straight-line; any other is SD0021 at the call.
/// </summary>
internal sealed partial class BodyParser
{
    private readonly HashSet<string> _differentiated = new();
    private readonly Dictionary<IParameterSymbol, Expr> _inlinedArguments = new(SymbolEqualityComparer.Default);
    private readonly List<IMethodSymbol> _inlining = new();
    private CallSites _calls = new();

    /// <summary>
    /// Whether an argument for a parameter the callee's gradient does not report may depend on a differentiated
    /// parameter: locals are mutable here, so any real local, element or call counts (inlining needlessly is exact).
    /// </summary>
    private bool MayNeedPartialsNotSelected(Function callee, IReadOnlyList<Expr> arguments) =>
        InlinableCallees.NeedsPartialsNotSelected(callee, arguments, name => !IsHeldParameter(name));

    /// <summary>A parameter that is not differentiated (and so, read-only here, never varies).</summary>
    private bool IsHeldParameter(string name) =>
        !_differentiated.Contains(name) && _method.Parameters.Any(p => p.Name == name);

    /// <summary>The callee's value at <paramref name="arguments"/>, its body parsed in place; null when it is not straight-line.</summary>
    private Expr? TryInline(IMethodSymbol callee, IReadOnlyList<Expr> arguments)
    {
        callee = callee.PartialImplementationPart ?? callee;
        if (_inlining.Count >= InlinableCallees.MaxDepth || _inlining.Contains(callee, SymbolEqualityComparer.Default) ||
            callee.Parameters.Length != arguments.Count ||
            InlinableCallees.StraightLineBody(callee, _method, _semanticModel, _real, _cancellationToken) is not var (block, declaration))
        {
            return null;
        }

        int problemsBefore = _diagnostics.Count;
        int outputBefore = _currentOutput.Count;
        _inlining.Add(callee);
        try
        {
            // Each argument is evaluated once, as in the call: a compound one gets a local of its own.
            string prefix = NameAllocator.ToCamelCase(callee.Name);
            for (int i = 0; i < arguments.Count; i++)
            {
                _inlinedArguments[callee.Parameters[i]] = arguments[i] is Variable or Constant or External
                    ? arguments[i]
                    : DeclareInlined(prefix + NameAllocator.ToPascalCase(callee.Parameters[i].Name), arguments[i]);
            }

            Expr? result = null;
            foreach (var statement in block.Operations)
            {
                if (statement is IReturnOperation { ReturnedValue: { } returned })
                {
                    result = ParseReal(returned);
                    break;
                }

                foreach (var declarator in ((IVariableDeclarationGroupOperation)statement).Declarations.SelectMany(d => d.Declarators))
                {
                    var value = ParseReal(InlinableCallees.Initializer(declarator)!.Value);
                    if (value is null)
                    {
                        break;
                    }

                    _localNames[declarator.Symbol] = ((Variable)DeclareInlined(prefix + NameAllocator.ToPascalCase(declarator.Symbol.Name), value)).Name;
                }
            }

            if (result is null || _diagnostics.Count > problemsBefore)
            {
                // Nothing of it stays: the call is parsed as a call instead.
                _diagnostics.RemoveRange(problemsBefore, _diagnostics.Count - problemsBefore);
                _currentOutput.RemoveRange(outputBefore, _currentOutput.Count - outputBefore);
                return null;
            }

            if (declaration is MethodDeclarationSyntax)
            {
                _calls.Inlined.Add(declaration); // a local function is part of this method's own body already
            }

            return result;
        }
        finally
        {
            _inlining.RemoveAt(_inlining.Count - 1);
            foreach (var parameter in callee.Parameters)
            {
                _inlinedArguments.Remove(parameter);
            }
        }
    }

    /// <summary><c>double name = value;</c> just before the statement being parsed, under a name no one else has.</summary>
    private Expr DeclareInlined(string name, Expr value)
    {
        string target;
        do
        {
            target = _names.Fresh(name);
        }
        while (!_claimed.Add(target));

        _currentOutput.Add(new DeclareReal(target, value));
        return new Variable(target);
    }
}
