using System.Reflection;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// A float method differentiating through a float callee's gradient over spans: the double models of
/// <see cref="GradientOverSpansModels"/>, their source text written in float (<see cref="FloatSource"/>) and run through the
/// generator here, so the float set is the double set and cannot drift from it; the same path as double
/// (<see cref="GradientOverSpansTests"/>), through the callee's float Hessian-vector product. Checked against closed forms
/// worked out by hand in double, against central differences of the float method itself (a wide step, float tolerance)
/// and of its double twin, and forward mode against the gradient dotted with the direction. Float rounds every
/// intermediate to about 6e-8 relative, so the tolerances are relative and a few ulps per step of the descent. Its code
/// is checked against the double twin's snapshot rather than by a snapshot of its own, which would repeat that one but
/// for the type and the literals.
/// </summary>
public class FloatGradientOverSpansTests
{
    /// <summary>The double models' file, as the generator reads it.</summary>
    private static string DoubleSource => File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Nested", "GradientOverSpansModels.cs"));

    /// <summary>The double models written in float: every double a float, each ½ a float literal, the class renamed.</summary>
    private static string FloatSource => DoubleSource
        .Replace("double", "float", StringComparison.Ordinal)
        .Replace("0.5 *", "0.5f *", StringComparison.Ordinal)
        .Replace("GradientOverSpansModels", "FloatGradientOverSpansModels", StringComparison.Ordinal);

    /// <summary>
    /// Array entry points to the float models, for reflection, which cannot pass spans: each returns the value first, then
    /// the scalar partials or the derivative, as floats (a double would not convert), and writes span outputs into arrays.
    /// </summary>
    private const string ArrayEntryPoints = """
        namespace SymbolicDiff.Tests.Generator.Nested;

        public static partial class FloatGradientOverSpansModels
        {
            public static float DescendOf(float[] start, float[] a, float eta, int steps) => Descend(start, a, eta, steps);

            public static float[] DescendGradientOf(float[] start, float[] a, float eta, int steps, float[] dStart) =>
                new[] { DescendWithGradient(start, a, eta, steps, dStart, out float dEta), dEta };

            public static float[] DescendDerivativeOf(float[] start, float[] a, float eta, int steps, float[] dStart, float dEta)
            {
                var (value, derivative) = DescendWithDerivative(start, a, eta, steps, dStart, dEta);
                return new[] { value, derivative };
            }

            public static float EnergyAlongDescentOf(float[] start, float[] a, float eta, int steps) => EnergyAlongDescent(start, a, eta, steps);

            public static float[] EnergyAlongDescentGradientOf(float[] start, float[] a, float eta, int steps, float[] dStart) =>
                new[] { EnergyAlongDescentWithGradient(start, a, eta, steps, dStart, out float dEta), dEta };

            public static float[] EnergyAlongDescentDerivativeOf(float[] start, float[] a, float eta, int steps, float[] dStart, float dEta)
            {
                var (value, derivative) = EnergyAlongDescentWithDerivative(start, a, eta, steps, dStart, dEta);
                return new[] { value, derivative };
            }

            public static float ScaledDescendOf(float[] start, float[] a, float b, float eta, int steps) => ScaledDescend(start, a, b, eta, steps);

            public static float[] ScaledDescendGradientOf(float[] start, float[] a, float b, float eta, int steps, float[] dStart) =>
                new[] { ScaledDescendWithGradient(start, a, b, eta, steps, dStart, out float dB, out float dEta), dB, dEta };

            public static float[] ScaledDescendDerivativeOf(float[] start, float[] a, float b, float eta, int steps, float[] dStart, float dB, float dEta)
            {
                var (value, derivative) = ScaledDescendWithDerivative(start, a, b, eta, steps, dStart, dB, dEta);
                return new[] { value, derivative };
            }
        }
        """;

    // One generator run and load for the class: every float model, the three exercised here and the rest, must compile.
    private static readonly Lazy<Type> Models = new(() =>
        GeneratorHarness.Run(FloatSource, ArrayEntryPoints).ShouldSucceed().Load().GetType("SymbolicDiff.Tests.Generator.Nested.FloatGradientOverSpansModels")!);

    private static readonly float[] Start = { 0.8f, -0.3f, 1.5f };
    private static readonly float[] A = { 1.0f, 2.5f, 0.4f };
    private static readonly float[] Direction = { 0.3f, -1.1f, 0.7f };

    private const double Tolerance = 5e-5;
    private const double FloatCentralTolerance = 2e-3;

    [Theory]
    [InlineData(0.1f, 1)]
    [InlineData(0.1f, 5)]
    [InlineData(0.3f, 12)]
    public void Float_descent_through_the_float_energys_gradient_has_the_closed_form_gradient(float eta, int steps)
    {
        // vᵢ ← (1 − η aᵢ) vᵢ, L = Σ vᵢ² after n steps: ∂L/∂startᵢ = 2 rᵢ²ⁿ startᵢ, ∂L/∂η = −2n Σ aᵢ rᵢ²ⁿ⁻¹ startᵢ².
        float[] dStart = new float[Start.Length];
        var (value, dEta) = Pair(Call<float[]>("DescendGradientOf", Start, A, eta, steps, dStart));

        double expectedValue = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - (double)eta * A[i];
            expectedValue += Math.Pow(r, 2 * steps) * Start[i] * Start[i];
            expectedDEta -= 2 * steps * A[i] * Math.Pow(r, 2 * steps - 1) * Start[i] * Start[i];
            AssertClose(2 * Math.Pow(r, 2 * steps) * Start[i], dStart[i], Tolerance, $"∂L/∂start[{i}]");
        }

        AssertClose(expectedValue, value, Tolerance, "L");
        AssertClose(expectedDEta, dEta, Tolerance, "∂L/∂η");

        // Central differences of the float method itself and of its double twin.
        AssertClose(FloatCentral(e => Call<float>("DescendOf", Start, A, e, steps), eta), dEta, FloatCentralTolerance, "∂L/∂η, float differences");
        AssertClose(Central(e => GradientOverSpansModels.Descend(Widen(Start), Widen(A), e, steps), eta), dEta, Tolerance, "∂L/∂η, double twin's differences");
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            AssertClose(FloatCentral(s => Call<float>("DescendOf", With(Start, index, s), A, eta, steps), Start[i]), dStart[i], FloatCentralTolerance, $"∂L/∂start[{i}], float differences");
            AssertClose(Central(s => GradientOverSpansModels.Descend(With(Widen(Start), index, s), Widen(A), eta, steps), Start[i]), dStart[i], Tolerance, $"∂L/∂start[{i}], double twin's differences");
        }

        // Forward mode along (dStart, dEta) = (u, w): the same gradient dotted with the direction.
        const float w = -0.4f;
        var (forwardValue, derivative) = Pair(Call<float[]>("DescendDerivativeOf", Start, A, eta, steps, Direction, w));
        AssertClose(value, forwardValue, 1e-6, "forward value");
        AssertClose(Dot(dStart, Direction) + (double)dEta * w, derivative, Tolerance, "forward derivative");
    }

    [Theory]
    [InlineData(0.1f, 1)]
    [InlineData(0.1f, 5)]
    [InlineData(0.3f, 12)]
    public void The_float_energy_summed_along_a_descent_reads_the_value_and_the_gradient_of_each_call(float eta, int steps)
    {
        // vₛ,ᵢ = rᵢˢ startᵢ, L = Σₛ Σᵢ ½ aᵢ rᵢ²ˢ startᵢ²: ∂L/∂startᵢ = Σₛ aᵢ rᵢ²ˢ startᵢ, ∂L/∂η = −Σₛ Σᵢ s aᵢ² rᵢ²ˢ⁻¹ startᵢ².
        float[] dStart = new float[Start.Length];
        var (value, dEta) = Pair(Call<float[]>("EnergyAlongDescentGradientOf", Start, A, eta, steps, dStart));

        double expectedValue = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - (double)eta * A[i], expectedDStart = 0;
            for (int s = 0; s < steps; s++)
            {
                expectedValue += 0.5 * A[i] * Math.Pow(r, 2 * s) * Start[i] * Start[i];
                expectedDStart += A[i] * Math.Pow(r, 2 * s) * Start[i];
                expectedDEta -= s * A[i] * A[i] * Math.Pow(r, 2 * s - 1) * Start[i] * Start[i];
            }

            AssertClose(expectedDStart, dStart[i], Tolerance, $"∂L/∂start[{i}]");
        }

        AssertClose(expectedValue, value, Tolerance, "L");
        AssertClose(expectedDEta, dEta, Tolerance, "∂L/∂η");
        AssertClose(FloatCentral(e => Call<float>("EnergyAlongDescentOf", Start, A, e, steps), eta), dEta, FloatCentralTolerance, "∂L/∂η, float differences");
        AssertClose(Central(e => GradientOverSpansModels.EnergyAlongDescent(Widen(Start), Widen(A), e, steps), eta), dEta, Tolerance, "∂L/∂η, double twin's differences");
        for (int i = 0; i < Start.Length; i++)
        {
            int index = i;
            AssertClose(FloatCentral(s => Call<float>("EnergyAlongDescentOf", With(Start, index, s), A, eta, steps), Start[i]), dStart[i], FloatCentralTolerance, $"∂L/∂start[{i}], float differences");
        }

        const float w = 0.9f;
        var (forwardValue, derivative) = Pair(Call<float[]>("EnergyAlongDescentDerivativeOf", Start, A, eta, steps, Direction, w));
        AssertClose(value, forwardValue, 1e-6, "forward value");
        AssertClose(Dot(dStart, Direction) + (double)dEta * w, derivative, Tolerance, "forward derivative");
    }

    [Theory]
    [InlineData(0.7f, 0.2f, 1)]
    [InlineData(1.3f, 0.1f, 7)]
    public void Float_descent_on_a_scaled_energy_passes_the_mixed_block_into_the_scale(float b, float eta, int steps)
    {
        // vᵢ ← (1 − η b aᵢ) vᵢ: ∂L/∂startᵢ = 2 rᵢ²ⁿ startᵢ, ∂L/∂b = −2n η Σ aᵢ rᵢ²ⁿ⁻¹ startᵢ², ∂L/∂η = −2n b Σ aᵢ rᵢ²ⁿ⁻¹ startᵢ².
        float[] dStart = new float[Start.Length];
        float[] result = Call<float[]>("ScaledDescendGradientOf", Start, A, b, eta, steps, dStart);
        float value = result[0], dB = result[1], dEta = result[2];

        double expectedValue = 0, expectedDB = 0, expectedDEta = 0;
        for (int i = 0; i < Start.Length; i++)
        {
            double r = 1 - (double)eta * b * A[i];
            expectedValue += Math.Pow(r, 2 * steps) * Start[i] * Start[i];
            expectedDB -= 2 * steps * Math.Pow(r, 2 * steps - 1) * eta * A[i] * Start[i] * Start[i];
            expectedDEta -= 2 * steps * Math.Pow(r, 2 * steps - 1) * b * A[i] * Start[i] * Start[i];
            AssertClose(2 * Math.Pow(r, 2 * steps) * Start[i], dStart[i], Tolerance, $"∂L/∂start[{i}]");
        }

        AssertClose(expectedValue, value, Tolerance, "L");
        AssertClose(expectedDB, dB, Tolerance, "∂L/∂b");
        AssertClose(expectedDEta, dEta, Tolerance, "∂L/∂η");
        AssertClose(FloatCentral(x => Call<float>("ScaledDescendOf", Start, A, x, eta, steps), b), dB, FloatCentralTolerance, "∂L/∂b, float differences");
        AssertClose(Central(x => GradientOverSpansModels.ScaledDescend(Widen(Start), Widen(A), x, eta, steps), b), dB, Tolerance, "∂L/∂b, double twin's differences");
        AssertClose(FloatCentral(e => Call<float>("ScaledDescendOf", Start, A, b, e, steps), eta), dEta, FloatCentralTolerance, "∂L/∂η, float differences");

        const float directionB = 0.6f, directionEta = -0.4f;
        var (forwardValue, derivative) = Pair(Call<float[]>("ScaledDescendDerivativeOf", Start, A, b, eta, steps, Direction, directionB, directionEta));
        AssertClose(value, forwardValue, 1e-6, "forward value");
        AssertClose(Dot(dStart, Direction) + (double)dB * directionB + (double)dEta * directionEta, derivative, Tolerance, "forward derivative");
    }

    [Fact]
    public void The_float_descents_sweeps_are_the_double_descents_written_in_float()
    {
        // The numbers are checked above. How the double twin's code reads is a snapshot (GradientOverSpansTests); the
        // float code must read the same, in float: no double anywhere, no literal without its f, and once float is read
        // as double and each literal as its number, the double twin's text line for line.
        string single = GeneratorHarness.Run(FloatSource).ShouldSucceed().Source("FloatGradientOverSpansModels.Descend.g.cs");
        string twin = GeneratorHarness.Run(DoubleSource).ShouldSucceed().Source("GradientOverSpansModels.Descend.g.cs");
        Assert.DoesNotContain("double", single, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<![\w.])\d+\.\d+(?![\d.f])", single);
        Assert.Contains("2f * v[i]", single, StringComparison.Ordinal);
        Assert.Equal(AsNumbers(twin).Split('\n'), AsNumbers(single.Replace("FloatGradientOverSpansModels", "GradientOverSpansModels", StringComparison.Ordinal)).Split('\n'));
    }

    /// <summary>The float model's array entry point <paramref name="name"/> (<see cref="ArrayEntryPoints"/>), called with <paramref name="arguments"/>.</summary>
    private static T Call<T>(string name, params object[] arguments)
    {
        try
        {
            return (T)Models.Value.GetMethod(name)!.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    private static (float First, float Second) Pair(float[] values) => (values[0], values[1]);

    /// <summary><c>float</c> read as <c>double</c>, <c>MathF</c> as <c>Math</c>, and <c>2f</c>, <c>2.0</c> and <c>2</c> all as 2.</summary>
    private static string AsNumbers(string code)
    {
        code = System.Text.RegularExpressions.Regex.Replace(code, @"\bfloat\b", "double");
        code = code.Replace("MathF.", "Math.", StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(code, @"(?<![\w.])(\d+(?:\.\d*[1-9])?)(?:\.0+)?f?(?![\w.])", "$1");
    }

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    private static double Dot(float[] x, float[] y) => x.Zip(y, (p, q) => (double)p * q).Sum();

    private static double[] Widen(float[] values) => values.Select(v => (double)v).ToArray();

    private static double Central(Func<double, double> f, double at)
    {
        double step = 1e-6 * Math.Max(1, Math.Abs(at));
        return (f(at + step) - f(at - step)) / (2 * step);
    }

    /// <summary>Central differences in float: a step of 1e-2 keeps rounding (6e-8 / 1e-2) near the O(h²) truncation.</summary>
    private static double FloatCentral(Func<float, float> f, float at)
    {
        float step = 1e-2f * Math.Max(1, Math.Abs(at));
        return ((double)f(at + step) - f(at - step)) / ((double)(at + step) - (at - step));
    }

    private static T[] With<T>(T[] values, int index, T value)
    {
        var copy = (T[])values.Clone();
        copy[index] = value;
        return copy;
    }
}
