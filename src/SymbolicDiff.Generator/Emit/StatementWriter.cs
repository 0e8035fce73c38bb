using System.Collections.Generic;
using System.Linq;
using System.Text;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Prints the statements of a gradient body as C#, one statement a line (a loop as a block), each followed by
/// its comment. This and <see cref="ExpressionWriter"/> are the only places that know how C# is written.
/// </summary>
internal sealed class StatementWriter
{
    private readonly IndentedWriter _writer;
    private readonly bool _single;
    private readonly string _real;

    public StatementWriter(IndentedWriter writer, string realType)
    {
        _writer = writer;
        _real = realType;
        _single = realType == "float";
    }

    /// <summary>Writes <paramref name="statements"/>, <paramref name="depth"/> levels deeper than the writer's own indentation.</summary>
    public void Write(IEnumerable<Statement> statements, int depth = 0)
    {
        foreach (var statement in statements)
        {
            Write(statement, depth);
        }
    }

    /// <summary>Writes one statement, <paramref name="depth"/> levels deeper than the writer's own indentation.</summary>
    public void Write(Statement statement, int depth = 0)
    {
        switch (statement)
        {
            // A loop without a counter of the user's, as written: its last statement counts the iterations.
            case ForLoop { While: { } condition, TestsAfterBody: true } loop:
                Line(depth, "do", statement.Comment);
                Line(depth, "{", comment: null);
                Write(loop.Body, depth + 1);
                Line(depth, $"}} while ({Code(condition)});", comment: null);
                break;

            // (A while loop whose test is constant and false never reaches here: DeadLocals removes it before the transforms.)
            case ForLoop { While: { } condition } loop:
                Line(depth, $"while ({Code(condition)})", statement.Comment);
                Line(depth, "{", comment: null);
                Write(loop.Body, depth + 1);
                Line(depth, "}", comment: null);
                break;

            case ForLoop loop:
                Line(depth, ForHeader(loop), statement.Comment);
                Line(depth, "{", comment: null);
                Write(loop.Body, depth + 1);
                Line(depth, "}", comment: null);
                break;

            // A condition the simplifier left constant (!true, from a constant comparison in the user's code): C# would
            // warn that the guarded statement is unreachable (CS0162), so it is left out, or written unguarded.
            case IfStatement { Then.Count: 1 } guarded when ConstantCondition(guarded.Condition) is { } constant &&
                                                            guarded.Then[0] is not (ForLoop or IfStatement or DeclareAdjointBuffer or DeclareReal or DeclareInteger or DeclareBool or DeclareVar or DeclareBuffer or DeclareSavedValues):
                if (constant)
                {
                    Line(depth, Text(guarded.Then[0]), guarded.Then[0].Comment ?? statement.Comment);
                }
                else
                {
                    Line(depth, "// " + Text(guarded.Then[0]) + " (never: its condition is constant and false)", comment: null);
                }

                break;

            case IfStatement { Then.Count: 1 } guarded when guarded.Then[0] is not (ForLoop or IfStatement or DeclareAdjointBuffer):
                Line(depth, $"if ({Code(guarded.Condition)}) {Text(guarded.Then[0])}", guarded.Then[0].Comment ?? statement.Comment);
                break;

            case IfStatement guarded:
                Line(depth, $"if ({Code(guarded.Condition)})", statement.Comment);
                Line(depth, "{", comment: null);
                Write(guarded.Then, depth + 1);
                Line(depth, "}", comment: null);
                break;

            case CommentLine:
                Line(depth, statement.Comment is null ? string.Empty : "// " + CommentText(statement.Comment), comment: null);
                break;

            case DeclareAdjointBuffer buffer:
                Line(depth, $"var {Id(buffer.Storage)} = new global::SymbolicDiff.Runtime.ScratchBuffer<{_real}>({Id(buffer.Buffer)}.Length, stackalloc {_real}[global::SymbolicDiff.Runtime.StackStorage.For({Id(buffer.Buffer)}.Length)]);", statement.Comment);
                Line(depth, $"global::System.Span<{_real}> {Id(buffer.Name)} = {Id(buffer.Storage)}.Span;", comment: null);
                break;

            case DeclareKeptValues kept:
                Line(depth, $"var {Id(kept.Storage)} = new global::SymbolicDiff.Runtime.ScratchBuffer<{_real}>({ExpressionWriter.WriteInteger(kept.Length)}, stackalloc {_real}[global::SymbolicDiff.Runtime.StackStorage.For({ExpressionWriter.WriteInteger(kept.Length)})]);", statement.Comment);
                Line(depth, $"global::System.Span<{_real}> {Id(kept.Name)} = {Id(kept.Storage)}.Span;", comment: null);
                break;

            // A check of more spans than one runtime call takes, or of a scalar against several outputs: a call a line.
            case CheckNoOverlap or CheckScalarOutputDistinct:
                var calls = statement is CheckNoOverlap overlap ? NoOverlapCalls(overlap) : OwnVariableCalls((CheckScalarOutputDistinct)statement);
                for (int i = 0; i < calls.Count; i++)
                {
                    Line(depth, calls[i], i == 0 ? statement.Comment : null);
                }

                break;
            default:
                Line(depth, Text(statement), statement.Comment);
                break;
        }
    }

    /// <summary>The most entries a constant index table has on the stack; a longer one is a constant array.</summary>
    private const int MaxStackTable = 256;

    /// <summary>
    /// A constant table on the stack, filled element by element: no allocation in any build. (Constant data read
    /// through <c>new int[] { ... }</c> or <c>stackalloc int[] { ... }</c> costs no allocation only where the JIT
    /// optimizes; a Debug build allocates 72 bytes per call for it.) A table longer than <see cref="MaxStackTable"/>
    /// is a constant array.
    /// </summary>
    private string IndexTableText(DeclareIndexTable table)
    {
        string name = Id(table.Name);
        var values = table.Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (values.Count > MaxStackTable)
        {
            return $"global::System.ReadOnlySpan<{table.ElementType}> {name} = new {table.ElementType}[] {{ {string.Join(", ", values)} }};";
        }

        var text = new System.Text.StringBuilder($"global::System.Span<{table.ElementType}> {name} = stackalloc {table.ElementType}[{values.Count}];");
        for (int i = 0; i < values.Count; i++)
        {
            text.Append($" {name}[{i}] = {values[i]};");
        }

        return text.ToString();
    }

    /// <summary>The value of a condition made only of bool constants, !, &amp;&amp; and ||; null where it depends on anything else.</summary>
    private static bool? ConstantCondition(Expr condition) => condition switch
    {
        BoolConstant constant => constant.Value,
        Not not => !ConstantCondition(not.Operand),
        Logical { Operator: LogicalOperator.And } and => ConstantCondition(and.Left) is { } l && ConstantCondition(and.Right) is { } r ? l && r : null,
        Logical { Operator: LogicalOperator.Or } or => ConstantCondition(or.Left) is { } l && ConstantCondition(or.Right) is { } r ? l || r : null,
        _ => null,
    };

    /// <summary>A one-line statement as C#, without its comment (also how a backward comment quotes a forward statement).</summary>
    public string Text(Statement statement) => statement switch
    {
        DeclareReal real => $"{_real} {Id(real.Name)} = {(real.IntegerCode ? ExpressionWriter.WriteInteger(real.Value) : Value(real.Value))};",
        DeclareInteger integer => $"{integer.TypeName} {Id(integer.Name)} = {ExpressionWriter.WriteInteger(integer.Value)};",
        DeclareBool condition => $"bool {Id(condition.Name)} = {Code(condition.Condition)};",
        DeclareVar declaration => $"var {Id(declaration.Name)} = {Code(declaration.Value)};",
        DeclareBuffer buffer => buffer.OnStack
            ? $"global::System.Span<{_real}> {Id(buffer.Name)} = stackalloc {_real}[{ExpressionWriter.WriteInteger(buffer.Length)}];"
            : $"{_real}[] {Id(buffer.Name)} = new {_real}[{ExpressionWriter.WriteInteger(buffer.Length)}];",
        DeclareIndexTable table => IndexTableText(table),
        DeclareSliceView slice => slice.View.IsArray
            ? $"var {Id(slice.View.Name)} = global::System.MemoryExtensions.AsSpan({Id(slice.View.Vector)}, {ExpressionWriter.WriteInteger(slice.Start)}, {ExpressionWriter.WriteInteger(slice.Length)});"
            : $"var {Id(slice.View.Name)} = {Id(slice.View.Vector)}.Slice({ExpressionWriter.WriteInteger(slice.Start)}, {ExpressionWriter.WriteInteger(slice.Length)});",
        AssignReal assign => AssignmentText(assign) + ";",
        UpdateReal update => $"{Code(update.Target)} {UpdateOperatorText(update.Operator)} {Value(update.Value)};",
        CallStatement call => Code(call.Call) + ";",
        CallWithOutputs call => call.ValueName is { } value ? $"{_real} {Id(value)} = {Code(call.Call)};" : Code(call.Call) + ";",
        StepInteger step => (step.Guard is null ? string.Empty : $"if ({Code(step.Guard)}) ") +
            $"{Id(step.Name)} {(step.Subtract ? "-=" : "+=")} {ExpressionWriter.WriteInteger(step.Delta)};",
        AssignInteger assign => (assign.Guard is null ? string.Empty : $"if ({Code(assign.Guard)}) ") +
            $"{Id(assign.Name)} = {ExpressionWriter.WriteInteger(assign.Value)};",
        SavePush push => $"{Id(push.Stack)}.Push({Code(push.Value)});",
        RestoreSaved restore => $"{Id(restore.Stack)}.Pop({Id(restore.Vector)});",
        SavePushRun run => $"{Id(run.Stack)}.Push({string.Join(", ", run.Values.Select(Code))});",
        RestoreDeclaredRun restored => $"{Id(restored.Stack)}.Pop({string.Join(", ", restored.Names.Select(name => $"out {_real} {Id(name)}"))});",
        DeclareSavedValues saved => $"var {Id(saved.Name)} = new global::SymbolicDiff.Runtime.SavedValues<{_real}>(stackalloc {_real}[global::SymbolicDiff.Runtime.StackStorage.Length]);",
        Release release => Id(release.Name) + ".Dispose();",
        ClearOutput { From: { } from } clear =>
            $"global::SymbolicDiff.Runtime.Zeroing.ClearFrom({clear.Output}, {ExpressionWriter.WriteInteger(from)});",
        ClearOutput { View: { } view } => $"global::SymbolicDiff.Runtime.Zeroing.Clear({Code(view)});",
        ClearOutput clear => $"global::SymbolicDiff.Runtime.Zeroing.Clear({clear.Output});",
        ThrowIf { Condition: BoolConstant { Value: true } } check => check.Code,
        ThrowIf check => $"if ({Code(check.Condition)}) {check.Code}",
        CheckNotNull check => $"{Checks}.NotNull({Id(check.Parameter)}, \"{check.Parameter}\");",
        CheckOutputLength check => $"{Checks}.Length({check.Output}.Length, {Id(check.Parameter)}.Length, \"{check.Output}\", \"{check.Parameter}\");",
        CheckTangentLength check => $"{Checks}.EmptyOrLength({check.Tangent}.Length, {Id(check.Parameter)}.Length, \"{check.Tangent}\", \"{check.Parameter}\");",
        CheckMatrixLength check => MatrixCheckText(check),
        CheckNoOverlap check => string.Join(" ", NoOverlapCalls(check)),
        CheckScalarOutputDistinct check => string.Join(" ", OwnVariableCalls(check)),
        _ => throw new System.InvalidOperationException("No C# form for the statement " + statement.GetType().Name + "."),
    };

    /// <summary>A comment's text (without the leading <c>//</c>).</summary>
    public string CommentText(Comment comment)
    {
        var builder = Builders.Acquire();
        AppendComment(builder, comment);
        return Builders.Release(builder);
    }

    /// <summary><see cref="CommentText"/> appended to <paramref name="builder"/>, for text built in place.</summary>
    public void AppendComment(StringBuilder builder, Comment comment)
    {
        foreach (var part in comment.Parts)
        {
            switch (part)
            {
                case CommentText text:
                    builder.Append(text.Text);
                    break;
                case CommentExpression expression:
                    // As code: as the method's own code is written (float literals in a float method); else as double code.
                    ExpressionWriter.Append(builder, expression.Expression, expression.AsCode && _single);
                    break;
                case QuotedStatement quoted:
                    builder.Append(Text(quoted.Statement));
                    break;
            }
        }
    }

    private void Line(int depth, string text, Comment? comment)
    {
        if (comment is null || comment.Parts.Count == 0)
        {
            _writer.Line(depth, text, comment: null);
            return;
        }

        // The comment is written into the line in place, not built as a string first: most lines of a body have one.
        AppendComment(_writer.BeginLine(depth).Append(text).Append(" // "), comment);
        _writer.EndLine();
    }

    /// <summary>The class of the runtime's argument checks, which generated code calls one line per check.</summary>
    private const string Checks = "global::SymbolicDiff.Runtime.ArgumentChecks";

    /// <summary>The most spans one overlap check of the runtime takes; a longer list is checked in several calls.</summary>
    private const int MostOverlapArguments = 6;

    /// <summary>
    /// <c>ArgumentChecks.OverlapsNoInput(dX, "dX", "x, y", x, y);</c>: one call per six spans, each naming all of them
    /// in its message.
    /// </summary>
    private static List<string> NoOverlapCalls(CheckNoOverlap check)
    {
        string method = check.OthersAreOutputs ? "OverlapsNoOutput" : "OverlapsNoInput";
        string names = string.Join(", ", check.Others);
        var others = check.Others.Select(other => check.OthersAreOutputs ? other : Id(other)).ToList();
        var calls = new List<string>();
        for (int i = 0; i < others.Count; i += MostOverlapArguments)
        {
            calls.Add($"{Checks}.{method}({check.Output}, \"{check.Output}\", \"{names}\", {string.Join(", ", others.Skip(i).Take(MostOverlapArguments))});");
        }

        return calls;
    }

    /// <summary><c>ArgumentChecks.OwnVariable(ref dB, "dB", "dW", dW);</c>: one call per earlier output, each naming all of them.</summary>
    private static List<string> OwnVariableCalls(CheckScalarOutputDistinct check)
    {
        string names = string.Join(", ", check.EarlierScalars.Concat(check.Spans));
        return check.EarlierScalars.Select(other => "ref " + other).Concat(check.Spans)
            .Select(other => $"{Checks}.OwnVariable(ref {check.Output}, \"{check.Output}\", \"{names}\", {other});")
            .ToList();
    }

    private static string MatrixCheckText(CheckMatrixLength check) => check.Shape switch
    {
        MatrixShape.Partials => $"{Checks}.PartialsLength({check.Matrix}.Length, {check.Size}, \"{check.Matrix}\");",
        MatrixShape.Square => $"{Checks}.SquareLength({check.Matrix}.Length, {check.Size}, \"{check.Matrix}\");",
        _ => $"{Checks}.JacobianLength({check.Matrix}.Length, {check.Rows}, {check.Size}, \"{check.Matrix}\");",
    };

    private static string UpdateOperatorText(UpdateOperator op) => op switch
    {
        UpdateOperator.Add => "+=",
        UpdateOperator.Subtract => "-=",
        UpdateOperator.Multiply => "*=",
        _ => "=",
    };

    /// <summary><c>s += e</c> as the user wrote it, when the value is the target combined with one more term.</summary>
    private string AssignmentText(AssignReal assign)
    {
        // Inside an if: v = branch ? e : v is written back as the guarded assignment it came from.
        if (assign.Value is Conditional { WhenFalse: var unchanged } guarded && unchanged.Equals(assign.Target))
        {
            return $"if ({Code(guarded.Condition)}) {AssignmentText(assign with { Value = guarded.WhenTrue })}";
        }

        string target = Code(assign.Target);
        if (assign.Value is Binary { Left: var left, Right: var right } binary && left.Equals(assign.Target) &&
            binary.Operator is BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide)
        {
            string op = binary.Operator switch
            {
                BinaryOperator.Add => "+=",
                BinaryOperator.Subtract => "-=",
                BinaryOperator.Multiply => "*=",
                _ => "/=",
            };
            return $"{target} {op} {Code(right)}";
        }

        return $"{target} = {Value(assign.Value)}";
    }

    /// <summary>The loop as the user wrote it: <c>i &lt; n</c> or <c>i &lt;= n</c>, <c>i &gt;= 0</c> or <c>i &gt; n</c>.</summary>
    internal static string ForHeader(ForLoop loop)
    {
        if (loop.While is { } running)
        {
            return (loop.TestsAfterBody ? "do ... while (" : "while (") + ExpressionWriter.Write(running, single: false) + ")";
        }

        string counter = Id(loop.Counter);
        string from = ExpressionWriter.WriteInteger(loop.From);
        string condition = loop.Descending
            ? (ForLoop.InclusiveBound(loop.To, BinaryOperator.Subtract) is { } lowest ? $"{counter} >= {Bound(lowest)}" : $"{counter} > {Bound(loop.To)}")
            : (ForLoop.InclusiveBound(loop.To, BinaryOperator.Add) is { } highest ? $"{counter} <= {Bound(highest)}" : $"{counter} < {Bound(loop.To)}");
        return $"for ({loop.CounterType} {counter} = {from}; {condition}; {counter}{(loop.Descending ? "--" : "++")})";

        // A do loop's bound n > a ? n : a + 1 binds looser than the comparison it stands in.
        static string Bound(Expr bound) => bound is Conditional ? $"({ExpressionWriter.WriteInteger(bound)})" : ExpressionWriter.WriteInteger(bound);
    }

    private string Code(Expr expression) => ExpressionWriter.Write(expression, _single);

    private string Value(Expr expression) => ExpressionWriter.WriteValue(expression, _single);

    private static string Id(string name) => ExpressionWriter.Identifier(name);
}
