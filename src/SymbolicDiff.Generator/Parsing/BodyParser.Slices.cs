using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Slices, as people write a row of a row-major matrix first: <c>ReadOnlySpan&lt;double&gt; x = features.Slice(r * d, d);</c>
/// (also <c>p.Slice(start)</c>, <c>p[a..b]</c>, <c>array.AsSpan(start, length)</c>, a slice of a local buffer or of another
/// slice), declared anywhere a local may be. A slice is a view: the parser reads <c>x[j]</c> as <c>features[xStart + j]</c>,
/// with <c>int xStart = SliceBounds.Start(features.Length, r * d, d);</c> declared where the slice is. So every transform
/// (reverse, row-by-row fusion, forward, Jacobians, second order) sees only elements of the sliced vector and an integer
/// local, which they all support, and the adjoint of <c>x[j]</c> lands in <c>dFeatures[xStart + j]</c> with nothing new
/// to learn. The bounds stay C#'s: the start's check throws ArgumentOutOfRangeException where <c>Slice</c> would, and an
/// index the parser cannot see is in range (a loop counter over the slice's length is) is checked as the slice's
/// indexer checks it (<c>SliceBounds.Index(j, d)</c>).
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>
    /// A slice local: the vector it views (a parameter or a local buffer, never another slice), the integer local that
    /// holds its first element's index there, and its length (an expression that cannot change, or a local holding it).
    /// </summary>
    private sealed record SliceView(string Vector, Expr Start, Expr Length, bool IsParameter, bool Writable, bool IsArray);

    private readonly Dictionary<ILocalSymbol, SliceView> _slices = new(SymbolEqualityComparer.Default);

    // The range of each enclosing for loop's counter (from, exclusive bound, direction), to see that x[j] needs no check.
    private readonly Dictionary<ILocalSymbol, (Expr From, Expr To, bool Descending)> _counterRanges = new(SymbolEqualityComparer.Default);

    /// <summary>Records a for loop's counter range, read by the slice reads in its body.</summary>
    private void EnterCounterRange(ILocalSymbol counter, Expr from, Expr to, bool descending) => _counterRanges[counter] = (from, to, descending);

    /// <summary>
    /// <c>ReadOnlySpan&lt;double&gt; x = p.Slice(start, length);</c> and the other slice forms: declares the start (checked) and,
    /// where needed, the length, and records the view. False when the initializer is no slice (a buffer, say).
    /// </summary>
    private bool TryParseSlice(ILocalSymbol local, IVariableInitializerOperation initializer, List<Statement> output)
    {
        // Under its conversions, Span's implicit operator included: ReadOnlySpan<double> t = h.AsSpan(1, 2); of a Span buffer.
        var value = WithoutConversions(initializer.Value);
        if (!IsSliceForm(value))
        {
            return false;
        }

        if (AssignmentsTo(local).Any())
        {
            _reportedLocals.Add(local);
            Report(DiagnosticDescriptors.UnsupportedStatement, initializer.Syntax.GetFirstToken(),
                $"Assigning the slice '{local.Name}' again (a slice is declared once, where it is used; declare a new local for another part of the vector, inside the loop if it changes with each iteration)");
            return true;
        }

        var view = ParseSliceForm(value, local.Name, NameOf(local), output);
        if (view is null)
        {
            _reportedLocals.Add(local);
            return true;
        }

        _slices[local] = view;
        return true;
    }

    /// <summary>Whether <paramref name="value"/> is <c>v.Slice(..)</c>, <c>v[a..b]</c> or <c>v.AsSpan(..)</c> of a real vector.</summary>
    private bool IsSliceForm(IOperation value) => SliceParts(value) is not null;

    /// <summary>The sliced vector and the start, length or range arguments of a slice form; null for anything else.</summary>
    private (IOperation Vector, IOperation? Start, IOperation? Length, IRangeOperation? Range)? SliceParts(IOperation value)
    {
        switch (value)
        {
            case IInvocationOperation { TargetMethod.Name: "Slice", Instance: { } instance } slice
                when ElementType(instance.Type)?.SpecialType == _real && slice.Arguments.Length is 1 or 2 && slice.Arguments.All(a => IsInteger(a.Value.Type)):
                return (instance, slice.Arguments[0].Value, slice.Arguments.Length == 2 ? slice.Arguments[1].Value : null, null);

            case IInvocationOperation { TargetMethod: { Name: "AsSpan", ContainingType.Name: "MemoryExtensions" }, Instance: null } asSpan
                when asSpan.Arguments.Length is >= 1 and <= 3 && ElementType(asSpan.Arguments[0].Value.Type)?.SpecialType == _real &&
                     asSpan.Arguments.Skip(1).All(a => IsInteger(a.Value.Type)):
                return (Unconverted(asSpan.Arguments[0].Value),
                    asSpan.Arguments.Length > 1 ? asSpan.Arguments[1].Value : null,
                    asSpan.Arguments.Length > 2 ? asSpan.Arguments[2].Value : null,
                    null);

            case IImplicitIndexerReferenceOperation { Instance: { } instance, Argument: IRangeOperation range }
                when ElementType(instance.Type)?.SpecialType == _real:
                return (instance, null, null, range);

            default:
                return null;
        }
    }

    private static IOperation Unconverted(IOperation operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>Declares the slice's checked start (and its length where it may change) and returns the view; null where reported.</summary>
    private SliceView? ParseSliceForm(IOperation value, string name, string? viewName, List<Statement> output)
    {
        var (vectorOperation, startOperation, lengthOperation, range) = SliceParts(value)!.Value;
        var whole = WholeVector(vectorOperation);
        if (whole is null)
        {
            return null;
        }

        Expr? start;
        Expr? length;
        if (range is not null)
        {
            // v[a..b] is v.Slice(a, b - a); ^k counts from the end, and a missing end is the vector's own.
            start = range.LeftOperand is null ? Constant.Zero : RangeEnd(range.LeftOperand, whole.Length);
            var end = range.RightOperand is null ? whole.Length : RangeEnd(range.RightOperand, whole.Length);
            length = start is null || end is null ? null : start is Constant { IsZero: true } ? end : new Binary(BinaryOperator.Subtract, end, start);
        }
        else
        {
            start = startOperation is null ? Constant.Zero : ParseInteger(startOperation);
            length = lengthOperation is not null ? ParseInteger(lengthOperation)
                : start is null ? null
                : start is Constant { IsZero: true } ? whole.Length
                : new Binary(BinaryOperator.Subtract, whole.Length, start);
        }

        if (start is null || length is null)
        {
            return null;
        }

        // A length that is one name or number no statement can change is read where it stands (so that a loop to d is
        // seen to run over the slice); any other is held in a local of its own, as the slice holds it.
        var lengthReads = range is not null ? new[] { range.LeftOperand, range.RightOperand } : new[] { lengthOperation ?? startOperation };
        if (length is not (Constant or Variable or Member) || !lengthReads.All(o => o is null || IsStable(o)))
        {
            string lengthName = _names.Fresh(name + "Length");
            _claimed.Add(lengthName);
            output.Add(new DeclareInteger(lengthName, "int", GuardedDeclaration(length)));
            length = new Variable(lengthName);
        }

        Expr checkedStart = new SliceStart(whole.Length, start, length) { View = viewName is null ? null : new SliceViewInfo(viewName, whole.Vector, whole.IsArray) };
        if (whole.Start is not Constant { IsZero: true })
        {
            checkedStart = new Binary(BinaryOperator.Add, whole.Start, checkedStart); // a slice of a slice: from the outer one's start
        }

        string startName = _names.Fresh(name + "Start");
        _claimed.Add(startName);
        output.Add(new DeclareInteger(startName, "int", GuardedDeclaration(checkedStart)));
        return whole with { Start = new Variable(startName), Length = length };
    }

    /// <summary>One end of a range: an int, or <c>^k</c> (the vector's length minus k); null where reported.</summary>
    private Expr? RangeEnd(IOperation end, Expr vectorLength)
    {
        // An int end arrives converted to System.Index (a user-defined conversion), ^k as the hat operator.
        var operation = end;
        while (operation is IConversionOperation { Operand: var operand } && (IsInteger(operand.Type) || operand.Type?.Name == "Index"))
        {
            operation = operand;
        }

        if (operation is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } hat)
        {
            var fromEnd = ParseInteger(Unconverted(hat.Operand));
            return fromEnd is null ? null : new Binary(BinaryOperator.Subtract, vectorLength, fromEnd);
        }

        if (IsInteger(operation.Type))
        {
            return ParseInteger(operation);
        }

        Report(DiagnosticDescriptors.UnsupportedExpression, end.Syntax,
            $"The range end '{end.Syntax}' (a slice's range is written with int ends, a..b, ^k, or left open)");
        return null;
    }

    /// <summary>
    /// The whole vector a slice is taken of, as a view from 0: a real span or array parameter, a local buffer, or another
    /// slice (whose start then adds to this one's); null where reported.
    /// </summary>
    private SliceView? WholeVector(IOperation vector)
    {
        switch (Unconverted(vector))
        {
            case ILocalReferenceOperation { Local: var local } when _slices.TryGetValue(local, out var outer):
                return outer;
            case ILocalReferenceOperation { Local: var local } when _reportedLocals.Contains(local):
                return null;
            case IParameterReferenceOperation { Parameter: { Name: var parameter, Type: var type } }:
                return new SliceView(parameter, Constant.Zero, new Member(new Variable(parameter), "Length"), IsParameter: true, Writable: _outputs.Contains(parameter), IsArray: type is IArrayTypeSymbol);
            case ILocalReferenceOperation { Local: var buffer } when _buffers.Contains(buffer):
            {
                string name = NameOf(buffer);
                return new SliceView(name, Constant.Zero, new Member(new Variable(name), "Length"), IsParameter: false, Writable: true, IsArray: buffer.Type is IArrayTypeSymbol);
            }

            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, vector.Syntax,
                    $"A slice of '{vector.Syntax}' (a slice is taken of a span or array parameter, of a local buffer, or of another slice)");
                return null;
        }
    }

    /// <summary>Whether the integers an operation reads are constants, lengths, and locals and parameters no statement assigns.</summary>
    private bool IsStable(IOperation value) => value.DescendantsAndSelf().All(o => o switch
    {
        ILocalReferenceOperation local when IsInteger(local.Type) => !AssignmentsTo(local.Local).Any(),
        IParameterReferenceOperation parameter when IsInteger(parameter.Type) => !IsAssigned(parameter.Parameter),
        _ => true,
    });

    /// <summary>The slice a local names, or null when it is no slice.</summary>
    private SliceView? SliceOf(IOperation vector) =>
        vector is ILocalReferenceOperation { Local: var local } && _slices.TryGetValue(local, out var view) ? view : null;

    /// <summary>Whether the local was declared as a slice (or as one that was reported, whose uses are not reported again).</summary>
    private bool IsSliceLocal(IOperation vector) =>
        vector is ILocalReferenceOperation { Local: var local } && (_slices.ContainsKey(local) || _reportedLocals.Contains(local) && IsRealVector(local.Type, _real) && !_buffers.Contains(local));

    /// <summary><c>x[j]</c> of a slice: the element <c>v[xStart + j]</c> of the vector it views; null where reported.</summary>
    private Expr? SliceElement(SliceView view, IOperation index)
    {
        var parsed = ParseIndex(index);
        if (parsed is null)
        {
            return null;
        }

        if (!InSliceRange(index, parsed, view.Length))
        {
            parsed = new SliceIndex(parsed, view.Length);
        }

        return new Element(view.Vector, new Binary(BinaryOperator.Add, view.Start, parsed));
    }

    /// <summary>
    /// Whether an index is in the slice's range whatever the values: a constant below a constant length, or the counter
    /// of an enclosing loop from a non-negative constant to the slice's length (or down from length − 1 to 0).
    /// </summary>
    private bool InSliceRange(IOperation index, Expr parsed, Expr length)
    {
        if (parsed is Constant { Value: >= 0 } constant)
        {
            return length is Constant bound && constant.Value < bound.Value;
        }

        if (Unconverted(index) is not ILocalReferenceOperation { Local: var counter } || !_counterRanges.TryGetValue(counter, out var range))
        {
            return false;
        }

        return range.Descending
            ? range.To is Constant { Value: >= -1 } && range.From.Equals(new Binary(BinaryOperator.Subtract, length, Constant.One))
            : range.From is Constant { Value: >= 0 } && range.To.Equals(length);
    }

    /// <summary>
    /// <c>foreach (double v in x)</c> over a slice: <c>for (int vIndex = 0; vIndex &lt; length; vIndex++)</c> reading
    /// <c>v = p[xStart + vIndex]</c>, in range by construction.
    /// </summary>
    private void ParseForEachOverSlice(IForEachLoopOperation loop, SliceView slice, ILocalSymbol element, List<Statement> output)
    {
        if (slice.IsParameter)
        {
            CheckOutputRead(slice.Vector, loop.Collection.Syntax);
        }

        string counter = _names.Fresh(element.Name + "Index");
        var first = new DeclareReal(NameOf(element), new Element(slice.Vector, new Binary(BinaryOperator.Add, slice.Start, new Variable(counter))));
        output.Add(new ForLoop(counter, "int", Constant.Zero, slice.Length, ParseLoopBody(loop, loop.Body, output, first)));
    }

    /// <summary>
    /// A slice passed where a function takes a span: a slice local, or a slice form written in the argument (whose checked
    /// start is declared before the call, as a local's is); the argument is the view of the sliced vector from that start,
    /// so that a derivative of it is the same view of the vector's adjoint or tangent. Null where reported.
    /// </summary>
    private VectorArgument? SliceArgument(IOperation value)
    {
        SliceView? view;
        if (IsSliceLocal(value))
        {
            view = SliceOf(value);
            if (view is null)
            {
                return null; // reported at its declaration
            }
        }
        else
        {
            view = InlineSlice(value, _currentOutput);
            if (view is null)
            {
                return null;
            }
        }

        if (view.IsParameter)
        {
            CheckOutputRead(view.Vector, value.Syntax);
        }

        return new VectorArgument(view.Vector, view.Start, view.Length, view.IsArray);
    }

    /// <summary>
    /// A slice form written where it is used rather than declared as a local (an argument, <c>foreach (var v in x[1..])</c>,
    /// <c>x.Slice(1).CopyTo(h)</c>): its checked start declared in <paramref name="output"/>, as a local's is, and the view;
    /// null where reported.
    /// </summary>
    private SliceView? InlineSlice(IOperation value, List<Statement> output)
    {
        string vectorName = Unconverted(SliceParts(value)!.Value.Vector) switch
        {
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            ILocalReferenceOperation local => NameOf(local.Local),
            _ => "slice",
        };
        return ParseSliceForm(value, vectorName + "Slice", viewName: null, output);
    }

    /// <summary>
    /// SD0005 where a slice stands where only a whole vector is accepted: passed to a vector-valued helper (one that
    /// writes outputs), or indexed and measured where it is written rather than through a local.
    /// </summary>
    private void ReportWholeSlice(IOperation vector)
    {
        if (vector is ILocalReferenceOperation { Local: var local } && !_slices.ContainsKey(local))
        {
            return; // reported at its declaration
        }

        string shown = vector.Syntax.ToString();
        Report(DiagnosticDescriptors.UnsupportedExpression, vector.Syntax,
            vector is ILocalReferenceOperation
                ? $"The slice '{shown}' passed to a vector-valued helper, which writes outputs (a slice is passed to a function that only reads it: Vectors.Dot(w, {shown}), a loss, a [Differentiable] method over spans; to a helper that writes outputs, pass the whole vector, or copy the slice into a local buffer and pass that)"
                : $"The slice '{shown}' where only a whole vector is accepted (declare it as a local, ReadOnlySpan<{RealTypes.Keyword(_real)}> row = {shown};, and read row[j] and row.Length; written in a call, a slice is passed to a function that only reads it, Vectors.Dot, a loss or a [Differentiable] method over spans, not to a vector-valued helper that writes outputs)");
    }

    /// <summary>SD0004 for a slice passed to a helper to write its results into: a helper writes a whole buffer.</summary>
    private void ReportSliceOutput(IOperation value, IMethodSymbol method) =>
        Report(DiagnosticDescriptors.UnsupportedStatement, value.Syntax,
            $"Passing the slice '{value.Syntax}' to '{DisplayName(method)}' to write its results into (a helper writes into a whole local buffer or output of this method: declare a buffer of the slice's length, pass that, and copy its elements into the slice)");
}
