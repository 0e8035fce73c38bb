using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Limits;

/// <summary>
/// Measures what the size table of docs/performance.md reports: for each shape of method at n, 2n and 4n, the generator's time
/// (Roslyn binding the input included, the best of three warm runs), what it allocates on its thread, and the size of
/// the generated file. A measurement, not a check: it runs only with SYMBOLICDIFF_MEASURE_SIZES=1
/// (<c>SYMBOLICDIFF_MEASURE_SIZES=1 dotnet test --filter SizeTableMeasurement --logger "console;verbosity=detailed"</c>)
/// and prints the table; the growth facts themselves are asserted by <see cref="SizeLimitTests"/>.
/// </summary>
public class SizeTableMeasurement
{
    private readonly ITestOutputHelper _output;

    public SizeTableMeasurement(ITestOutputHelper output) => _output = output;

    private static string Method(string body) =>
        "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n" +
        body + "    }\n}\n";

    private static string VectorMethod(string body) =>
        "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double[] v, double y)\n    {\n" +
        body + "    }\n}\n";

    /// <summary><paramref name="depth"/> nested <c>if</c>s, each with an assignment of its own before the next.</summary>
    private static string NestedBranches(int depth)
    {
        var body = new StringBuilder("        double s = y;\n");
        for (int k = 1; k <= depth; k++)
        {
            body.Append(' ', 4 + 4 * k).Append($"if (x > {K(k)})\n").Append(' ', 4 + 4 * k).Append("{\n");
            body.Append(' ', 8 + 4 * k).Append($"s = s * x + {K(k)};\n");
        }

        for (int k = depth; k >= 1; k--)
        {
            body.Append(' ', 4 + 4 * k).Append("}\n");
        }

        return Method(body.Append("        return s;\n").ToString());
    }

    /// <summary>Five loops nested in each other, the innermost holding <paramref name="statements"/> statements, half of them overwriting a local the backward sweep reads.</summary>
    private static string LoopNest(int statements)
    {
        var body = new StringBuilder("        double s = 0;\n");
        string[] counters = { "a", "b", "c", "d", "e" };
        for (int level = 0; level < counters.Length; level++)
        {
            body.Append(' ', 8 + 4 * level).Append($"for (int {counters[level]} = 0; {counters[level]} < v.Length; {counters[level]}++)\n").Append(' ', 8 + 4 * level).Append("{\n");
        }

        string indent = new(' ', 8 + 4 * counters.Length);
        body.Append(indent).Append("double t = v[a] * v[e];\n");
        for (int k = 1; k <= statements; k++)
        {
            body.Append(indent).Append(k % 2 == 0 ? $"s += t * v[{counters[k % 5]}] * {K(k)};\n" : $"t = Math.Sin(t) * {K(k)} + v[{counters[k % 5]}];\n");
        }

        for (int level = counters.Length - 1; level >= 0; level--)
        {
            body.Append(' ', 8 + 4 * level).Append("}\n");
        }

        return VectorMethod(body.Append("        return s * y;\n").ToString());
    }

    private static string K(int k) => (1 + k * 0.001).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The shapes of the issues: early returns, else-if chains, long sums, long products, nested parentheses, a 2,000-term sum, nested branches, a 5-deep loop nest.</summary>
    private static readonly (string Shape, int N, Func<int, string> Source)[] Shapes =
    {
        ("`if (x > k) return x * y * k;` in a row", 100, n =>
            Method(string.Concat(Enumerable.Range(1, n).Select(k => $"        if (x > {K(k)}) return x * y * {K(k)};\n")) + "        return y;\n")),
        ("else-if chain `else if (x > k) s = x * y * k;`", 40, n =>
            Method("        double s = 0;\n        " + string.Join("\n        else ", Enumerable.Range(1, n).Select(k => $"if (x > {K(k)}) s = x * y * {K(k)};")) +
                   "\n        else s = y;\n        return s;\n")),
        ("a sum `x * k + y * k + ...` in one expression", 48, n =>
            Method("        return " + string.Join(" + ", Enumerable.Range(1, n).Select(k => (k % 2 == 0 ? "x * " : "y * ") + K(k))) + ";\n")),
        ("a sum in locals of 50 terms (`double t2 = t1 + x * k + ...`)", 1250, n =>
            Method(string.Concat(Enumerable.Range(0, n / 50).Select(t =>
                $"        double t{t + 1} = {(t == 0 ? "0" : "t" + t)} + " + string.Join(" + ", Enumerable.Range(1, 50).Select(k => (k % 2 == 0 ? "x * " : "y * ") + K(k))) + ";\n")) +
                $"        return t{n / 50};\n")),
        ("a product `x * y * x * ...`", 48, n =>
            Method("        return " + string.Join(" * ", Enumerable.Range(0, n).Select(k => k % 2 == 0 ? "x" : "y")) + ";\n")),
        ("nested parentheses `(((...(x * y)...)))`", 48, n =>
            Method("        return " + new string('(', n) + "x * y" + new string(')', n) + ";\n")),
        ("a 2,000-term sum in locals of 50 terms", 500, n =>
            Method(string.Concat(Enumerable.Range(0, n / 50).Select(t =>
                $"        double t{t + 1} = {(t == 0 ? "0" : "t" + t)} + " + string.Join(" + ", Enumerable.Range(1, 50).Select(k => (k % 2 == 0 ? "x * " : "y * ") + K(k))) + ";\n")) +
                $"        return t{n / 50};\n")),
        ("nested branches `if (x > k) { s = s * x + k; if (...) { ... } }`", 50, NestedBranches),
        ("a 5-deep loop nest, n statements in the innermost body", 25, LoopNest),
    };

    [Fact]
    public void Measure_the_README_size_table()
    {
        if (Environment.GetEnvironmentVariable("SYMBOLICDIFF_MEASURE_SIZES") != "1")
        {
            _output.WriteLine("set SYMBOLICDIFF_MEASURE_SIZES=1 to measure");
            return;
        }

        var table = new StringBuilder("| shape | n | time | allocated | generated |\n|---|---|---|---|---|\n");
        foreach (var (shape, n, source) in Shapes)
        {
            var cells = new[] { n, 2 * n, 4 * n }.Select(size => Measure(source(size))).ToList();
            table.Append($"| {shape} | {n:N0} / {2 * n:N0} / {4 * n:N0} | " +
                         string.Join(" / ", cells.Select(c => c.Seconds.ToString("0.00", CultureInfo.InvariantCulture))) + " s | " +
                         string.Join(" / ", cells.Select(c => (c.Allocated / 1e6).ToString("0.0", CultureInfo.InvariantCulture))) + " MB | " +
                         string.Join(" / ", cells.Select(c => c.Diagnostic ?? (c.Generated / 1e3).ToString("0", CultureInfo.InvariantCulture) + " KB")) + " |\n");
        }

        _output.WriteLine(table.ToString());
    }

    private static (double Seconds, long Allocated, int Generated, string? Diagnostic) Measure(string source)
    {
        double best = double.MaxValue;
        long allocated = 0;
        int generated = 0;
        string? diagnostic = null;
        for (int run = 0; run < 4; run++)
        {
            // A fresh compilation each time, so that Roslyn binds the input again, as in a build.
            var input = GeneratorHarness.Compile(source);
            var driver = GeneratorHarness.CreateDriver();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var stopwatch = Stopwatch.StartNew();
            driver = driver.RunGenerators(input);
            double seconds = stopwatch.Elapsed.TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var result = driver.GetRunResult();
            Assert.All(result.Results, r => Assert.Null(r.Exception));
            diagnostic = result.Diagnostics.FirstOrDefault()?.Id;
            generated = result.Results.Single().GeneratedSources.Sum(g => g.SourceText.Length);
            if (run > 0)
            {
                best = Math.Min(best, seconds);
            }
        }

        return (best, allocated, generated, diagnostic);
    }
}
