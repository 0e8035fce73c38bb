using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>int i = a; do { ...; i++; } while (i &lt; n);</c>: a counted loop whose body runs at least once, the same loop as
/// <c>for (int i = a; i &lt; (n &gt; a ? n : a + 1); i++)</c>. The IR has one loop form, a counted <c>for</c>; a
/// <c>do</c> loop differs from it only in running its first iteration before testing the bound, which the bound
/// <c>max(n, a + 1)</c> says exactly, so the backward sweep reverses it like any other loop. A condition
/// <c>i &lt; n &amp;&amp; test</c> stops the loop early where the test fails, as a <c>break</c> at the end of the body would.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>
    /// A <c>do</c> loop after the declaration of its counter (<paramref name="previous"/>), with the counter used nowhere
    /// after the loop; false when <paramref name="loop"/> is not one (it is then reported where it stands).
    /// </summary>
    private bool TryParseDoWhile(IWhileLoopOperation loop, IOperation previous, IEnumerable<IOperation> following, List<Statement> output)
    {
        if (loop.ConditionIsTop || loop.ConditionIsUntil || loop.Condition is null ||
            SingleDeclarator(previous) is not { Symbol: var counter, Initializer: { } init } ||
            counter.Type.SpecialType != SpecialType.System_Int32 ||
            loop.Body is not IBlockOperation { Operations: { Length: > 0 } operations } ||
            !IsIncrement(operations[operations.Length - 1], counter) ||
            AssignmentsTo(counter).Count() != 1 ||
            following.SelectMany(o => o.DescendantsAndSelf()).OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, counter)))
        {
            return false;
        }

        // while (i < n && converging): the counter's bound, and a condition that stops the loop early when false.
        var (counted, stopUnless) = loop.Condition is IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.ConditionalAnd } both
            ? (both.LeftOperand, (IOperation?)both.RightOperand)
            : (loop.Condition, null);
        // Any other test, one after && that reads the counter, or a continue (which in C# skips the counter's step at the
        // end of the body): the loop is not a counted one, and is read as a loop without a counter is, exactly as C# runs it.
        if (UpperBound(counted, counter) is not { } bound ||
            stopUnless is not null && stopUnless.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, counter)) ||
            operations.Any(o => Leaves(o, loop, BranchKind.Continue)))
        {
            return false;
        }

        var from = ParseInteger(init.Value);
        if (from is null)
        {
            return true;
        }

        string counterName = CounterName(counter);
        var statements = ParseLoopBody(loop, operations.Take(operations.Length - 1).ToList(), output, stopUnless: stopUnless);
        output.Add(new ForLoop(counterName, IntegerKeyword(counter.Type), from, AtLeastOneIteration(from, bound), statements));
        return true;
    }

    /// <summary>
    /// The bound of a loop that runs its first iteration whatever the bound: <paramref name="bound"/> where it is known
    /// to exceed <paramref name="from"/>, else <c>bound &gt; from ? bound : from + 1</c>.
    /// </summary>
    private static Expr AtLeastOneIteration(Expr from, Expr bound)
    {
        if (from is Constant { Value: var first } && bound is Constant { Value: var last } && last > first)
        {
            return bound;
        }

        var once = from is Constant { Value: var start } ? new Constant(start + 1) : (Expr)new Binary(BinaryOperator.Add, from, Constant.One);
        return new Conditional(new Comparison(ComparisonOperator.Greater, AsReal(bound), AsReal(from)), bound, once);
    }

    /// <summary>
    /// <c>while (i &lt; n &amp;&amp; go)</c> at the end of a do loop's body: read as <c>if (!go) break;</c> would be, its condition
    /// recorded and the loop's break flag set under it, so later iterations do nothing. C# tests <c>go</c> after the counter's
    /// step, which <c>go</c> does not read, so testing it before the step is the same.
    /// </summary>
    private void ParseStopUnless(IOperation stopUnless, List<Statement> statements)
    {
        _currentOutput = statements;
        var go = ParseCondition(stopUnless);
        if (go is null || _loopExits?.Broken is not { } broken)
        {
            return;
        }

        string stopped = _names.Fresh("stopped");
        _claimed.Add(stopped);
        statements.Add(new DeclareBool(stopped, _guard is null ? new Not(go) : new Logical(LogicalOperator.And, _guard, new Not(go))));
        var flag = new Variable(broken);
        statements.Add(new AssignReal(flag, new Conditional(new Variable(stopped), Constant.One, flag), "while (" + stopUnless.Syntax + ")"));
    }

    /// <summary>Why a loop the parser cannot read has no bound, said for its form.</summary>
    private static string NoBoundReason(ILoopOperation loop) => "this form has no bound the generator can read";
}
