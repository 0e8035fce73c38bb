using System.Globalization;
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
    public static List<CaseFailure> Check(IReadOnlyList<Case> cases, CheckCounts counts) =>
        CheckBatch(cases, RandomPrograms.RenderFile, CheckCase, counts);

    /// <summary>Checks case <paramref name="index"/> (its helper H and method M) in the loaded type; returns a failure message or null.</summary>
    private static string? CheckCase(Type type, int index, Case c, CheckCounts counts)
    {
        var helper = new Checked(type, $"H{index}", Case.HelperParameters, Case.HelperParameters);
        var main = new Checked(type, $"M{index}", c.Parameters, c.Differentiated);
        string? failure = null;
        foreach (double[] point in c.Points)
        {
            failure ??= helper.CheckAt(point.Take(2).Cast<object>().ToArray(), counts);
            failure ??= main.CheckAt(point.Take(c.ParameterCount).Cast<object>().ToArray(), counts);
        }

        counts.Methods++;
        counts.Helpers++;
        return failure;
    }

    /// <summary>
    /// Checks methods with loops and vectors (<see cref="LoopPrograms"/>) the same way, many to a compilation: at
    /// each point the value exactly, every partial (every element of a vector) against finite differences, and the
    /// span overload, given outputs full of garbage, against the allocating one.
    /// </summary>
    public static List<CaseFailure> CheckLoops(IReadOnlyList<LoopCase> cases, CheckCounts counts) =>
        CheckBatch(cases, LoopPrograms.RenderFile, CheckLoopCase, counts, LoopPrograms.IsKnownBug);

    private static string? CheckLoopCase(Type type, int index, LoopCase c, CheckCounts counts)
    {
        var method = new Checked(type, $"M{index}", c.ParameterNames, c.Differentiated, outputs: $"M{index}Outputs");
        string? failure = null;
        for (int point = 0; point < c.Points.Length && failure is null; point++)
        {
            failure = method.CheckAt(c.Arguments(point), counts);
        }

        counts.Methods++;
        return failure;
    }

    /// <summary>
    /// The batch check for any kind of case: renders all <paramref name="cases"/> into one file (with
    /// <paramref name="render"/>, into a class P), runs the generator and compiles, then calls
    /// <paramref name="checkCase"/> for each case with the loaded type. A compilation that goes wrong as a whole
    /// (a diagnostic, code that does not compile) is run again one case at a time, so that every failure names
    /// the case at fault; an exception while checking a case is that case's failure.
    /// </summary>
    public static List<CaseFailure> CheckBatch<TCase>(
        IReadOnlyList<TCase> cases,
        Func<IReadOnlyList<TCase>, string> render,
        Func<Type, int, TCase, CheckCounts, string?> checkCase,
        CheckCounts counts,
        Func<Diagnostic, bool>? knownBug = null)
    {
        string source = render(cases);
        var (problem, generated, assembly) = Compile(source, knownBug);
        if (problem is not null)
        {
            if (cases.Count == 1)
            {
                return new List<CaseFailure> { new(0, problem + "\n--- generated code:\n" + generated) };
            }

            var failures = new List<CaseFailure>();
            for (int i = 0; i < cases.Count; i++)
            {
                failures.AddRange(CheckBatch(new[] { cases[i] }, render, checkCase, counts, knownBug).Select(f => f with { Index = i }));
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
                try
                {
                    if (checkCase(type, i, cases[i], counts) is { } failure)
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
    /// the compiled assembly. A warning in generated code that <paramref name="knownBug"/> recognizes is not a
    /// problem (an error always is).
    /// </summary>
    private static (string? Problem, string Generated, MemoryStream? Assembly) Compile(string source, Func<Diagnostic, bool>? knownBug)
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
                        (d.Severity == DiagnosticSeverity.Warning && !(d.Location.SourceTree is { } tree && inputTrees.Contains(tree)) && !(knownBug?.Invoke(d) ?? false)))
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

    /// <summary>
    /// A method and its generated <c>WithGradient</c>, callable at points. A parameter is a <c>double</c> or a
    /// <c>double[]</c> (an argument is then a double or a double[]); the gradient has a double or a double[] per
    /// differentiated parameter, and every element of an array is a coordinate checked on its own.
    /// </summary>
    public sealed class Checked
    {
        private readonly MethodInfo _method;
        private readonly MethodInfo _withGradient;
        private readonly MethodInfo? _outputs;
        private readonly string _name;
        private readonly IReadOnlyList<string> _parameters;
        private readonly (int Index, PropertyInfo Property)[] _partials;
        private readonly PropertyInfo _value;

        /// <param name="type">The compiled class.</param>
        /// <param name="name">The [Differentiable] method.</param>
        /// <param name="parameters">Its parameters' names, in order.</param>
        /// <param name="differentiated">The parameters it is differentiated with respect to.</param>
        /// <param name="outputs">
        /// Optionally, a method of the test's own (in the compiled source) that calls the span overload of
        /// <c>WithGradient</c> with outputs filled with garbage and returns the value and the outputs, flattened:
        /// it must give bit for bit what the allocating overload gives.
        /// </param>
        public Checked(Type type, string name, IReadOnlyList<string> parameters, IReadOnlyList<string> differentiated, string? outputs = null)
        {
            _name = name;
            _parameters = parameters;
            _method = type.GetMethod(name) ?? throw new InvalidOperationException($"{name} not found");
            var parameterTypes = _method.GetParameters().Select(p => p.ParameterType).ToArray();
            // A method with loops has two WithGradient overloads: the one with the method's own parameters returns the struct.
            _withGradient = type.GetMethod(name + "WithGradient", parameterTypes) ??
                            throw new InvalidOperationException($"{name}WithGradient({string.Join(", ", parameterTypes.Select(t => t.Name))}) not found");
            _outputs = outputs is null ? null : type.GetMethod(outputs) ?? throw new InvalidOperationException($"{outputs} not found");
            var gradientType = _withGradient.ReturnType;
            _value = gradientType.GetProperty("Value") ?? throw new InvalidOperationException("no Value property");
            _partials = differentiated
                .Select(p => (Index: parameters.ToList().IndexOf(p),
                              Property: gradientType.GetProperty(char.ToUpperInvariant(p[0]) + p.Substring(1)) ?? throw new InvalidOperationException($"no gradient property for {p}")))
                .ToArray();
            // The gradient has exactly Value and one property per differentiated parameter, in declaration order,
            // each of its parameter's type.
            var names = gradientType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
            var expected = new[] { "Value" }.Concat(_partials.Select(p => p.Property.Name)).ToList();
            if (!names.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{gradientType.Name} has properties [{string.Join(", ", names)}], expected [{string.Join(", ", expected)}]");
            }

            foreach (var (index, property) in _partials)
            {
                if (property.PropertyType != parameterTypes[index])
                {
                    throw new InvalidOperationException($"{gradientType.Name}.{property.Name} is a {property.PropertyType.Name}, but {parameters[index]} is a {parameterTypes[index].Name}");
                }
            }
        }

        private double F(object[] arguments) => (double)_method.Invoke(null, arguments)!;

        /// <summary>A copy of the arguments, arrays included, so that perturbing one leaves the others alone.</summary>
        public static object[] Copy(object[] arguments) =>
            arguments.Select(a => a is double[] array ? array.Clone() : a).ToArray();

        private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

        private static bool SameArguments(object[] a, object[] b) =>
            a.Zip(b).All(p => p.First is double[] x ? x.AsSpan().SequenceEqual((double[])p.Second) : SameBits((double)p.First, (double)p.Second));

        private static string FormatArgument(object argument) =>
            argument is double[] array ? "[" + string.Join(", ", array.Select(RandomPrograms.Format)) + "]" : RandomPrograms.Format((double)argument);

        private string At(object[] arguments) =>
            "(" + string.Join(", ", _parameters.Select((p, i) => $"{p} = {FormatArgument(arguments[i])}")) + ")";

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
        //
        // An array parameter is n coordinates: each element is shifted alone, the others kept.
        private const double RelativeStep = 1e-6;
        private const double Tolerance = 1e-5;
        private const double MaxMagnitude = 1e4;

        /// <summary>
        /// Checks the value and every partial at <paramref name="arguments"/> (doubles and double[]s); returns a
        /// failure message or null. Also fails when WithGradient changes an argument array.
        /// </summary>
        public string? CheckAt(object[] arguments, CheckCounts counts)
        {
            double f0 = F(Copy(arguments));
            var passed = Copy(arguments);
            object gradient = _withGradient.Invoke(null, passed)!;
            double value = (double)_value.GetValue(gradient)!;
            counts.Points++;
            counts.Values++;
            if (!SameArguments(passed, arguments))
            {
                return $"{_name}WithGradient{At(arguments)} changed its arguments to {At(passed)}";
            }

            // The forward sweep is the method's own computation: the same double, or both NaN.
            if (!(value == f0 || (double.IsNaN(value) && double.IsNaN(f0))))
            {
                return $"{_name}WithGradient{At(arguments)}.Value = {RandomPrograms.Format(value)}, but {_name}{At(arguments)} = {RandomPrograms.Format(f0)}";
            }

            if (_outputs is not null && CheckOutputs(arguments, value, gradient) is { } outputsFailure)
            {
                return outputsFailure;
            }

            if (!double.IsFinite(f0) || Math.Abs(f0) > MaxMagnitude)
            {
                counts.PointsOutOfRange++;
                return null;
            }

            foreach (var (index, property) in _partials)
            {
                object partial = property.GetValue(gradient)!;
                if (arguments[index] is double[] vector)
                {
                    if (partial is not double[] partials || partials.Length != vector.Length)
                    {
                        string length = (partial as double[])?.Length.ToString(CultureInfo.InvariantCulture) ?? "no";
                        return $"{_name}WithGradient{At(arguments)}.{property.Name} has {length} elements, but {_parameters[index]} has {vector.Length}";
                    }

                    for (int k = 0; k < vector.Length; k++)
                    {
                        if (CheckPartial(arguments, index, k, partials[k], f0, counts) is { } failure)
                        {
                            return failure;
                        }
                    }
                }
                else if (CheckPartial(arguments, index, -1, (double)partial, f0, counts) is { } failure)
                {
                    return failure;
                }
            }

            return null;
        }

        /// <summary>
        /// The partial <paramref name="g"/> with respect to argument <paramref name="index"/> (its element
        /// <paramref name="element"/> for an array, else −1) against finite differences.
        /// </summary>
        private string? CheckPartial(object[] arguments, int index, int element, double g, double f0, CheckCounts counts)
        {
            double x = element < 0 ? (double)arguments[index] : ((double[])arguments[index])[element];
            double h = RelativeStep * Math.Max(1, Math.Abs(x));
            double Shifted(double offset)
            {
                var shifted = Copy(arguments);
                if (element < 0)
                {
                    shifted[index] = x + offset;
                }
                else
                {
                    ((double[])shifted[index])[element] = x + offset;
                }

                return F(shifted);
            }

            double fm2 = Shifted(-2 * h), fm1 = Shifted(-h), fp1 = Shifted(h), fp2 = Shifted(2 * h);
            if (!double.IsFinite(fm2) || !double.IsFinite(fm1) || !double.IsFinite(fp1) || !double.IsFinite(fp2))
            {
                counts.PartialsNotSmooth++;
                return null;
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
                return null;
            }

            counts.Partials++;
            if (!(Math.Abs(g - central) <= tolerance))
            {
                string coordinate = element < 0 ? _parameters[index] : $"{_parameters[index]}[{element}]";
                return $"∂{_name}/∂{coordinate} at {At(arguments)}: generated {RandomPrograms.Format(g)}, " +
                       $"finite difference {RandomPrograms.Format(central)} (step h = {RandomPrograms.Format(h)}; with 2h {RandomPrograms.Format(wide)}, " +
                       $"forward {RandomPrograms.Format(forward)}, backward {RandomPrograms.Format(backward)}), " +
                       $"|difference| = {RandomPrograms.Format(Math.Abs(g - central))} > tolerance {RandomPrograms.Format(tolerance)}; value {RandomPrograms.Format(f0)}";
            }

            return null;
        }

        /// <summary>The span overload, through the test's wrapper, against the allocating one: the same bits.</summary>
        private string? CheckOutputs(object[] arguments, double value, object gradient)
        {
            var passed = Copy(arguments);
            var outputs = (double[])_outputs!.Invoke(null, passed)!;
            if (!SameArguments(passed, arguments))
            {
                return $"the span overload of {_name}WithGradient{At(arguments)} changed its arguments to {At(passed)}";
            }

            var expected = new List<double> { value };
            foreach (var (_, property) in _partials)
            {
                object partial = property.GetValue(gradient)!;
                expected.AddRange(partial as double[] ?? new[] { (double)partial });
            }

            if (outputs.Length != expected.Count || !outputs.Zip(expected).All(p => SameBits(p.First, p.Second)))
            {
                return $"the span overload of {_name}WithGradient{At(arguments)}, given outputs filled with garbage, gives (value, gradient) " +
                       $"[{string.Join(", ", outputs.Select(RandomPrograms.Format))}], but the allocating overload gives [{string.Join(", ", expected.Select(RandomPrograms.Format))}]";
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
