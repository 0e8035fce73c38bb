using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// The generator must never throw: an exception only yields warning CS8785 and silently drops all generated
/// code. These tests feed it every construct it does not support, half-typed code and random token soup, and
/// check after every run that it neither threw (no CS8785, no exception in the run result) nor fell back on
/// its internal-error diagnostic SD9999, and that the outcome is one of: working generated code, an SD
/// diagnostic, or a compile error in the input.
/// </summary>
public class RobustnessTests
{
    private readonly ITestOutputHelper _output;

    public RobustnessTests(ITestOutputHelper output) => _output = output;

    // ----- Running and judging one input -----------------------------------------------------------------

    /// <summary>What one generator run produced.</summary>
    private sealed record Outcome(
        IReadOnlyList<Diagnostic> Sd,
        IReadOnlyList<Diagnostic> InputErrors,
        IReadOnlyList<Diagnostic> GeneratedCodeProblems,
        int GeneratedFiles,
        bool CompilerThrew = false)
    {
        public string SdIds => string.Join(" ", Sd.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));

        public string Describe() =>
            $"SD: [{string.Join("; ", Sd.Select(d => d.ToString()))}]\n" +
            $"input errors: [{string.Join("; ", InputErrors.Take(5).Select(d => d.ToString()))}]\n" +
            $"errors and warnings in generated code: [{string.Join("; ", GeneratedCodeProblems.Take(5).Select(d => d.ToString()))}]\n" +
            $"generated files: {GeneratedFiles}";
    }

    /// <summary>
    /// Runs the generator on <paramref name="source"/>. Returns null and the outcome when the run is
    /// acceptable, or a description of what is wrong.
    /// </summary>
    private static string? Judge(string source, out Outcome? outcome)
    {
        outcome = null;
        GeneratorRun run;
        try
        {
            run = GeneratorHarness.Run(source);
        }
        catch (Exception exception)
        {
            return "running the generator threw " + exception;
        }

        var thrown = run.RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        if (thrown.Count > 0)
        {
            return "the generator threw: " + string.Join("\n", thrown);
        }

        var notSd = run.GeneratorDiagnostics.Where(d => !d.Id.StartsWith("SD", StringComparison.Ordinal) || d.Id == "SD9999").ToList();
        if (notSd.Count > 0)
        {
            // CS8785 (an exception), SD9999 (the internal-error fallback), or anything else unexpected.
            return "the generator reported: " + string.Join("\n", notSd);
        }

        var inputTrees = run.Input.SyntaxTrees.ToHashSet();
        List<Diagnostic> problems;
        try
        {
            problems = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        }
        catch (Exception) when (run.Input.SyntaxTrees.Any(tree => tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)))
        {
            // The compiler itself (Roslyn 4.8) throws while binding some soups with syntax errors; the
            // generator stayed silent on them, which is all that is asked of it there.
            outcome = new Outcome(run.GeneratorDiagnostics.ToList(), Array.Empty<Diagnostic>(), Array.Empty<Diagnostic>(), run.GradientSources.Count, CompilerThrew: true);
            return run.GeneratorDiagnostics.IsEmpty && run.GeneratedSources.Count == 0
                ? null
                : "the compiler throws on this input, yet the generator reported or generated something:\n" + outcome.Describe();
        }

        // Generated code must compile without a warning too: users build with TreatWarningsAsErrors.
        var generatedCodeProblems = problems.Where(d => d.Location.SourceTree is { } tree && !inputTrees.Contains(tree)).ToList();
        var errors = problems.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var inputErrors = errors.Except(generatedCodeProblems).ToList();
        var sd = run.GeneratorDiagnostics.ToList();
        outcome = new Outcome(sd, inputErrors, generatedCodeProblems, run.GradientSources.Count);

        if (generatedCodeProblems.Count > 0 && !inputErrors.Any(d => !d.IsWarningAsError))
        {
            return "the generated code does not compile (or warns) although the input compiles:\n" + outcome.Describe();
        }

        if (sd.Count > 0 && run.GeneratedSources.Count > 0)
        {
            return "code was generated for a method with an error:\n" + outcome.Describe();
        }

        bool working = run.GeneratedSources.Count > 0 && errors.Count == 0 && generatedCodeProblems.Count == 0;
        bool hasDifferentiableMethod = source.Contains("[Differentiable", StringComparison.Ordinal);
        if (!working && sd.Count == 0 && inputErrors.Count == 0 && hasDifferentiableMethod)
        {
            return "the input compiles, yet the generator neither generated working code nor reported a diagnostic:\n" + outcome.Describe();
        }

        return null;
    }

    /// <summary>
    /// Generator bugs that random inputs run into, each with a skipped test of its own while it lasts. A random input
    /// that fails only because of one of them is counted and printed, not failed, so that the random tests
    /// keep finding new problems meanwhile. Remove an entry once its bug is fixed.
    /// </summary>
    private static readonly (string Bug, Func<string, string, bool> Matches)[] KnownBugs =
    {
        // Empty: the three bugs these tests found (SD9999 for [Differentiable(null)] and for an unbound
        // [Derivative], an undeclared adjoint when partials cancel) are fixed and have tests of their own.
    };

    /// <summary>Judges every source; fails with the first few problems (and how many there were).</summary>
    /// <param name="what">What the sources are, for messages.</param>
    /// <param name="sources">The inputs.</param>
    /// <param name="requireWorkingCode">Whether each input must get working generated code (it uses only supported constructs).</param>
    private void JudgeAll(string what, IReadOnlyList<string> sources, bool requireWorkingCode = false)
    {
        var stopwatch = Stopwatch.StartNew();
        var failures = new List<(string Source, string Problem)>();
        var knownBugs = new Dictionary<string, int>();
        var sdIds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int withSd = 0, working = 0, withCompileErrors = 0, compilerThrew = 0;
        foreach (string source in sources)
        {
            string? problem = Judge(source, out var outcome);
            if (problem is null && requireWorkingCode &&
                (outcome is not { Sd.Count: 0, GeneratedCodeProblems.Count: 0, GeneratedFiles: 1 } || outcome.InputErrors.Any(d => !d.IsWarningAsError)))
            {
                problem = "a method made only of supported constructs did not get working code:\n" + outcome?.Describe();
            }

            string? knownBug = problem is null ? null : KnownBugs.FirstOrDefault(known => known.Matches(source, problem)).Bug;
            if (knownBug is not null)
            {
                knownBugs[knownBug] = knownBugs.GetValueOrDefault(knownBug) + 1;
            }
            else if (problem is not null)
            {
                failures.Add((source, problem));
            }
            else if (outcome!.CompilerThrew)
            {
                compilerThrew++;
            }
            else if (outcome.Sd.Count > 0)
            {
                withSd++;
                foreach (string id in outcome.Sd.Select(d => d.Id).Distinct())
                {
                    sdIds[id] = sdIds.GetValueOrDefault(id) + 1;
                }
            }
            else if (outcome.InputErrors.Count > 0)
            {
                withCompileErrors++;
            }
            else
            {
                working++;
            }
        }

        _output.WriteLine(
            $"{what}: {sources.Count} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s: {withSd} with SD diagnostics, " +
            $"{withCompileErrors} with only compile errors, {working} generated working code, {failures.Count} failures" +
            (compilerThrew > 0 ? $", {compilerThrew} on which the compiler itself threw (generator silent)" : string.Empty));
        if (sdIds.Count > 0)
        {
            _output.WriteLine("  SD diagnostics seen (inputs reporting each): " + string.Join(", ", sdIds.Select(pair => $"{pair.Key} x {pair.Value}")));
        }

        foreach (var (bug, count) in knownBugs)
        {
            _output.WriteLine($"  known generator bug hit {count} times: {bug}");
        }

        var kinds = failures.GroupBy(f => Regex.Replace(f.Problem.Split('\n')[0], @"Input0\.cs\(\d+,\d+\)", "Input0.cs"));
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} of {sources.Count} {what} cases failed, in {kinds.Count()} ways:\n" +
            string.Join("\n", kinds.Select(kind => $"  {kind.Count()} x {kind.Key}")) +
            "\n\nthe first ones:\n\n" +
            string.Join("\n\n-----\n\n", failures.Take(5).Select(f => f.Problem + "\n--- source:\n" + f.Source)));
    }

    // ----- (a) Every unsupported construct ---------------------------------------------------------------

    /// <summary>A [Differentiable] method with <paramref name="body"/>, next to a few members the bodies use.</summary>
    private static string InMethod(string body) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using SymbolicDiff;

        public static partial class C
        {
            public static double Field = 1.0;

            public static double Helper(double v) => v;

            public static T Id<T>(T value) => value;

            [Differentiable(nameof(x), nameof(y))]
            public static double F(double x, double y, int n, double[] a)
            {
        {{body}}
            }
        }
        """;

    /// <summary>
    /// Bodies using constructs the generator does not support (and a few it does). The expected outcome is
    /// "ok" (working generated code), "error" (the input itself does not compile), or the set of SD IDs.
    /// </summary>
    public static TheoryData<string, string, string> Constructs => new()
    {
        { "goto and label", "goto done; done: return x;", "SD0004" },
        { "unreferenced label", "start: x = 2 * x; return x;", "SD0004" },
        { "lock", "lock (a) { x = 2 * x; } return x;", "SD0004" },
        { "using statement", "using (var s = new System.IO.MemoryStream()) { } return x;", "SD0004" },
        { "using declaration", "using var s = new System.IO.MemoryStream(); return x;", "SD0004" },
        { "checked block", "checked { x = 2 * x; } return x;", "ok" },
        { "unchecked expression", "return unchecked(x * y);", "ok" },
        { "checked int arithmetic", "return x * checked(n * 2);", "ok" },
        { "stackalloc", "Span<double> s = stackalloc double[2]; return x;", "ok" },
        { "stackalloc in an expression", "return x * stackalloc double[] { 1, 2 }[0];", "SD0005" },
        { "tuple", "var t = (x, y); return t.Item1;", "SD0005 SD0015" },
        { "deconstruction declaration", "(int p, double q) = (1, y); return p * q;", "SD0004" },
        { "var deconstruction", "var (p, q) = (x, 1); return p * q;", "SD0004" },
        { "deconstruction assignment", "double[] h = new double[2]; (h[0], h[1]) = (x, y); return h[0] * h[1];", "SD0004" },
        { "string interpolation", "string s = $\"{x}\"; return x;", "SD0015" },
        { "interpolated string parsed", "return double.Parse($\"{x}\");", "SD0006" },
        { "nameof", "string s = nameof(x); return x;", "SD0015" },
        { "nameof in an expression", "return nameof(x).Length * x;", "SD0005" },
        { "typeof", "Type t = typeof(double); return x;", "SD0015" },
        { "typeof in an expression", "return typeof(double).Name.Length * x;", "SD0005" },
        { "sizeof", "return x * sizeof(double);", "ok" },
        { "default literal", "double d = default; return x + d;", "ok" },
        { "default(double)", "return x + default(double);", "ok" },
        { "new object", "object o = new object(); return x;", "SD0015" },
        { "new struct", "return new DateTime(2000, 1, 1).Day * x;", "SD0005" },
        { "is type", "bool b = x is double; return x;", "SD0005" },
        { "as", "object o = x; string? s = o as string; return x;", "SD0015" },
        { "null-coalescing", "double? m = null; return m ?? x;", "SD0005 SD0015" },
        { "is NaN pattern", "return x is double.NaN ? x : y;", "SD0005" },
        { "is not null", "return a is not null ? x : y;", "SD0005" },
        { "is pattern with declaration", "if (a[0] is double d) { return d; } return x;", "SD0005" },
        { "switch expression", "return n switch { 0 => x, _ => y };", "ok" },
        { "lambda", "Func<double, double> f = v => v * v; return f(x);", "SD0006 SD0015" },
        { "invoked lambda", "return ((Func<double, double>)(v => v * v))(x);", "SD0006" },
        { "method group", "Func<double, double> f = Math.Exp; return f(x);", "SD0006 SD0015" },
        { "local function", "double Sq(double v) => v * v; return Sq(x);", "ok" },
        { "static local function", "static double Sq(double v) => v * v; return Sq(x);", "ok" },
        { "local function after the return", "return Sq(x); static double Sq(double v) => v * v;", "ok" },
        { "local function with a branch", "double Sq(double v) { if (v > 0) return v * v; return 0; } return Sq(x);", "SD0005" },
        { "local function of an int", "double Pow(double v, int k) => k > 1 ? v * v : v; return Pow(x, 2);", "SD0005" },
        { "throw expression", "double z = n > 0 ? x : throw new ArgumentException(); return z;", "ok" },
        { "throw expression in an int ?:", "int m = n > 0 ? n : throw new ArgumentException(); return x * m;", "SD0005" },
        { "throw reading a real local", "double z = x * 2; if (z > 1) throw new ArgumentException(\"z is \" + z); return z;", "SD0004" },
        { "throw statement", "throw new InvalidOperationException();", "SD0004" },
        { "ref readonly local", "ref readonly double r = ref x; return r * y;", "SD0015" },
        { "ref to an array element", "ref double r = ref a[0]; r = x; return a[0] * y;", "ok" }, // as a[0] = x; is: a becomes an output
        { "ref readonly to an array element", "ref readonly double r = ref a[0]; return r * y + x;", "ok" },
        { "out var", "double.TryParse(\"1\", out var v); return v * x;", "SD0004" },
        { "out var in a declaration", "bool ok = double.TryParse(\"1\", out double v); return v * x;", "SD0005" },
        { "compound %=", "x %= 2; return x;", "SD0005" },
        { "compound += on an int", "n += 2; return x;", "ok" },
        { "postfix increment as a value", "double z = x++; return z;", "SD0005" },
        { "prefix decrement statement", "--x; return x * y;", "ok" },
        { "assignment as a value", "double z = (x = 2 * x); return z;", "SD0005" },
        { "chained assignment", "double p, q; p = q = x; return p * q;", "SD0005" },
        { "discard", "_ = x * y; return x;", "SD0004" },
        { "constant bitwise int arithmetic", "return x * (6 & 3) + (1 << 4);", "ok" },
        { "shift of an int parameter", "return x * (n << 1);", "ok" },
        { "bit operations on an int", "int m = (n & 3) | ~n ^ n >> 1; return x * m;", "ok" },
        { "integer ?:", "int s = x > 0 ? 1 : -1; return x * s;", "ok" },
        { "& and | of bools", "return x > 0 & y > 0 | n > 2 ? x : y;", "ok" },
        { "^ of bools", "return x > 0 ^ y > 0 ? x : y;", "SD0005" },
        { "logical not", "bool b = !(x > 0); return x;", "ok" },
        { "property", "return x * DateTime.Now.Second;", "SD0005" },
        { "array length", "return x * a.Length;", "ok" },
        { "range", "return a[1..].Length * x;", "SD0005" },
        { "array initializer", "double[] b = { x, y }; return b[0];", "ok" },
        { "collection expression", "double[] b = [x, y]; return b[0] * b[1];", "ok" },
        { "collection expression with a spread", "double[] b = [.. a]; return b[0] * x;", "SD0004" },
        { "span over an array", "Span<double> s = a; return s[0];", "SD0004" },
        { "anonymous type", "var o = new { X = x }; return o.X;", "SD0005 SD0015" },
        { "conditional access", "string? s = null; return x + (s?.Length ?? 0);", "SD0005 SD0015" },
        { "null-forgiving operator", "object? o = null; return x + o!.GetHashCode();", "SD0006 SD0015" },
        { "query expression", "var q = from v in a select v * x; return q.Sum();", "SD0005 SD0015" },
        { "generic call", "return Id(x);", "SD0006" },
        { "instance method of double", "return x.CompareTo(y);", "SD0006" },
        { "Math.BitIncrement", "return Math.BitIncrement(x) * y;", "SD0006" },
        { "Math.Round (derivative 0)", "return Math.Round(x) + y;", "ok" },
        { "call without derivative", "return Helper(x);", "SD0006" },
        { "call as a statement", "Helper(x); return x;", "SD0004" },
        { "recursion through ?:", "return n > 0 ? F(x, y, n - 1, a) : x;", "SD0018" },
        { "field read", "return x * Field;", "ok" },
        { "field write", "Field = x; return x;", "SD0004" },
        { "cast through float", "return (double)(float)x;", "SD0005" },
        { "cast to int", "return (int)x * y;", "ok" },
        { "checked cast to int", "return checked((int)x) * y;", "SD0005" },
        { "long local", "long l = 3; return x * l;", "ok" },
        { "decimal local", "decimal m = 1m; return x;", "SD0015" },
        { "char constant", "return x * 'a';", "ok" },
        { "string concatenation", "string s = \"a\" + x; return x;", "SD0015" },
        { "__makeref", "TypedReference r = __makeref(x); return x;", "SD0015" },
        { "if/else", "if (x > y) { x = y; } else { y = x; } return x * y;", "ok" },
        { "switch with goto case", "switch (n) { case 0: goto case 1; case 1: x = 2 * x; break; } return x;", "SD0004" },
        { "try/catch/finally", "try { x = x * x; } catch (Exception) { x = 0; } finally { y = 1; } return x * y;", "SD0004" },
        { "foreach", "foreach (var v in a) { x = x * v; } return x;", "ok" },
        { "while", "while (x < 10) x = 2 * x; return x;", "ok" },
        { "do/while", "do { x = 2 * x; } while (x < 10); return x;", "ok" },
        { "while over a vector function's value", "while (Vectors.Dot(a, a) * x < 10) x = 2 * x; return x;", "ok" },
        { "return before the end", "return x; y = 2;", "ok" },
        // Found by fuzzing: unreachable code made reachable under a guard read v before its assignment (CS0165).
        { "a local reading itself after a return", "x = y + x; return 0; double v = v * 1.5; return y;", "ok" },
        // Found by fuzzing: Roslyn throws binding it (an input error, CS0131); that was SD9999 on top of the error.
        { "assignment to a switch expression", "(true switch { > 0 => x, _ => y }) = y; return x;", "error" },
        // Found by the full run after forward mode: both were copied into MWithDerivative (CS1717, CS0219).
        { "self-assignment", "y = y; return x * y;", "ok" },
        { "an integer only a dead statement reads", "long q = 5; y /= q; return x;", "ok" },
        { "unsafe code", "unsafe { double* p = &x; return *p; }", "error" },
        { "dynamic", "dynamic d = x; return d * y;", "SD0005 SD0015" },
        { "await outside async", "await System.Threading.Tasks.Task.Delay(1); return x;", "error" },
        { "yield in a double method", "yield return x;", "error" },
        { "preprocessor directives", "#if DEBUG\n        x = 2 * x;\n#endif\n        return x;", "ok" },
        { "pragma", "#pragma warning disable CS0219\n        int unused = 1;\n        return x;", "ok" },
        { "empty statement", "; return x;", "ok" },
        { "nested block", "{ double z = 2 * x; y = z * y; } return y;", "ok" },
        { "const locals", "const double k = 2.5; const int m = 3; return k * x + m;", "ok" },
        { "late definition", "double z; z = x * y; return z;", "ok" },
        { "multiple declarators", "double p = x, q = y * p; return p + q;", "ok" },
        { "compound assignments", "double z = x; z += y; z -= 1; z *= x; z /= 2; z++; z--; return z;", "ok" },
        { "int parameter in arithmetic", "return x * n + y / n;", "ok" },
        { "named arguments", "return Math.Pow(y: 2, x: x);", "ok" },
        { "default argument value", "return Math.Pow(x, default);", "ok" },
        { "nested Math calls", "return Math.Sqrt(Math.Exp(x) + Math.Log(y * y + 1)) * Math.Tanh(x);", "ok" },
        { "Math constants", "return Math.PI * x + Math.E;", "ok" },
        { "non-finite constants", "return x * double.NaN + double.PositiveInfinity / y + double.Epsilon * x - double.MaxValue;", "ok" },
        { "unary plus and minus", "return +x * -y - -x;", "ok" },
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void Unsupported_constructs_are_reported_never_crash(string construct, string body, string expected)
    {
        string source = InMethod(body);
        string? problem = Judge(source, out var outcome);
        Assert.True(problem is null, $"{construct}: {problem}");

        switch (expected)
        {
            case "ok":
                Assert.True(
                    outcome!.Sd.Count == 0 && outcome.GeneratedFiles == 1 && outcome.InputErrors.Count == 0,
                    $"{construct}: expected working generated code\n{outcome.Describe()}");
                break;
            case "error":
                Assert.True(outcome!.InputErrors.Count > 0, $"{construct}: expected a compile error in the input\n{outcome.Describe()}");
                break;
            default:
                Assert.True(
                    outcome!.SdIds == expected && outcome.GeneratedFiles == 0,
                    $"{construct}: expected {expected}\n{outcome.Describe()}");
                // An SD diagnostic is about valid code: the input itself must compile (warnings aside).
                Assert.DoesNotContain(outcome.InputErrors, d => !d.IsWarningAsError);
                break;
        }
    }

    [Fact]
    public void Construct_table_covers_at_least_forty_unsupported_constructs()
    {
        Assert.True(Constructs.Count(row => (string)row[2] != "ok") >= 40);
    }

    // ----- (b) Half-typed code ---------------------------------------------------------------------------

    private const string ValidSource = """
        using System;
        using SymbolicDiff;

        namespace Demo;

        public static partial class Neuron
        {
            [Derivative(nameof(SoftplusDerivative))]
            public static double Softplus(double z) => Math.Log(1 + Math.Exp(z));

            public static double SoftplusDerivative(double z) => Activations.Sigmoid(z);

            [Differentiable(nameof(w), nameof(b))]
            public static double Loss(double x, double w, double b, double y)
            {
                const double scale = 0.5;
                double z = x * w + b;
                z *= 1.5;
                z++;
                double a = Softplus(z) + Math.Pow(z, 2) / Math.Sqrt(1 + w * w);
                return scale * Losses.MeanSquaredError(a, y);
            }
        }
        """;

    [Fact]
    public void The_half_typed_source_is_valid_when_complete()
    {
        GeneratorHarness.Run(ValidSource).ShouldSucceed();
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Every_prefix_of_a_valid_method_never_crashes()
    {
        var sources = Enumerable.Range(0, ValidSource.Length + 1).Select(length => ValidSource.Substring(0, length)).ToList();
        JudgeAll("prefixes", sources);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Typing_the_method_inside_its_class_never_crashes()
    {
        // As in an IDE: the rest of the file is there, and the method is typed one character at a time.
        int start = ValidSource.IndexOf("    [Differentiable(", StringComparison.Ordinal);
        int end = ValidSource.LastIndexOf('}', ValidSource.Length - 2) + 1; // just after the method's closing brace
        Assert.True(start > 0 && end > start);
        string before = ValidSource.Substring(0, start);
        string after = ValidSource.Substring(end);
        var sources = Enumerable.Range(0, end - start + 1)
            .Select(length => before + ValidSource.Substring(start, length) + after)
            .ToList();
        JudgeAll("typed method", sources);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Random_single_character_edits_never_crash()
    {
        const string alphabet = "abcxyzwAZ_019.,;:(){}[]<>=+-*/%!&|^~?@$#\"' \n\t\\";
        var random = new Random(20240611);
        var sources = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            int position = random.Next(ValidSource.Length);
            sources.Add(ValidSource.Remove(position, 1));
        }

        for (int i = 0; i < 400; i++)
        {
            int position = random.Next(ValidSource.Length + 1);
            sources.Add(ValidSource.Insert(position, alphabet[random.Next(alphabet.Length)].ToString()));
        }

        for (int i = 0; i < 200; i++)
        {
            int position = random.Next(ValidSource.Length);
            sources.Add(ValidSource.Remove(position, 1).Insert(position, alphabet[random.Next(alphabet.Length)].ToString()));
        }

        JudgeAll("single-character edits", sources);
    }

    // ----- (c) Token soup --------------------------------------------------------------------------------

    private static readonly string[] Tokens =
    {
        // identifiers, including the method's own parameters and well-known names
        "x", "y", "z", "w", "b", "n", "value", "F", "Math", "Exp", "Pow", "Log", "Max", "Activations", "Sigmoid",
        "Losses", "MeanSquaredError", "Differentiable", "Derivative", "nameof", "var", "_", "@double",
        // literals
        "0", "1", "2.5", "1e308", "0x1F", "1_000", "2f", "3m", "10L", "\"s\"", "'c'", "$\"{x}\"", "true", "false", "null", "default",
        // operators and punctuation
        "+", "-", "*", "/", "%", "=", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "!", "~", "^", "&", "|", "??", "?", ":",
        "=>", "++", "--", "+=", "-=", "*=", "/=", "%=", "??=", ".", ",", ";", "..", "::", "->",
        "(", ")", "(", ")", "{", "}", "[", "]", ";", ";",
        // keywords
        "double", "int", "float", "bool", "object", "return", "if", "else", "for", "foreach", "in", "while", "do",
        "switch", "case", "new", "ref", "out", "is", "as", "not", "and", "or", "typeof", "sizeof", "checked",
        "unchecked", "throw", "try", "catch", "finally", "goto", "break", "continue", "lock", "using", "static", "const",
        "stackalloc", "this", "base", "await", "yield", "fixed", "unsafe", "delegate", "async", "with", "when", "params",
        "readonly", "scoped", "where", "select", "from", "class", "struct", "partial", "void", "operator", "implicit",
    };

    // 3,000 soups per unit: 18,000 in all, about 50 s on a 2-core machine (a generator run on a tiny
    // compilation costs ~2.7 ms), which with the other robustness inputs makes over 20,000 per run.
    private const int SoupScale = 6;

    private static string Soup(Random random, int maxTokens)
    {
        var builder = new StringBuilder();
        int count = 1 + random.Next(maxTokens);
        for (int i = 0; i < count; i++)
        {
            builder.Append(Tokens[random.Next(Tokens.Length)]);
            builder.Append(random.Next(6) == 0 ? "\n" : " ");
        }

        return builder.ToString();
    }

    private static string SoupSource(string attributeArguments, string parameters, string body) => $$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
            [Differentiable{{attributeArguments}}]
            public static double F({{parameters}})
            {{body}}
        }
        """;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Token_soup_never_crashes()
    {
        var random = new Random(1729);
        var sources = new List<string>();
        for (int i = 0; i < 1500 * SoupScale; i++)
        {
            sources.Add(SoupSource("", "double x, double y, int n", "{\n" + Soup(random, 24) + "\n}"));
        }

        for (int i = 0; i < 500 * SoupScale; i++)
        {
            // Half of them end in a return, so that more of them get past the first statement.
            sources.Add(SoupSource("", "double x, double y, int n", "{\n" + Soup(random, 12) + "\nreturn " + Soup(random, 8) + ";\n}"));
        }

        for (int i = 0; i < 400 * SoupScale; i++)
        {
            sources.Add(SoupSource("", "double x, double y, int n", "=> " + Soup(random, 12) + ";"));
        }

        for (int i = 0; i < 300 * SoupScale; i++)
        {
            sources.Add(SoupSource("", Soup(random, 8), "=> x * y;"));
        }

        for (int i = 0; i < 300 * SoupScale; i++)
        {
            sources.Add(SoupSource("(" + Soup(random, 6) + ")", "double x, double y", "=> x * y;"));
        }

        JudgeAll("token soup", sources);
    }

    // ----- (d) Random supported methods ------------------------------------------------------------------

    private static readonly string[] UnaryFunctions =
    {
        "Math.Exp", "Math.Log", "Math.Sqrt", "Math.Sin", "Math.Cos", "Math.Tan", "Math.Tanh", "Math.Abs",
        "Activations.Sigmoid", "Softplus", "Cube",
    };

    private static string RandomExpression(Random random, int depth, IReadOnlyList<string> variables)
    {
        if (depth == 0 || random.Next(5) == 0)
        {
            return random.Next(4) switch
            {
                // Integer operands would make int arithmetic (SD0005): the int parameter is read through a cast.
                0 => new[] { "2.0", "0.5", "1e-3", "3.0", "Math.PI", "-1.0", "k", "(double)n" }[random.Next(8)],
                _ => variables[random.Next(variables.Count)],
            };
        }

        string Sub() => RandomExpression(random, depth - 1, variables);
        return random.Next(9) switch
        {
            0 => $"({Sub()} + {Sub()})",
            1 => $"({Sub()} - {Sub()})",
            2 => $"{Sub()} * {Sub()}",
            3 => $"({Sub()} / {Sub()})",
            4 => $"-({Sub()})",
            5 => $"Math.Pow({Sub()}, {(random.Next(2) == 0 ? "2" : Sub())})",
            6 => $"Losses.MeanSquaredError({Sub()}, {Sub()})",
            7 => $"Scale({Sub()}, 4.0)",
            _ => $"{UnaryFunctions[random.Next(UnaryFunctions.Length)]}({Sub()})",
        };
    }

    private static string RandomMethod(Random random)
    {
        var variables = new List<string> { "x", "y", "x" };
        var body = new StringBuilder();
        int statements = random.Next(6);
        for (int i = 0; i < statements; i++)
        {
            string expression = RandomExpression(random, 3, variables);
            switch (random.Next(5))
            {
                case 0 when variables.Count > 3:
                    body.Append($"        {variables[3 + random.Next(variables.Count - 3)]} {new[] { "+=", "-=", "*=", "/=" }[random.Next(4)]} {expression};\n");
                    break;
                case 1:
                    string target = random.Next(2) == 0 ? "x" : "y";
                    body.Append($"        {target} = {(expression == target ? "2 * " + target : expression)};\n");
                    break;
                case 2 when variables.Count > 3:
                    body.Append($"        {variables[3 + random.Next(variables.Count - 3)]}{(random.Next(2) == 0 ? "++" : "--")};\n");
                    break;
                default:
                    string name = "v" + i;
                    body.Append($"        double {name} = {expression};\n");
                    variables.Add(name);
                    break;
            }
        }

        body.Append($"        return k * {RandomExpression(random, 3, variables)};\n");
        string attribute = random.Next(3) switch
        {
            0 => "[Differentiable]",
            1 => "[Differentiable(nameof(x))]",
            _ => "[Differentiable(nameof(y), nameof(x))]",
        };

        return $$"""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Derivative(nameof(SoftplusDerivative))]
                public static double Softplus(double z) => Math.Log(1 + Math.Exp(z));

                public static double SoftplusDerivative(double z, double value) => 1 - Math.Exp(-value);

                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double v) => v * v * v;

                public static double CubeDerivative(double v) => 3 * v * v;

                // Differentiable with respect to its first parameter only: the second gets constants.
                [Derivative(nameof(value), nameof(ScaleDerivative))]
                public static double Scale(double value, double factor) => value * factor;

                public static double ScaleDerivative(double value, double factor) => factor;

                {{attribute}}
                public static double F(double x, double y, int n)
                {
                    const double k = 1.5;
            {{body}}    }
            }
            """;
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Random_supported_methods_generate_compiling_code()
    {
        var random = new Random(314159);
        var sources = Enumerable.Range(0, 400).Select(_ => RandomMethod(random)).ToList();
        JudgeAll("random supported methods", sources, requireWorkingCode: true);
    }

    // ----- Crashes and broken output found by these tests (generator bugs) -------------------------------

    [Fact]
    public void Null_parameter_array_does_not_crash()
    {
        AssertNoCrash(InMethodWithAttribute("[Differentiable(null)]"));
    }

    [Theory]
    [InlineData("[Derivative]")]
    [InlineData("[Derivative(1)]")]
    [InlineData("[Derivative(\"v\", \"D\", \"E\")]")]
    public void Broken_Derivative_attribute_on_a_callee_does_not_crash(string attribute)
    {
        AssertNoCrash($$"""
            using SymbolicDiff;

            public static partial class C
            {
                {{attribute}}
                public static double G(double v) => v;

                public static double D(double v) => 1.0;

                [Differentiable]
                public static double F(double x) => G(x);
            }
            """);
    }

    [Fact]
    public void Methods_differing_only_in_case_do_not_crash()
    {
        GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;

                [Differentiable]
                public static double f(double x) => x * x;
            }
            """).ShouldSucceed();
    }

    [Fact]
    public void Type_named_with_a_verbatim_keyword_gets_compiling_code()
    {
        GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class @class
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """).ShouldSucceed();
    }

    [Fact]
    public void Ref_local_aliasing_a_parameter_is_reported_or_differentiated_correctly()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    ref double r = ref x;
                    r = r * r;
                    return x;
                }
            }
            """);
        DiagnosticAssert.NoGeneratorFailure(run);
        if (!run.GeneratorDiagnostics.IsEmpty)
        {
            return;
        }

        var type = run.ShouldSucceed().Load().GetType("C")!;
        Assert.Equal(9.0, (double)type.GetMethod("F")!.Invoke(null, new object[] { 3.0 })!);
        var gradient = type.GetMethod("FWithGradient")!.Invoke(null, new object[] { 3.0 })!;
        Assert.Equal(9.0, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);
        Assert.Equal(6.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }

    [Theory]
    [InlineData("double v = x * x; return v - v;")]
    [InlineData("double v = Math.Exp(x); return 0 * v;")]
    [InlineData("double v = x * x; double w = v - v; return w * x;")]
    public void Local_whose_partials_cancel_gets_compiling_code(string body) => AssertCompiles(body);

    [Theory]
    [InlineData("double v = 0 * x; return 2 * v;")]
    [InlineData("x = x - x; return 2 * x;")]
    public void Local_with_a_zero_partial_of_its_own_gets_code_without_warnings(string body) => AssertCompiles(body);

    private static void AssertCompiles(string body)
    {
        GeneratorHarness.Run($$"""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    {{body}}
                }
            }
            """).ShouldSucceed();
    }

    private static string InMethodWithAttribute(string attribute) => $$"""
        using SymbolicDiff;

        public static partial class C
        {
            {{attribute}}
            public static double F(double x) => x * x;
        }
        """;

    private static void AssertNoCrash(string source)
    {
        string? problem = Judge(source, out _);
        Assert.True(problem is null, problem);
    }
}
