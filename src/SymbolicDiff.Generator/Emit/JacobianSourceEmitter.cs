using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Writes the reverse mode and the Jacobian of a vector-valued method (one that writes outputs r), into the file
/// <see cref="GradientSourceEmitter"/> writes:
/// <list type="bullet">
/// <item><c>MVectorJacobianProduct(&lt;M's parameters&gt;, ReadOnlySpan rCotangent per output, the gradient outputs as
/// MWithGradient has them)</c>: the outputs, and cᵀJ, one backward sweep (the <see cref="JacobianProgram"/>'s body);</item>
/// <item><c>MJacobian(&lt;M's parameters&gt;, Span jacobian)</c>: the outputs and the m×n Jacobian, row-major, by n forward
/// sweeps (a unit tangent per column) when n ≤ m, else m reverse sweeps (a unit cotangent per row).</item>
/// </list>
/// </summary>
internal static class JacobianSourceEmitter
{
    private const int StackBound = 128;

    public static void Write(IndentedWriter writer, MethodModel method, JacobianProgram jacobian)
    {
        writer.Line();
        WriteVectorJacobianProduct(writer, method, jacobian);
        if (jacobian.ValueWeighted is { } weighted)
        {
            writer.Line();
            WriteVectorJacobianProduct(writer, method, weighted);
        }

        writer.Line();
        WriteJacobian(writer, method, jacobian);
    }

    private static void WriteVectorJacobianProduct(IndentedWriter writer, MethodModel method, JacobianProgram jacobian)
    {
        string real = method.RealType;
        string cref = GradientSourceEmitter.Cref(method);
        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        string WithValue(string parameter) => jacobian.ValueCotangent is null ? string.Empty : $" + c₀ ∂{method.MethodName}/∂{parameter}";
        writer.Line(jacobian.ValueCotangent is null
            ? $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, and the vector-Jacobian product: for each differentiated parameter p, Σᵢ cᵢ ∂rᵢ/∂p over the outputs' elements rᵢ and their cotangents cᵢ. One forward and one backward sweep, no allocation beyond scratch storage pooled above {StackBound} elements.</summary>"
            : $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, and the vector-Jacobian product with its returned value weighed in: for each differentiated parameter p, Σᵢ cᵢ ∂rᵢ/∂p{WithValue("p")} over the outputs' elements rᵢ, their cotangents cᵢ and the value's c₀ (the gradient of Σᵢ cᵢ rᵢ + c₀ · {method.MethodName}). A caller that reads both the outputs and the value passes both adjoints in one sweep; one forward and one backward sweep, no allocation beyond scratch storage pooled above {StackBound} elements.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {Role(parameter)}.</param>");
        }

        for (int k = 0; k < outputs.Count; k++)
        {
            writer.Line($"/// <param name=\"{jacobian.Cotangents[k]}\">The cotangent of <paramref name=\"{outputs[k].Name}\"/>: the weight of each of its elements in the product; must have the length of <paramref name=\"{outputs[k].Name}\"/>.</param>");
        }

        if (jacobian.ValueCotangent is { } valueCotangent)
        {
            writer.Line($"/// <param name=\"{valueCotangent}\">The cotangent c₀ of the value <c>{method.MethodName}</c> returns: its weight in the product.</param>");
        }

        foreach (var parameter in differentiated)
        {
            string weighted = WithValue(parameter.Name);
            writer.Line(parameter.IsVector
                ? $"/// <param name=\"{parameter.Output}\">Receives Σᵢ cᵢ ∂rᵢ/∂{parameter.Name}{weighted}, element by element (overwritten); must have the length of <paramref name=\"{parameter.Name}\"/> and must not overlap an input.</param>"
                : $"/// <param name=\"{parameter.Output}\">Receives Σᵢ cᵢ ∂rᵢ/∂{parameter.Name}{weighted}.</param>");
        }

        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A cotangent or a gradient output has the wrong length, or a gradient output overlaps an input.</exception>");
        GradientSourceEmitter.WriteNullCheckDoc(writer, method);
        writer.Line(GradientSourceEmitter.GeneratedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(jacobian.Cotangents.Select(c => $"global::System.ReadOnlySpan<{real}> {c}"))
            .Concat(jacobian.ValueCotangent is { } c0 ? new[] { real + " " + c0 } : Enumerable.Empty<string>())
            .Concat(differentiated.Select(p => (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + p.Output));
        using (writer.Block($"{Modifiers(method)} void {GeneratedNames.VectorJacobianProductMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            GradientSourceEmitter.WriteNullChecks(writer, method);
            var checks = outputs.Select((output, k) => (Statement)new CheckOutputLength(jacobian.Cotangents[k], output.Name)).ToList();
            var statements = new StatementWriter(writer, real);
            statements.Write(checks);
            if (checks.Count > 0 && jacobian.Product.Body.FirstOrDefault() is not (CheckOutputLength or CheckNoOverlap))
            {
                writer.Line();
            }

            statements.Write(jacobian.Product.Body);
        }
    }

    private static void WriteJacobian(IndentedWriter writer, MethodModel method, JacobianProgram jacobian)
    {
        string real = method.RealType;
        string cref = GradientSourceEmitter.Cref(method);
        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        var names = new NameAllocator(method.Parameters.Select(p => p.Name).Concat(new[] { method.MethodName, GeneratedNames.JacobianParameter }));
        string matrix = GeneratedNames.JacobianParameter;
        string rows = names.Fresh("rows"), columns = names.Fresh("columns");
        string value = names.Fresh("value");
        string tangentStorage = names.Fresh("tangentStorage"), tangent = names.Fresh("tangent");
        string columnStorage = names.Fresh("columnStorage"), column = names.Fresh("column");
        string cotangentStorage = names.Fresh("cotangentStorage"), cotangent = names.Fresh("cotangent");
        string row = names.Fresh("row"), i = names.Fresh("i"), j = names.Fresh("j");

        string outputList = string.Join(", ", outputs.Select(p => $"<paramref name=\"{p.Name}\"/>"));
        string inputList = string.Join(", ", differentiated.Select(p => $"<paramref name=\"{p.Name}\"/>"));
        writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs ({outputList}), and the Jacobian of the outputs with respect to {inputList}, row-major: row i is the i-th output element (the outputs in declaration order), column j the j-th differentiated input element (a scalar parameter is one column). It takes n forward sweeps (one per column) when the n columns are no more than the m rows, else m reverse sweeps (one per row); scratch storage is on the stack up to {StackBound} elements and pooled above, so it allocates nothing.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {Role(parameter)}.</param>");
        }

        writer.Line($"/// <param name=\"{matrix}\">Receives ∂rᵢ/∂pⱼ at [i · n + j] (overwritten): m × n elements, m the outputs' total length and n the differentiated inputs' (a scalar counting 1).</param>");
        if (!method.ReturnsVoid)
        {
            writer.Line($"/// <returns>The value of <c>{method.MethodName}</c> (its own derivatives are not in the Jacobian: see <c>{GeneratedNames.GradientMethod(method.MethodName)}</c>).</returns>");
        }

        writer.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"{matrix}\"/> does not have m × n elements.</exception>");
        GradientSourceEmitter.WriteNullCheckDoc(writer, method);
        writer.Line(GradientSourceEmitter.GeneratedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(new[] { $"global::System.Span<{real}> {matrix}" });
        using (writer.Block($"{Modifiers(method)} {(method.ReturnsVoid ? "void" : real)} {GeneratedNames.JacobianMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            GradientSourceEmitter.WriteNullChecks(writer, method);
            writer.Line($"int {rows} = {string.Join(" + ", outputs.Select(p => Id(p.Name) + ".Length"))}; // m: the outputs' elements");
            writer.Line($"int {columns} = {Sum(differentiated.Where(p => p.IsVector).Select(p => Id(p.Name) + ".Length").ToList(), differentiated.Count(p => !p.IsVector))}; // n: the differentiated inputs' elements");
            new StatementWriter(writer, real).Write(new Statement[] { new CheckMatrixLength(matrix, MatrixShape.Rectangle, columns, rows) });
            if (!method.ReturnsVoid)
            {
                writer.Line($"{real} {value};");
            }

            writer.Line();
            using (writer.Block($"if ({columns} <= {rows})"))
            {
                writer.Line($"// Forward mode, one sweep per column j: the tangent is the unit vector eⱼ over the inputs, and the outputs' tangents are column j.");
                writer.Line($"var {tangentStorage} = new global::SymbolicDiff.Runtime.ScratchBuffer<{real}>({columns}, stackalloc {real}[global::SymbolicDiff.Runtime.StackStorage.Length]);");
                writer.Line($"global::System.Span<{real}> {tangent} = {tangentStorage}.Span;");
                writer.Line($"var {columnStorage} = new global::SymbolicDiff.Runtime.ScratchBuffer<{real}>({rows}, stackalloc {real}[global::SymbolicDiff.Runtime.StackStorage.Length]);");
                writer.Line($"global::System.Span<{real}> {column} = {columnStorage}.Span;");
                if (!method.ReturnsVoid)
                {
                    writer.Line($"{value} = 0;");
                }

                using (writer.Block($"for (int {j} = 0; {j} < {columns}; {j}++)"))
                {
                    writer.Line($"{tangent}[{j}] = 1;");
                    var arguments = method.Parameters.Select(p => Id(p.Name))
                        .Concat(Slices(differentiated, tangent, p => p.IsVector ? null : $"{tangent}[{{0}}]"))
                        .Concat(Slices(outputs, column, null));
                    string call = $"{GeneratedNames.DerivativeMethod(method.MethodName)}({string.Join(", ", arguments)})";
                    writer.Line(method.ReturnsVoid ? call + ";" : $"{value} = {call}.Value;");
                    writer.Line($"{tangent}[{j}] = 0;");
                    using (writer.Block($"for (int {i} = 0; {i} < {rows}; {i}++)"))
                    {
                        writer.Line($"{matrix}[{i} * {columns} + {j}] = {column}[{i}];");
                    }
                }

                writer.Line($"{tangentStorage}.Dispose();");
                writer.Line($"{columnStorage}.Dispose();");
            }

            using (writer.Block("else"))
            {
                writer.Line($"// Reverse mode, one sweep per row i: the cotangent is the unit vector eᵢ over the outputs, and the product is row i.");
                writer.Line($"var {cotangentStorage} = new global::SymbolicDiff.Runtime.ScratchBuffer<{real}>({rows}, stackalloc {real}[global::SymbolicDiff.Runtime.StackStorage.Length]);");
                writer.Line($"global::System.Span<{real}> {cotangent} = {cotangentStorage}.Span;");
                using (writer.Block($"for (int {i} = 0; {i} < {rows}; {i}++)"))
                {
                    writer.Line($"{cotangent}[{i}] = 1;");
                    writer.Line($"global::System.Span<{real}> {row} = {matrix}.Slice({i} * {columns}, {columns});");
                    var arguments = method.Parameters.Select(p => Id(p.Name))
                        .Concat(Slices(outputs, cotangent, null))
                        .Concat(Slices(differentiated, row, p => p.IsVector ? null : $"out {row}[{{0}}]"));
                    writer.Line($"{GeneratedNames.VectorJacobianProductMethod(method.MethodName)}({string.Join(", ", arguments)});");
                    writer.Line($"{cotangent}[{i}] = 0;");
                }

                writer.Line($"{cotangentStorage}.Dispose();");
                if (!method.ReturnsVoid)
                {
                    // The product's sweep does not keep the method's own value: one more call computes it (and the outputs again).
                    writer.Line($"{value} = {Id(method.MethodName)}({string.Join(", ", method.Parameters.Select(p => Id(p.Name)))}); // the method's own value");
                }
            }

            if (!method.ReturnsVoid)
            {
                writer.Line();
                writer.Line($"return {value};");
            }
        }
    }

    /// <summary>
    /// The parts of a packed vector that belong to each parameter, in order: <c>storage.Slice(offset, p.Length)</c> for a
    /// vector, or the single element <paramref name="scalar"/> formats with the offset.
    /// </summary>
    private static IEnumerable<string> Slices(IReadOnlyList<ParameterModel> parameters, string storage, System.Func<ParameterModel, string?>? scalar)
    {
        var lengths = new List<string>();
        int scalars = 0;
        foreach (var parameter in parameters)
        {
            string at = Sum(lengths, scalars);
            if (parameter.IsVector)
            {
                yield return $"{storage}.Slice({at}, {Id(parameter.Name)}.Length)";
                lengths.Add(Id(parameter.Name) + ".Length");
            }
            else
            {
                yield return string.Format(System.Globalization.CultureInfo.InvariantCulture, scalar!(parameter)!, at);
                scalars++;
            }
        }
    }

    /// <summary><c>a.Length + b.Length + 2</c>: the vectors' lengths and the count of scalars, each scalar one element.</summary>
    private static string Sum(IReadOnlyCollection<string> lengths, int scalars) =>
        lengths.Count == 0
            ? scalars.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Join(" + ", scalars == 0 ? lengths : lengths.Concat(new[] { scalars.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

    private static string Role(ParameterModel parameter) =>
        parameter.IsDifferentiated ? "differentiated with respect to" : parameter.IsOutput ? "receives the method's results" : "held constant";

    private static string Modifiers(MethodModel method) => method.IsStatic ? "public static" : "public";

    private static string Id(string name) => ExpressionWriter.Identifier(name);
}
