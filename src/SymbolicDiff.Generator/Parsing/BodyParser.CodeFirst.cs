using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// What people write first and C# reads plainly: tuple assignments, <c>is</c> patterns, <c>x[^1]</c>, and the tests of
/// <c>double.IsNaN</c> and its kin in conditions.
/// Tuple assignments of reals, <c>(a, b) = (b, a + b);</c> and <c>var (p, q) = (x * 2, y);</c>: every value on the right
/// is computed before any local on the left changes, as in C#. A value that reads a local assigned before it in the
/// same tuple is first held in a local of its own (<c>double bNext = a + b;</c>); the others are assigned directly.
/// </summary>
internal sealed partial class BodyParser
{
    private const string TupleAdvice =
        "a tuple assignment is supported between a tuple of " + "real locals and a tuple of values written out, (a, b) = (b, a + b); otherwise assign each local on its own line";

    /// <summary>Reads <paramref name="deconstruction"/> as one assignment per element; false, reported, where it is no such tuple.</summary>
    private void ParseTupleAssignment(IDeconstructionAssignmentOperation deconstruction, List<Statement> output)
    {
        var targetTuple = deconstruction.Target is IDeclarationExpressionOperation { Expression: var declared } ? declared : deconstruction.Target;
        var valueTuple = Unconverted(deconstruction.Value);
        if (targetTuple is not ITupleOperation { Elements: var targets } || valueTuple is not ITupleOperation { Elements: var values } ||
            targets.Length != values.Length)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, deconstruction.Syntax.GetFirstToken(),
                $"The tuple assignment '{deconstruction.Syntax}' ({RealAdvice()})");
            return;
        }

        var locals = new List<(ILocalSymbol Local, bool Declares)>(targets.Length);
        foreach (var target in targets)
        {
            var element = target is IDeclarationExpressionOperation { Expression: var inner } ? inner : target;
            if (element is not ILocalReferenceOperation { Local: var local } || local.Type.SpecialType != _real || local.IsRef)
            {
                Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax,
                    $"Assigning '{target.Syntax}' in a tuple ({RealAdvice()})");
                return;
            }

            locals.Add((local, element is ILocalReferenceOperation { IsDeclaration: true } || target is IDeclarationExpressionOperation));
        }

        string source = deconstruction.Syntax.ToString();

        // C# computes every value first: a value reading a local assigned before it in the tuple is held.
        var parsed = new Expr?[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var value = ParseReal(values[i]);
            if (value is null)
            {
                return;
            }

            bool readsEarlierTarget = values[i].DescendantsAndSelf().OfType<ILocalReferenceOperation>()
                .Any(reference => locals.Take(i).Any(earlier => SymbolEqualityComparer.Default.Equals(earlier.Local, reference.Local)));
            if (readsEarlierTarget)
            {
                string held = _names.Fresh(locals[i].Local.Name + "Next");
                _claimed.Add(held);
                output.Add(new DeclareReal(held, GuardedDeclaration(value)));
                value = new Variable(held);
            }

            parsed[i] = value;
        }

        for (int i = 0; i < locals.Count; i++)
        {
            var (local, declares) = locals[i];
            var value = parsed[i]!;
            if (declares)
            {
                output.Add(new DeclareReal(NameOf(local), GuardedDeclaration(value)));
                continue;
            }

            var target = new Variable(NameOf(local));
            if (!value.Equals(target))
            {
                output.Add(new AssignReal(target, Guarded(target, value), source));
            }
        }

        string RealAdvice() => TupleAdvice.Replace("real", RealTypes.Keyword(_real));
    }

    /// <summary><c>x is &gt; 0 and &lt; 1</c> in a condition: the pattern's test on the value, as a switch's label tests it.</summary>
    private Expr? ParseIsPattern(IIsPatternOperation test) =>
        IsComparisonPattern(test.Pattern) && (IsInteger(test.Value.Type) || test.Value.Type?.SpecialType == _real || IsPromotable(test.Value.Type))
            ? PatternCondition(test.Pattern, test.Value)
            : UnsupportedCondition(test); // a type, declaration or null test: SD0005 at the 'is'

    /// <summary>Whether a pattern only compares a number: constants, relational patterns, and, or, not.</summary>
    private static bool IsComparisonPattern(IPatternOperation pattern) => pattern switch
    {
        // Not NaN: 'x is double.NaN' tests for NaN, which no comparison does.
        IConstantPatternOperation { Value.ConstantValue.HasValue: true } constant =>
            constant.Value.ConstantValue.Value is not null and not double.NaN and not float.NaN,
        IRelationalPatternOperation => true,
        IBinaryPatternOperation binary => IsComparisonPattern(binary.LeftPattern) && IsComparisonPattern(binary.RightPattern),
        INegatedPatternOperation negated => IsComparisonPattern(negated.Pattern),
        _ => false,
    };

    /// <summary>
    /// <c>^k</c> indexing a vector (<c>x[^1]</c>): its length minus k; null where the vector is not one the parser reads
    /// (reported where its element is read).
    /// </summary>
    private Expr? ParseFromEnd(IUnaryOperation hat)
    {
        var vector = hat.Parent switch
        {
            IArrayElementReferenceOperation array => array.ArrayReference,
            IImplicitIndexerReferenceOperation indexer => indexer.Instance,
            _ => null,
        };
        Expr? length = vector switch
        {
            null => null,
            _ when SliceOf(vector) is { } slice => slice.Length,
            IParameterReferenceOperation { Parameter.Name: var parameter } => new Member(new Variable(parameter), "Length"),
            ILocalReferenceOperation { Local: var local } when _buffers.Contains(local) || _indexTables.ContainsKey(local) => new Member(new Variable(VectorName(vector)!), "Length"),
            _ => null,
        };
        if (length is null)
        {
            if (vector is null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, hat.Syntax, $"The index '{hat.Syntax}' (^k indexes a vector: x[^1] is its last element)");
            }

            return null;
        }

        var fromEnd = ParseInteger(Unconverted(hat.Operand));
        return fromEnd is null ? null : new Binary(BinaryOperator.Subtract, length, fromEnd);
    }

    /// <summary>Whether <paramref name="index"/> is <c>^k</c>, an index from the end.</summary>
    private static bool IsFromEnd(IOperation index) => index is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat };

    /// <summary>
    /// <c>double.IsNaN(x)</c>, <c>IsFinite</c>, <c>IsInfinity</c>, <c>IsPositiveInfinity</c>, <c>IsNegativeInfinity</c> (and
    /// <c>float</c>'s) in a condition, written as the comparisons they are (<c>Math.Abs(x) &lt; double.PositiveInfinity</c> is
    /// IsFinite: false for NaN and both infinities); false where the call is no such test.
    /// </summary>
    private bool TryParseFloatingTest(IInvocationOperation call, out Expr? parsed)
    {
        parsed = null;
        var method = call.TargetMethod;
        if (!method.IsStatic || method.ContainingType.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single) ||
            call.Arguments.Length != 1 ||
            method.Name is not ("IsNaN" or "IsFinite" or "IsInfinity" or "IsPositiveInfinity" or "IsNegativeInfinity"))
        {
            return false;
        }

        var value = ParseReal(call.Arguments[0].Value);
        if (value is null)
        {
            return true;
        }

        var infinity = new Constant(double.PositiveInfinity);
        var magnitude = new Call(BuiltinFunctions.TryGetMath("Abs", 1)!, new[] { value }.ToEquatableArray());
        parsed = method.Name switch
        {
            "IsNaN" => new Not(new Comparison(ComparisonOperator.LessOrEqual, magnitude, infinity)),
            "IsFinite" => new Comparison(ComparisonOperator.Less, magnitude, infinity),
            "IsInfinity" => new Comparison(ComparisonOperator.Equal, magnitude, infinity),
            "IsPositiveInfinity" => new Comparison(ComparisonOperator.Equal, value, infinity),
            _ => new Comparison(ComparisonOperator.Equal, value, new Constant(double.NegativeInfinity)),
        };
        return true;
    }
}
