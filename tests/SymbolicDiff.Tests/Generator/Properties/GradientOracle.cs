using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>What went wrong with one case.</summary>
internal sealed record CaseFailure(int Index, string Message);

/// <summary>Counts of what was checked and what was skipped, and why.</summary>
internal sealed class CheckCounts
{
    public int Methods;
    public int Helpers;
    public int Points;
    public int Values;
    public int Partials;
    public int PartialsNotSmooth;
    public int PointsOutOfRange;

    public void Add(CheckCounts other)
    {
        Methods += other.Methods;
        Helpers += other.Helpers;
        Points += other.Points;
        Values += other.Values;
        Partials += other.Partials;
        PartialsNotSmooth += other.PartialsNotSmooth;
        PointsOutOfRange += other.PointsOutOfRange;
    }
}

/// <summary>
/// Compiles random cases, many to a compilation, and checks each generated <c>MWithGradient</c> against the method
/// itself (the value, exactly) and against finite differences of it (each partial).
/// </summary>
internal static class GradientOracle
{
    /// <summary>
    /// Runs the generator on all <paramref name="cases"/> in one compilation and checks them. A compilation that
    /// goes wrong as a whole (a diagnostic, code that does not compile) is run again one case at a time, so that
    /// every failure names the case at fault.
    /// </summary>
    public static List<CaseFailure> Check(IReadOnlyList<Case> cases, CheckCounts counts)
    {
        string source = RandomPrograms.RenderFile(cases);
        var (problem, generated, assembly) = Compile(source);
        if (problem is not null)
        {
            if (cases.Count == 1)
            {
                return new List<CaseFailure> { new(0, problem + "\n--- generated code:\n" + generated) };
            }

            var failures = new List<CaseFailure>();
            for (int i = 0; i < cases.Count; i++)
            {
                failures.AddRange(Check(new[] { cases[i] }, counts).Select(f => f with { Index = i }));
            }

            if (failures.Count == 0)
            {
                // Every case works alone, so the problem comes from putting them together.
                failures.Add(new CaseFailure(-1, "the batch fails although each of its cases works alone:\n" + problem + "\n--- source:\n" + source));
            }

            return failures;
        }

        var context = new AssemblyLoadContext(name: null, isCollectible: true);
        try
        {
            var type = context.LoadFromStream(assembly!).GetType("P") ?? throw new InvalidOperationException("type P not found");
            var result = new List<CaseFailure>();
            for (int i = 0; i < cases.Count; i++)
            {
                var c = cases[i];
                try
                {
                    var helper = new Checked(type, $"H{i}", Case.HelperParameters, Case.HelperParameters);
                    var main = new Checked(type, $"M{i}", c.Parameters, c.Differentiated);
                    string? failure = null;
                    foreach (double[] point in c.Points)
                    {
                        failure ??= helper.CheckAt(point.Take(2).ToArray(), counts);
                        failure ??= main.CheckAt(point.Take(c.ParameterCount).ToArray(), counts);
                    }

                    counts.Methods++;
                    counts.Helpers++;
                    if (failure is not null)
                    {
                        result.Add(new CaseFailure(i, failure));
                    }
                }
                catch (Exception exception)
                {
                    result.Add(new CaseFailure(i, "calling the methods threw " + exception));
                }
            }

            return result;
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The references of GeneratorHarness: the running .NET's assemblies and the SymbolicDiff runtime.</summary>
    private static readonly Lazy<IEnumerable<MetadataReference>> References = new(() => GeneratorHarness.Compile().References.ToList());

    /// <summary>
    /// What GeneratorHarness.Run(source).ShouldSucceed().Load() does, in one pass: the compiler's diagnostics are
    /// taken from the emit (the same as GetDiagnostics, which would bind everything a second time), and the
    /// generator runs without step tracking, and the compiler on one thread (the batches already keep every core
    /// busy). Returns why the output is not usable (or null), the generated code, and
    /// the compiled assembly.
    /// </summary>
    private static (string? Problem, string Generated, MemoryStream? Assembly) Compile(string source)
    {
        var input = CSharpCompilation.Create(
            "GeneratorTestInput",
            new[] { CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Input0.cs") },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));
        var driver = CSharpGeneratorDriver.Create(
            new[] { new DifferentiableGenerator().AsSourceGenerator() },
            parseOptions: GeneratorHarness.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        var runResult = driver.GetRunResult();
        string generated = string.Join("\n", runResult.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));

        var thrown = runResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        if (thrown.Count > 0)
        {
            return ("the generator threw: " + string.Join("\n", thrown), generated, null);
        }

        if (!generatorDiagnostics.IsEmpty)
        {
            return ("generator diagnostics for a method made only of supported constructs:\n" + string.Join("\n", generatorDiagnostics), generated, null);
        }

        var assembly = new MemoryStream();
        var emitted = output.Emit(assembly);
        var inputTrees = input.SyntaxTrees.ToHashSet();
        // Errors anywhere; warnings only in generated code (users build with TreatWarningsAsErrors). The random
        // input may have warnings of its own (a local assigned a constant and never read, CS0219), which are not
        // the generator's doing.
        var problems = emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error ||
                        (d.Severity == DiagnosticSeverity.Warning && !(d.Location.SourceTree is { } tree && inputTrees.Contains(tree))))
            .ToList();
        if (problems.Count == 0 && emitted.Success)
        {
            assembly.Position = 0;
            return (null, generated, assembly);
        }

        bool inputErrors = problems.Any(d => d.Location.SourceTree is { } tree && inputTrees.Contains(tree));
        return ((inputErrors
                    ? "the random input itself does not compile (a bug of the test's program generator):\n"
                    : "the generated code does not compile, or warns:\n") +
                string.Join("\n", problems.Take(10)), generated, null);
    }

    /// <summary>A method and its generated <c>WithGradient</c>, callable at points.</summary>
    private sealed class Checked
    {
        private readonly MethodInfo _method;
        private readonly MethodInfo _withGradient;
        private readonly string _name;
        private readonly IReadOnlyList<string> _parameters;
        private readonly (int Index, PropertyInfo Property)[] _partials;
        private readonly PropertyInfo _value;

        public Checked(Type type, string name, IReadOnlyList<string> parameters, IReadOnlyList<string> differentiated)
        {
            _name = name;
            _parameters = parameters;
            _method = type.GetMethod(name) ?? throw new InvalidOperationException($"{name} not found");
            _withGradient = type.GetMethod(name + "WithGradient") ?? throw new InvalidOperationException($"{name}WithGradient not found");
            var gradientType = _withGradient.ReturnType;
            _value = gradientType.GetProperty("Value") ?? throw new InvalidOperationException("no Value property");
            _partials = differentiated
                .Select(p => (Index: parameters.ToList().IndexOf(p),
                              Property: gradientType.GetProperty(char.ToUpperInvariant(p[0]) + p.Substring(1)) ?? throw new InvalidOperationException($"no gradient property for {p}")))
                .ToArray();
            // The gradient has exactly Value and one property per differentiated parameter, in declaration order.
            var names = gradientType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
            var expected = new[] { "Value" }.Concat(_partials.Select(p => p.Property.Name)).ToList();
            if (!names.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{gradientType.Name} has properties [{string.Join(", ", names)}], expected [{string.Join(", ", expected)}]");
            }
        }

        private double F(double[] point) => (double)_method.Invoke(null, point.Cast<object>().ToArray())!;

        private string At(double[] point) =>
            "(" + string.Join(", ", _parameters.Select((p, i) => $"{p} = {RandomPrograms.Format(point[i])}")) + ")";

        // Finite differences.
        //
        // Step h = 1e-6·max(1, |x|), relative to the coordinate. For the central difference (f(x+h) − f(x−h)) / 2h
        // the truncation error is h²·|f'''|/6 ≈ 1e-13·|f'''| and the rounding error about ε·|f|/h ≈ 2e-10·|f|
        // (ε = 2.2e-16). The generated programs keep |f| and its derivatives moderate (points in [−2.5, 2.5],
        // guarded domains, |f| ≤ 1e4 checked below), which puts both errors at or below 1e-6·max(1, |f'|): the
        // tolerance |g − fd| ≤ 1e-5·max(1, |fd|) leaves an order of magnitude above that, and is still five orders
        // below what a wrong rule gives (a missing factor, a wrong sign, a dropped term).
        //
        // A finite difference only approximates the derivative where f is smooth over [x − 2h, x + 2h]. Branches
        // (if, ?:, comparisons), Abs, Max, Min, Clamp, Floor, Relu and the like make f piecewise, and the random
        // points are not chosen away from the kinks (that would need to know where each condition flips). Instead
        // every partial is estimated four ways, with different stencils: the central difference with step h and
        // with step 2h, and the second-order one-sided differences forward (−3f(x) + 4f(x+h) − f(x+2h)) / 2h and
        // backward (3f(x) − 4f(x−h) + f(x−2h)) / 2h. Where f is smooth they agree with each other to within the
        // errors above; a kink or a step anywhere within 2h of the point makes at least one of them differ by about
        // the jump in slope (one-sided ones see only one side), and rounding noise large enough to matter makes them
        // differ too. When they differ by more than half the tolerance the partial is not checked at this point
        // and is counted as "not smooth". The generated gradient plays no part in that decision, so a wrong
        // gradient cannot be skipped for being wrong. The test prints these counts and fails if they grow beyond a
        // small fraction, so that the check cannot quietly turn into skipping.
        private const double RelativeStep = 1e-6;
        private const double Tolerance = 1e-5;
        private const double MaxMagnitude = 1e4;

        /// <summary>Checks the value and every partial at <paramref name="point"/>; returns a failure message or null.</summary>
        public string? CheckAt(double[] point, CheckCounts counts)
        {
            double f0 = F(point);
            object gradient = _withGradient.Invoke(null, point.Cast<object>().ToArray())!;
            double value = (double)_value.GetValue(gradient)!;
            counts.Points++;
            counts.Values++;
            // The forward sweep is the method's own computation: the same double, or both NaN.
            if (!(value == f0 || (double.IsNaN(value) && double.IsNaN(f0))))
            {
                return $"{_name}WithGradient{At(point)}.Value = {RandomPrograms.Format(value)}, but {_name}{At(point)} = {RandomPrograms.Format(f0)}";
            }

            if (!double.IsFinite(f0) || Math.Abs(f0) > MaxMagnitude)
            {
                counts.PointsOutOfRange++;
                return null;
            }

            foreach (var (index, property) in _partials)
            {
                double g = (double)property.GetValue(gradient)!;
                double x = point[index];
                double h = RelativeStep * Math.Max(1, Math.Abs(x));
                double Shifted(double offset)
                {
                    var shifted = (double[])point.Clone();
                    shifted[index] = x + offset;
                    return F(shifted);
                }

                double fm2 = Shifted(-2 * h), fm1 = Shifted(-h), fp1 = Shifted(h), fp2 = Shifted(2 * h);
                if (!double.IsFinite(fm2) || !double.IsFinite(fm1) || !double.IsFinite(fp1) || !double.IsFinite(fp2))
                {
                    counts.PartialsNotSmooth++;
                    continue;
                }

                double central = (fp1 - fm1) / (2 * h);
                double wide = (fp2 - fm2) / (4 * h);
                double forward = (-3 * f0 + 4 * fp1 - fp2) / (2 * h);
                double backward = (3 * f0 - 4 * fm1 + fm2) / (2 * h);
                double tolerance = Tolerance * Math.Max(1, Math.Abs(central));
                double spread = Math.Max(Math.Abs(central - wide), Math.Max(Math.Abs(central - forward), Math.Abs(central - backward)));
                if (spread > tolerance / 2)
                {
                    counts.PartialsNotSmooth++;
                    continue;
                }

                counts.Partials++;
                if (!(Math.Abs(g - central) <= tolerance))
                {
                    return $"∂{_name}/∂{_parameters[index]} at {At(point)}: generated {RandomPrograms.Format(g)}, " +
                           $"finite difference {RandomPrograms.Format(central)} (step h = {RandomPrograms.Format(h)}; with 2h {RandomPrograms.Format(wide)}, " +
                           $"forward {RandomPrograms.Format(forward)}, backward {RandomPrograms.Format(backward)}), " +
                           $"|difference| = {RandomPrograms.Format(Math.Abs(g - central))} > tolerance {RandomPrograms.Format(tolerance)}; value {RandomPrograms.Format(f0)}";
                }
            }

            return null;
        }
    }

    /// <summary>The source of one case alone (helper and method), with its points, for failure messages.</summary>
    public static string Describe(Case c, int index)
    {
        var builder = new StringBuilder();
        builder.Append("// in `public static partial class P`, which also declares const double Scale = 1.25 and Cube, Softsign, Scaled (see RandomPrograms.RenderFile)\n");
        builder.Append(RandomPrograms.RenderCase(c, index));
        builder.Append("points: ");
        builder.Append(string.Join("; ", c.Points.Select(p => "(" + string.Join(", ", p.Take(c.ParameterCount).Select(RandomPrograms.Format)) + ")")));
        return builder.ToString();
    }
}
