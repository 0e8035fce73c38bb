using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>while (Math.Abs(step) &gt; 1e-12) { ... }</c> and <c>do { ... } while (cond);</c> with no counter: a Newton or
/// fixed-point iteration run to convergence. The loop is kept as written, its last statement counting the iterations
/// into a hidden <c>int</c> declared 0 before it (<c>iterations++</c>); the backward sweep runs that many back, as it runs
/// a counted loop back, with the values the forward sweep saved. The condition is a branch: it carries no derivative,
/// and the gradient is that of the iterations that ran (the derivative of the iterates, as JAX and PyTorch give).
/// A <c>break</c> or a <c>return</c> inside sets its flag, which the loop's test reads first, so the loop stops there.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>The exits of the loop <see cref="ParseLoopBody(ILoopOperation, IReadOnlyList{IOperation}, List{Statement}, Statement?, IOperation?)"/> parsed last.</summary>
    private LoopExits? _lastLoopExits;

    /// <summary>
    /// A <c>while</c> or <c>do</c> loop that <see cref="TryParseWhile"/> and <see cref="TryParseDoWhile"/> did not take as a
    /// counted one; false for a form it does not read either (reported where it stands).
    /// </summary>
    private bool TryParseUncounted(IWhileLoopOperation loop, List<Statement> output)
    {
        if (loop.ConditionIsUntil || loop.Condition is null || loop.Body is null)
        {
            return false;
        }

        ParseUncounted(loop, loop.Condition, loop.Body, testsAfterBody: !loop.ConditionIsTop, atBottom: null, output);
        return true;
    }

    /// <summary>
    /// A loop without a counter the backward sweep could read: kept as written, its iterations counted. <paramref name="condition"/>
    /// null runs it until a break or a return (<c>for (;;)</c>); <paramref name="atBottom"/>, a <c>for</c> loop's steps, run
    /// at the end of each iteration that did not leave the loop, a <c>continue</c> too, as in C#.
    /// </summary>
    private void ParseUncounted(ILoopOperation loop, IOperation? conditionOperation, IOperation loopBody, bool testsAfterBody, IReadOnlyList<IOperation>? atBottom, List<Statement> output)
    {

        // The test, read in the forward sweep only (a branch: no derivative). Whatever it would hoist into a statement of
        // its own (a call over vectors) has no place to run before each test.
        var hoisted = new List<Statement>();
        var previousOutput = _currentOutput;
        _currentOutput = hoisted;
        var condition = conditionOperation is null ? new BoolConstant(true) : ParseCondition(conditionOperation);
        _currentOutput = previousOutput;
        if (condition is null)
        {
            return;
        }

        // A test that needs statements of its own (a call over vectors, while (Norm(v) > tol)) is computed in the body
        // before each test instead, and leaves the loop as a break would: C# evaluates it before each test too.
        IOperation? testedInBody = hoisted.Count > 0 ? conditionOperation : null;
        if (testedInBody is not null)
        {
            condition = new BoolConstant(true);
        }

        string count = _names.Fresh("iterations");
        _claimed.Add(count);
        string counter = _names.Fresh("iteration");
        _claimed.Add(counter);
        output.Add(new DeclareInteger(count, "int", Constant.Zero)
        {
            Comment = Comment.Of("the iterations the loop below runs, counted for the backward sweep"),
        });

        var outerGuard = _guard;
        var operations = loopBody is IBlockOperation block ? (IReadOnlyList<IOperation>)block.Operations : new[] { loopBody };
        bool mayReturn = _returnFlag is not null && ContainsReturn(loopBody);
        var body = new List<Statement>(testedInBody is null ? ParseLoopBody(loop, operations, output, atBottom: atBottom)
            : testsAfterBody ? ParseLoopBody(loop, operations, output, atBottom: atBottom, stopUnless: testedInBody)
            : ParseLoopBody(loop, operations, output, atBottom: atBottom, stopUnlessFirst: testedInBody));
        body.Add(new StepInteger(count, Constant.One, Subtract: false, Guard: null) { Comment = Comment.Of("one more iteration for the backward sweep to run back") });

        // The loop runs while its branch is taken, nothing has returned or left it, and its own test holds, in that
        // order: once a break has set its flag the test is not evaluated again, as in C#.
        Expr? test = outerGuard;
        if (mayReturn)
        {
            test = And(test, new Comparison(ComparisonOperator.Equal, new Variable(_returnFlag!), Constant.Zero));
        }

        if (_lastLoopExits?.Broken is { } broken)
        {
            test = And(test, new Comparison(ComparisonOperator.Equal, new Variable(broken), Constant.Zero));
        }

        if (condition is not BoolConstant { Value: true } || test is null)
        {
            test = And(test, condition);
        }

        output.Add(new ForLoop(counter, "int", Constant.Zero, new Variable(count), body.ToEquatableArray())
        {
            While = test,
            TestsAfterBody = testsAfterBody,
        });

        static Expr And(Expr? left, Expr right) => left is null ? right : new Logical(LogicalOperator.And, left, right);
    }
}
