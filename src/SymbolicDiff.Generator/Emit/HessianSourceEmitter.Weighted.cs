using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

// The second derivatives of a vector-valued method (SecondOrder = true on a method that writes outputs r): the weighted
// Hessian-vector product Σᵢ cᵢ ∇²rᵢ · v, forward mode over its vector-Jacobian product, and the dense weighted Hessian
// from n of those. The weights are the vector-Jacobian product's cotangents, with its names and in its place, so a
// solver passes the same span to both; the directions, gradient outputs and products are a scalar method's. A method that
// returns a real f also gets the product with f weighed in, (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f)·v, forward mode over the vector-Jacobian
// product of Σᵢ cᵢ rᵢ + c₀ f: an overload with c₀ after the weights, which a second-order caller reading f calls,
// and the dense Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f from n of those, the same overload of the dense weighted Hessian.
internal static partial class HessianSourceEmitter
{
    private static void WriteWeighted(IndentedWriter writer, MethodModel method, JacobianProgram jacobian, HessianProgram hessian, HessianProgram? valueWeightedHessian, string generatedCodeAttribute, string cref)
    {
        WriteWeightedHessianVectorProduct(writer, method, jacobian, hessian, generatedCodeAttribute, cref);
        if (jacobian.ValueWeighted is { } weighted && valueWeightedHessian is not null)
        {
            writer.Line();
            WriteWeightedHessianVectorProduct(writer, method, weighted, valueWeightedHessian, generatedCodeAttribute, cref);
        }

        writer.Line();
        WriteWeightedDense(writer, method, jacobian, generatedCodeAttribute, cref);
        if (jacobian.ValueWeighted is { } valueWeighted && valueWeightedHessian is not null)
        {
            // Its dense form, from the products with c₀ above: the Hessian of Σᵢ cᵢ rᵢ + c₀ f that Newton on a caller reading both needs.
            writer.Line();
            WriteWeightedDense(writer, method, valueWeighted, generatedCodeAttribute, cref);
        }
    }

    private static void WriteWeightedHessianVectorProduct(IndentedWriter writer, MethodModel method, JacobianProgram jacobian, HessianProgram hessian, string generatedCodeAttribute, string cref)
    {
        var differentiated = Differentiated(method);
        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        string real = method.RealType;
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));
        var products = hessian.PartialTangents.Select(t => ((Variable)t).Name).ToList();
        string? c0 = jacobian.ValueCotangent;
        string weightedSum = c0 is null ? "Σᵢ cᵢ ∇²rᵢ" : $"(Σᵢ cᵢ ∇²rᵢ + c₀ ∇²{method.MethodName})";
        string weightedGradient = c0 is null ? "Σᵢ cᵢ ∂rᵢ/∂" : $"Σᵢ cᵢ ∂rᵢ/∂p + c₀ ∂{method.MethodName}/∂p for p = ";
        writer.Line(c0 is null
            ? $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, the vector-Jacobian product cᵀJ with respect to {list} (as <c>{GeneratedNames.VectorJacobianProductMethod(method.MethodName)}</c> does), and the weighted Hessian-vector product Σᵢ cᵢ ∇²rᵢ · v over the outputs' elements rᵢ, their weights cᵢ and a direction v: one forward sweep over the vector-Jacobian product (forward-over-reverse), with no allocation beyond scratch storage pooled above 128 elements. With c = r it is the second-order part of the Hessian of ½‖r‖², JᵀJ + Σᵢ rᵢ ∇²rᵢ.</summary>"
            : $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, the vector-Jacobian product with its returned value weighed in, cᵀJ + c₀ ∇{method.MethodName}, with respect to {list} (as the <c>{GeneratedNames.VectorJacobianProductMethod(method.MethodName)}</c> overload with c₀ does), and the weighted Hessian-vector product (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²{method.MethodName}) · v over the outputs' elements rᵢ, their weights cᵢ, the value's weight c₀ and a direction v: one forward sweep over that product (forward-over-reverse), with no allocation beyond scratch storage pooled above 128 elements. The second derivatives of a caller that reads both the outputs and the value go through it, with the adjoints of both as the weights.</summary>");
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : parameter.IsOutput ? "receives the method's results" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }

        for (int k = 0; k < outputs.Count; k++)
        {
            writer.Line($"/// <param name=\"{jacobian.Cotangents[k]}\">The weights cᵢ of <paramref name=\"{outputs[k].Name}\"/>'s elements (the vector-Jacobian product's cotangent); must have the length of <paramref name=\"{outputs[k].Name}\"/>.</param>");
        }

        if (c0 is not null)
        {
            writer.Line($"/// <param name=\"{c0}\">The weight c₀ of the value <c>{method.MethodName}</c> returns (its cotangent).</param>");
        }

        WriteDirectionDocs(writer, differentiated, hessian);

        for (int i = 0; i < differentiated.Count; i++)
        {
            writer.Line(differentiated[i].IsVector
                ? $"/// <param name=\"{differentiated[i].Output}\">Receives {weightedGradient}{differentiated[i].Name} (overwritten); must have the length of <paramref name=\"{differentiated[i].Name}\"/> and overlap no input.</param>"
                : $"/// <param name=\"{differentiated[i].Output}\">Receives {weightedGradient}{differentiated[i].Name}.</param>");
        }

        for (int i = 0; i < differentiated.Count; i++)
        {
            writer.Line(differentiated[i].IsVector
                ? $"/// <param name=\"{products[i]}\">Receives the part of {weightedSum} · v for <paramref name=\"{differentiated[i].Name}\"/> (overwritten); must have its length and overlap no input or other output.</param>"
                : c0 is null
                    ? $"/// <param name=\"{products[i]}\">Receives the part of Σᵢ cᵢ ∇²rᵢ · v for <paramref name=\"{differentiated[i].Name}\"/>: Σᵢ cᵢ Σⱼ ∂²rᵢ/∂{differentiated[i].Name}∂pⱼ · vⱼ; a variable of its own, not another output or one of its elements.</param>"
                    : $"/// <param name=\"{products[i]}\">Receives the part of {weightedSum} · v for <paramref name=\"{differentiated[i].Name}\"/>; a variable of its own, not another output or one of its elements.</param>");
        }

        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A weight, a direction or an output has the wrong length, or an output overlaps an input or another output.</exception>");
        GradientSourceEmitter.WriteNullCheckDoc(writer, method);
        writer.Line(generatedCodeAttribute);

        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(jacobian.Cotangents.Select(c => $"global::System.ReadOnlySpan<{real}> {c}"))
            .Concat(c0 is null ? Enumerable.Empty<string>() : new[] { real + " " + c0 })
            .Concat(differentiated.Select((p, i) => (p.IsVector ? $"global::System.ReadOnlySpan<{real}> " : real + " ") + hessian.Directions[i]))
            .Concat(differentiated.Select(p => (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + p.Output))
            .Concat(differentiated.Select((p, i) => (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + products[i]));
        using (writer.Block($"{Modifiers(method)} void {GeneratedNames.HessianVectorProductMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            GradientSourceEmitter.WriteNullChecks(writer, method);
            // The weights' lengths, then the product's checks, the weights among the inputs the outputs must not overlap.
            var checks = outputs.Select((output, k) => (Statement)new CheckOutputLength(jacobian.Cotangents[k], output.Name)).ToList();
            checks.AddRange(ProductChecks(method, hessian, jacobian.Cotangents));

            var statements = new StatementWriter(writer, real);
            statements.Write(checks);
            statements.Write(hessian.Prologue);
            statements.Write(hessian.Body);
        }
    }

    /// <summary>
    /// The dense weighted Hessian Σᵢ cᵢ ∇²rᵢ, n×n: n weighted products, one per unit direction, each giving one column, with
    /// scratch on the stack up to a bound and pooled above. Rows and columns as in a Jacobian's columns. Where
    /// <paramref name="jacobian"/> weighs the returned value f too (its <see cref="JacobianProgram.ValueCotangent"/>, c₀),
    /// Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f from the products with c₀: the same method with c₀ after the weights.
    /// </summary>
    private static void WriteWeightedDense(IndentedWriter writer, MethodModel method, JacobianProgram jacobian, string generatedCodeAttribute, string cref)
    {
        var differentiated = Differentiated(method);
        string real = method.RealType;
        string? c0 = jacobian.ValueCotangent;
        var names = new NameAllocator(method.Parameters.Select(p => p.Name).Concat(jacobian.Cotangents).Concat(c0 is null ? Enumerable.Empty<string>() : new[] { c0 }));
        string matrix = names.Fresh("hessian"), size = names.Fresh("n");
        string column = names.Fresh("k"), row = names.Fresh("i"), other = names.Fresh("j"), mean = names.Fresh("mean");
        var directions = differentiated.Select(p => names.Fresh(GeneratedNames.HessianDirection(p.Name))).ToList();
        var gradients = differentiated.Select(p => names.Fresh(p.Output)).ToList();
        var products = differentiated.Select(p => names.Fresh(GeneratedNames.HessianVectorProductOutput(p.Name))).ToList();
        string list = string.Join(", ", differentiated.Select(p => "<c>" + p.Name + "</c>"));
        var lengths = differentiated.Select(p => p.IsVector ? ExpressionWriter.Identifier(p.Name) + ".Length" : "1").ToList();
        var offsets = Enumerable.Range(0, differentiated.Count).Select(i => Sum(lengths.Take(i))).ToList();

        writer.Line(c0 is null
            ? $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, and the dense weighted Hessian Σᵢ cᵢ ∇²rᵢ of its outputs' elements rᵢ with respect to {list}: n weighted Hessian-vector products, one per column, so for small n (n times the product's cost, n² storage). One Hessian per output would be m such matrices (unit weights), m·n products: not generated, as Newton and full-Hessian least squares need only the weighted sum.</summary>"
            : $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, and the dense weighted Hessian with its returned value weighed in, Σᵢ cᵢ ∇²rᵢ + c₀ ∇²{method.MethodName}, over its outputs' elements rᵢ, their weights cᵢ and the value's weight c₀, with respect to {list}: n weighted Hessian-vector products with c₀, one per column, so for small n (n times the product's cost, n² storage). With c₀ = 0 it is the overload without c₀.</summary>");
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : parameter.IsOutput ? "receives the method's results" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }

        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        for (int k = 0; k < outputs.Count; k++)
        {
            writer.Line($"/// <param name=\"{jacobian.Cotangents[k]}\">The weights cᵢ of <paramref name=\"{outputs[k].Name}\"/>'s elements; must have the length of <paramref name=\"{outputs[k].Name}\"/>.</param>");
        }

        if (c0 is not null)
        {
            writer.Line($"/// <param name=\"{c0}\">The weight c₀ of the value <c>{method.MethodName}</c> returns.</param>");
        }

        string scalarsCount = differentiated.Any(p => !p.IsVector) ? " (a scalar counts one)" : string.Empty;
        writer.Line($"/// <param name=\"{matrix}\">Receives the weighted Hessian, row-major, n×n with n the total length of {list}{scalarsCount}, their elements in declaration order: element i·n + j is Σₖ cₖ ∂²rₖ/∂pᵢ∂pⱼ{(c0 is null ? string.Empty : $" + c₀ ∂²{method.MethodName}/∂pᵢ∂pⱼ")}. Exactly symmetric (the mean of the two computed halves).</param>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"{matrix}\"/> does not have n² elements, or a weight has the wrong length.</exception>");
        writer.Line(generatedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(jacobian.Cotangents.Select(c => $"global::System.ReadOnlySpan<{real}> {c}"))
            .Concat(c0 is null ? Enumerable.Empty<string>() : new[] { real + " " + c0 })
            .Concat(new[] { $"global::System.Span<{real}> {matrix}" });
        using (writer.Block($"{Modifiers(method)} void {GeneratedNames.HessianStruct(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            WriteSizeCheck(writer, real, matrix, size, lengths);
            var scratch = WriteColumnScratch(writer, real, names, differentiated, directions, gradients, products, c0 is null ? "cᵀJ" : $"cᵀJ + c₀ ∇{method.MethodName}");
            var statements = new StatementWriter(writer, real);

            var callArguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).Concat(jacobian.Cotangents).Concat(c0 is null ? Enumerable.Empty<string>() : new[] { c0 }).Concat(directions)
                .Concat(differentiated.Select((p, i) => p.IsVector ? gradients[i] : "out " + gradients[i]))
                .Concat(differentiated.Select((p, i) => p.IsVector ? products[i] : "out " + products[i]));
            string call = $"{GeneratedNames.HessianVectorProductMethod(method.MethodName)}({string.Join(", ", callArguments)});";
            for (int p = 0; p < differentiated.Count; p++)
            {
                string name = ExpressionWriter.Identifier(differentiated[p].Name);
                string target = differentiated[p].IsVector ? $"{directions[p]}[{column}]" : directions[p];
                string at = differentiated[p].IsVector ? Plus(offsets[p], column) : offsets[p];
                writer.Line(differentiated[p].IsVector
                    ? $"// Column {at} is the weighted product along the unit direction of {differentiated[p].Name}[{column}]."
                    : $"// Column {at} is the weighted product along the unit direction of {differentiated[p].Name}.");
                using (differentiated[p].IsVector ? writer.Block($"for (int {column} = 0; {column} < {name}.Length; {column}++)") : null)
                {
                    writer.Line($"{target} = 1;");
                    writer.Line(call);
                    writer.Line($"{target} = 0;");
                    WriteColumn(writer, differentiated, offsets, products, matrix, size, at, row);
                }
            }

            WriteSymmetrization(writer, c0 is null ? "// Σ cₖ ∂²rₖ/∂pᵢ∂pⱼ is symmetric: the two products agree up to rounding; their mean makes the matrix exactly symmetric." : $"// Σ cₖ ∂²rₖ/∂pᵢ∂pⱼ + c₀ ∂²{method.MethodName}/∂pᵢ∂pⱼ is symmetric: the two products agree up to rounding; their mean makes the matrix exactly symmetric.", real, Half(method), matrix, size, row, other, mean);

            statements.Write(scratch.OfType<DeclareAdjointBuffer>().Select(buffer => (Statement)new Release(buffer.Storage, IsAdjointBuffer: true)).ToList());
        }
    }
}
