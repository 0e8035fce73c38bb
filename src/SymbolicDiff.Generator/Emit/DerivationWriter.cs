using System.Collections.Generic;
using System.Linq;
using System.Text;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Writes <c>MDerivation(...)</c>: the same statements as <c>MWithGradient</c>'s body, printed by the same
/// <see cref="StatementWriter"/>, with a line after each top-level real definition that records it in a
/// <c>SymbolicDiff.Derivation</c> (inputs, forward values, local partials, adjoints with their chain-rule
/// comments, the gradient). A loop runs as it is and is recorded as one summary step, so the trace of a method with
/// loops stays as long as its top level, however many iterations run. <c>MWithGradient</c> is untouched: the trace
/// costs nothing unless called.
/// </summary>
internal static class DerivationWriter
{
    private const string Kind = "global::SymbolicDiff.DerivationStepKind.";

    /// <summary>The text the transforms open the backward sweep with; every statement after it is backward.</summary>
    private const string BackwardSweepNote = "Backward sweep";
    private const string ForwardSweepNote = "Forward sweep";

    /// <param name="writer">Where the method is written.</param>
    /// <param name="program">The method's differentiated program.</param>
    /// <param name="generatedCodeAttribute">The [GeneratedCode] line.</param>
    /// <param name="cref">The method's cref.</param>
    public static void Write(IndentedWriter writer, GradientProgram program, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        string real = method.RealType;
        var statements = new StatementWriter(writer, real);
        // The trace's local takes a name nothing else here takes: the body's, the parameters', the gradient outputs' (locals here).
        string derivation = NameAllocator.ForBody(method, program.Body).Fresh(GeneratedNames.DerivationLocal);

        writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/> and its gradient as <c>{GeneratedNames.GradientMethod(method.MethodName)}</c> does, recording every step: the inputs, each intermediate's formula and value, each local partial, each adjoint as the chain-rule product that formed it, and the gradient. Loops are summarised, one step each. For reading and teaching: it allocates.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>.</param>");
        }

        writer.Line("/// <returns>The trace; print it, or render it with <c>ToMarkdown()</c>, <c>ToMermaid()</c> or <c>ToDot()</c>.</returns>");
        writer.Line(generatedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p =>
            p.TypeName + " " + ExpressionWriter.Identifier(p.Name) + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} global::SymbolicDiff.Derivation {GeneratedNames.DerivationMethod(method.MethodName)}({signature})"))
        {
            writer.Line($"var {derivation} = new global::SymbolicDiff.Derivation({Literal(method.MethodName)}, {Literal(method.Result)});");
            var known = new HashSet<string>();
            var assigned = new HashSet<string>();
            foreach (var parameter in method.Parameters)
            {
                string name = ExpressionWriter.Identifier(parameter.Name);
                if (parameter.IsVector)
                {
                    if (!IsReal(parameter.ElementType!))
                    {
                        continue; // an index table: integers carry no derivative
                    }

                    writer.Line($"{derivation}.AddVector({Kind}Input, {Literal(parameter.Name)}, {name});");
                }
                else if (IsReal(parameter.TypeName))
                {
                    writer.Line($"{derivation}.Add({Kind}Input, {Literal(parameter.Name)}, {Literal(parameter.Name)}, {name});");
                    known.Add(parameter.Name);
                    assigned.Add(parameter.Name);
                }
            }

            // Where the body writes the gradient into outputs, they are this method's own: locals and new arrays.
            var outputs = new Dictionary<string, string>();
            if (program.WritesOutputs)
            {
                foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
                {
                    outputs[parameter.Output] = parameter.Name;
                    writer.Line(parameter.IsVector
                        ? $"global::System.Span<{real}> {parameter.Output} = new {real}[{ExpressionWriter.Identifier(parameter.Name)}.Length];"
                        : $"{real} {parameter.Output};");
                }
            }

            bool backward = false;
            foreach (var statement in program.Body)
            {
                statements.Write(new[] { statement });
                if (statement is CommentLine { Comment: { } comment } && statements.CommentText(comment) is var text &&
                    (text.StartsWith(BackwardSweepNote, System.StringComparison.Ordinal) || text.StartsWith(ForwardSweepNote, System.StringComparison.Ordinal)))
                {
                    backward = text.StartsWith(BackwardSweepNote, System.StringComparison.Ordinal);
                    continue;
                }

                if (Record(statement, backward, method, derivation, statements, known, assigned, outputs) is not { } record)
                {
                    continue;
                }

                if (record.IndexOf('\n') < 0)
                {
                    writer.Line(record); // most records are one line: written without splitting
                    continue;
                }

                foreach (string line in record.Split('\n'))
                {
                    writer.Line(line);
                }
            }

            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                string name = Literal("∂" + method.Result + "/∂" + parameter.Name);
                if (program.WritesOutputs)
                {
                    writer.Line(parameter.IsVector
                        ? $"{derivation}.AddVector({Kind}Gradient, {name}, {parameter.Output});"
                        : $"{derivation}.Add({Kind}Gradient, {name}, {Literal(parameter.Output)}, {parameter.Output});");
                }
                else if (program.Gradient.FirstOrDefault(e => e.ParameterName == parameter.Name) is { } entry)
                {
                    string value = ExpressionWriter.Write(entry.Value, method.IsSingle);
                    writer.Line($"{derivation}.Add({Kind}Gradient, {name}, {Literal(Display(entry.Value, method))}, {value});");
                }
            }

            writer.Line($"{derivation}.Value = {ExpressionWriter.Identifier(program.Returned)};");
            writer.Line($"return {derivation};");
        }
    }

    /// <summary>The line recording a top-level statement, or null for one that defines no real worth a step.</summary>
    private static string? Record(
        Statement statement,
        bool backward,
        MethodModel method,
        string derivation,
        StatementWriter statements,
        HashSet<string> known,
        HashSet<string> assigned,
        Dictionary<string, string> outputs)
    {
        string? note = statement.Comment is { Parts.Count: > 0 } comment ? Literal(statements.CommentText(comment)) : "null";
        switch (statement)
        {
            case DeclareReal { Unassigned: true }:
                return null;

            case DeclareReal { Value: CallWithDerivative beside } real when !backward:
            {
                // a = SigmoidWithDerivative(z, out da_dz): the value as the function's call, then its local partial as the
                // derivative method's, with the value the forward sweep kept.
                string line = Intermediate(real.Name, beside.Call, method, derivation, known);
                known.Add(real.Name);
                assigned.Add(real.Name);
                string withRespectTo = PartialOf(beside.Derivative, known)?.WithRespectTo ?? ExpressionWriter.Write(beside.Arguments[beside.Argument], method.IsSingle);
                string partial = Display(beside.DerivativeMethodCall(new Variable(real.Name)), method);
                return line + "\n" + $"{derivation}.AddPartial({Literal(beside.Derivative)}, {Literal(real.Name)}, {Literal(withRespectTo)}, {Literal(partial)}, {ExpressionWriter.Identifier(beside.Derivative)}, {Literal($"∂{real.Name}/∂{withRespectTo}")});";
            }

            case DeclareReal real when !backward:
            {
                string line = Intermediate(real.Name, real.Value, method, derivation, known);
                known.Add(real.Name);
                assigned.Add(real.Name);
                return line;
            }

            case AssignReal { Target: Variable target } assign when !backward && (assigned.Contains(target.Name) || assign.Value is not Conditional):
            {
                string line = Intermediate(target.Name, assign.Value, method, derivation, known);
                known.Add(target.Name);
                assigned.Add(target.Name);
                return line;
            }

            case DeclareReal real:
                assigned.Add(real.Name);
                if (AdjointOf(real.Name, method, known) is { } variable)
                {
                    // ∂loss/∂a with no product behind it is the local partial of the result itself, as a textbook lists it.
                    if (statement.Comment is { } chain && !statements.CommentText(chain).Contains(" = "))
                    {
                        return $"{derivation}.AddPartial({Literal(real.Name)}, {Literal(method.Result)}, {Literal(variable)}, {Literal(Display(real.Value, method))}, {ExpressionWriter.Identifier(real.Name)}, {note});";
                    }

                    return $"{derivation}.AddAdjoint({Literal(real.Name)}, {Literal(variable)}, {Literal(Display(real.Value, method))}, {ExpressionWriter.Identifier(real.Name)}, {note});";
                }

                if (PartialOf(real.Name, known) is { } pair)
                {
                    return $"{derivation}.AddPartial({Literal(real.Name)}, {Literal(pair.Of)}, {Literal(pair.WithRespectTo)}, {Literal(Display(real.Value, method))}, {ExpressionWriter.Identifier(real.Name)}, {note});";
                }

                // A named value of the backward sweep that no naming rule explains: an adjoint if its note is a chain-rule product.
                return statement.Comment is { } text && statements.CommentText(text).Contains(" = ")
                    ? $"{derivation}.AddAdjoint({Literal(real.Name)}, null, {Literal(Display(real.Value, method))}, {ExpressionWriter.Identifier(real.Name)}, {note});"
                    : $"{derivation}.AddPartial({Literal(real.Name)}, null, null, {Literal(Display(real.Value, method))}, {ExpressionWriter.Identifier(real.Name)}, {note});";

            case UpdateReal { Target: Variable target } update when backward:
                if (update.Operator == UpdateOperator.Set)
                {
                    assigned.Add(target.Name);
                }

                if (!assigned.Contains(target.Name))
                {
                    return null;
                }

                string? of = outputs.TryGetValue(target.Name, out var parameter) ? parameter : AdjointOf(target.Name, method, known);
                string formula = update.Operator switch
                {
                    UpdateOperator.Add => "+= ",
                    UpdateOperator.Subtract => "-= ",
                    UpdateOperator.Multiply => "*= ",
                    _ => string.Empty,
                } + Display(update.Value, method);
                return $"{derivation}.AddAdjoint({Literal(target.Name)}, {(of is null ? "null" : Literal(of))}, {Literal(formula)}, {ExpressionWriter.Identifier(target.Name)}, {note});";

            case ForLoop loop:
                int count = Count(loop.Body);
                string summary = $"{StatementWriter.ForHeader(loop)} {{ {count} statement{(count == 1 ? string.Empty : "s")} }}";
                string phase = loop.IterationByIteration ? "forward and backward sweep of each iteration in turn: not unrolled"
                    : backward ? "backward sweep: the loop run in reverse, not unrolled" : "forward sweep: not unrolled";
                var lines = new List<string> { $"{derivation}.AddLoop({Literal((loop.While is null ? "for " : "while, counted by ") + loop.Counter)}, {Literal(summary)}, {Literal(phase)});" };
                // What the loop leaves in the top level's reals: a sum's total, an adjoint's accumulated value. Of all the
                // loop writes, only the reals already assigned above it: a vector's elements, an integer, a local the loop
                // declares are not among them.
                foreach (string written in StatementFacts.WrittenNamesIn(loop.Body).Distinct().Where(assigned.Contains))
                {
                    string after = $"after for {loop.Counter}";
                    bool isAdjoint = outputs.ContainsKey(written) || AdjointOf(written, method, known) is not null;
                    lines.Add(backward && (isAdjoint || !loop.IterationByIteration)
                        ? $"{derivation}.AddAdjoint({Literal(written)}, {(outputs.TryGetValue(written, out var output) ? Literal(output) : AdjointOf(written, method, known) is { } v ? Literal(v) : "null")}, {Literal(after)}, {ExpressionWriter.Identifier(written)}, null);"
                        : $"{derivation}.Add({Kind}Intermediate, {Literal(written)}, {Literal(after)}, {ExpressionWriter.Identifier(written)}, {Literal(written)});");
                }

                return string.Join("\n", lines);

            default:
                return null;
        }
    }

    private static string Intermediate(string name, Expr value, MethodModel method, string derivation, HashSet<string> known)
    {
        // s = s + e reads the earlier s: an edge from its previous node.
        var reads = ExpressionFacts.Variables(value).Where(known.Contains);
        string arguments = string.Concat(reads.Select(r => ", " + Literal(r)));
        return $"{derivation}.Add({Kind}Intermediate, {Literal(name)}, {Literal(Display(value, method))}, {ExpressionWriter.Identifier(name)}{arguments});";
    }

    /// <summary>v when <paramref name="name"/> is the adjoint ∂result/∂v (<see cref="GeneratedNames.Adjoint"/>).</summary>
    private static string? AdjointOf(string name, MethodModel method, HashSet<string> known)
    {
        // d{Result}_d{v}: the prefix is fixed, so v is what follows it (a name allocated fresh may carry a suffix
        // of its own, which the lookup in known settles). Linear in the name, not in the number of variables.
        string prefix = GeneratedNames.Adjoint(method.Result, string.Empty);
        if (!name.StartsWith(prefix, System.StringComparison.Ordinal))
        {
            return null;
        }

        string variable = name.Substring(prefix.Length);
        return known.Contains(variable) ? variable : null;
    }

    /// <summary>(a, z) when <paramref name="name"/> is the local partial ∂a/∂z (<see cref="GeneratedNames.LocalPartial"/>).</summary>
    private static (string Of, string WithRespectTo)? PartialOf(string name, HashSet<string> known)
    {
        // d{of}_d{withRespectTo}: try each "_d" as the seam (names may hold underscores), linear in the name's
        // length rather than quadratic in the number of variables.
        if (!name.StartsWith("d", System.StringComparison.Ordinal))
        {
            return null;
        }

        for (int seam = name.IndexOf("_d", 1, System.StringComparison.Ordinal); seam > 0; seam = name.IndexOf("_d", seam + 1, System.StringComparison.Ordinal))
        {
            string of = name.Substring(1, seam - 1);
            string withRespectTo = name.Substring(seam + 2);
            if (known.Contains(of) && known.Contains(withRespectTo))
            {
                return (of, withRespectTo);
            }
        }

        return null;
    }

    private static int Count(IEnumerable<Statement> statements) =>
        statements.Sum(s => s switch
        {
            CommentLine => 0,
            ForLoop loop => 1 + Count(loop.Body),
            IfStatement guarded => 1 + Count(guarded.Then),
            _ => 1,
        });

    private static bool IsReal(string typeName)
    {
        string type = typeName.Split(' ').Last();
        return type is "double" or "float";
    }

    /// <summary>An expression as a reader wants it in a table: the method's code without the <c>global::</c> qualifications.</summary>
    private static string Display(Expr expression, MethodModel method) =>
        ExpressionWriter.Write(expression, method.IsSingle)
            .Replace("global::SymbolicDiff.", string.Empty)
            .Replace("global::System.", string.Empty)
            .Replace("global::", string.Empty);

    /// <summary>A C# string literal (the generated file is UTF-8, so ∂ and · stay as they are).</summary>
    private static string Literal(string text)
    {
        // Most names and formulas need no escape: one concatenation, not a string per character.
        if (text.IndexOfAny(Escaped) < 0)
        {
            return "\"" + text + "\"";
        }

        var builder = new StringBuilder(text.Length + 8).Append('"');
        foreach (char c in text)
        {
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\n' || c == '\r')
            {
                builder.Append(c == '\n' ? "\\n" : "\\r");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    private static readonly char[] Escaped = { '"', '\\', '\n', '\r' };
}
