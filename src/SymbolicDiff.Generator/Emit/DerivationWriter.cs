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
            // Each recorded line is written into the file in place, its literals and formulas included: a method of a
            // hundred steps would otherwise build each piece and each line as a string first.
            writer.BeginLine(0).Append("var ").Append(derivation).Append(" = new global::SymbolicDiff.Derivation(")
                .Literal(method.MethodName).Append(", ").Literal(method.Result).Append(");");
            writer.EndLine();
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

                    Step(writer, derivation, "AddVector").Append(Kind).Append("Input, ").Literal(parameter.Name).Append(", ").Append(name).Append(");");
                    writer.EndLine();
                }
                else if (IsReal(parameter.TypeName))
                {
                    Step(writer, derivation, "Add").Append(Kind).Append("Input, ").Literal(parameter.Name).Append(", ").Literal(parameter.Name).Append(", ").Append(name).Append(");");
                    writer.EndLine();
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
                statements.Write(statement);
                if (statement is CommentLine { Comment: { } comment } && statements.CommentText(comment) is var text &&
                    (text.StartsWith(BackwardSweepNote, System.StringComparison.Ordinal) || text.StartsWith(ForwardSweepNote, System.StringComparison.Ordinal)))
                {
                    backward = text.StartsWith(BackwardSweepNote, System.StringComparison.Ordinal);
                    continue;
                }

                Record(writer, statement, backward, method, derivation, statements, known, assigned, outputs);
            }

            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                string name = "∂" + method.Result + "/∂" + parameter.Name;
                if (program.WritesOutputs && parameter.IsVector)
                {
                    Step(writer, derivation, "AddVector").Append(Kind).Append("Gradient, ").Literal(name).Append(", ").Append(parameter.Output).Append(");");
                    writer.EndLine();
                }
                else if (program.WritesOutputs)
                {
                    Step(writer, derivation, "Add").Append(Kind).Append("Gradient, ").Literal(name).Append(", ").Literal(parameter.Output).Append(", ").Append(parameter.Output).Append(");");
                    writer.EndLine();
                }
                else if (program.Gradient.FirstOrDefault(e => e.ParameterName == parameter.Name) is { } entry)
                {
                    var line = Step(writer, derivation, "Add").Append(Kind).Append("Gradient, ").Literal(name).Append(", ").Shown(entry.Value, method).Append(", ");
                    ExpressionWriter.Append(line, entry.Value, method.IsSingle);
                    line.Append(");");
                    writer.EndLine();
                }
            }

            writer.Line($"{derivation}.Value = {ExpressionWriter.Identifier(program.Returned)};");
            writer.Line($"return {derivation};");
        }
    }

    /// <summary>Writes the lines recording a top-level statement: none for one that defines no real worth a step.</summary>
    private static void Record(
        IndentedWriter writer,
        Statement statement,
        bool backward,
        MethodModel method,
        string derivation,
        StatementWriter statements,
        HashSet<string> known,
        HashSet<string> assigned,
        Dictionary<string, string> outputs)
    {
        switch (statement)
        {
            case DeclareReal { Unassigned: true }:
                return;

            case DeclareReal { Value: CallWithDerivative beside } real when !backward:
            {
                // a = SigmoidWithDerivative(z, out da_dz): the value as the function's call, then its local partial as the
                // derivative method's, with the value the forward sweep kept.
                Intermediate(writer, real.Name, beside.Call, method, derivation, known);
                known.Add(real.Name);
                assigned.Add(real.Name);
                string withRespectTo = PartialOf(beside.Derivative, known)?.WithRespectTo ?? ExpressionWriter.Write(beside.Arguments[beside.Argument], method.IsSingle);
                Step(writer, derivation, "AddPartial").Literal(beside.Derivative).Append(", ").Literal(real.Name).Append(", ").Literal(withRespectTo).Append(", ")
                    .Shown(beside.DerivativeMethodCall(new Variable(real.Name)), method).Append(", ").Append(ExpressionWriter.Identifier(beside.Derivative)).Append(", ")
                    .Literal($"∂{real.Name}/∂{withRespectTo}").Append(");");
                writer.EndLine();
                return;
            }

            case DeclareReal real when !backward:
                Intermediate(writer, real.Name, real.Value, method, derivation, known);
                known.Add(real.Name);
                assigned.Add(real.Name);
                return;

            case AssignReal { Target: Variable target } assign when !backward && (assigned.Contains(target.Name) || assign.Value is not Conditional):
                Intermediate(writer, target.Name, assign.Value, method, derivation, known);
                known.Add(target.Name);
                assigned.Add(target.Name);
                return;

            case DeclareReal real:
            {
                assigned.Add(real.Name);
                StringBuilder line;
                if (AdjointOf(real.Name, method, known) is { } variable)
                {
                    // ∂loss/∂a with no product behind it is the local partial of the result itself, as a textbook lists it.
                    line = statement.Comment is not null && !IsProduct(statement.Comment, statements)
                        ? Step(writer, derivation, "AddPartial").Literal(real.Name).Append(", ").Literal(method.Result)
                        : Step(writer, derivation, "AddAdjoint").Literal(real.Name);
                    line.Append(", ").Literal(variable);
                }
                else if (PartialOf(real.Name, known) is { } pair)
                {
                    line = Step(writer, derivation, "AddPartial").Literal(real.Name).Append(", ").Literal(pair.Of).Append(", ").Literal(pair.WithRespectTo);
                }
                else
                {
                    // A named value of the backward sweep that no naming rule explains: an adjoint if its note is a chain-rule product.
                    bool isProduct = IsProduct(statement.Comment, statements);
                    line = Step(writer, derivation, isProduct ? "AddAdjoint" : "AddPartial").Literal(real.Name).Append(isProduct ? ", null" : ", null, null");
                }

                EndStep(writer, line, real.Name, string.Empty, real.Value, statement.Comment, method, statements);
                return;
            }

            case UpdateReal { Target: Variable target } update when backward:
            {
                if (update.Operator == UpdateOperator.Set)
                {
                    assigned.Add(target.Name);
                }

                if (!assigned.Contains(target.Name))
                {
                    return;
                }

                string? of = outputs.TryGetValue(target.Name, out var parameter) ? parameter : AdjointOf(target.Name, method, known);
                string operation = update.Operator switch
                {
                    UpdateOperator.Add => "+= ",
                    UpdateOperator.Subtract => "-= ",
                    UpdateOperator.Multiply => "*= ",
                    _ => string.Empty,
                };
                var line = Step(writer, derivation, "AddAdjoint").Literal(target.Name).Append(", ").LiteralOrNull(of);
                EndStep(writer, line, target.Name, operation, update.Value, statement.Comment, method, statements);
                return;
            }

            case ForLoop loop:
            {
                int count = Count(loop.Body);
                string summary = $"{StatementWriter.ForHeader(loop)} {{ {count} statement{(count == 1 ? string.Empty : "s")} }}";
                string phase = loop.IterationByIteration ? "forward and backward sweep of each iteration in turn: not unrolled"
                    : backward ? "backward sweep: the loop run in reverse, not unrolled" : "forward sweep: not unrolled";
                Step(writer, derivation, "AddLoop").Literal((loop.While is null ? "for " : "while, counted by ") + loop.Counter).Append(", ")
                    .Literal(summary).Append(", ").Literal(phase).Append(");");
                writer.EndLine();
                // What the loop leaves in the top level's reals: a sum's total, an adjoint's accumulated value. Of all the
                // loop writes, only the reals already assigned above it: a vector's elements, an integer, a local the loop
                // declares are not among them.
                string after = $"after for {loop.Counter}";
                foreach (string written in StatementFacts.WrittenNamesIn(loop.Body).Distinct().Where(assigned.Contains))
                {
                    string? of = outputs.TryGetValue(written, out var output) ? output : AdjointOf(written, method, known);
                    if (backward && (of is not null || !loop.IterationByIteration))
                    {
                        Step(writer, derivation, "AddAdjoint").Literal(written).Append(", ").LiteralOrNull(of).Append(", ")
                            .Literal(after).Append(", ").Append(ExpressionWriter.Identifier(written)).Append(", null);");
                    }
                    else
                    {
                        Step(writer, derivation, "Add").Append(Kind).Append("Intermediate, ").Literal(written).Append(", ")
                            .Literal(after).Append(", ").Append(ExpressionWriter.Identifier(written)).Append(", ").Literal(written).Append(");");
                    }

                    writer.EndLine();
                }

                return;
            }
        }
    }

    /// <summary>Whether a backward statement's note is a chain-rule product (<c>∂y/∂a = ∂y/∂b · ∂b/∂a</c>).</summary>
    private static bool IsProduct(Comment? note, StatementWriter statements) =>
        note is not null && statements.CommentText(note).Contains(" = ");

    /// <summary>Starts a recording line, <c>derivation.Add...(</c>: its arguments are appended to the builder returned.</summary>
    private static StringBuilder Step(IndentedWriter writer, string derivation, string add) =>
        writer.BeginLine(0).Append(derivation).Append('.').Append(add).Append('(');

    /// <summary>Ends a backward step's line: <c>, "formula", value, "chain-rule note");</c>.</summary>
    private static void EndStep(
        IndentedWriter writer, StringBuilder line, string name, string operation, Expr formula, Comment? note, MethodModel method, StatementWriter statements)
    {
        line.Append(", ").Shown(formula, method, operation).Append(", ").Append(ExpressionWriter.Identifier(name)).Append(", ");
        if (note is { Parts.Count: > 0 })
        {
            int start = line.Append('"').Length;
            statements.AppendComment(line, note);
            line.EndLiteral(start);
        }
        else
        {
            line.Append("null");
        }

        line.Append(");");
        writer.EndLine();
    }

    private static void Intermediate(IndentedWriter writer, string name, Expr value, MethodModel method, string derivation, HashSet<string> known)
    {
        var line = Step(writer, derivation, "Add").Append(Kind).Append("Intermediate, ").Literal(name).Append(", ").Shown(value, method)
            .Append(", ").Append(ExpressionWriter.Identifier(name));
        // s = s + e reads the earlier s: an edge from its previous node.
        foreach (string read in ExpressionFacts.Variables(value))
        {
            if (known.Contains(read))
            {
                line.Append(", ").Literal(read);
            }
        }

        line.Append(");");
        writer.EndLine();
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

    /// <summary>
    /// Appends <paramref name="operation"/> and an expression as a reader wants it in a table, as a string literal: the
    /// method's code without the <c>global::</c> qualifications.
    /// </summary>
    private static StringBuilder Shown(this StringBuilder builder, Expr expression, MethodModel method, string operation = "")
    {
        int start = builder.Append('"').Length;
        int code = builder.Append(operation).Length;
        ExpressionWriter.Append(builder, expression, method.IsSingle);
        builder.Replace("global::SymbolicDiff.", string.Empty, code, builder.Length - code)
            .Replace("global::System.", string.Empty, code, builder.Length - code)
            .Replace("global::", string.Empty, code, builder.Length - code);
        return builder.EndLiteral(start);
    }

    /// <summary>Appends a C# string literal (the generated file is UTF-8, so ∂ and · stay as they are).</summary>
    internal static StringBuilder Literal(this StringBuilder builder, string text)
    {
        // Most names and formulas need no escape.
        return text.IndexOfAny(Escaped) < 0
            ? builder.Append('"').Append(text).Append('"')
            : builder.Append('"').AppendEscaped(text).Append('"');
    }

    private static StringBuilder LiteralOrNull(this StringBuilder builder, string? text) =>
        text is null ? builder.Append("null") : builder.Literal(text);

    /// <summary>Closes the literal whose text was appended from <paramref name="start"/> on, escaping what needs it.</summary>
    internal static StringBuilder EndLiteral(this StringBuilder builder, int start)
    {
        for (int i = start; i < builder.Length; i++)
        {
            if (builder[i] is '"' or '\\' or '\n' or '\r')
            {
                // Rare: a formula or a note with a quote or a line end in it.
                string text = builder.ToString(start, builder.Length - start);
                builder.Length = start;
                builder.AppendEscaped(text);
                break;
            }
        }

        return builder.Append('"');
    }

    private static StringBuilder AppendEscaped(this StringBuilder builder, string text)
    {
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

        return builder;
    }

    private static readonly char[] Escaped = { '"', '\\', '\n', '\r' };
}
