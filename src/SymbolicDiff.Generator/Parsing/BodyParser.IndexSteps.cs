using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// A step of an integer local inside an assignment or a declaration, as people copy it from C: <c>s += x[k++];</c>,
/// <c>h[k++] = v;</c>, <c>double v = x[++k];</c>. Lowered here, once, to what C# evaluates: the statement reading k, with
/// the step a statement of its own, after it (<c>k++</c>) or before it (<c>++k</c>); every transform then sees an index
/// read and a step it already supports. Exact when the statement reads k nowhere else and the step runs on every path
/// through it (not behind <c>?:</c>, <c>&amp;&amp;</c> or <c>||</c>); anything else stays SD0005 with the rewrite. A local read
/// again in the statement (<c>x[k++] * x[k++]</c>, <c>s += x[k] * x[k++]</c>) is read as C# evaluates it, left to right: each
/// read is k plus the steps before it (<c>x[k] * x[k + 1]</c>), and the steps follow the statement.
/// </summary>
internal sealed partial class BodyParser
{
    private const string IndexStepAdvice = "write the step as a statement of its own: x[k], then k++; on the next line";

    /// <summary>The steps read as their local's value while the statement holding them is parsed.</summary>
    private readonly HashSet<IOperation> _indexSteps = new(ReferenceComparer<IOperation>.Instance);

    /// <summary>Whether <paramref name="step"/> is a step inside a statement, read as its local (its step parsed on its own).</summary>
    private bool IsIndexStep(IIncrementOrDecrementOperation step) => _indexSteps.Contains(step);

    /// <summary>
    /// Parses an assignment or declaration holding steps of integer locals (<c>s += x[k++];</c>): the prefix steps, the
    /// statement reading each local, then the postfix steps. False when it holds none (or it is a step itself).
    /// </summary>
    private bool TryParseWithIndexSteps(IOperation statement, List<Statement> output, bool isLast)
    {
        if (statement is not (IExpressionStatementOperation or IVariableDeclarationGroupOperation))
        {
            return false;
        }

        var own = (statement as IExpressionStatementOperation)?.Operation;
        var steps = statement.Descendants().OfType<IIncrementOrDecrementOperation>()
            .Where(step => !ReferenceEquals(step, own) && !_indexSteps.Contains(step) && IsInteger(step.Type) && StepTarget(step) is not null)
            .ToList();
        if (steps.Count == 0)
        {
            return false;
        }

        bool reported = false;
        var readAgain = new List<ISymbol>();
        foreach (var step in steps)
        {
            var symbol = StepTarget(step)!;
            bool reads = References(statement, symbol).Any(operation => !ReferenceEquals(operation, step.Target));
            string? why = SometimesRuns(step, statement) ? "which runs only on some paths through the statement"
                : reads && Assigns(statement, symbol) ? $"which also assigns '{symbol.Name}'"
                : null;
            if (reads && !readAgain.Contains(symbol, SymbolEqualityComparer.Default))
            {
                readAgain.Add(symbol);
            }

            if (why is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, step.Syntax, $"The step '{step.Syntax}' inside '{statement.Syntax.ToString().Trim()}', {why} ({IndexStepAdvice})");
                reported = true;
            }
        }

        if (reported)
        {
            return true;
        }

        // A local read again (x[k++] * x[k++], s += x[k] * x[k++]): C# evaluates left to right, so each read sees k plus the
        // steps evaluated before it; read so, with every step of the local a statement of its own after the statement.
        var shifted = steps.Where(step => readAgain.Contains(StepTarget(step)!, SymbolEqualityComparer.Default)).ToList();
        foreach (var symbol in readAgain)
        {
            ShiftReads(statement, symbol);
        }

        foreach (var step in steps.Where(step => !step.IsPostfix && !shifted.Contains(step)))
        {
            ParseAssignment(step, output);
            _currentOutput = output;
        }

        _indexSteps.UnionWith(steps);
        ParseStatement(statement, output, isLast);
        _currentOutput = output;
        foreach (var step in steps.Where(step => step.IsPostfix || shifted.Contains(step)))
        {
            ParseAssignment(step, output);
        }

        _indexSteps.ExceptWith(steps);
        _shiftedReads.Clear();
        return true;
    }

    /// <summary>Per read of a local stepped in the same statement (a reference, or a step read as its value): the steps C# has applied before it.</summary>
    private readonly Dictionary<IOperation, long> _shiftedReads = new(ReferenceComparer<IOperation>.Instance);

    /// <summary>Records, for each read of <paramref name="symbol"/> in <paramref name="statement"/>, the net steps evaluated before it (in source order, C#'s order of evaluation for operands).</summary>
    private void ShiftReads(IOperation statement, ISymbol symbol)
    {
        long applied = 0;
        var events = References(statement, symbol)
            .Select(reference => reference.Parent is IIncrementOrDecrementOperation step && ReferenceEquals(step.Target, reference) ? step : reference)
            .OrderBy(operation => operation.Syntax.SpanStart);
        foreach (var operation in events)
        {
            if (operation is IIncrementOrDecrementOperation step)
            {
                long delta = step.Kind == OperationKind.Increment ? 1 : -1;
                if (!step.IsPostfix)
                {
                    applied += delta;
                }

                _shiftedReads[step] = applied;
                if (step.IsPostfix)
                {
                    applied += delta;
                }
            }
            else
            {
                _shiftedReads[operation] = applied;
            }
        }
    }

    /// <summary><paramref name="read"/> with the <paramref name="applied"/> steps before it in its statement added.</summary>
    private static Expr? Shifted(Expr? read, long applied) =>
        read is null || applied == 0
            ? read
            : new Binary(applied > 0 ? BinaryOperator.Add : BinaryOperator.Subtract, read, new Constant(System.Math.Abs(applied)));

    private static IEnumerable<IOperation> References(IOperation statement, ISymbol symbol) => statement.Descendants().Where(operation => operation switch
    {
        ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, symbol),
        IParameterReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Parameter, symbol),
        _ => false,
    });

    /// <summary>Whether <paramref name="statement"/> assigns <paramref name="symbol"/> other than by a step (<c>k = x[k++] &gt; 0 ? 1 : 0</c>).</summary>
    private static bool Assigns(IOperation statement, ISymbol symbol) =>
        statement.DescendantsAndSelf().OfType<IAssignmentOperation>().Any(assignment => References(assignment, symbol).Any(reference => ReferenceEquals(reference, assignment.Target)))
        || statement is IVariableDeclarationGroupOperation group && group.Declarations.SelectMany(d => d.Declarators).Any(d => SymbolEqualityComparer.Default.Equals(d.Symbol, symbol));

    /// <summary>The integer local or parameter a step changes, or null for anything else (a real, an element).</summary>
    private static ISymbol? StepTarget(IIncrementOrDecrementOperation step) => step.Target switch
    {
        ILocalReferenceOperation { Local: { IsRef: false } local } when IsInteger(local.Type) => local,
        IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter } when IsInteger(parameter.Type) => parameter,
        _ => null,
    };

    /// <summary>Whether <paramref name="step"/> runs only on some paths through <paramref name="statement"/>: behind ?:, &amp;&amp;, || or ??, or in a lambda.</summary>
    private static bool SometimesRuns(IOperation step, IOperation statement)
    {
        var child = step;
        for (var parent = step.Parent; parent is not null && !ReferenceEquals(parent, statement); child = parent, parent = parent.Parent)
        {
            bool conditional = parent switch
            {
                IConditionalOperation ternary => !ReferenceEquals(ternary.Condition, child),
                IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical => ReferenceEquals(logical.RightOperand, child),
                ICoalesceOperation coalesce => !ReferenceEquals(coalesce.Value, child),
                ISwitchExpressionArmOperation or IConditionalAccessOperation or IAnonymousFunctionOperation or ILocalFunctionOperation => true,
                _ => false,
            };
            if (conditional)
            {
                return true;
            }
        }

        return false;
    }
}
