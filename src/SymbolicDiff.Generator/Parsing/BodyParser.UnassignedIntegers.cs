using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static SymbolicDiff.Generator.Parsing.OperationFacts;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// An integer local declared without a value, <c>int k; for (k = 0; k &lt; n; k++) ...</c>: C#'s definite assignment
/// guarantees an assignment before any read. Where its first assignment is where it was declared (not from a deeper
/// loop), that assignment declares it (<c>int k = 0;</c>, under a branch's guard 0 where the branch is not taken, a value
/// no read sees); otherwise it is declared as 0 where the user declared it, and each assignment is one to an integer
/// local like any other. (A real local declared without a value is <see cref="DeclareReal.Unassigned"/>.)
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>The integer locals declared without a value whose first assignment, not yet parsed, declares them.</summary>
    private readonly HashSet<ILocalSymbol> _unassignedIntegers = new(SymbolEqualityComparer.Default);

    private void DeclareUnassignedInteger(ILocalSymbol local, IOperation declarator, List<Statement> output)
    {
        var first = AssignmentsTo(local).FirstOrDefault();
        if (first is ISimpleAssignmentOperation && !BodyOperations.InLocalFunction(first) && IsReassignedInPlace(first, declarator))
        {
            _unassignedIntegers.Add(local);
            return;
        }

        output.Add(new DeclareInteger(NameOf(local), IntegerKeyword(local.Type), Constant.Zero));
    }

    /// <summary>
    /// The counter of <c>int k; for (k = 0; k &lt; n; k++)</c>, whose first assignment is the loop's only initializer and
    /// which nothing outside the loop reads: counted as <c>for (int k = 0; ...)</c> is. (null, null) for any other loop.
    /// </summary>
    private (ILocalSymbol? Counter, IOperation? From) AssignedCounter(IForLoopOperation loop) =>
        loop.Before.Length == 1 &&
        loop.Before[0] is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var local }, Value: var from } } &&
        _unassignedIntegers.Contains(local) && References(local).All(reference => loop.Syntax.Span.Contains(reference.Syntax.Span))
            ? (local, from)
            : (null, null);

    /// <summary>Whether this assignment is the first of a local declared without a value, which it declares (true once).</summary>
    private bool DeclaresUnassigned(ISymbol symbol) => symbol is ILocalSymbol local && _unassignedIntegers.Remove(local);
}
