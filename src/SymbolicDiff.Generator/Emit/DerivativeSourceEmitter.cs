using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Writes <c>MWithDerivative</c>, the forward-mode method, into the file <see cref="GradientSourceEmitter"/> writes:
/// the method's parameters followed by one tangent per differentiated parameter (<c>double dX</c> for a scalar,
/// <c>ReadOnlySpan&lt;double&gt; dX</c> for a vector), returning <c>(double Value, double Derivative)</c>. The body is
/// the <see cref="DerivativeProgram"/>'s statements, printed by the one statement printer.
/// </summary>
internal static class DerivativeSourceEmitter
{
    public static void Write(IndentedWriter writer, MethodModel method, DerivativeProgram program, string generatedCodeAttribute, string cref)
    {
        string real = method.RealType;
        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();
        string direction = string.Join(", ", differentiated.Select(p => "<paramref name=\"" + p.Output + "\"/>"));
        writer.Line(method.HasOutputs
            ? $"/// <summary>Computes <see cref=\"{cref}\"/>, writing its outputs, and their directional derivatives along {direction} (Σ ∂r/∂p · dP over the differentiated parameters) into the outputs' tangents, in one forward sweep with no allocation.</summary>"
            : $"/// <summary>Computes <see cref=\"{cref}\"/> and its directional derivative along {direction}: Σ ∂{method.MethodName}/∂p · dP over the differentiated parameters, in one forward sweep with no allocation.</summary>");
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : parameter.IsOutput ? "receives the method's results" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }

        foreach (var parameter in differentiated)
        {
            writer.Line(parameter.IsVector
                ? $"/// <param name=\"{parameter.Output}\">The tangent of <paramref name=\"{parameter.Name}\"/>: its part of the direction, element by element; must have the length of <paramref name=\"{parameter.Name}\"/>.</param>"
                : $"/// <param name=\"{parameter.Output}\">The tangent of <paramref name=\"{parameter.Name}\"/>: its part of the direction.</param>");
        }

        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        foreach (var output in outputs)
        {
            writer.Line($"/// <param name=\"{output.Output}\">Receives the tangent of <paramref name=\"{output.Name}\"/>: the derivative of each of its elements along the direction (a Jacobian-vector product, overwritten); must have the length of <paramref name=\"{output.Name}\"/>.</param>");
        }

        if (!method.ReturnsVoid)
        {
            writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>, and its derivative along the direction (a Jacobian-vector product).</returns>");
        }

        if (differentiated.Any(p => p.IsVector) || outputs.Count > 0)
        {
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A tangent does not have the length of its parameter.</exception>");
        }

        writer.Line(generatedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(differentiated.Select(p => (p.IsVector ? $"global::System.ReadOnlySpan<{real}> " : real + " ") + p.Output))
            .Concat(outputs.Select(p => $"global::System.Span<{real}> " + p.Output));
        string modifiers = method.IsStatic ? "public static" : "public";
        string returned = method.ReturnsVoid ? "void" : $"({real} Value, {real} Derivative)";
        using (writer.Block($"{modifiers} {returned} {GeneratedNames.DerivativeMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            new StatementWriter(writer, real).Write(program.Body);
            if (!method.ReturnsVoid)
            {
                writer.Line();
                writer.Line($"return ({ExpressionWriter.Identifier(program.Returned)}, {ExpressionWriter.WriteValue(program.Derivative, method.IsSingle)});");
            }
        }
    }
}
