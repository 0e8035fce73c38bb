using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// Property-based tests of float methods with loops and vectors: each random method of <see cref="LoopPrograms"/> is
/// also written in float (<see cref="ToFloat"/>: float and float[], MathF, float literals, the runtime's float
/// overloads), and at each point, rounded to float, the generated float <c>FWithGradient</c> must give the float
/// method's own value exactly and a gradient within float rounding of the double method's generated gradient at the
/// same point.
/// </summary>
/// <remarks>
/// The double gradient is the reference: <see cref="LoopGradientPropertyTests"/> checks it against finite differences
/// on the same kind of program. Seeds, replay and shrinking as in <see cref="PropertyRun"/>;
/// SYMBOLICDIFF_PROPERTY_METHODS sets the number of methods.
/// </remarks>
public class LoopFloatPropertyTests
{
    private const int DefaultMethods = 100;
    private const int BatchSize = 50;

    private readonly ITestOutputHelper _output;

    public LoopFloatPropertyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Float_methods_with_loops_and_vectors_get_gradients_that_agree_with_the_double_ones() =>
        PropertyRun.Run(
            _output,
            "float methods with loops and vectors",
            LoopPrograms.Cases,
            salt: 17,
            PropertyRun.MethodCount(DefaultMethods),
            BatchSize,
            Check,
            Describe);

    /// <summary>A handful of methods, so that the fast suite runs the check and the float rendering at all.</summary>
    [Fact]
    public void A_few_float_methods_with_loops_get_gradients_that_agree_with_the_double_ones() =>
        PropertyRun.Run(_output, "a few float methods with loops", LoopPrograms.Cases, salt: 18, count: 4, batchSize: 4, Check, Describe);

    /// <summary>The float rendering of a double method: a sample of what it does, by hand.</summary>
    [Fact]
    public void A_double_method_is_written_in_float_with_MathF_and_float_literals()
    {
        const string source = """
            [Differentiable(nameof(x))]
            public static double M3(double[] x, double a)
            {
                Span<double> h0 = stackalloc double[x.Length];
                double s0 = 0.5 * Math.PI;
                foreach (var e0 in x)
                {
                    double t0 = Math.Pow(e0, 2) / (1.5 + Math.Cos(1.0 / x.Length)) + (double)x.Length;
                    s0 += Activations.Sigmoid(t0 * -0.75);
                }

                return s0 * 2.0;
            }
            """;
        const string expected = """
            [Differentiable(nameof(x))]
            public static float F3(float[] x, float a)
            {
                Span<float> h0 = stackalloc float[x.Length];
                float s0 = 0.5f * MathF.PI;
                foreach (var e0 in x)
                {
                    float t0 = MathF.Pow(e0, 2) / (1.5f + MathF.Cos(1.0f / x.Length)) + (float)x.Length;
                    s0 += Activations.Sigmoid(t0 * -0.75f);
                }

                return s0 * 2.0f;
            }
            """;
        Assert.Equal(expected, ToFloat(source, 3));
    }

    private static List<CaseFailure> Check(IReadOnlyList<LoopCase> cases, CheckCounts counts) =>
        GradientOracle.CheckBatch(cases, c => LoopPrograms.RenderFile(c, RenderCase), CheckCase, counts, LoopPrograms.IsKnownBug);

    // ----- Rendering ---------------------------------------------------------------------------------------

    /// <summary>
    /// The double method M{index} written in float as F{index}: double becomes float, Math becomes MathF, and every
    /// decimal literal gets the suffix f. The programs use nothing else that has a type of its own (ints stay ints,
    /// Activations.Sigmoid has a float overload).
    /// </summary>
    public static string ToFloat(string method, int index)
    {
        string text = Regex.Replace(method, @"\bdouble\b", "float");
        text = Regex.Replace(text, @"\bMath\.", "MathF.");
        text = Regex.Replace(text, @"(?<![\w.])(\d+\.\d+)(?![\w.])", "$1f");
        return text.Replace($" M{index}(", $" F{index}(", StringComparison.Ordinal);
    }

    /// <summary>
    /// M{index} in double and F{index} in float, and wrappers that take double arguments and return doubles:
    /// M{index}Flat and F{index}Flat (the value and the gradient, flattened over the differentiated
    /// parameters in declaration order), F{index}Value (the float method's value).
    /// </summary>
    private static string RenderCase(LoopCase c, int index, string indent)
    {
        var builder = new StringBuilder();
        builder.Append(LoopPrograms.RenderMethod(c, index, indent));
        builder.Append(ToFloat(LoopPrograms.RenderMethod(c, index, indent), index));
        string parameters = LoopPrograms.RenderParameters(c);
        string arguments = string.Join(", ", c.Parameters.Select(p => p.Name));
        string floatArguments = string.Join(", ", c.Parameters.Select(p => p.Shape == LoopShape.Scalar ? $"(float){p.Name}" : $"Array.ConvertAll({p.Name}, e => (float)e)"));
        var differentiated = c.Parameters.Where(p => c.Differentiated.Contains(p.Name)).ToList();
        void Line(string text) => builder.Append(indent).Append(text).Append('\n');
        void Flatten(string method, string call)
        {
            Line($"public static double[] {method}({parameters})");
            Line("{");
            Line($"    var g = {call};");
            Line("    var result = new List<double> { g.Value };");
            foreach (var p in differentiated)
            {
                string name = LoopPrograms.PropertyName(p.Name);
                Line(p.Shape == LoopShape.Scalar ? $"    result.Add(g.{name});" : $"    foreach (var e in g.{name}) result.Add(e);");
            }

            Line("    return result.ToArray();");
            Line("}");
        }

        Flatten($"M{index}Flat", $"M{index}WithGradient({arguments})");
        Flatten($"F{index}Flat", $"F{index}WithGradient({floatArguments})");
        Line($"public static double F{index}Value({parameters}) => F{index}({floatArguments});");
        return builder.ToString();
    }

    private static string Describe(LoopCase c, int index)
    {
        string plain = LoopPrograms.Describe(c, index);
        string method = LoopPrograms.RenderMethod(c, index);
        return plain.Replace(method, method + ToFloat(method, index), StringComparison.Ordinal) + " (rounded to float)";
    }

    // ----- The check ---------------------------------------------------------------------------------------

    // Every float intermediate is rounded to 2⁻²⁴ ≈ 6e-8 relative, and a loop of up to 125 iterations with
    // recurrences and divisions compounds that: the float gradient agrees with the double one to about 1e-6 relative
    // to the size of the numbers combined, seldom worse than 1e-5. Relative to max(1, ‖∇f‖∞), so that a partial that
    // is small by cancellation of large terms is judged by the size of those terms: 1e-3 leaves a wide margin and is
    // still far below a wrong rule (a missing term, a wrong sign, a factor lost).
    private const double Tolerance = 1e-3;
    private const double MaxMagnitude = 1e4;

    // Where the float gradient differs, the double gradient is looked at around the point: rounding to float moves
    // comparisons (?:, Max, Min, Abs) as if the point moved by about 1e-6, so if the double gradient itself changes by
    // more than half the tolerance when every coordinate moves by 1e-5, the partial is not checked there, and is
    // counted as not smooth. The float gradient plays no part in that decision.
    private const double Nudge = 1e-5;

    private static string? CheckCase(Type type, int index, LoopCase c, CheckCounts counts)
    {
        var doubleGradient = type.GetMethod($"M{index}Flat")!;
        var floatGradient = type.GetMethod($"F{index}Flat")!;
        var floatValue = type.GetMethod($"F{index}Value")!;
        var positions = c.Parameters.Select((p, i) => (p, i)).Where(x => c.Differentiated.Contains(x.p.Name)).Select(x => x.i).ToList();
        counts.Methods++;

        for (int point = 0; point < c.Points.Length; point++)
        {
            // The point rounded to float, given as doubles to both.
            var arguments = c.Arguments(point).Select(a => a is double[] v ? (object)v.Select(e => (double)(float)e).ToArray() : (double)(float)(double)a).ToArray();
            double value = (double)floatValue.Invoke(null, GradientOracle.Checked.Copy(arguments))!;
            double[] gf = Call(floatGradient, arguments);
            double[] gd = Call(doubleGradient, arguments);
            counts.Points++;
            counts.Values++;
            if (!gf[0].Equals(value))
            {
                return $"F{index}WithGradient's value {RandomPrograms.Format(gf[0])} at point {point}, but F{index} gives {RandomPrograms.Format(value)}";
            }

            if (gf.Length != gd.Length)
            {
                return $"F{index}WithGradient has {gf.Length - 1} partials, M{index}WithGradient {gd.Length - 1}";
            }

            if (!double.IsFinite(gd[0]) || Math.Abs(gd[0]) > MaxMagnitude || gd.Any(g => !double.IsFinite(g)))
            {
                counts.PointsOutOfRange++;
                continue;
            }

            double scale = Math.Max(1, gd.Skip(1).Select(Math.Abs).DefaultIfEmpty(0).Max());
            double tolerance = Tolerance * scale;
            double[][]? nudged = null;
            for (int k = 1; k < gd.Length; k++)
            {
                if (Math.Abs(gf[k] - gd[k]) <= tolerance)
                {
                    counts.Partials++;
                    continue;
                }

                nudged ??= new[] { 1, -1 }.Select(sign => Call(doubleGradient, Nudged(arguments, positions, sign))).ToArray();
                if (nudged.Any(g => !(Math.Abs(g[k] - gd[k]) <= tolerance / 2)))
                {
                    counts.PartialsNotSmooth++;
                    continue;
                }

                counts.Partials++;
                return $"partial {k - 1} (of the differentiated parameters' elements in order) at point {point} rounded to float: " +
                       $"float {RandomPrograms.Format(gf[k])}, double {RandomPrograms.Format(gd[k])}, |difference| {RandomPrograms.Format(Math.Abs(gf[k] - gd[k]))} > " +
                       $"tolerance {RandomPrograms.Format(tolerance)}; float gradient [{string.Join(", ", gf.Skip(1).Select(RandomPrograms.Format))}], " +
                       $"double [{string.Join(", ", gd.Skip(1).Select(RandomPrograms.Format))}]";
            }
        }

        return null;
    }

    private static double[] Call(System.Reflection.MethodInfo method, object[] arguments) => (double[])method.Invoke(null, GradientOracle.Checked.Copy(arguments))!;

    /// <summary>Every differentiated coordinate moved by ±Nudge·max(1, |x|), the signs alternating along the coordinates (times <paramref name="sign"/>).</summary>
    private static object[] Nudged(object[] arguments, List<int> positions, int sign)
    {
        var nudged = GradientOracle.Checked.Copy(arguments);
        int k = 0;
        double Move(double x) => x + sign * ((k++ % 2 == 0) ? 1 : -1) * Nudge * Math.Max(1, Math.Abs(x));
        foreach (int i in positions)
        {
            if (nudged[i] is double[] vector)
            {
                for (int e = 0; e < vector.Length; e++)
                {
                    vector[e] = Move(vector[e]);
                }
            }
            else
            {
                nudged[i] = Move((double)nudged[i]);
            }
        }

        return nudged;
    }
}
