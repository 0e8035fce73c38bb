using System.Globalization;
using System.Reflection;
using System.Text;
using CsCheck;
using SymbolicDiff.Tests.Generator.Properties;

namespace SymbolicDiff.Tests.Generator.Fuzz;

/// <summary>
/// The fuzz inputs, each a file with one class <c>Fuzz{id}</c>, made deterministically from a seed: random valid
/// programs (the property tests' generators, <see cref="RandomPrograms"/> and <see cref="LoopPrograms"/>), grammar-based
/// mutations of them (<see cref="SyntaxMutator"/>), token soup in a method body, and size extremes around the
/// generator's bounds (expression depth 200, method size).
/// </summary>
internal static class FuzzInputs
{
    public const string ScalarProgram = "random scalar program";
    public const string LoopProgram = "random loop program";
    public const string MutatedScalar = "mutated scalar program";
    public const string MutatedSmall = "mutated small method";
    public const string MutatedLoop = "mutated loop program";
    public const string TokenSoup = "token soup";
    public const string SizeExtreme = "size extreme";

    private static string InClass(string source, int id) =>
        source.Replace("public static partial class P\n", "public static partial class " + FuzzJudge.ClassName(id) + "\n", StringComparison.Ordinal);

    private static Case ScalarCase(PCG pcg) =>
        (pcg.Next() % 2 == 0 ? RandomPrograms.ExpressionCases : RandomPrograms.StatementCases).Generate(pcg, null, out _);

    /// <summary>A random valid scalar program (a method and its helper), whose gradients are checked.</summary>
    public static FuzzInput Scalar(int id, PCG pcg)
    {
        var c = ScalarCase(pcg);
        return new FuzzInput(ScalarProgram, InClass(RandomPrograms.RenderFile(new[] { c }), id), MustWork: true, (type, counts) =>
        {
            var helper = new GradientOracle.Checked(type, "H0", Case.HelperParameters, Case.HelperParameters);
            var main = new GradientOracle.Checked(type, "M0", c.Parameters, c.Differentiated);
            string? failure = null;
            foreach (double[] point in c.Points)
            {
                failure ??= helper.CheckAt(point.Take(2).Cast<object>().ToArray(), counts);
                failure ??= main.CheckAt(point.Take(c.ParameterCount).Cast<object>().ToArray(), counts);
            }

            counts.Methods++;
            counts.Helpers++;
            return failure;
        });
    }

    /// <summary>A random valid program with loops and vectors, whose gradient and span overload are checked.</summary>
    public static FuzzInput Loop(int id, PCG pcg)
    {
        var c = LoopPrograms.Cases.Generate(pcg, null, out _);
        return new FuzzInput(LoopProgram, InClass(LoopPrograms.RenderFile(new[] { c }), id), MustWork: true, (type, counts) =>
        {
            var method = new GradientOracle.Checked(type, "M0", c.ParameterNames, c.Differentiated, outputs: "M0Outputs");
            string? failure = null;
            for (int point = 0; point < c.Points.Length && failure is null; point++)
            {
                failure = method.CheckAt(c.Arguments(point), counts);
            }

            counts.Methods++;
            return failure;
        });
    }

    /// <summary>
    /// A valid program with 1 to 3 grammar-based mutations of its method M0. A mutant of a scalar program that still
    /// gets working code and has no loop (so it terminates) has its gradient checked too, at three random points.
    /// </summary>
    public static FuzzInput Mutant(int id, PCG pcg, Random random, bool loops)
    {
        string source = loops
            ? WithoutOutputsWrapper(InClass(LoopPrograms.RenderFile(new[] { LoopPrograms.Cases.Generate(pcg, null, out _) }), id))
            : InClass(RandomPrograms.RenderFile(new[] { ScalarCase(pcg) }), id);
        var mutator = new SyntaxMutator(random);
        string mutated = mutator.Mutate(source, "M0", 1 + random.Next(3));
        if (!loops)
        {
            // The helper too: both methods of the file are mutants.
            mutated = mutator.Mutate(mutated, "H0", 1 + random.Next(3));
        }

        string note = "// mutations: " + string.Join("; ", mutator.Applied).Replace("\n", " ", StringComparison.Ordinal) + "\n";
        bool terminates = !loops && !System.Text.RegularExpressions.Regex.IsMatch(mutated, @"\b(for|foreach|while|do|goto)\b") && !ExtremeLiterals.IsMatch(mutated);
        var points = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 4).Select(k => -2.4 + 4.8 * random.NextDouble() + 0.0137 * k).ToArray()).ToArray();
        return new FuzzInput(loops ? MutatedLoop : MutatedScalar, note + mutated, MustWork: false, terminates ? (type, counts) => CheckAnyScalar(type, "H0", points, counts) ?? CheckAnyScalar(type, "M0", points, counts) : null);
    }

    /// <summary>
    /// A small method of supported constructs (<see cref="FuzzVocabulary.SupportedMethod"/>) after 1 to 3 mutations;
    /// cheaper to judge than a mutated random program, so most of the mutants are these. Its gradient is checked
    /// where it gets working code and has no loop.
    /// </summary>
    public static FuzzInput SmallMutant(int id, Random random)
    {
        var methods = Enumerable.Range(0, MethodsPerSmallMutant).Select(k => FuzzVocabulary.SupportedMethod(random, "M" + k));
        string source = "using System;\nusing SymbolicDiff;\n\npublic static partial class " + FuzzJudge.ClassName(id) + "\n{\n" +
                        string.Join("\n", methods) + "}\n";
        var mutator = new SyntaxMutator(random);
        for (int k = 0; k < MethodsPerSmallMutant; k++)
        {
            // One method in twenty is left as it is: supported constructs only, so it must work.
            if (random.Next(20) != 0)
            {
                source = mutator.Mutate(source, "M" + k, 1 + random.Next(3));
            }
        }

        string note = "// mutations: " + string.Join("; ", mutator.Applied).Replace("\n", " ", StringComparison.Ordinal) + "\n";
        bool terminates = !System.Text.RegularExpressions.Regex.IsMatch(source, @"\b(for|foreach|while|do|goto)\b") && !ExtremeLiterals.IsMatch(source);
        var points = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 3).Select(k => -2.4 + 4.8 * random.NextDouble() + 0.0137 * k).ToArray()).ToArray();
        return new FuzzInput(MutatedSmall, note + source, MustWork: false, terminates
            ? (type, counts) => Enumerable.Range(0, MethodsPerSmallMutant).Select(k => CheckAnyScalar(type, "M" + k, points, counts)).FirstOrDefault(f => f is not null)
            : null);
    }

    /// <summary>How many small methods a file of mutants holds: each is mutated on its own, and each counts as an input.</summary>
    public const int MethodsPerSmallMutant = 4;

    /// <summary>
    /// Literals that make infinite intermediates (HalfSquaredError(−∞, x), Pow(1e308, 2)): reverse mode then multiplies a
    /// zero adjoint by an infinite local partial, NaN where the finite difference of a constant is 0, as in PyTorch. A
    /// limit of floating-point reverse mode, not a wrong rule: mutants with them are judged without a gradient check.
    /// </summary>
    private static readonly System.Text.RegularExpressions.Regex ExtremeLiterals = new(
        @"Infinity|NaN|MaxValue|MinValue|Epsilon|1e308|1e-320|4\.9e-324|int\.MaxValue",
        System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>The loop program without the test's wrapper of the span overload, which a mutated signature would break.</summary>
    private static string WithoutOutputsWrapper(string source)
    {
        int start = source.IndexOf("    public static double[] M0Outputs(", StringComparison.Ordinal);
        return start < 0 ? source : source.Substring(0, start).TrimEnd() + "\n}\n";
    }

    /// <summary>
    /// Checks a method of double parameters whose signature a mutation may have changed: the differentiated
    /// parameters are read off the generated gradient struct. A point where the method itself throws is skipped.
    /// </summary>
    private static string? CheckAnyScalar(Type type, string name, double[][] points, CheckCounts counts)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static);
        if (method is null || method.ReturnType != typeof(double) || method.GetParameters().Any(p => p.ParameterType != typeof(double) || p.IsOptional) ||
            method.GetParameters().Length > 4)
        {
            return null;
        }

        var parameters = method.GetParameters().Select(p => p.Name!).ToList();
        var withGradient = type.GetMethod(name + "WithGradient", method.GetParameters().Select(p => p.ParameterType).ToArray());
        if (withGradient is null)
        {
            // Not [Differentiable] any more (the judge checks that every [Differentiable] method got its code).
            return null;
        }

        var properties = withGradient.ReturnType.GetProperties().Select(p => p.Name).Where(p => p != "Value").ToHashSet();
        var differentiated = parameters.Where(p => properties.Contains(char.ToUpperInvariant(p[0]) + p.Substring(1))).ToList();
        var check = new GradientOracle.Checked(type, name, parameters, differentiated);
        foreach (var point in points)
        {
            var arguments = point.Take(parameters.Count).Cast<object>().ToArray();
            try
            {
                method.Invoke(null, arguments.ToArray());
            }
            catch (TargetInvocationException)
            {
                continue;
            }

            if (check.CheckAt(arguments, counts) is { } failure)
            {
                return failure;
            }
        }

        counts.Methods++;
        return null;
    }

    private static readonly string[] SoupTokens =
    {
        "x", "y", "n", "v", "value", "dX", "saved", "Math", "Exp", "Pow", "Log", "Max", "Activations", "Sigmoid", "Losses",
        "F", "FWithGradient", "nameof", "var", "_", "0", "1", "2.5", "1e308", "2f", "3m", "true", "null", "default", "\"s\"",
        "+", "-", "*", "/", "%", "=", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "!", "?", ":", "=>", "++", "--", "+=", "-=",
        "*=", "/=", ".", ",", ";", ";", ";", "(", ")", "(", ")", "[", "]", "double", "int", "float", "bool", "return", "return",
        "if", "else", "for", "foreach", "in", "while", "do", "switch", "case", "new", "ref", "out", "is", "as", "throw", "try",
        "catch", "goto", "break", "continue", "const", "stackalloc", "this", "checked", "default", "{", "}",
    };

    /// <summary>Random tokens as the body of a method (braces balanced, so that the class around it survives).</summary>
    public static FuzzInput Soup(int id, Random random)
    {
        var body = new StringBuilder();
        int count = 1 + random.Next(30);
        int open = 0;
        for (int i = 0; i < count; i++)
        {
            string token = SoupTokens[random.Next(SoupTokens.Length)];
            if (token == "}" && open == 0)
            {
                token = "{";
            }

            open += token == "{" ? 1 : token == "}" ? -1 : 0;
            body.Append(token).Append(random.Next(5) == 0 ? "\n" : " ");
        }

        body.Append(new string('}', open));
        string parameters = random.Next(4) == 0 ? FuzzVocabulary.ParameterList(random) : "double x, double y, int n";
        string source = $$"""
            using System;
            using SymbolicDiff;

            public static partial class {{FuzzJudge.ClassName(id)}}
            {
                [Differentiable]
                public static double F({{parameters}})
                {
                    {{body}}
                }
            }
            """;
        return new FuzzInput(TokenSoup, source, MustWork: false);
    }

    /// <summary>
    /// A method at a size extreme: a shape (long sum, long product, nested parentheses, nested calls, nested ?:, an
    /// else-if chain, early returns, a long run of statements, a long parameter list, long names, deep namespaces)
    /// at a random size around the generator's bounds. It must get working code (checked against finite differences)
    /// or SD0022/SD0023, never a crash on the 1 MB stack.
    /// </summary>
    public static FuzzInput Extreme(int id, Random random)
    {
        string Threshold(int k) => (3 + k * 0.01).ToString("0.###", CultureInfo.InvariantCulture);
        string Literal(int k) => (0.5 + (k % 7) * 0.125).ToString("0.###", CultureInfo.InvariantCulture);
        int n = random.Next(4) == 0 ? 150 + random.Next(120) : 1 + random.Next(300); // around the depth bound of 200 a quarter of the time
        string body;
        string parameters = "double x, double y";
        string @namespace = string.Empty;
        string name = "F";
        bool smooth = true; // no kinks, values moderate near (1, 1): checked against finite differences
        switch (random.Next(12))
        {
            case 0:
                body = "return " + string.Join(" + ", Enumerable.Range(0, n).Select(k => (k % 2 == 0 ? "x * " : "y * ") + Literal(k))) + ";";
                break;
            case 1:
                body = "return " + string.Join(" * ", Enumerable.Range(0, n).Select(k => k % 3 == 0 ? "x" : k % 3 == 1 ? "y" : "(1 + 0.001 * x)")) + ";";
                break;
            case 2:
                body = "return " + new string('(', n) + "x * y" + new string(')', n) + ";";
                break;
            case 3:
                body = "return " + string.Concat(Enumerable.Repeat("Math.Sin(", n)) + "x + y" + new string(')', n) + ";";
                break;
            case 4:
                body = "return " + string.Concat(Enumerable.Range(0, n).Select(k => $"x > {Threshold(k)} ? x * {Literal(k)} : ")) + "y * x;";
                smooth = false;
                break;
            case 5:
                body = "double s = 0;\n" + string.Join("\nelse ", Enumerable.Range(0, n).Select(k => $"if (x > {Threshold(k)}) s = x * {Literal(k)};")) + "\nelse s = y * x;\nreturn s;";
                smooth = false;
                break;
            case 6:
                body = string.Concat(Enumerable.Range(0, n).Select(k => $"if (x > {Threshold(k)}) return x * y * {Literal(k)};\n")) + "return y * x;";
                smooth = false;
                break;
            case 7:
                body = "double s = x;\n" + string.Concat(Enumerable.Range(0, n).Select(k => $"s += 0.001 * s * y + {Literal(k)} * x;\n")) + "return s;";
                break;
            case 8:
                parameters = string.Join(", ", Enumerable.Range(0, n).Select(k => $"double p{k}"));
                body = "return " + string.Join(" + ", Enumerable.Range(0, Math.Min(n, 150)).Select(k => $"p{k} * p{k}")) + ";";
                break;
            case 9:
                name = "F" + new string('f', n * 3);
                @namespace = string.Join(".", Enumerable.Range(0, 1 + n / 10).Select(k => "Ns" + k + new string('n', n)));
                body = "return x * y;";
                break;
            case 10:
                body = "return " + string.Concat(Enumerable.Repeat("-(", n)) + "x * y" + new string(')', n) + ";";
                break;
            default:
                body = string.Concat(Enumerable.Range(0, n).Select(k => $"double t{k} = {(k == 0 ? "x" : $"t{k - 1}")} * 0.999 + y * {Literal(k)};\n")) + $"return t{n - 1};";
                break;
        }

        string type = $$"""
            public static partial class {{FuzzJudge.ClassName(id)}}
            {
                [Differentiable]
                public static double {{name}}({{parameters}})
                {
                    {{body}}
                }
            }
            """;
        string source = "using System;\nusing SymbolicDiff;\n\n" + (@namespace.Length > 0 ? $"namespace {@namespace}\n{{\n{type}\n}}\n" : type + "\n");
        var points = new[] { new[] { 1.0 + 0.013 * random.NextDouble(), 0.99 - 0.011 * random.NextDouble() } };
        return new FuzzInput(SizeExtreme, source, MustWork: false, smooth && parameters.StartsWith("double x", StringComparison.Ordinal)
            ? (t, counts) => CheckAnyScalar(t, name, points, counts)
            : null);
    }
}
