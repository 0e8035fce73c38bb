using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// <c>MHessianVectorProductWithDerivative</c> of a <c>[Differentiable(ThirdOrder = true)]</c> method over spans: the forward
/// mode of <c>MHessianVectorProduct</c>, in the shape of every method's forward mode (its parameters, a tangent per
/// varying input, a tangent span per output). The product's inputs that vary are the differentiated parameters and the
/// direction; its outputs are the gradient and H·v.
/// </summary>
internal static partial class HessianSourceEmitter
{
    private static void WriteHessianVectorProductTangent(IndentedWriter writer, GradientProgram program, HessianProgram hessian, HessianTangentProgram third, string generatedCodeAttribute, string cref)
    {
        var method = program.Method;
        var differentiated = Differentiated(method);
        string real = method.RealType;
        int n = differentiated.Count;
        var products = hessian.PartialTangents.Select(t => ((Variable)t).Name).ToList();
        var gradientTangents = third.OutputTangents.Take(n).ToList();
        var productTangents = third.OutputTangents.Skip(n).ToList();
        string product = GeneratedNames.HessianVectorProductMethod(method.MethodName);
        writer.Line($"/// <summary>Computes <c>{product}</c> and its directional derivative (forward mode over it, itself forward-over-reverse): along tangents d of the differentiated parameters and dv of the direction v, the gradient's tangent is H·d and the product's is ∇³{method.MethodName}[v, d] + H·dv, H being the Hessian of <see cref=\"{cref}\"/>. One sweep, with no allocation beyond the product's own. What the second derivatives of a method reading this one's gradient over spans call.</summary>");
        WriteParameterDocs(writer, method);
        WriteDirectionDocs(writer, differentiated, hessian);
        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{differentiated[i].Output}\">Receives ∂{method.MethodName}/∂{differentiated[i].Name} (overwritten), as in <c>{product}</c>.</param>");
        }

        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{products[i]}\">Receives the part of H·v for <paramref name=\"{differentiated[i].Name}\"/> (overwritten), as in <c>{product}</c>.</param>");
        }

        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{third.Tangents[i]}\">The tangent of <paramref name=\"{differentiated[i].Name}\"/>: its part of d; must have its length.</param>");
        }

        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{third.DirectionTangents[i]}\">The tangent of <paramref name=\"{hessian.Directions[i]}\"/>: its part of dv; must have its length.</param>");
        }

        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{gradientTangents[i]}\">Receives the tangent of <paramref name=\"{differentiated[i].Output}\"/>: the part of H·d for <paramref name=\"{differentiated[i].Name}\"/> (overwritten); must have its length.</param>");
        }

        for (int i = 0; i < n; i++)
        {
            writer.Line($"/// <param name=\"{productTangents[i]}\">Receives the tangent of <paramref name=\"{products[i]}\"/>: the part of ∇³{method.MethodName}[v, d] + H·dv for <paramref name=\"{differentiated[i].Name}\"/> (overwritten); must have its length.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A direction, a tangent or an output has the wrong length, or an output overlaps an input or another output.</exception>");
        writer.Line(generatedCodeAttribute);
        string readOnlySpan = $"global::System.ReadOnlySpan<{real}> ", span = $"global::System.Span<{real}> ";
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(hessian.Directions.Select(direction => readOnlySpan + direction))
            .Concat(differentiated.Select(p => span + p.Output))
            .Concat(products.Select(output => span + output))
            .Concat(third.Tangents.Concat(third.DirectionTangents).Select(tangent => readOnlySpan + tangent))
            .Concat(third.OutputTangents.Select(tangent => span + tangent));
        using (writer.Block($"{Modifiers(method)} {real} {GeneratedNames.HessianVectorProductTangentMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            // The product's checks, then the tangent outputs': each as long as its parameter, overlapping no input (the
            // tangents in included) and no other output.
            var checks = ProductChecks(method, hessian);
            var inputs = method.Parameters.Where(p => p.IsVector && p.ElementType == real).Select(p => p.Name)
                .Concat(hessian.Directions).Concat(third.Tangents).Concat(third.DirectionTangents).ToEquatableArray();
            var outputs = differentiated.Select(p => p.Output).Concat(products).ToList();
            for (int i = 0; i < third.OutputTangents.Count; i++)
            {
                string tangent = third.OutputTangents[i];
                checks.Add(new CheckOutputLength(tangent, differentiated[i % n].Name));
                checks.Add(new CheckNoOverlap(tangent, inputs, OthersAreOutputs: false));
                checks.Add(new CheckNoOverlap(tangent, outputs.Concat(third.OutputTangents.Take(i)).ToEquatableArray(), OthersAreOutputs: true));
            }

            var statements = new StatementWriter(writer, real);
            statements.Write(checks);
            statements.Write(third.Body);
            writer.Line($"return {ExpressionWriter.Identifier(hessian.Returned)};");
        }
    }
}
