using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// An <c>int</c> or <c>long</c> parameter assigned inside a loop (<c>while (n &gt; 0) { ...; n--; }</c>, <c>n = n / 2;</c>): a
/// local the caller initialised. It is copied into a local of its own at the top of the body, and every read and write
/// goes to that copy, which is then an integer local like any other (stepped, or assigned in a loop, and restored by the
/// backward sweep where it reads it). Assigned outside loops only, a parameter gets versions instead (n, then n_1).
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>Declares the copy of each integer parameter some loop of <paramref name="block"/> assigns.</summary>
    private void CopyIntegerParametersAssignedInLoops(IBlockOperation block)
    {
        foreach (var parameter in _method.Parameters.Where(p => p.RefKind == RefKind.None && IsInteger(p.Type)))
        {
            bool assignedInLoop = block.Descendants().Any(operation =>
                AssignedParameter(operation) is { } assigned && SymbolEqualityComparer.Default.Equals(assigned, parameter) && EnclosingLoop(operation) is not null);
            if (!assignedInLoop)
            {
                continue;
            }

            string copy = _names.Fresh(parameter.Name);
            _claimed.Add(copy);
            _parameterVersions[parameter] = copy;
            _top.Add(new DeclareInteger(copy, IntegerKeyword(parameter.Type), new Variable(parameter.Name))
            {
                Comment = Comment.Of($"{parameter.Name}, which a loop below assigns, as a local of the method's own"),
            });
        }
    }

    /// <summary>The parameter an assignment, compound assignment, <c>++</c> or <c>--</c> writes, or null.</summary>
    private static IParameterSymbol? AssignedParameter(IOperation operation) => operation switch
    {
        IAssignmentOperation { Target: IParameterReferenceOperation target } => target.Parameter,
        IIncrementOrDecrementOperation { Target: IParameterReferenceOperation target } => target.Parameter,
        _ => null,
    };

    /// <summary>The integer parameter, copied into a local, that <paramref name="target"/> writes inside a loop; else null.</summary>
    private IParameterSymbol? CopiedParameter(IOperation? target)
    {
        if (target is IParameterReferenceOperation { Parameter: var parameter } && _parameterVersions.ContainsKey(parameter) &&
            IsInteger(parameter.Type) && EnclosingLoop(target) is not null)
        {
            return parameter;
        }

        return null;
    }
}
