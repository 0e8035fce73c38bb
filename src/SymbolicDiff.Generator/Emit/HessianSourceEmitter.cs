using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Writes the second-derivative methods of <c>[Differentiable(SecondOrder = true)]</c> into the file
/// <see cref="GradientSourceEmitter"/> writes, from a <see cref="HessianProgram"/> (forward mode over the gradient).
/// For scalar parameters: the <c>MHessian</c> struct, <c>MWithHessian</c> returning it, and the allocation-free
/// <c>MWithHessian</c> writing the gradient and the n×n Hessian (row-major) into spans. The body runs once per unit
/// direction, in one loop, and the Hessian is symmetrised at the end. For vectors (and scalars beside them):
/// <c>MHessianVectorProduct</c>, one forward sweep over the gradient along the caller's direction, whose scalars' parts
/// are a <c>T</c> direction and <c>out T</c> outputs as in the gradient, and the dense <c>MHessian</c> from n products.
/// </summary>
internal static partial class HessianSourceEmitter
{
    public static void Write(IndentedWriter writer, GradientProgram program, HessianProgram hessian, string generatedCodeAttribute, string cref)
    {
        if (program.Jacobian is { } jacobian)
        {
            WriteWeighted(writer, program.Method, jacobian, hessian, program.ValueWeightedHessian, generatedCodeAttribute, cref);
            return;
        }

        if (program.Method.Parameters.Any(p => p.IsDifferentiated && p.IsVector))
        {
            WriteHessianVectorProduct(writer, program, hessian, generatedCodeAttribute, cref);
            writer.Line();
            WriteDenseFromProducts(writer, program, hessian, generatedCodeAttribute, cref);
            foreach (var parameter in Differentiated(program.Method))
            {
                writer.Line();
                WriteProductTangent(writer, program, hessian, parameter, generatedCodeAttribute, cref);
            }

            if (program.HessianTangent is { } productTangent)
            {
                writer.Line();
                WriteHessianVectorProductTangent(writer, program, hessian, productTangent, generatedCodeAttribute, cref);
            }
        }
        else
        {
            WriteStruct(writer, program, generatedCodeAttribute, cref);
            writer.Line();
            WriteSpanMethod(writer, program, hessian, third: null, generatedCodeAttribute, cref);
            writer.Line();
            WriteStructMethod(writer, program, generatedCodeAttribute, cref);
            if (program.HessianTangent is { } third)
            {
                writer.Line();
                WriteSpanMethod(writer, program, hessian, third, generatedCodeAttribute, cref);
            }
        }
    }

    private static void WriteStruct(IndentedWriter writer, GradientProgram program, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));
        writer.Line($"/// <summary>The value of <see cref=\"{cref}\"/>, its gradient and its Hessian with respect to {list}.</summary>");
        writer.Line($"/// <param name=\"Value\">The value of <c>{method.MethodName}</c>.</param>");
        foreach (var parameter in differentiated)
        {
            writer.Line($"/// <param name=\"{GeneratedNames.Property(parameter.Name)}\">∂{method.MethodName}/∂{parameter.Name}.</param>");
        }

        writer.Line($"/// <param name=\"Hessian\">The symmetric matrix of second derivatives: element [i, j] is ∂²{method.MethodName}/∂pᵢ∂pⱼ, the parameters p being ({string.Join(", ", differentiated.Select(p => p.Name))}) in this order.</param>");
        writer.Line(generatedCodeAttribute);
        var properties = new[] { real + " Value" }
            .Concat(differentiated.Select(p => real + " " + ExpressionWriter.Identifier(GeneratedNames.Property(p.Name))))
            .Concat(new[] { real + "[,] Hessian" });
        writer.Line($"public readonly record struct {GeneratedNames.HessianStruct(method.MethodName)}({string.Join(", ", properties)});");
    }

    /// <summary>
    /// The span overload of <c>MWithHessian</c>; with <paramref name="third"/> (ThirdOrder = true), <c>MHessianWithDerivative</c>,
    /// the same loop over unit directions running the third-order body, which also takes a tangent per parameter and
    /// writes the Hessian's directional derivative into a third span.
    /// </summary>
    private static void WriteSpanMethod(IndentedWriter writer, GradientProgram program, HessianProgram hessian, HessianTangentProgram? third, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        int n = differentiated.Count;
        var names = Names(method, hessian);
        foreach (string used in third?.UsedNames ?? EquatableArray<string>.Empty)
        {
            names.Reserve(used);
        }

        string gradient = names.Fresh("gradient"), matrix = names.Fresh("hessian"), value = names.Fresh("value");
        string tangentMatrix = third is null ? string.Empty : names.Fresh("hessianTangent"), tangentMean = third is null ? string.Empty : names.Fresh("meanTangent");
        string direction = names.Fresh("k"), row = names.Fresh("i"), column = names.Fresh("j"), mean = names.Fresh("mean");
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));

        if (third is null)
        {
            writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/>, its gradient and its Hessian with respect to {list}, into spans: {N(n)} forward sweeps over the gradient (forward-over-reverse), one per parameter, with no allocation.</summary>");
        }
        else
        {
            writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/>, its gradient, its Hessian with respect to {list} and the Hessian's directional derivative along a tangent, into spans: {N(n)} forward sweeps over the Hessian's own sweep (forward-over-forward-over-reverse), one per parameter, with no allocation. What the second derivatives of a method reading this one's gradient call.</summary>");
        }

        WriteParameterDocs(writer, method);
        if (third is not null)
        {
            for (int i = 0; i < n; i++)
            {
                writer.Line($"/// <param name=\"{third.Tangents[i]}\">The tangent's part for <paramref name=\"{differentiated[i].Name}\"/>: the direction the Hessian is differentiated along.</param>");
            }
        }

        writer.Line($"/// <param name=\"{gradient}\">Receives the gradient, one partial derivative per differentiated parameter in declaration order; its length must be {N(n)}.</param>");
        writer.Line($"/// <param name=\"{matrix}\">Receives the Hessian, row-major: element i·{N(n)} + j is ∂²{method.MethodName}/∂pᵢ∂pⱼ; its length must be {N(n * n)}. Exactly symmetric (the mean of the two computed halves).</param>");
        if (third is not null)
        {
            writer.Line($"/// <param name=\"{tangentMatrix}\">Receives the Hessian's directional derivative, row-major: element i·{N(n)} + j is Σₘ ∂³{method.MethodName}/∂pᵢ∂pⱼ∂pₘ · dₘ, d being the tangents; its length must be {N(n * n)}. Exactly symmetric.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>.</returns>");
        string spans = third is null ? $"<paramref name=\"{gradient}\"/> or <paramref name=\"{matrix}\"/>" : $"<paramref name=\"{gradient}\"/>, <paramref name=\"{matrix}\"/> or <paramref name=\"{tangentMatrix}\"/>";
        writer.Line($"/// <exception cref=\"global::System.ArgumentException\">{spans} has the wrong length.</exception>");
        writer.Line(generatedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(third?.Tangents.Select(tangent => real + " " + tangent) ?? Enumerable.Empty<string>())
            .Concat(new[] { $"global::System.Span<{real}> {gradient}", $"global::System.Span<{real}> {matrix}" })
            .Concat(third is null ? Enumerable.Empty<string>() : new[] { $"global::System.Span<{real}> {tangentMatrix}" });
        string name = third is null ? GeneratedNames.HessianMethod(method.MethodName) : GeneratedNames.HessianTangentMethod(method.MethodName);
        using (writer.Block($"{Modifiers(method)} {real} {name}({string.Join(", ", parameters)})"))
        {
            new StatementWriter(writer, real).Write(
                new[] { new CheckMatrixLength(gradient, MatrixShape.Partials, N(n)) }
                    .Concat((third is null ? new[] { matrix } : new[] { matrix, tangentMatrix }).Select(square => new CheckMatrixLength(square, MatrixShape.Square, N(n)))));

            writer.Line();
            if (hessian.Prologue.Count > 0)
            {
                new StatementWriter(writer, real).Write(hessian.Prologue);
            }

            writer.Line($"{real} {value} = 0;");
            writer.Line(third is null
                ? $"// Column {direction} of the Hessian is the derivative of the gradient along the unit direction e_{direction}: forward mode over the gradient, once per parameter."
                : $"// Column {direction} of the Hessian is the derivative of the gradient along the unit direction e_{direction}, and its derivative along the tangents that column's tangent: forward mode over that sweep, once per parameter.");
            using (writer.Block($"for (int {direction} = 0; {direction} < {N(n)}; {direction}++)"))
            {
                for (int i = 0; i < n; i++)
                {
                    writer.Line($"{real} {hessian.Directions[i]} = {direction} == {N(i)} ? 1 : 0; // the direction's part for {differentiated[i].Name}");
                }

                new StatementWriter(writer, real).Write(WithoutTrailingBlankLines(third?.Body ?? hessian.Body));
                writer.Line();
                writer.Line($"{value} = {ExpressionWriter.Identifier(hessian.Returned)};");
                for (int i = 0; i < n; i++)
                {
                    string parameter = differentiated[i].Name;
                    writer.Line($"{gradient}[{N(i)}] = {ExpressionWriter.WriteValue(hessian.Partials[i], method.IsSingle)}; // ∂{method.Result}/∂{parameter}");
                    writer.Line($"{matrix}[{N(i * n)} + {direction}] = {ExpressionWriter.WriteValue(hessian.PartialTangents[i], method.IsSingle)}; // ∂²{method.Result}/∂{parameter}∂p_{direction}: the tangent of ∂{method.Result}/∂{parameter}");
                    if (third is not null)
                    {
                        writer.Line($"{tangentMatrix}[{N(i * n)} + {direction}] = {ExpressionWriter.WriteValue(third.HessianTangents[i], method.IsSingle)}; // Σₘ ∂³{method.Result}/∂{parameter}∂p_{direction}∂pₘ · dₘ: the tangent of that along d");
                    }
                }
            }

            if (n > 1)
            {
                writer.Line();
                writer.Line("// ∂²f/∂pᵢ∂pⱼ = ∂²f/∂pⱼ∂pᵢ: the two sweeps agree up to rounding; their mean makes the matrix exactly symmetric.");
                using (writer.Block($"for (int {row} = 1; {row} < {N(n)}; {row}++)"))
                {
                    using (writer.Block($"for (int {column} = 0; {column} < {row}; {column}++)"))
                    {
                        foreach (string square in third is null ? new[] { matrix } : new[] { matrix, tangentMatrix })
                        {
                            string average = square == matrix ? mean : tangentMean;
                            writer.Line($"{real} {average} = {Half(method)} * ({square}[{row} * {N(n)} + {column}] + {square}[{column} * {N(n)} + {row}]);");
                            writer.Line($"{square}[{row} * {N(n)} + {column}] = {average};");
                            writer.Line($"{square}[{column} * {N(n)} + {row}] = {average};");
                        }
                    }
                }
            }

            writer.Line();
            writer.Line($"return {value};");
        }
    }

    private static void WriteStructMethod(IndentedWriter writer, GradientProgram program, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        int n = differentiated.Count;
        var names = new NameAllocator(method.Parameters.Select(p => p.Name));
        string gradient = names.Fresh("gradient"), flat = names.Fresh("hessian"), matrix = names.Fresh("matrix"), value = names.Fresh("value");
        string row = names.Fresh("i"), column = names.Fresh("j"), result = names.Fresh("result");
        string storage = names.Fresh("scratch");
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));
        writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/>, its gradient and its Hessian with respect to {list}, returned as a struct (which allocates the {N(n)}×{N(n)} matrix; the overload into spans does not).</summary>");
        WriteParameterDocs(writer, method);
        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>, one partial derivative per differentiated parameter, and the Hessian.</returns>");
        writer.Line(generatedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p =>
            p.TypeName + " " + ExpressionWriter.Identifier(p.Name) + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)));
        using (writer.Block($"{Modifiers(method)} {GeneratedNames.HessianStruct(method.MethodName)} {GeneratedNames.HessianMethod(method.MethodName)}({signature})"))
        {
            // Scratch of a length the JIT cannot fold (StackStorage.Length), as everywhere in generated code: a constant-length
            // stackalloc is zeroed with wide vector stores that leave every Math call after it slow (docs/jacobians.md).
            // One buffer for both, so that the stack zeroed is one StackStorage.Length, not two.
            writer.Line($"var {storage} = new global::SymbolicDiff.Runtime.ScratchBuffer<{real}>({N(n + n * n)}, stackalloc {real}[global::SymbolicDiff.Runtime.StackStorage.Length]); // the gradient and the Hessian: on the stack up to 128 elements, pooled above");
            writer.Line($"global::System.Span<{real}> {gradient} = {storage}.Span.Slice(0, {N(n)});");
            writer.Line($"global::System.Span<{real}> {flat} = {storage}.Span.Slice({N(n)}, {N(n * n)});");
            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).Concat(new[] { gradient, flat });
            writer.Line($"{real} {value} = {GeneratedNames.HessianMethod(method.MethodName)}({string.Join(", ", arguments)});");
            writer.Line($"var {matrix} = new {real}[{N(n)}, {N(n)}];");
            using (writer.Block($"for (int {row} = 0; {row} < {N(n)}; {row}++)"))
            {
                using (writer.Block($"for (int {column} = 0; {column} < {N(n)}; {column}++)"))
                {
                    writer.Line($"{matrix}[{row}, {column}] = {flat}[{row} * {N(n)} + {column}];");
                }
            }

            var values = new[] { value }.Concat(Enumerable.Range(0, n).Select(i => $"{gradient}[{N(i)}]")).Concat(new[] { matrix });
            writer.Line($"var {result} = new {GeneratedNames.HessianStruct(method.MethodName)}({string.Join(", ", values)});");
            writer.Line($"{storage}.Dispose();");
            writer.Line($"return {result};");
        }
    }

    /// <summary>The <c>&lt;param&gt;</c> line of each differentiated parameter's part of the direction (plain and weighted products alike).</summary>
    private static void WriteDirectionDocs(IndentedWriter writer, IReadOnlyList<ParameterModel> differentiated, HessianProgram hessian)
    {
        for (int i = 0; i < differentiated.Count; i++)
        {
            writer.Line(differentiated[i].IsVector
                ? $"/// <param name=\"{hessian.Directions[i]}\">The direction's part for <paramref name=\"{differentiated[i].Name}\"/>; must have its length.</param>"
                : $"/// <param name=\"{hessian.Directions[i]}\">The direction's part for <paramref name=\"{differentiated[i].Name}\"/>.</param>");
        }
    }

    private static void WriteHessianVectorProduct(IndentedWriter writer, GradientProgram program, HessianProgram hessian, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));
        var products = hessian.PartialTangents.Select(t => ((Variable)t).Name).ToList();
        writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/>, its gradient with respect to {list}, and the Hessian times a direction (a Hessian-vector product), in one forward sweep over the gradient (forward-over-reverse) with no allocation beyond the gradient's own.</summary>");
        WriteParameterDocs(writer, method);
        WriteDirectionDocs(writer, differentiated, hessian);

        for (int i = 0; i < differentiated.Count; i++)
        {
            writer.Line(differentiated[i].IsVector
                ? $"/// <param name=\"{differentiated[i].Output}\">Receives ∂{method.MethodName}/∂{differentiated[i].Name} (overwritten); must have the length of <paramref name=\"{differentiated[i].Name}\"/> and overlap no input.</param>"
                : $"/// <param name=\"{differentiated[i].Output}\">Receives ∂{method.MethodName}/∂{differentiated[i].Name}, as the gradient's <c>out</c> does.</param>");
        }

        for (int i = 0; i < differentiated.Count; i++)
        {
            writer.Line(differentiated[i].IsVector
                ? $"/// <param name=\"{products[i]}\">Receives the part of H·v for <paramref name=\"{differentiated[i].Name}\"/> (overwritten); must have its length and overlap no input or other output.</param>"
                : $"/// <param name=\"{products[i]}\">Receives the part of H·v for <paramref name=\"{differentiated[i].Name}\"/>: Σⱼ ∂²{method.MethodName}/∂{differentiated[i].Name}∂pⱼ · vⱼ; a variable of its own, not another output or one of its elements.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A direction or an output has the wrong length, or an output overlaps an input or another output.</exception>");
        writer.Line(generatedCodeAttribute);

        // As in the gradient (Span<T> dW, out T dB): a vector's parts are spans, a scalar's are a T and outs.
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(differentiated.Select((p, i) => (p.IsVector ? $"global::System.ReadOnlySpan<{real}> " : real + " ") + hessian.Directions[i]))
            .Concat(differentiated.Select(p => (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + p.Output))
            .Concat(differentiated.Select((p, i) => (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + products[i]));
        using (writer.Block($"{Modifiers(method)} {real} {GeneratedNames.HessianVectorProductMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            var statements = new StatementWriter(writer, real);
            statements.Write(ProductChecks(method, hessian));
            statements.Write(hessian.Prologue);
            statements.Write(hessian.Body);
            writer.Line($"return {ExpressionWriter.Identifier(hessian.Returned)};");
        }
    }

    /// <summary>
    /// The argument checks of <c>MHessianVectorProduct</c>: each product as long as its parameter and overlapping no input or
    /// gradient output, and each gradient output overlapping no direction (it is written while the direction is still read).
    /// A weighted product's weights (<paramref name="weights"/>) are inputs too.
    /// </summary>
    private static List<Statement> ProductChecks(MethodModel method, HessianProgram hessian, IEnumerable<string>? weights = null)
    {
        var differentiated = Differentiated(method);
        var products = hessian.PartialTangents.Select(t => ((Variable)t).Name).ToList();
        var vectors = Enumerable.Range(0, differentiated.Count).Where(i => differentiated[i].IsVector).ToList();
        var vectorDirections = vectors.Select(i => hessian.Directions[i]).ToEquatableArray();
        var checks = new List<Statement>();
        // Spans of the real type only: a ReadOnlySpan<int> of labels cannot share memory with a span of doubles.
        var inputs = method.Parameters.Where(p => p.IsVector && p.ElementType == method.RealType).Select(p => p.Name).Concat(weights ?? Enumerable.Empty<string>()).Concat(vectorDirections).ToEquatableArray();
        foreach (int i in vectors)
        {
            checks.Add(new CheckOutputLength(products[i], differentiated[i].Name));
            checks.Add(new CheckNoOverlap(products[i], inputs, OthersAreOutputs: false));
            checks.Add(new CheckNoOverlap(products[i], vectors.Select(j => differentiated[j].Output).ToEquatableArray(), OthersAreOutputs: true));
        }

        foreach (int i in vectors)
        {
            checks.Add(new CheckNoOverlap(differentiated[i].Output, vectorDirections, OthersAreOutputs: false));
        }

        return checks;
    }

    /// <summary>
    /// The dense Hessian of a method over spans, for small n: n Hessian-vector products, one per unit direction, each
    /// giving one column; scratch directions, gradients and products on the stack up to a bound, pooled above. Rows and
    /// columns follow the differentiated parameters' elements in declaration order (a scalar is one element), as a
    /// Jacobian's columns do.
    /// </summary>
    private static void WriteDenseFromProducts(IndentedWriter writer, GradientProgram program, HessianProgram hessian, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        var names = new NameAllocator(method.Parameters.Select(p => p.Name));
        string matrix = names.Fresh("hessian"), size = names.Fresh("n"), value = names.Fresh("value");
        string column = names.Fresh("k"), row = names.Fresh("i"), other = names.Fresh("j"), mean = names.Fresh("mean");
        var directions = differentiated.Select(p => names.Fresh(GeneratedNames.HessianDirection(p.Name))).ToList();
        var gradients = differentiated.Select(p => names.Fresh(p.Output)).ToList();
        var products = differentiated.Select(p => names.Fresh(GeneratedNames.HessianVectorProductOutput(p.Name))).ToList();
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));

        // Where each parameter's rows and columns start: the lengths of the ones before it (a scalar counts 1).
        var lengths = differentiated.Select(p => p.IsVector ? ExpressionWriter.Identifier(p.Name) + ".Length" : "1").ToList();
        var offsets = Enumerable.Range(0, differentiated.Count).Select(i => Sum(lengths.Take(i))).ToList();

        writer.Line($"/// <summary>Computes <see cref=\"{cref}\"/> and writes its dense Hessian with respect to {list}: n Hessian-vector products, one per column, so for small n (it costs n times the Hessian-vector product, and n² storage).</summary>");
        WriteParameterDocs(writer, method);
        string scalarsCount = differentiated.Any(p => !p.IsVector) ? " (a scalar counts one)" : string.Empty;
        writer.Line($"/// <param name=\"{matrix}\">Receives the Hessian, row-major, n×n with n the total length of {list}{scalarsCount}, their elements in declaration order: element i·n + j is ∂²{method.MethodName}/∂pᵢ∂pⱼ. Exactly symmetric (the mean of the two computed halves).</param>");
        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>.</returns>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"{matrix}\"/> does not have n² elements.</exception>");
        writer.Line(generatedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name)).Concat(new[] { $"global::System.Span<{real}> {matrix}" });
        using (writer.Block($"{Modifiers(method)} {real} {GeneratedNames.HessianStruct(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            WriteSizeCheck(writer, real, matrix, size, lengths);
            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).ToList();
            writer.Line($"{real} {value} = {method.MethodName}({string.Join(", ", arguments)});");
            var scratch = WriteColumnScratch(writer, real, names, differentiated, directions, gradients, products, "the gradient");
            var statements = new StatementWriter(writer, real);

            var callArguments = arguments.Concat(directions)
                .Concat(differentiated.Select((p, i) => p.IsVector ? gradients[i] : "out " + gradients[i]))
                .Concat(differentiated.Select((p, i) => p.IsVector ? products[i] : "out " + products[i]));
            string call = $"{GeneratedNames.HessianVectorProductMethod(method.MethodName)}({string.Join(", ", callArguments)});";
            for (int p = 0; p < differentiated.Count; p++)
            {
                string name = ExpressionWriter.Identifier(differentiated[p].Name);
                string target = differentiated[p].IsVector ? $"{directions[p]}[{column}]" : directions[p];
                string at = differentiated[p].IsVector ? Plus(offsets[p], column) : offsets[p];
                if (differentiated[p].IsVector)
                {
                    writer.Line($"// Column {at} is H·e: the Hessian-vector product along the unit direction of {differentiated[p].Name}[{column}].");
                }
                else
                {
                    writer.Line($"// Column {at} is H·e: the Hessian-vector product along the unit direction of {differentiated[p].Name}.");
                }

                using (differentiated[p].IsVector ? writer.Block($"for (int {column} = 0; {column} < {name}.Length; {column}++)") : null)
                {
                    writer.Line($"{target} = 1;");
                    writer.Line(call);
                    writer.Line($"{target} = 0;");
                    WriteColumn(writer, differentiated, offsets, products, matrix, size, at, row);
                }
            }

            WriteSymmetrization(writer, "// ∂²f/∂pᵢ∂pⱼ = ∂²f/∂pⱼ∂pᵢ: the two products agree up to rounding; their mean makes the matrix exactly symmetric.", real, Half(method), matrix, size, row, other, mean);

            statements.Write(scratch.OfType<DeclareAdjointBuffer>().Select(buffer => (Statement)new Release(buffer.Storage, IsAdjointBuffer: true)).ToList());
            writer.Line($"return {value};");
        }
    }

    /// <summary>
    /// The derivative of the vector-Jacobian product <c>M&lt;P&gt;Gradient(…, seed, gradient)</c> for one differentiated
    /// parameter p, in the runtime's convention for declared ones (<c>[Derivative(nameof(…Tangent))]</c> on a product):
    /// along the tangents of its arguments (dx, dseed), seed·∂M/∂p changes by seed·(H·dx)ₚ + dseed·∂M/∂p, which M's own
    /// Hessian-vector product gives in one call. What the second derivatives of a method calling M differentiate its
    /// gradient's product call by. A tangent passed empty (<c>default</c>: that argument does not vary) is a zero direction.
    /// </summary>
    private static void WriteProductTangent(IndentedWriter writer, GradientProgram program, HessianProgram hessian, ParameterModel target, string generatedCodeAttribute, string cref)
    {
        const int StackBound = 128;
        var method = program.Method;
        string real = method.RealType;
        var differentiated = Differentiated(method);
        var names = new NameAllocator(method.Parameters.Select(p => p.Name));
        string seed = names.Fresh("seed");
        var varying = method.Parameters.Where(p => p.IsVector ? p.ElementType == real : p.TypeName == real).ToList();
        var tangents = varying.ToDictionary(p => p.Name, p => names.Fresh("d" + NameAllocator.ToPascalCase(p.Name)));
        string seedTangent = names.Fresh("dSeed");
        string gradientTangent = target.IsVector ? names.Fresh("gradientTangent") : string.Empty;
        var directions = differentiated.Select(p => names.Fresh(GeneratedNames.HessianDirection(p.Name))).ToList();
        // The tangents took the gradient's usual names (dB): the gradient scratch is named for what it holds.
        var gradients = differentiated.Select(p => names.Fresh("gradient" + NameAllocator.ToPascalCase(p.Name))).ToList();
        var products = differentiated.Select(p => names.Fresh(GeneratedNames.HessianVectorProductOutput(p.Name))).ToList();
        string index = names.Fresh("i");
        string product = GeneratedNames.VectorJacobianProduct(method.MethodName, target.Name);
        string hvp = GeneratedNames.HessianVectorProductMethod(method.MethodName);
        int at = differentiated.IndexOf(target);

        writer.Line(target.IsVector
            ? $"/// <summary>Adds the derivative of <c>{product}</c> (which adds <paramref name=\"{seed}\"/> · ∂{method.MethodName}/∂{target.Name}) along its arguments' tangents into <paramref name=\"{gradientTangent}\"/>: {seed} · (H·d)<sub>{target.Name}</sub> + {seedTangent} · ∂{method.MethodName}/∂{target.Name}, with H the Hessian of <see cref=\"{cref}\"/>, from one <c>{hvp}</c>. The second derivatives of a [Differentiable] method calling it use it.</summary>"
            : $"/// <summary>The derivative of <c>{product}</c> (<paramref name=\"{seed}\"/> · ∂{method.MethodName}/∂{target.Name}) along its arguments' tangents: {seed} · (H·d)<sub>{target.Name}</sub> + {seedTangent} · ∂{method.MethodName}/∂{target.Name}, with H the Hessian of <see cref=\"{cref}\"/>, from one <c>{hvp}</c>. The second derivatives of a [Differentiable] method calling it use it.</summary>");
        WriteParameterDocs(writer, method);
        writer.Line($"/// <param name=\"{seed}\">∂L/∂{method.MethodName}: the adjoint of the call's value, as in <c>{product}</c>.</param>");
        foreach (var parameter in varying)
        {
            writer.Line(!parameter.IsDifferentiated
                ? $"/// <param name=\"{tangents[parameter.Name]}\">The tangent of <paramref name=\"{parameter.Name}\"/>, which {method.MethodName} is not differentiated with respect to: not read.</param>"
                : parameter.IsVector
                    ? $"/// <param name=\"{tangents[parameter.Name]}\">The tangent of <paramref name=\"{parameter.Name}\"/>, its part of the direction d: its length, or empty where it does not vary.</param>"
                    : $"/// <param name=\"{tangents[parameter.Name]}\">The tangent of <paramref name=\"{parameter.Name}\"/>, its part of the direction d.</param>");
        }

        writer.Line($"/// <param name=\"{seedTangent}\">The tangent of <paramref name=\"{seed}\"/>.</param>");
        if (target.IsVector)
        {
            writer.Line($"/// <param name=\"{gradientTangent}\">Receives the derivative, added to what it holds; the length of <paramref name=\"{target.Name}\"/>.</param>");
            writer.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"{gradientTangent}\"/> or a tangent has the wrong length.</exception>");
        }
        else
        {
            writer.Line($"/// <returns>The derivative of {seed} · ∂{method.MethodName}/∂{target.Name} along the tangents.</returns>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A tangent has the wrong length.</exception>");
        }

        GradientSourceEmitter.WriteNullCheckDoc(writer, method);
        writer.Line(generatedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Append(real + " " + seed)
            .Concat(varying.Select(p => (p.IsVector ? $"global::System.ReadOnlySpan<{real}> " : real + " ") + tangents[p.Name]))
            .Append(real + " " + seedTangent);
        if (target.IsVector)
        {
            parameters = parameters.Append($"global::System.Span<{real}> {gradientTangent}");
        }

        using (writer.Block($"{Modifiers(method)} {(target.IsVector ? "void" : real)} {GeneratedNames.ProductTangent(method.MethodName, target.Name)}({string.Join(", ", parameters)})"))
        {
            GradientSourceEmitter.WriteNullChecks(writer, method);
            var statements = new StatementWriter(writer, real);
            if (target.IsVector)
            {
                statements.Write(new Statement[] { new CheckOutputLength(gradientTangent, target.Name) });
            }

            var scratch = new List<Statement>();
            for (int i = 0; i < differentiated.Count; i++)
            {
                if (!differentiated[i].IsVector)
                {
                    continue;
                }

                string tangent = tangents[differentiated[i].Name];
                statements.Write(new Statement[] { new CheckTangentLength(tangent, differentiated[i].Name) });
                scratch.Add(new DeclareAdjointBuffer(gradients[i], names.Fresh(GeneratedNames.AdjointStorage(gradients[i])), differentiated[i].Name, StackBound));
                scratch.Add(new DeclareAdjointBuffer(products[i], names.Fresh(GeneratedNames.AdjointStorage(products[i])), differentiated[i].Name, StackBound));
            }

            statements.Write(scratch);
            var zeros = new List<string>();
            for (int i = 0; i < differentiated.Count; i++)
            {
                if (differentiated[i].IsVector)
                {
                    // An empty tangent is a zero direction: a zeroed scratch span of the parameter's length, only then.
                    string name = ExpressionWriter.Identifier(differentiated[i].Name), tangent = tangents[differentiated[i].Name];
                    string storage = names.Fresh(GeneratedNames.AdjointStorage(directions[i]));
                    zeros.Add(storage);
                    writer.Line($"var {storage} = new global::SymbolicDiff.Runtime.ScratchBuffer<{real}>({tangent}.IsEmpty ? {name}.Length : 0, stackalloc {real}[global::SymbolicDiff.Runtime.StackStorage.Length]); // zeros, where {differentiated[i].Name} does not vary");
                    writer.Line($"global::System.ReadOnlySpan<{real}> {directions[i]} = {tangent}.IsEmpty ? {storage}.Span : {tangent};");
                }
                else
                {
                    writer.Line($"{real} {gradients[i]}, {products[i]};");
                }
            }

            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name))
                .Concat(differentiated.Select((p, i) => p.IsVector ? directions[i] : tangents[p.Name]))
                .Concat(differentiated.Select((p, i) => p.IsVector ? gradients[i] : "out " + gradients[i]))
                .Concat(differentiated.Select((p, i) => p.IsVector ? products[i] : "out " + products[i]));
            writer.Line($"{hvp}({string.Join(", ", arguments)}); // ∂{method.MethodName}/∂p and H·d, d the arguments' tangents");
            if (target.IsVector)
            {
                using (writer.Block($"for (int {index} = 0; {index} < {gradientTangent}.Length; {index}++)"))
                {
                    writer.Line($"{gradientTangent}[{index}] += {seed} * {products[at]}[{index}] + {seedTangent} * {gradients[at]}[{index}];");
                }
            }

            statements.Write(scratch.OfType<DeclareAdjointBuffer>().Select(buffer => (Statement)new Release(buffer.Storage, IsAdjointBuffer: true)).ToList());
            foreach (string storage in zeros)
            {
                writer.Line($"{storage}.Dispose();");
            }

            if (!target.IsVector)
            {
                writer.Line($"return {seed} * {products[at]} + {seedTangent} * {gradients[at]};");
            }
        }
    }

    /// <summary>Lengths added up as C#: <c>0</c> for none, <c>w.Length + 1</c>; the scalars' ones folded into one count.</summary>
    private static string Sum(IEnumerable<string> lengths)
    {
        var terms = lengths.ToList();
        int ones = terms.Count(t => t == "1");
        var parts = terms.Where(t => t != "1").ToList();
        if (ones > 0)
        {
            parts.Add(N(ones));
        }

        return parts.Count == 0 ? "0" : string.Join(" + ", parts);
    }

    private static string Plus(string offset, string index) => offset == "0" ? index : offset + " + " + index;

    private static void WriteParameterDocs(IndentedWriter writer, MethodModel method)
    {
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }
    }

    /// <summary>The names the body, its prologue and the parameters (the directions among them) use, so that the method's own locals take others.</summary>
    private static NameAllocator Names(MethodModel method, HessianProgram hessian) =>
        NameAllocator.ForBody(method, hessian.Prologue.Concat(hessian.Body), hessian.Directions);

    private static List<Statement> WithoutTrailingBlankLines(EquatableArray<Statement> body)
    {
        var statements = body.ToList();
        while (statements.Count > 0 && statements[statements.Count - 1] is CommentLine { Comment: null })
        {
            statements.RemoveAt(statements.Count - 1);
        }

        return statements;
    }

    /// <summary>
    /// The dense Hessians' first lines: n, the total length of the differentiated parameters, and the check that the
    /// matrix has n² elements.
    /// </summary>
    private static void WriteSizeCheck(IndentedWriter writer, string real, string matrix, string size, IReadOnlyList<string> lengths)
    {
        writer.Line($"int {size} = {Sum(lengths)};");
        new StatementWriter(writer, real).Write(new Statement[] { new CheckMatrixLength(matrix, MatrixShape.Square, size) });
    }

    /// <summary>
    /// The dense Hessians' scratch for one product per column: per differentiated span a direction, a gradient (or
    /// cᵀJ, <paramref name="gradientWhat"/>) and a product buffer, on the stack up to the bound and pooled above; per
    /// differentiated scalar three locals. Returns the buffers' declarations, for their release at the end.
    /// </summary>
    private static List<Statement> WriteColumnScratch(IndentedWriter writer, string real, NameAllocator names, IReadOnlyList<ParameterModel> differentiated,
        IReadOnlyList<string> directions, IReadOnlyList<string> gradients, IReadOnlyList<string> products, string gradientWhat)
    {
        const int StackBound = 128;
        var scratch = new List<Statement>();
        for (int i = 0; i < differentiated.Count; i++)
        {
            if (differentiated[i].IsVector)
            {
                foreach (string buffer in new[] { directions[i], gradients[i], products[i] })
                {
                    scratch.Add(new DeclareAdjointBuffer(buffer, names.Fresh(GeneratedNames.AdjointStorage(buffer)), differentiated[i].Name, StackBound));
                }
            }
        }

        new StatementWriter(writer, real).Write(scratch);
        for (int i = 0; i < differentiated.Count; i++)
        {
            if (!differentiated[i].IsVector)
            {
                writer.Line($"{real} {directions[i]} = 0, {gradients[i]}, {products[i]}; // {differentiated[i].Name}: its part of the direction, of {gradientWhat} and of each product");
            }
        }

        return scratch;
    }

    /// <summary>
    /// Copies one sweep's products into column <paramref name="at"/> of the dense row-major matrix: row by row over the
    /// differentiated parameters' elements, in declaration order (a vector's at its offset, a scalar's at its own).
    /// </summary>
    private static void WriteColumn(IndentedWriter writer, IReadOnlyList<ParameterModel> differentiated, IReadOnlyList<string> offsets, IReadOnlyList<string> products, string matrix, string size, string at, string row)
    {
        for (int q = 0; q < differentiated.Count; q++)
        {
            if (differentiated[q].IsVector)
            {
                using (writer.Block($"for (int {row} = 0; {row} < {ExpressionWriter.Identifier(differentiated[q].Name)}.Length; {row}++)"))
                {
                    string rowAt = offsets[q] == "0" ? row : $"({offsets[q]} + {row})";
                    writer.Line($"{matrix}[{rowAt} * {size} + {at}] = {products[q]}[{row}];");
                }
            }
            else
            {
                string rowAt = offsets[q].Contains(" + ") ? $"({offsets[q]})" : offsets[q];
                writer.Line($"{matrix}[{rowAt} * {size} + {at}] = {products[q]};");
            }
        }
    }

    /// <summary>
    /// Makes the dense matrix exactly symmetric: a second derivative is, but its two products (column i's row j and
    /// column j's row i) agree only up to rounding, so each pair is replaced by its mean.
    /// </summary>
    private static void WriteSymmetrization(IndentedWriter writer, string comment, string real, string half, string matrix, string size, string row, string other, string mean)
    {
        writer.Line(comment);
        using (writer.Block($"for (int {row} = 1; {row} < {size}; {row}++)"))
        {
            using (writer.Block($"for (int {other} = 0; {other} < {row}; {other}++)"))
            {
                writer.Line($"{real} {mean} = {half} * ({matrix}[{row} * {size} + {other}] + {matrix}[{other} * {size} + {row}]);");
                writer.Line($"{matrix}[{row} * {size} + {other}] = {mean};");
                writer.Line($"{matrix}[{other} * {size} + {row}] = {mean};");
            }
        }
    }

    private static List<ParameterModel> Differentiated(MethodModel method) => method.Parameters.Where(p => p.IsDifferentiated).ToList();

    private static string Modifiers(MethodModel method) => method.IsStatic ? "public static" : "public";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One half in the method's real type (<c>0.5f</c> in a float method, where <c>0.5</c> would make the mean a double).</summary>
    private static string Half(MethodModel method) => method.IsSingle ? "0.5f" : "0.5";
}
