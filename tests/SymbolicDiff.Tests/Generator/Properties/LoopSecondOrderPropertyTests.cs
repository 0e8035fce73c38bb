using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// Property-based tests of the second derivatives of methods with loops and vectors: the random methods of
/// <see cref="LoopPrograms"/> (those <see cref="LoopGradientPropertyTests"/> checks) with
/// <c>[Differentiable(SecondOrder = true)]</c>. At each point, along a direction made of another of the case's
/// points: the generated <c>MHessianVectorProduct</c> (or, differentiated for scalars only, <c>MWithHessian</c>) must
/// give the method's own value exactly, the gradient of <c>MWithGradient</c> to rounding, and an H·v that agrees with
/// central differences of the generated gradient along the direction; the dense <c>MHessian</c> must be symmetric,
/// give the value, and have as its column j the product along eⱼ.
/// </summary>
/// <remarks>
/// The gradient is the independent reference here: <see cref="LoopGradientPropertyTests"/> checks it against
/// finite differences of the method, on the same kind of program. Seeds, replay and shrinking as in
/// <see cref="PropertyRun"/>; SYMBOLICDIFF_PROPERTY_METHODS sets the number of methods.
/// </remarks>
public class LoopSecondOrderPropertyTests
{
    private const int DefaultMethods = 150;
    private const int BatchSize = 50;

    private readonly ITestOutputHelper _output;

    public LoopSecondOrderPropertyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Methods_with_loops_and_vectors_get_correct_Hessian_vector_products_and_Hessians() =>
        PropertyRun.Run(
            _output,
            "second derivatives of methods with loops and vectors",
            LoopPrograms.Cases,
            salt: 13,
            PropertyRun.MethodCount(DefaultMethods),
            BatchSize,
            Check,
            Describe);

    /// <summary>A handful of methods, so that the fast suite runs the checks and the wrappers at all.</summary>
    [Fact]
    public void A_few_methods_with_loops_get_correct_second_derivatives() =>
        PropertyRun.Run(_output, "second derivatives of a few methods with loops", LoopPrograms.Cases, salt: 14, count: 4, batchSize: 4, Check, Describe);

    private static List<CaseFailure> Check(IReadOnlyList<LoopCase> cases, CheckCounts counts) =>
        GradientOracle.CheckBatch(cases, c => LoopPrograms.RenderFile(c, RenderCase), CheckCase, counts, LoopPrograms.IsKnownBug);

    // ----- Rendering ---------------------------------------------------------------------------------------

    /// <summary>
    /// M{index} with SecondOrder = true and three wrappers, arrays in and out since reflection cannot pass spans:
    /// M{index}Flat (the value and the gradient of MWithGradient), M{index}Product (the value, the gradient and
    /// H·v, through the product's outputs filled with garbage) and M{index}Dense (the value and the dense Hessian,
    /// row-major). Each flattens the differentiated parameters in declaration order, a scalar being one element.
    /// </summary>
    private static string RenderCase(LoopCase c, int index, string indent)
    {
        var builder = new StringBuilder(LoopPrograms.RenderMethod(c, index, indent, secondOrder: true));
        string parameters = LoopPrograms.RenderParameters(c);
        string arguments = string.Join(", ", c.Parameters.Select(p => p.Name));
        var differentiated = c.Parameters.Where(p => c.Differentiated.Contains(p.Name)).ToList();
        string flat(string prefix, LoopParameter p) => p.Shape == LoopShape.Scalar ? prefix + LoopPrograms.PropertyName(p.Name) : ".. " + prefix + LoopPrograms.PropertyName(p.Name);
        string size = string.Join(" + ", differentiated.Select(p => p.Shape == LoopShape.Scalar ? "1" : p.Name + ".Length"));
        void Line(string text) => builder.Append(indent).Append(text).Append('\n');

        Line($"public static double[] M{index}Flat({parameters})");
        Line("{");
        Line($"    var g = M{index}WithGradient({arguments});");
        Line($"    return [g.Value, {string.Join(", ", differentiated.Select(p => flat("g.", p)))}];");
        Line("}");

        if (differentiated.All(p => p.Shape == LoopShape.Scalar))
        {
            // Scalars only: the struct MWithHessian, its Hessian times the direction here.
            Line($"public static double[] M{index}Product({parameters}, double[] direction)");
            Line("{");
            Line($"    var h = M{index}WithHessian({arguments});");
            Line($"    int n = {differentiated.Count};");
            Line($"    var result = new double[1 + 2 * n];");
            Line($"    double[] gradient = [{string.Join(", ", differentiated.Select(p => "h." + LoopPrograms.PropertyName(p.Name)))}];");
            Line("    result[0] = h.Value;");
            Line("    for (int i = 0; i < n; i++)");
            Line("    {");
            Line("        result[1 + i] = gradient[i];");
            Line("        for (int j = 0; j < n; j++) result[1 + n + i] += h.Hessian[i, j] * direction[j];");
            Line("    }");
            Line("    return result;");
            Line("}");
            Line($"public static double[] M{index}Dense({parameters})");
            Line("{");
            Line($"    var h = M{index}WithHessian({arguments});");
            Line($"    int n = {differentiated.Count};");
            Line("    var result = new double[1 + n * n];");
            Line("    result[0] = h.Value;");
            Line("    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) result[1 + i * n + j] = h.Hessian[i, j];");
            Line("    return result;");
            Line("}");
            return builder.ToString();
        }

        Line($"public static double[] M{index}Product({parameters}, double[] direction)");
        Line("{");
        Line("    int o = 0;");
        var call = new List<string> { arguments };
        foreach (var p in differentiated)
        {
            string name = LoopPrograms.PropertyName(p.Name);
            if (p.Shape == LoopShape.Scalar)
            {
                Line($"    double v{name} = direction[o++];");
            }
            else
            {
                Line($"    var v{name} = direction.AsSpan(o, {p.Name}.Length).ToArray(); o += {p.Name}.Length;");
                Line($"    var d{name} = new double[{p.Name}.Length]; Array.Fill(d{name}, -7.25e200);");
                Line($"    var hv{name} = new double[{p.Name}.Length]; Array.Fill(hv{name}, -7.25e200);");
            }
        }

        call.AddRange(differentiated.Select(p => "v" + LoopPrograms.PropertyName(p.Name)));
        call.AddRange(differentiated.Select(p => (p.Shape == LoopShape.Scalar ? "out double d" : "d") + LoopPrograms.PropertyName(p.Name)));
        call.AddRange(differentiated.Select(p => (p.Shape == LoopShape.Scalar ? "out double hv" : "hv") + LoopPrograms.PropertyName(p.Name)));
        Line($"    double value = M{index}HessianVectorProduct({string.Join(", ", call)});");
        Line($"    return [value, {string.Join(", ", differentiated.Select(p => flat("d", p)))}, {string.Join(", ", differentiated.Select(p => flat("hv", p)))}];");
        Line("}");
        Line($"public static double[] M{index}Dense({parameters})");
        Line("{");
        Line($"    int n = {size};");
        Line("    var hessian = new double[n * n];");
        Line("    Array.Fill(hessian, -7.25e200);");
        Line($"    double value = M{index}Hessian({arguments}, hessian);");
        Line("    return [value, .. hessian];");
        Line("}");
        return builder.ToString();
    }

    private static string Describe(LoopCase c, int index)
    {
        string plain = LoopPrograms.Describe(c, index);
        // The method as compiled: with SecondOrder = true (the wrappers are the test's).
        string method = LoopPrograms.RenderMethod(c, index);
        return plain.Replace(method, LoopPrograms.RenderMethod(c, index, secondOrder: true), StringComparison.Ordinal);
    }

    // ----- The check ---------------------------------------------------------------------------------------

    // H·v against central differences of the generated gradient along v: the gradient at p + t·v for t = ±h, ±2h,
    // h = 1e-5 (points in [−1.5, 1.5], direction in [−1, 1]). Truncation h²·|∇f'''|/6 ≈ 2e-11, rounding
    // ε·|∇f|/h ≈ 2e-11·|∇f|, so 1e-5·max(1, |fd|) leaves a wide margin and is still far below a wrong rule. As for
    // the gradient (GradientOracle), four stencils decide whether the gradient is smooth along v near p: where they
    // differ by more than half the tolerance the entry is not checked and counted as not smooth.
    private const double Step = 1e-5;
    private const double Tolerance = 1e-5;
    private const double MaxMagnitude = 1e4;

    // The gradient of the product and of MWithGradient are the same computation, the product's beside tangents: the
    // same to rounding. The dense Hessian's columns are products along unit directions: also to rounding.
    private const double Rounding = 1e-11;

    private static string? CheckCase(Type type, int index, LoopCase c, CheckCounts counts)
    {
        var method = type.GetMethod($"M{index}")!;
        var gradient = type.GetMethod($"M{index}Flat")!;
        var product = type.GetMethod($"M{index}Product")!;
        var dense = type.GetMethod($"M{index}Dense")!;
        var differentiated = c.Parameters.Select((p, i) => (p, i)).Where(x => c.Differentiated.Contains(x.p.Name)).ToList();
        int n = differentiated.Sum(x => c.Length(x.p.Shape));
        counts.Methods++;

        for (int point = 0; point < c.Points.Length; point++)
        {
            var arguments = c.Arguments(point);
            string at = $"at point {point}";
            double f0 = (double)method.Invoke(null, arguments)!;
            double[] g0 = Call(gradient, arguments);
            // The direction: another of the case's points, in [−1, 1].
            var next = c.Points[(point + 1) % c.Points.Length];
            double[] direction = differentiated.SelectMany(x => next[x.i]).Select(u => u / 1.5).ToArray();
            double[] result = Call(product, arguments, direction);
            counts.Points++;
            counts.Values++;
            if (result.Length != 1 + 2 * n)
            {
                return $"M{index}Product returned {result.Length} numbers, expected {1 + 2 * n}";
            }

            if (!Same(result[0], f0))
            {
                return $"M{index}HessianVectorProduct's value {RandomPrograms.Format(result[0])} {at}, but M{index} gives {RandomPrograms.Format(f0)}";
            }

            for (int k = 0; k < n; k++)
            {
                if (!Close(result[1 + k], g0[1 + k], Rounding))
                {
                    return $"M{index}HessianVectorProduct's gradient entry {k} is {RandomPrograms.Format(result[1 + k])} {at}, but M{index}WithGradient gives {RandomPrograms.Format(g0[1 + k])}";
                }
            }

            if (!double.IsFinite(f0) || Math.Abs(f0) > MaxMagnitude)
            {
                counts.PointsOutOfRange++;
                continue;
            }

            // Central differences of the gradient along the direction.
            double[] Along(double t) => Call(gradient, Shifted(c, arguments, differentiated.Select(x => x.i).ToList(), direction, t));
            double[] gm2 = Along(-2 * Step), gm1 = Along(-Step), gp1 = Along(Step), gp2 = Along(2 * Step);
            for (int k = 0; k < n; k++)
            {
                double g = g0[1 + k];
                double central = (gp1[1 + k] - gm1[1 + k]) / (2 * Step);
                double wide = (gp2[1 + k] - gm2[1 + k]) / (4 * Step);
                double forward = (-3 * g + 4 * gp1[1 + k] - gp2[1 + k]) / (2 * Step);
                double backward = (3 * g - 4 * gm1[1 + k] + gm2[1 + k]) / (2 * Step);
                double tolerance = Tolerance * Math.Max(1, Math.Abs(central));
                double spread = Math.Max(Math.Abs(central - wide), Math.Max(Math.Abs(central - forward), Math.Abs(central - backward)));
                if (!double.IsFinite(spread) || spread > tolerance / 2)
                {
                    counts.PartialsNotSmooth++;
                    continue;
                }

                counts.Partials++;
                double hv = result[1 + n + k];
                if (!(Math.Abs(hv - central) <= tolerance))
                {
                    return $"(H·v)[{k}] {at}: generated {RandomPrograms.Format(hv)}, central difference of the gradient {RandomPrograms.Format(central)} " +
                           $"(with 2h {RandomPrograms.Format(wide)}, forward {RandomPrograms.Format(forward)}, backward {RandomPrograms.Format(backward)}); " +
                           $"direction [{string.Join(", ", direction.Select(RandomPrograms.Format))}]";
                }
            }

            // The dense Hessian: the value, symmetric, column j the product along eⱼ.
            double[] hessian = Call(dense, arguments);
            if (hessian.Length != 1 + n * n)
            {
                return $"M{index}Dense returned {hessian.Length} numbers, expected {1 + n * n}";
            }

            if (!Same(hessian[0], f0))
            {
                return $"M{index}Hessian's value {RandomPrograms.Format(hessian[0])} {at}, but M{index} gives {RandomPrograms.Format(f0)}";
            }

            for (int j = 0; j < n; j++)
            {
                var unit = new double[n];
                unit[j] = 1;
                double[] column = Call(product, arguments, unit);
                for (int i = 0; i < n; i++)
                {
                    double entry = hessian[1 + i * n + j];
                    if (!Close(entry, hessian[1 + j * n + i], Rounding))
                    {
                        return $"M{index}Hessian is not symmetric {at}: H[{i}, {j}] = {RandomPrograms.Format(entry)}, H[{j}, {i}] = {RandomPrograms.Format(hessian[1 + j * n + i])}";
                    }

                    if (!Close(entry, column[1 + n + i], Rounding))
                    {
                        return $"M{index}Hessian's H[{i}, {j}] = {RandomPrograms.Format(entry)} {at}, but the product along e{j} gives {RandomPrograms.Format(column[1 + n + i])}";
                    }
                }
            }
        }

        return null;
    }

    private static double[] Call(System.Reflection.MethodInfo method, object[] arguments, double[]? direction = null) =>
        (double[])method.Invoke(null, direction is null ? GradientOracle.Checked.Copy(arguments) : GradientOracle.Checked.Copy(arguments).Append(direction).ToArray())!;

    /// <summary>The arguments moved by t·direction, the direction flattened over the parameters at <paramref name="positions"/>.</summary>
    private static object[] Shifted(LoopCase c, object[] arguments, List<int> positions, double[] direction, double t)
    {
        var shifted = GradientOracle.Checked.Copy(arguments);
        int offset = 0;
        foreach (int i in positions)
        {
            if (shifted[i] is double[] vector)
            {
                for (int k = 0; k < vector.Length; k++)
                {
                    vector[k] += t * direction[offset++];
                }
            }
            else
            {
                shifted[i] = (double)shifted[i] + t * direction[offset++];
            }
        }

        return shifted;
    }

    private static bool Same(double a, double b) => a.Equals(b);

    private static bool Close(double a, double b, double relative) =>
        a.Equals(b) || Math.Abs(a - b) <= relative * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}
