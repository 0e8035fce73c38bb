namespace SymbolicDiff.Tests.Generator.Fuzz;

/// <summary>
/// The pieces mutations and random statements are made of: supported and unsupported expressions, statements,
/// types, literals and names, written in terms of the names in scope so that many of them bind.
/// </summary>
internal static class FuzzVocabulary
{
    public static readonly string[] BinaryOperators =
    {
        "+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "&", "|", "^", "<<", ">>", "??",
    };

    public static readonly string[] Literals =
    {
        "0", "0.0", "-0.0", "1", "2", "2.0", "0.5", "1e308", "1e-320", "4.9e-324", "double.NaN", "double.PositiveInfinity",
        "double.NegativeInfinity", "double.Epsilon", "double.MaxValue", "2f", "2m", "10L", "1_000.5", "0x10", "int.MaxValue",
        "(double)int.MaxValue", "long.MinValue", "'c'", "\"s\"", "true", "null", "default", "Math.PI", "Math.E", "-1",
    };

    public static readonly string[] Types =
    {
        "double", "double", "float", "int", "long", "var", "decimal", "object", "double?", "bool", "Half", "nint", "short",
        "double[]", "ReadOnlySpan<double>", "Span<double>", "string", "System.Double", "Double", "dynamic",
    };

    public static readonly string[] ParameterModifiers = { "ref", "out", "in", "params", "ref readonly", "scoped", "this" };

    public static readonly string[] MethodModifiers =
    {
        "public", "private static", "internal static", "public static async", "public static unsafe", "public static extern",
        "public static virtual", "public abstract", "public static partial", "public static new", "static", "public static override",
    };

    private static readonly string[] Unary =
    {
        "Math.Exp", "Math.Log", "Math.Log10", "Math.Log2", "Math.Sqrt", "Math.Cbrt", "Math.Sin", "Math.Cos", "Math.Tan",
        "Math.Asin", "Math.Acos", "Math.Atan", "Math.Sinh", "Math.Cosh", "Math.Tanh", "Math.Abs", "Math.Sign", "Math.Floor",
        "Math.Ceiling", "Math.Round", "Math.Truncate", "Math.BitIncrement", "Math.ILogB", "Math.Asinh", "Math.Acosh",
        "Activations.Sigmoid", "Activations.Tanh", "Activations.Relu", "Activations.LeakyRelu", "Activations.Softplus",
        "double.IsNaN", "Convert.ToDouble", "MathF.Sin", "float.Sqrt", "double.Sqrt",
    };

    private static readonly string[] Binary =
    {
        "Math.Pow", "Math.Max", "Math.Min", "Math.Atan2", "Math.Log", "Math.IEEERemainder", "Math.CopySign", "Math.ScaleB",
        "Losses.MeanSquaredError", "Losses.HalfSquaredError", "Losses.BinaryCrossEntropy", "Losses.BinaryCrossEntropyWithLogits",
        "Activations.LeakyRelu", "Math.Round", "double.Max",
    };

    /// <summary>The names the generator gives to generated code, and others that tend to clash with them.</summary>
    public static string HostileName(Random random, IReadOnlyList<string> scope, string method)
    {
        string other = scope[random.Next(scope.Count)];
        string pascal = char.ToUpperInvariant(other[0]) + other.Substring(1);
        string[] names =
        {
            "d" + pascal, "d" + pascal + "_1", "d" + method + "_d" + other, "d" + method + "_d" + other + "Storage", "d" + pascal + "Storage",
            other + "Storage", "saved", "value", "Value", "gradient", "seed", "i", "j", "returned", "branch", "result", "length",
            method + "WithGradient", method + "Gradient", method, "Math", "Activations", "SymbolicDiff", "global", "@double", "@return",
            "_", "__", "d", "dValue", "v0", "x", "y", "h0", "s0", "e", "var", "nameof", "dynamic", "async", "await", "é", "x\u0301",
            "\u00c6ther", "VeryLongName" + new string('x', 200), "Fuzz", "P", "M0Outputs", "dM0_dx", "dM0_dy",
        };
        return names[random.Next(names.Length)];
    }

    /// <summary>A random expression of the names in <paramref name="scope"/>: supported forms mostly, and unsupported ones.</summary>
    public static string Expression(Random random, IReadOnlyList<string> scope, string method, int depth)
    {
        string Sub() => Expression(random, scope, method, depth - 1);
        string name = scope[random.Next(scope.Count)];
        if (depth <= 0 || random.Next(4) == 0)
        {
            return random.Next(3) switch
            {
                0 => Literals[random.Next(Literals.Length)],
                _ => name,
            };
        }

        return random.Next(40) switch
        {
            < 8 => $"{Sub()} {BinaryOperators[random.Next(6)]} {Sub()}",
            < 10 => $"-{Sub()}",
            < 16 => $"{Unary[random.Next(Unary.Length)]}({Sub()})",
            < 20 => $"{Binary[random.Next(Binary.Length)]}({Sub()}, {Sub()})",
            20 => $"({Sub()} > {Sub()} ? {Sub()} : {Sub()})",
            21 => $"Math.Clamp({Sub()}, {Sub()}, {Sub()})",
            22 => $"Math.FusedMultiplyAdd({Sub()}, {Sub()}, {Sub()})",
            23 => $"{name}++",
            24 => $"--{name}",
            25 => $"({name} = {Sub()})",
            26 => $"({name} += {Sub()})",
            27 => $"(float){Sub()}",
            28 => $"(int){Sub()}",
            29 => $"(double)(long){Sub()}",
            // Not a switch expression: the mutator can move one into a const local's own initializer, and Roslyn's binder
            // then overflows the stack (as for statements, below), ending the test host.
            30 => $"(double.IsNaN({Sub()}) ? 0 : {Sub()})",
            31 => $"({Sub()} is double d ? d : 0)",
            32 => $"{method}({string.Join(", ", scope.Take(2))})",
            33 => $"{method}WithGradient({string.Join(", ", scope.Take(2))}).Value",
            34 => $"((Func<double, double>)(t => t * {Sub()}))({Sub()})",
            35 => $"new[] {{ {Sub()}, {Sub()} }}[0]",
            36 => $"checked({Sub()} * 2)",
            37 => $"(x: {Sub()}, y: 1).x",
            38 => $"nameof({name}).Length",
            _ => $"Math.Pow({Sub()}, {random.Next(-3, 4)})",
        };
    }

    /// <summary>A random statement: supported forms and every kind of unsupported one.</summary>
    public static string Statement(Random random, IReadOnlyList<string> scope, string method)
    {
        string E() => Expression(random, scope, method, depth: 2);
        string name = scope[random.Next(scope.Count)];
        string local = "q" + random.Next(100);
        return random.Next(49) switch
        {
            < 6 => $"double {local} = {E()};",
            < 10 => $"{name} = {E()};",
            < 13 => $"{name} {new[] { "+=", "-=", "*=", "/=", "%=" }[random.Next(5)]} {E()};",
            13 => $"{name}++;",
            14 => $"if ({E()} > {E()}) {{ {name} = {E()}; }} else {{ {name} -= 1; }}",
            15 => $"if ({E()} < 0) return {E()};",
            16 => $"return {E()};",
            17 => $"for (int k = 0; k < 3; k++) {{ {name} += {E()}; }}",
            18 => $"for (int k = 3; k > 0; k--) {{ {name} *= 0.5; }}",
            19 => $"for (int k = 1; k < 8; k *= 2) {{ {name} += k; }}",
            20 => $"while ({name} < 3) {{ {name} += 1; }}",
            21 => $"int k = 0; while (k < 4) {{ {name} += {E()}; k++; }}",
            22 => $"do {{ {name} *= 0.5; }} while ({name} > 1);",
            23 => $"foreach (var e in new[] {{ {E()}, {E()} }}) {{ {name} += e; }}",
            24 => $"switch ((int){name}) {{ case 0: {name} = 1; break; default: break; }}",
            25 => $"try {{ {name} = {E()}; }} catch (Exception) {{ {name} = 0; }}",
            26 => "throw new InvalidOperationException();",
            27 => $"goto L; L: {name} = 1;",
            28 => $"double L(double a) => a * {E()}; {name} = L({name});",
            29 => $"lock (new object()) {{ {name} = 2; }}",
            30 => $"{{ double {local} = {E()}; {name} = {local}; }}",
            31 => ";",
            32 => $"bool {local} = {E()} > {E()}; if ({local}) {name} = 0;",
            33 => $"const double {local} = 2.5; {name} *= {local};",
            34 => $"int {local} = 3; {local} += 2; {name} += {local};",
            35 => $"long {local} = 5; {name} /= {local};",
            36 => $"float {local} = 1f; {name} += {local};",
            37 => $"ref double {local} = ref {name}; {local} = 3;",
            38 => $"Span<double> {local} = stackalloc double[3]; {local}[0] = {E()}; {name} = {local}[0];",
            39 => $"double[] {local} = new double[2]; {local}[1] = {E()}; {name} += {local}[1];",
            40 => $"({name}, {scope[0]}) = ({scope[0]}, {name});",
            41 => $"var {local} = {E()}; {name} = {local} * {local};",
            42 => $"checked {{ {name} += 1; }}",
            // Loops without a counter and a counted do loop. (Not switch expressions: the mutator moves expressions about,
            // and a const local whose initializer switches on itself makes Roslyn's binder overflow the stack.)
            43 => $"while (Math.Abs({name}) > 1) {{ {name} *= 0.5; }}",
            44 => $"int {local} = 0; do {{ {name} += {E()}; {local}++; }} while ({local} < 3);",
            // Any for loop, read as C# runs it, and an 'is' pattern in a condition.
            45 => $"for (int k = 0; k < 5; k += 2) {{ {name} += {E()}; }}",
            46 => $"for (int k = 0; ; k++) {{ {name} *= 0.5; if (k >= 2) break; }}",
            47 => $"if ({name} is > 0 and < 1 or 2) {{ {name} += {E()}; }}",
            _ => $"_ = {E()};",
        };
    }

    /// <summary>A random parameter list.</summary>
    public static string ParameterList(Random random)
    {
        string[] parameters =
        {
            "double x", "double y", "double dX", "double value", "int n", "double[] v", "ReadOnlySpan<double> s", "float f",
            "bool b", "double saved", "double xStorage", "double dVStorage", "double seed", "double gradient", "double i",
            "ref double r", "out double o", "params double[] p", "double d = 1.0", "in double z", "decimal m", "double @double",
            "Span<double> dV", "int[] labels", "ReadOnlySpan<int> k",
        };
        int count = random.Next(5);
        return string.Join(", ", Enumerable.Range(0, count).Select(_ => parameters[random.Next(parameters.Length)]).Distinct());
    }

    /// <summary>A random [Differentiable] attribute.</summary>
    public static string Attribute(Random random, IReadOnlyList<string> scope, string method)
    {
        string name = scope[random.Next(scope.Count)];
        string[] attributes =
        {
            "Differentiable", $"Differentiable(nameof({name}))", $"Differentiable(nameof({name}), nameof({name}))", "Differentiable(\"nope\")",
            "Differentiable(null)", "Differentiable(\"\")", $"Differentiable(nameof({method}))", "Differentiable, Differentiable",
            "Differentiable(1)", $"Differentiable(\"{name}\")", "Obsolete", "Differentiable(new string[0])", $"Differentiable(\"{name.ToUpperInvariant()}\")",
        };
        return attributes[random.Next(attributes.Length)];
    }

    private static readonly string[] SupportedUnary =
    {
        "Math.Sin", "Math.Cos", "Math.Exp", "Math.Tanh", "Math.Atan", "Math.Abs", "Activations.Sigmoid", "Activations.Softplus",
        "Math.Floor", "Math.Cbrt",
    };

    /// <summary>A small expression made only of supported constructs.</summary>
    private static string SupportedExpression(Random random, IReadOnlyList<string> scope, int depth)
    {
        if (depth <= 0 || random.Next(3) == 0)
        {
            return random.Next(4) == 0 ? new[] { "0.5", "2.0", "1.5", "3", "Math.PI" }[random.Next(5)] : scope[random.Next(scope.Count)];
        }

        string Sub() => SupportedExpression(random, scope, depth - 1);
        return random.Next(12) switch
        {
            < 4 => $"{Sub()} {new[] { "+", "-", "*" }[random.Next(3)]} {Sub()}",
            4 => $"{Sub()} / (2 + Math.Cos({Sub()}))",
            < 8 => $"{SupportedUnary[random.Next(SupportedUnary.Length)]}({Sub()})",
            8 => $"Math.Max({Sub()}, {Sub()})",
            9 => $"({Sub()} > {Sub()} ? {Sub()} : {Sub()})",
            10 => $"Math.Pow({Sub()}, 2)",
            _ => $"-{Sub()}",
        };
    }

    /// <summary>A small [Differentiable] method made only of supported constructs: the base that mutations start from.</summary>
    public static string SupportedMethod(Random random, string name)
    {
        var scope = new List<string> { "x", "y", "z" };
        var body = new System.Text.StringBuilder();
        int statements = random.Next(5);
        for (int k = 0; k < statements; k++)
        {
            string e = SupportedExpression(random, scope, 2);
            string target = scope[random.Next(scope.Count)];
            switch (random.Next(6))
            {
                case 0 or 1:
                    string local = "v" + k;
                    body.Append($"        double {local} = {e};\n");
                    scope.Add(local);
                    break;
                case 2:
                    body.Append($"        {target} {new[] { "+=", "-=", "*=" }[random.Next(3)]} {e};\n");
                    break;
                case 3:
                    body.Append($"        if ({SupportedExpression(random, scope, 1)} > {SupportedExpression(random, scope, 1)})\n        {{\n            {target} = {e};\n        }}\n        else\n        {{\n            {target} -= 0.5;\n        }}\n");
                    break;
                case 4:
                    body.Append($"        if ({target} > 1.5)\n        {{\n            return {e};\n        }}\n");
                    break;
                default:
                    body.Append($"        {target} = {e};\n");
                    break;
            }
        }

        string attribute = random.Next(3) == 0 ? "[Differentiable(nameof(x), nameof(z))]" : "[Differentiable]";
        return $"    {attribute}\n    public static double {name}(double x, double y, double z)\n    {{\n{body}        return {SupportedExpression(random, scope, 3)};\n    }}\n";
    }
}
