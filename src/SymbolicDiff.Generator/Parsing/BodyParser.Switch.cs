using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>switch</c> statements and switch expressions over integers, reals and bools, lowered to what an <c>if</c>/<c>else</c>
/// chain and <c>?:</c> already are: each section a branch under its recorded condition (its labels or'ed, a <c>when</c>
/// guard and'ed), tested in the order written, and the <c>default</c> section the final <c>else</c>; each arm of a switch
/// expression a <c>?:</c>, the last (<c>_</c>) its final value. Patterns: constants, relational (<c>&lt; 0</c>), <c>and</c>,
/// <c>or</c>, <c>not</c>, <c>_</c>. Fall-through is a C# error, so a section's closing <c>break</c> only ends it.
/// </summary>
internal sealed partial class BodyParser
{
    private const string SupportedPatterns =
        "supported in a switch: constant labels (case 2:), relational patterns (case < 0:), and, or, not, _ and default, with when guards";

    /// <summary>
    /// <c>switch (k) { case 0: ...; break; case 1 or 2: ...; break; default: ...; break; }</c>: an if/else-if chain over
    /// the sections in the order written, the default section last.
    /// </summary>
    private void ParseSwitch(ISwitchOperation switchOperation, List<Statement> output)
    {
        var sections = new List<(Expr? Condition, IReadOnlyList<IOperation> Body)>();
        IReadOnlyList<IOperation>? defaultBody = null;
        bool parsed = true;
        foreach (var section in switchOperation.Cases)
        {
            var body = SectionBody(section.Body, switchOperation);
            if (body is null)
            {
                parsed = false;
                continue;
            }

            if (section.Clauses.Any(clause => clause is IDefaultCaseClauseOperation))
            {
                defaultBody = body; // the other labels of the default section change nothing: it runs when no other section does
                continue;
            }

            Expr? condition = null;
            foreach (var clause in section.Clauses)
            {
                var labelCondition = ClauseCondition(clause, switchOperation.Value);
                if (labelCondition is null)
                {
                    parsed = false;
                    continue;
                }

                condition = condition is null ? labelCondition : new Logical(LogicalOperator.Or, condition, labelCondition);
            }

            sections.Add((condition, body));
        }

        if (!parsed)
        {
            return;
        }

        var outer = _guard;
        Expr? remaining = outer; // the guard under which the sections not yet tested run
        for (int i = 0; i < sections.Count; i++)
        {
            string taken = _names.Fresh("branch");
            _claimed.Add(taken);
            output.Add(new DeclareBool(taken, remaining is null ? sections[i].Condition! : new Logical(LogicalOperator.And, remaining, sections[i].Condition!)));
            _guard = new Variable(taken);
            ParseStatements(sections[i].Body, output, isMethodBody: false);

            bool more = i + 1 < sections.Count || defaultBody is not null;
            if (!more)
            {
                break;
            }

            // The next section runs where the earlier ones did not: recorded once, as an else-if chain's guard is.
            var notTaken = new Not(new Variable(taken));
            remaining = remaining is null ? notTaken : new Logical(LogicalOperator.And, remaining, notTaken);
            if (remaining is Logical)
            {
                string otherwise = _names.Fresh("otherwise");
                _claimed.Add(otherwise);
                output.Add(new DeclareBool(otherwise, remaining));
                remaining = new Variable(otherwise);
            }
        }

        if (defaultBody is not null)
        {
            _guard = remaining;
            ParseStatements(defaultBody, output, isMethodBody: false);
        }

        _guard = outer;
    }

    /// <summary>
    /// A section's statements without the <c>break</c> that ends it (also inside a closing block, <c>case 0: { ...; break; }</c>);
    /// null, reported, where a <c>break</c> leaves the switch before the end of its section.
    /// </summary>
    private IReadOnlyList<IOperation>? SectionBody(IReadOnlyList<IOperation> operations, ISwitchOperation switchOperation)
    {
        var body = operations.ToList();
        while (body.Count > 0 && body[body.Count - 1] is IBlockOperation closing)
        {
            body.RemoveAt(body.Count - 1);
            body.AddRange(closing.Operations);
        }

        if (body.Count > 0 && body[body.Count - 1] is IBranchOperation { BranchKind: BranchKind.Break } last &&
            SymbolEqualityComparer.Default.Equals(last.Target, switchOperation.ExitLabel))
        {
            body.RemoveAt(body.Count - 1);
        }

        var early = body.SelectMany(o => o.DescendantsAndSelf()).OfType<IBranchOperation>()
            .FirstOrDefault(b => b.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(b.Target, switchOperation.ExitLabel));
        if (early is not null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, early.Syntax.GetFirstToken(),
                "A 'break' before the end of a switch section (a section is read as an if branch, which runs to its end: put what follows the break in an if/else inside the section, or give the condition a case label of its own)");
            return null;
        }

        return body;
    }

    /// <summary>The condition of one case label: <c>case 0:</c>, <c>case &lt; 0:</c>, <c>case 1 or 2 when c:</c>; null, reported, for any other.</summary>
    private Expr? ClauseCondition(ICaseClauseOperation clause, IOperation subject)
    {
        switch (clause)
        {
            case ISingleValueCaseClauseOperation single:
                return ConstantCondition(single.Value, subject, single.Value.Syntax);

            case IPatternCaseClauseOperation pattern:
            {
                var condition = PatternCondition(pattern.Pattern, subject);
                return pattern.Guard is null || condition is null ? condition : Guarded(condition, pattern.Guard);
            }

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, clause.Syntax, $"The case label '{clause.Syntax}' ({SupportedPatterns})");
                return null;
        }
    }

    /// <summary>A pattern's <c>when</c> guard, and'ed with the pattern.</summary>
    private Expr? Guarded(Expr condition, IOperation guard) =>
        ParseCondition(guard) is { } parsed ? new Logical(LogicalOperator.And, condition, parsed) : null;

    /// <summary>The condition a pattern tests on the switch's value; null, reported (SD0004 at the pattern), for an unsupported pattern.</summary>
    private Expr? PatternCondition(IPatternOperation pattern, IOperation subject)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
                return ConstantCondition(constant.Value, subject, pattern.Syntax);

            case IRelationalPatternOperation relational when ToComparisonOperator(relational.OperatorKind) is { } op && !IsBool(subject):
            {
                var value = SubjectValue(subject);
                var bound = PatternConstant(relational.Value, pattern.Syntax);
                return value is null || bound is null ? null : new Comparison(op, value, bound);
            }

            case IBinaryPatternOperation binary:
            {
                var left = PatternCondition(binary.LeftPattern, subject);
                var right = PatternCondition(binary.RightPattern, subject);
                var op = binary.OperatorKind == BinaryOperatorKind.Or ? LogicalOperator.Or : LogicalOperator.And;
                return left is null || right is null ? null : new Logical(op, left, right);
            }

            case INegatedPatternOperation negated:
                return PatternCondition(negated.Pattern, subject) is { } inner ? new Not(inner) : null;

            case IDiscardPatternOperation:
                return new BoolConstant(true);

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, pattern.Syntax, $"The pattern '{pattern.Syntax}' ({SupportedPatterns})");
                return null;
        }
    }

    /// <summary><c>value == c</c> for a constant label; for a bool switch, the value or its negation.</summary>
    private Expr? ConstantCondition(IOperation constant, IOperation subject, SyntaxNode location)
    {
        if (IsBool(subject))
        {
            var condition = ParseCondition(subject);
            if (constant.ConstantValue is not { HasValue: true, Value: bool value })
            {
                Report(DiagnosticDescriptors.UnsupportedStatement, location, $"The pattern '{location}' ({SupportedPatterns})");
                return null;
            }

            return condition is null ? null : value ? condition : new Not(condition);
        }

        var subjectValue = SubjectValue(subject);
        var parsed = PatternConstant(constant, location);
        return subjectValue is null || parsed is null ? null : new Comparison(ComparisonOperator.Equal, subjectValue, parsed);
    }

    /// <summary>The switch's value as a comparison reads it: a real, or an integer (computed in integers first where it is not an atom).</summary>
    private Expr? SubjectValue(IOperation subject)
    {
        if (IsInteger(subject.Type))
        {
            return ParseInteger(subject) is { } integer ? AsReal(integer) : null;
        }

        if (subject.Type?.SpecialType == _real || IsPromotable(subject.Type))
        {
            return ParseReal(subject);
        }

        Report(DiagnosticDescriptors.UnsupportedStatement, subject.Syntax,
            $"A switch on '{subject.Syntax}' of type '{subject.Type?.ToDisplayString()}' (a switch is supported on int, long, {RealTypes.Keyword(_real)} and bool values)");
        return null;
    }

    /// <summary>A label's number; null, reported, where it is not a numeric constant.</summary>
    private Expr? PatternConstant(IOperation constant, SyntaxNode location)
    {
        if (constant.ConstantValue is { HasValue: true, Value: int or long or short or sbyte or byte or uint or ulong or ushort or double or float } value)
        {
            return new Constant(Convert.ToDouble(value.Value, CultureInfo.InvariantCulture));
        }

        Report(DiagnosticDescriptors.UnsupportedStatement, location, $"The pattern '{location}' ({SupportedPatterns})");
        return null;
    }

    private static bool IsBool(IOperation subject) => subject.Type?.SpecialType == SpecialType.System_Boolean;

    /// <summary>
    /// <c>k switch { 0 =&gt; a, 1 or 2 =&gt; b, _ =&gt; c }</c>: nested conditionals, <c>k == 0 ? a : k == 1 || k == 2 ? b : c</c>,
    /// each arm's value read by <paramref name="parseArm"/> (as a real, or as an integer). Where the arms cover every value
    /// (a last <c>_</c>, or <c>true</c> and <c>false</c>: exhaustive as the compiler judges it), the last arm is what remains;
    /// else the chain ends in <c>throw new SwitchExpressionException()</c>, as C# runs it for a value no arm matches.
    /// </summary>
    private Expr? ParseSwitchExpression(ISwitchExpressionOperation switchExpression, Func<IOperation, Expr?> parseArm, bool integer)
    {
        var arms = switchExpression.Arms;
        var last = arms.Length == 0 ? null : arms[arms.Length - 1];
        if (last is null)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, switchExpression.Syntax,
                $"A switch expression without arms (every value needs an arm: end with _ => the value for the rest; {SupportedPatterns})");
            return null;
        }

        bool covered = last.Guard is null && last.Pattern is IDiscardPatternOperation || switchExpression.IsExhaustive;
        int conditioned = covered ? arms.Length - 1 : arms.Length;
        var result = covered ? parseArm(last.Value) : ThrownException.NoArmMatches;
        if (covered && last.Pattern is not IDiscardPatternOperation && PatternCondition(last.Pattern, switchExpression.Value) is null)
        {
            result = null; // the last arm's pattern, not needed as a test, is still one the generator reads (reported if not)
        }

        var conditions = new List<(Expr Condition, Expr Value)>();
        for (int i = 0; i < conditioned; i++)
        {
            var condition = PatternCondition(arms[i].Pattern, switchExpression.Value);
            if (condition is not null && arms[i].Guard is { } guard)
            {
                condition = Guarded(condition, guard);
            }

            var value = parseArm(arms[i].Value);
            if (condition is null || value is null)
            {
                result = null;
                continue;
            }

            if (integer && _loopDepth > 0 && condition is not Variable &&
                (ReadsReals(switchExpression.Value) && !ReadsOnlyInputs(switchExpression.Value) || arms[i].Guard is { } read && ReadsReals(read) && !ReadsOnlyInputs(read)))
            {
                // As for an integer ?:, the backward sweep computes the integer again: what it reads must not have changed.
                condition = Recorded(condition);
            }

            conditions.Add((condition, value));
        }

        if (result is null)
        {
            return null;
        }

        for (int i = conditions.Count - 1; i >= 0; i--)
        {
            result = new Conditional(conditions[i].Condition, conditions[i].Value, result);
        }

        return result;
    }
}
