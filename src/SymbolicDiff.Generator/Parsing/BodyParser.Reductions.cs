using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// The reductions people call before they write the loop: <c>TensorPrimitives.Sum(x)</c>, <c>.Dot(x, w)</c>,
/// <c>.SumOfSquares</c>, <c>.SumOfMagnitudes</c>, <c>.Norm</c>, <c>.Distance</c>, <c>.Product</c>, <c>.Max</c>, <c>.Min</c> (System.Numerics.Tensors),
/// and LINQ's <c>x.Sum()</c>, <c>x.Average()</c>, <c>x.Max()</c>, <c>x.Min()</c> on an array, with a selector written as a
/// one-parameter lambda (<c>x.Sum(v => v * v)</c>, <c>x.Select(v => v * a).Sum()</c>). Each is the loop it stands for,
/// built here, once, before the statement that reads it: <c>double xSum = 0; for (int xIndex = 0; xIndex &lt; x.Length; xIndex++)
/// xSum = xSum + x[xIndex];</c>, so every transform sees a counted loop and an accumulator, which they all support. What
/// the call would throw it still throws, before the loop: lengths that differ (Dot, Distance: ArgumentException), no
/// element (Max, Min, Product: ArgumentException; LINQ's Average, Max, Min: InvalidOperationException). The sum adds in
/// index order where TensorPrimitives adds in SIMD lanes, so the last bits may differ; Max and Min are Math.Max and Math.Min
/// element by element (a NaN element gives NaN, where LINQ's Max skips it).
/// </summary>
internal sealed partial class BodyParser
{
    private const string ReductionAdvice = "write the loop it stands for: double s = 0; for (int i = 0; i < x.Length; i++) s += x[i] * w[i];";

    /// <summary>How an element is folded into the running value, and how the result is finished.</summary>
    private enum Fold
    {
        Sum,
        SumOfSquares,
        SumOfMagnitudes,
        Product,
        Max,
        Min,
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> is one of the reductions; if so, <paramref name="value"/> is the local holding its
    /// result, declared with its loop before the statement being parsed (or null where reported).
    /// </summary>
    private bool TryParseReduction(IInvocationOperation invocation, out Expr? value)
    {
        value = null;
        var method = invocation.TargetMethod;
        if (method.ReturnType.SpecialType != _real)
        {
            return false;
        }

        string type = method.ContainingType?.ToDisplayString() ?? string.Empty;
        var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();
        if (type == "System.Numerics.Tensors.TensorPrimitives")
        {
            (Fold Fold, bool Paired, bool Root, bool NonEmpty)? shape = (method.Name, arguments.Count) switch
            {
                ("Sum", 1) => (Fold.Sum, false, false, false),
                ("SumOfSquares", 1) => (Fold.SumOfSquares, false, false, false),
                ("SumOfMagnitudes", 1) => (Fold.SumOfMagnitudes, false, false, false),
                ("Norm", 1) => (Fold.SumOfSquares, false, true, false),
                ("Product", 1) => (Fold.Product, false, false, true),
                ("Max", 1) => (Fold.Max, false, false, true),
                ("Min", 1) => (Fold.Min, false, false, true),
                ("Dot", 2) => (Fold.Sum, true, false, false),
                ("Distance", 2) => (Fold.SumOfSquares, true, true, false),
                _ => null,
            };
            if (shape is not { } s || !arguments.All(argument => IsRealVector(WithoutConversions(argument).Type, _real)))
            {
                return false;
            }

            value = Reduce(invocation, method.Name, arguments[0], s.Paired ? arguments[1] : null, selector: null, s.Fold, s.Root, average: false,
                s.NonEmpty ? "global::System.ArgumentException(\"Input span arguments must not be empty.\")" : null);
            return true;
        }

        if (type != "System.Linq.Enumerable" || method.Name is not ("Sum" or "Average" or "Max" or "Min") || arguments.Count is not (1 or 2))
        {
            return false;
        }

        var source = WithoutConversions(arguments[0]);
        var selector = arguments.Count == 2 ? arguments[1] : null;
        if (selector is null && source is IInvocationOperation { TargetMethod: { Name: "Select", ContainingType: var selectType } } select &&
            selectType?.ToDisplayString() == "System.Linq.Enumerable" && select.Arguments.Length == 2)
        {
            // x.Select(v => f(v)).Sum() is x.Sum(v => f(v)).
            var selectArguments = select.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
            source = WithoutConversions(selectArguments[0].Value);
            selector = selectArguments[1].Value;
        }

        var fold = method.Name switch { "Max" => Fold.Max, "Min" => Fold.Min, _ => Fold.Sum };
        value = Reduce(invocation, method.Name, source, paired: null, selector, fold, root: false, average: method.Name == "Average",
            method.Name == "Sum" ? null : "global::System.InvalidOperationException(\"Sequence contains no elements\")");
        return true;
    }

    /// <summary>
    /// The loop of a reduction over <paramref name="source"/> (element-wise times <paramref name="paired"/>, or minus it for
    /// a distance), each element passed through <paramref name="selector"/> first; the local holding the result, or null where reported.
    /// </summary>
    private Expr? Reduce(IInvocationOperation invocation, string name, IOperation source, IOperation? paired, IOperation? selector, Fold fold, bool root, bool average, string? emptyException)
    {
        IParameterSymbol? element = null;
        IOperation? body = null;
        if (selector is not null)
        {
            (element, body) = SelectorOf(WithoutConversions(selector));
            if (body is null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, selector.Syntax,
                    $"The selector '{selector.Syntax}' of '{invocation.Syntax}' (a selector is a lambda of one parameter whose body is an expression, v => v * v; for an index or statements, {ReductionAdvice})");
                return null;
            }
        }

        source = Unwrapped(WithoutConversions(source));
        if ((emptyException is not null || paired is not null || IsSliceForm(source)) && RunsOnlySometimes(invocation))
        {
            // Its loop is built before the statement, where its check (or a slice's) would throw on paths that never call it.
            Report(DiagnosticDescriptors.UnsupportedExpression, invocation.Syntax,
                $"'{invocation.Syntax}', which can throw and runs only on some paths through the statement (behind ?:, && or ||): compute it before the statement, where it always runs, or under an if: {RealTypes.Keyword(_real)} m = 0; if (x.Length > 0) {{ m = {invocation.Syntax}; }}");
            return null;
        }

        var output = _currentOutput;
        var elements = ReadElements(source, output);
        var others = paired is null ? null : ReadElements(Unwrapped(WithoutConversions(paired)), output);
        if (elements is null || (paired is not null && others is null))
        {
            return null; // reported
        }

        var (length, at) = elements.Value;
        if (others is { } pair)
        {
            output.Add(new ThrowIf(Guard(new Comparison(ComparisonOperator.NotEqual, pair.Length, length)),
                "throw new global::System.ArgumentException(\"Input span arguments must all have the same length.\");"));
        }

        if (emptyException is not null)
        {
            output.Add(new ThrowIf(Guard(new Comparison(ComparisonOperator.Equal, length, Constant.Zero)), $"throw new {emptyException};"));
        }

        string vector = source.Syntax.ToString();
        bool named = SyntaxFacts.IsValidIdentifier(vector);
        string counter = _names.Fresh(NameAllocator.ToCamelCase(named ? vector : "element") + "Index");
        _claimed.Add(counter);
        var index = new Variable(counter);

        Expr? Term(Expr at)
        {
            if (element is null)
            {
                return at;
            }

            _inlinedArguments[element] = at;
            try
            {
                return ParseReal(body!);
            }
            finally
            {
                _inlinedArguments.Remove(element);
            }
        }

        // The element an iteration reads: x[i], x[i] * w[i] (Dot) or x[i] - w[i] (Distance), through the selector.
        Expr ElementAt(Expr i) => others is { } o
            ? new Binary(fold == Fold.Sum ? BinaryOperator.Multiply : BinaryOperator.Subtract, at(i), o.At(i))
            : at(i);

        // What the selector needs declared (a local function read in place) goes into the loop, before the update.
        var loopBody = new List<Statement>();
        var previous = _currentOutput;
        _currentOutput = loopBody;
        var term = Term(ElementAt(index));
        _currentOutput = previous;
        if (term is null)
        {
            return null; // reported
        }

        // Max and Min start from the infinity every element beats (the empty case threw above), a sum from 0, a product from 1.
        var start = fold switch
        {
            Fold.Max => new Constant(double.NegativeInfinity),
            Fold.Min => new Constant(double.PositiveInfinity),
            Fold.Product => Constant.One,
            _ => Constant.Zero,
        };
        // Named after what it holds: xSumOfSquares under Norm's root, xSquaredDistance under Distance's, xSum under Average's division.
        string holds = root ? (others is null ? "SumOfSquares" : "SquaredDistance") : average ? "Sum" : name;
        var total = (Variable)DeclareInlined(NameAllocator.ToCamelCase(named ? vector + holds : holds), start);
        Expr next = fold switch
        {
            Fold.Sum => new Binary(BinaryOperator.Add, total, term),
            Fold.SumOfSquares => new Binary(BinaryOperator.Add, total, new Binary(BinaryOperator.Multiply, term, term)),
            Fold.SumOfMagnitudes => new Binary(BinaryOperator.Add, total, BuiltinRules.Call(BuiltinFunction.Abs, term)),
            Fold.Product => new Binary(BinaryOperator.Multiply, total, term),
            Fold.Max => BuiltinRules.Call(BuiltinFunction.Max, total, term),
            _ => BuiltinRules.Call(BuiltinFunction.Min, total, term),
        };
        loopBody.Add(new AssignReal(total, next, invocation.Syntax.ToString()));
        output.Add(new ForLoop(counter, "int", Constant.Zero, length, loopBody.ToEquatableArray()));
        return root ? BuiltinRules.Call(BuiltinFunction.Sqrt, total)
            : average ? new Binary(BinaryOperator.Divide, total, new IntegerValue(length))
            : total;
    }

    /// <summary>The parameter and body of <c>v =&gt; expression</c>; a null body for any other selector.</summary>
    private static (IParameterSymbol? Element, IOperation? Body) SelectorOf(IOperation selector) =>
        selector is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda } &&
        lambda.Body.Operations.Length == 1 && lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } body }
            ? (lambda.Symbol.Parameters[0], body)
            : (null, null);

    /// <summary><c>x.ToArray()</c> and <c>x.AsSpan()</c> read as <c>x</c>: a reduction reads the same elements either way.</summary>
    private static IOperation Unwrapped(IOperation vector) =>
        vector is IInvocationOperation { TargetMethod.Name: "ToArray" or "AsSpan", Arguments.Length: 0 or 1 } call &&
        call.TargetMethod.ContainingNamespace?.ToDisplayString() is "System" or "System.Linq" &&
        (call.Instance ?? (call.Arguments.Length == 1 ? call.Arguments[0].Value : null)) is { } inner && (call.Instance is not null || call.Arguments.Length == 1)
            ? WithoutConversions(inner)
            : vector;

    /// <summary>Whether the statement holding <paramref name="operation"/> evaluates it only on some paths (an operand of ?:, &amp;&amp;, ||, a switch arm).</summary>
    private static bool RunsOnlySometimes(IOperation operation)
    {
        var statement = operation;
        while (statement.Parent is { } parent && parent is not IBlockOperation &&
               statement is not (IExpressionStatementOperation or IVariableDeclarationGroupOperation or IReturnOperation))
        {
            statement = parent;
        }

        return SometimesRuns(operation, statement);
    }

    /// <summary>A condition that holds only where the statement being parsed runs.</summary>
    private Expr Guard(Expr condition) => _guard is null ? condition : new Logical(LogicalOperator.And, _guard, condition);

    /// <summary>
    /// The length of a vector read element by element (a parameter, a buffer, a table or a slice, declared or written
    /// in place) and its element at an index; null where reported.
    /// </summary>
    private (Expr Length, Func<Expr, Expr> At)? ReadElements(IOperation source, List<Statement> output)
    {
        var slice = SliceOf(source);
        if (slice is null && !IsSliceLocal(source) && IsSliceForm(source))
        {
            // x.Slice(1).CopyTo(h), TensorPrimitives.Sum(x[1..]): the slice written in the call, as a slice local would be.
            slice = InlineSlice(source, output);
            if (slice is null)
            {
                return null; // reported
            }
        }

        if (slice is not null)
        {
            if (slice.IsParameter)
            {
                CheckOutputRead(slice.Vector, source.Syntax);
            }

            return (slice.Length, index => new Element(slice.Vector, new Binary(BinaryOperator.Add, slice.Start, index)));
        }

        if (VectorName(source) is { } name)
        {
            CheckOutputRead(name, source.Syntax);
            return (new Member(new Variable(name), "Length"), index => new Element(name, index));
        }

        return null; // reported by VectorName
    }
}
