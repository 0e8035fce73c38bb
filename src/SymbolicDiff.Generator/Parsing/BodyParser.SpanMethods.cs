using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// The span and array methods that write a whole buffer, as people write them before they write the loop:
/// <c>h.Fill(v)</c>, <c>h.Clear()</c>, <c>Array.Fill(h, v)</c>, <c>Array.Clear(h)</c> and <c>x.CopyTo(h)</c> (of a span, or of an
/// array through MemoryExtensions). Each is
/// the loop it stands for, <c>for (int hIndex = 0; hIndex &lt; h.Length; hIndex++) h[hIndex] = v;</c>, built here from
/// element assignments, so every transform sees only element writes and a counted loop, which they all support. A
/// fill value that is not a constant or a name is computed once, before the loop, as <c>Fill</c> computes its argument
/// once. <c>CopyTo</c> keeps its check: a destination shorter than the source throws ArgumentException, as
/// <c>CopyTo</c> does, before anything is written.
/// </summary>
internal sealed partial class BodyParser
{
    /// <summary>What SD0004 says of a span method that writes a vector this method cannot write through it.</summary>
    private const string SpanMethodAdvice =
        " (Fill, Clear and CopyTo write a local buffer or an output of this method; for anything else write the loop: for (int i = 0; i < h.Length; i++) h[i] = v;)";

    /// <summary>Whether <paramref name="invocation"/> is one of the whole-buffer writes; if so, its loop is in <paramref name="output"/> (or it was reported).</summary>
    private bool TryParseSpanMethod(IInvocationOperation invocation, List<Statement> output)
    {
        var method = invocation.TargetMethod;
        string type = method.ContainingType?.OriginalDefinition.ToDisplayString() ?? string.Empty;
        (IOperation Destination, IOperation? Value, IOperation? Source)? parts = (type, method.Name, invocation.Arguments.Length) switch
        {
            ("System.Span<T>", "Fill", 1) when invocation.Instance is { } instance => (instance, invocation.Arguments[0].Value, null),
            ("System.Span<T>", "Clear", 0) when invocation.Instance is { } instance => (instance, null, null),
            ("System.Array", "Fill", 2) => (invocation.Arguments[0].Value, invocation.Arguments[1].Value, null),
            ("System.Array", "Clear", 1) => (invocation.Arguments[0].Value, null, null),
            ("System.Span<T>" or "System.ReadOnlySpan<T>", "CopyTo", 1) when invocation.Instance is { } instance => (invocation.Arguments[0].Value, null, instance),
            ("System.MemoryExtensions", "CopyTo", 2) => (invocation.Arguments[1].Value, null, invocation.Arguments[0].Value),
            _ => null,
        };
        if (parts is null || !IsRealVector(WithoutConversions(parts.Value.Destination).Type, _real))
        {
            return false;
        }

        var (destinationOperation, valueOperation, sourceOperation) = parts.Value;

        string? destination = WritableVector(WithoutConversions(destinationOperation));
        if (destination is null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, invocation.Syntax,
                $"'{invocation.Syntax}', which writes '{destinationOperation.Syntax}'" + SpanMethodAdvice);
            return true;
        }

        string counter = _names.Fresh(destination + "Index");
        var index = new Variable(counter);
        Expr length = new Member(new Variable(destination), "Length");
        Expr value;
        if (sourceOperation is not null)
        {
            if (ReadElements(WithoutConversions(sourceOperation), output) is not { } elements)
            {
                return true; // reported
            }

            length = elements.Length;
            value = elements.At(index);

            var destinationLength = new Member(new Variable(destination), "Length");
            output.Add(new ThrowIf(
                Guard(new Comparison(ComparisonOperator.Greater, length, destinationLength)),
                "throw new global::System.ArgumentException(\"Destination is too short.\", \"destination\");"));
        }
        else if (valueOperation is null)
        {
            value = Constant.Zero;
        }
        else if (ParseReal(valueOperation) is { } parsed)
        {
            value = parsed;
            if (parsed is not (Constant or Variable))
            {
                string once = _names.Fresh(destination + "Value");
                _claimed.Add(once);
                output.Add(new DeclareReal(once, GuardedDeclaration(parsed)));
                value = new Variable(once);
            }
        }
        else
        {
            return true; // reported where it was parsed
        }

        var target = new Element(destination, index);
        MarkWritten(target);
        var write = new AssignReal(target, Guarded(target, value), $"{destination}[{counter}] = {(sourceOperation is null ? valueOperation?.Syntax.ToString() ?? "0" : $"{WithoutConversions(sourceOperation).Syntax}[{counter}]")}");
        output.Add(new ForLoop(counter, "int", Constant.Zero, length, new Statement[] { write }.ToEquatableArray()));
        return true;
    }

    /// <summary>The name of a vector this method may write element by element (a local buffer, an output), or null.</summary>
    private string? WritableVector(IOperation vector) => vector switch
    {
        ILocalReferenceOperation local when _buffers.Contains(local.Local) => NameOf(local.Local),
        IParameterReferenceOperation parameter when _outputs.Contains(parameter.Parameter.Name) => parameter.Parameter.Name,
        _ => null,
    };
}
