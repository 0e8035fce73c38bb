using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Calls of a [Differentiable] callee that selected some parameters (<c>[Differentiable(nameof(w), nameof(b))]
/// Layer(x, w, b)</c>) with a varying value for another one (<c>Layer(Layer(x, w1, b1), w2, b2)</c>): the
/// selection chooses what the callee's own gradient reports, not what its callers may pass. Its generated
/// gradient has no partial for <c>x</c>, so its body is read here, at the call, with the arguments in place of
/// its parameters, and differentiated as part of the caller. Callees whose body is straight-line (double
/// locals, then one return) and whose members the caller can reach are inlined; any other is SD0021 at the call.
/// </summary>
internal sealed partial class BodyParser
{
    private readonly HashSet<string> _differentiated = new();
    private readonly Dictionary<IParameterSymbol, Expr> _inlinedArguments = new(SymbolEqualityComparer.Default);
    private readonly List<IMethodSymbol> _inlining = new();
    private readonly Dictionary<string, bool> _activeNames = new();
    private CallSites _calls = new();

    /// <summary>Whether an argument for a parameter the callee's gradient does not report depends on a differentiated parameter.</summary>
    private bool NeedsPartialsNotSelected(Function callee, IReadOnlyList<Expr> arguments) =>
        InlinableCallees.NeedsPartialsNotSelected(callee, arguments, DependsOnDifferentiated);

    /// <summary>Whether the single-assignment value <paramref name="name"/> depends on a differentiated parameter, through its definition.</summary>
    private bool DependsOnDifferentiated(string name)
    {
        if (!_activeNames.TryGetValue(name, out bool active))
        {
            var definition = _body.LastOrDefault(a => a.Target == name);
            _activeNames[name] = false; // a definition never reads itself; this guards against cycles anyway
            active = definition is null
                ? _differentiated.Contains(name)
                : InlinableCallees.MayVary(definition.Value, DependsOnDifferentiated);
            _activeNames[name] = active;
        }

        return active;
    }

    /// <summary>
    /// The callee's value at <paramref name="arguments"/>, its body parsed in place; null (nothing reported,
    /// nothing to undo that matters: unused definitions are dropped later) when its body is not straight-line.
    /// </summary>
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
        _inlining.Add(callee);
        try
        {
            // Each argument is evaluated once, as in the call: a compound one gets a name of its own.
            string prefix = NameAllocator.ToCamelCase(callee.Name);
            for (int i = 0; i < arguments.Count; i++)
            {
                _inlinedArguments[callee.Parameters[i]] = arguments[i] is Variable or Constant
                    ? arguments[i]
                    : DefineInlined(prefix + NameAllocator.ToPascalCase(callee.Parameters[i].Name), callee.Parameters[i].Name, arguments[i]);
            }

            Expr? result = null;
            foreach (var statement in block.Operations)
            {
                if (statement is IReturnOperation { ReturnedValue: { } returned })
                {
                    result = ParseExpression(returned);
                    break;
                }

                foreach (var declarator in ((IVariableDeclarationGroupOperation)statement).Declarations.SelectMany(d => d.Declarators))
                {
                    var value = ParseExpression(InlinableCallees.Initializer(declarator)!.Value);
                    if (value is null)
                    {
                        break;
                    }

                    _currentName[declarator.Symbol] = ((Variable)DefineInlined(prefix + NameAllocator.ToPascalCase(declarator.Symbol.Name), declarator.Symbol.Name, value)).Name;
                }
            }

            if (result is null || _diagnostics.Count > problemsBefore)
            {
                _diagnostics.RemoveRange(problemsBefore, _diagnostics.Count - problemsBefore);
                return null;
            }

            _calls.Inlined.Add(declaration);
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

    /// <summary>A definition with a fresh name, guarded like any other in a branch.</summary>
    private Expr DefineInlined(string name, string sourceName, Expr value)
    {
        var guard = CurrentGuard();
        string target = _names.Fresh(name);
        _body.Add(new Assignment(target, sourceName, guard is null ? value : Guarded(guard, value)));
        return new Variable(target);
    }
}
