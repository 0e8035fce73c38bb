using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// Calls generated <c>MWithDerivative</c> methods from tests. Their tangents of vectors are
/// <c>ReadOnlySpan&lt;double&gt;</c>, which reflection cannot pass, so after the generator has run this adds to the
/// compilation one small adapter per static [Differentiable] method, taking arrays where the method takes spans:
/// <c>M_Value</c> (the method), <c>M_Jvp</c> (its <c>MWithDerivative</c>, as <c>{ value, derivative }</c>) and
/// <c>M_Gradient</c> (its gradient struct, from the reverse transform, the independent check).
/// </summary>
internal static class JvpHarness
{
    private const string AdapterType = "ForwardModeAdapters";

    /// <summary>The generated forward-mode methods of <paramref name="run"/>'s static methods, callable with arrays.</summary>
    public static IReadOnlyList<JvpMethod> Methods(GeneratorRun run)
    {
        var adapters = new StringBuilder("public static class " + AdapterType + "\n{\n");
        var found = new List<(string Name, IMethodSymbol Method, IMethodSymbol Derivative)>();
        foreach (var method in DifferentiableMethods(run.Output))
        {
            var derivative = method.ContainingType.GetMembers(method.Name + "WithDerivative").OfType<IMethodSymbol>().SingleOrDefault();
            if (derivative is null || !method.IsStatic)
            {
                continue;
            }

            string name = method.ContainingType.Name + "_" + method.Name;
            string type = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string Parameters(IEnumerable<IParameterSymbol> parameters) => string.Join(", ", parameters.Select(p => ArrayType(p.Type) + " @" + p.Name));
            string Arguments(IEnumerable<IParameterSymbol> parameters) => string.Join(", ", parameters.Select(p => "@" + p.Name));
            adapters.AppendLine($"    public static double {name}_Value({Parameters(method.Parameters)}) => {type}.{method.Name}({Arguments(method.Parameters)});");
            adapters.AppendLine($"    public static double[] {name}_Jvp({Parameters(derivative.Parameters)}) {{ var r = {type}.{derivative.Name}({Arguments(derivative.Parameters)}); return new double[] {{ r.Value, r.Derivative }}; }}");
            adapters.AppendLine($"    public static object {name}_Gradient({Parameters(method.Parameters)}) => {type}.{method.Name}WithGradient({Arguments(method.Parameters)});");
            Assert.Equal(Differentiated(method).Length, derivative.Parameters.Length - method.Parameters.Length);
            found.Add((name, method, derivative));
        }

        adapters.AppendLine("}");
        var compilation = run.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(adapters.ToString(), GeneratorHarness.ParseOptions, path: "Adapters.cs"));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics) + "\n" + adapters);
        var assembly = new System.Runtime.Loader.AssemblyLoadContext(name: null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        var adapterType = assembly.GetType(AdapterType)!;
        return found.Select(f => new JvpMethod(
            f.Method.Name,
            f.Method.Parameters.Select(p => (p.Name, ArrayType(p.Type))).ToArray(),
            Differentiated(f.Method),
            adapterType.GetMethod(f.Name + "_Value")!,
            adapterType.GetMethod(f.Name + "_Jvp")!,
            adapterType.GetMethod(f.Name + "_Gradient")!)).ToList();
    }

    /// <summary>The positions of the differentiated parameters: those [Differentiable] names, or with no names every real one.</summary>
    private static int[] Differentiated(IMethodSymbol method)
    {
        var attribute = method.GetAttributes().Single(a => a.AttributeClass?.Name == "DifferentiableAttribute");
        var names = attribute.ConstructorArguments.SelectMany(a => a.Kind == TypedConstantKind.Array ? a.Values.AsEnumerable() : new[] { a }).Select(v => (string)v.Value!).ToHashSet();
        string real = method.ReturnType.ToDisplayString();
        return method.Parameters
            .Where(p => names.Count > 0 ? names.Contains(p.Name) : ArrayType(p.Type).TrimEnd('[', ']') is var element && (element == real || element == "global::System." + (real == "double" ? "Double" : "Single")))
            .Select(p => p.Ordinal)
            .ToArray();
    }

    private static IEnumerable<IMethodSymbol> DifferentiableMethods(Compilation compilation)
    {
        var attribute = compilation.GetTypeByMetadataName("SymbolicDiff.DifferentiableAttribute");
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is { } method &&
                    method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
                {
                    yield return method;
                }
            }
        }
    }

    // A span parameter becomes an array, which converts to it implicitly.
    private static string ArrayType(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "ReadOnlySpan" or "Span", TypeArguments.Length: 1 } span
            ? span.TypeArguments[0].ToDisplayString() + "[]"
            : type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}

/// <summary>One method and its adapters: <see cref="Tangents"/> are the parameter positions of the tangents, in order.</summary>
internal sealed record JvpMethod(string Name, (string Name, string Type)[] Parameters, int[] Tangents, MethodInfo Value, MethodInfo Jvp, MethodInfo Gradient)
{
    /// <summary>The method's value at <paramref name="arguments"/>.</summary>
    public double F(object[] arguments) => Convert.ToDouble(Value.Invoke(null, arguments), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>MWithDerivative(arguments, tangents)</c>.</summary>
    public (double Value, double Derivative) Derivative(object[] arguments, object[] tangents)
    {
        var result = (double[])Jvp.Invoke(null, arguments.Concat(tangents).ToArray())!;
        return (result[0], result[1]);
    }

    /// <summary>Σ ∂M/∂p · dP from the reverse-mode gradient struct, with the struct's value.</summary>
    public (double Value, double Derivative) GradientDotTangent(object[] arguments, object[] tangents)
    {
        object gradient = Gradient.Invoke(null, arguments)!;
        double total = 0;
        for (int k = 0; k < Tangents.Length; k++)
        {
            string parameter = Parameters[Tangents[k]].Name;
            var property = gradient.GetType().GetProperties().Single(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase));
            total += property.GetValue(gradient) switch
            {
                double[] vector => vector.Zip((double[])tangents[k], (g, t) => g * t).Sum(),
                float[] vector => vector.Zip((float[])tangents[k], (g, t) => (double)g * t).Sum(),
                float scalar => scalar * Convert.ToDouble(tangents[k], System.Globalization.CultureInfo.InvariantCulture),
                var scalar => (double)scalar! * (double)tangents[k],
            };
        }

        double value = Convert.ToDouble(gradient.GetType().GetProperty("Value")!.GetValue(gradient), System.Globalization.CultureInfo.InvariantCulture);
        return (value, total);
    }

    /// <summary>The central difference of M along the tangents: (M(p + h·t) − M(p − h·t)) / 2h.</summary>
    public double CentralDifference(object[] arguments, object[] tangents, double h)
    {
        object[] Moved(double step)
        {
            var moved = arguments.Select(a => a is Array array ? array.Clone() : a).ToArray();
            for (int k = 0; k < Tangents.Length; k++)
            {
                int i = Tangents[k];
                switch (moved[i])
                {
                    case double[] vector:
                        for (int j = 0; j < vector.Length; j++)
                        {
                            vector[j] += step * ((double[])tangents[k])[j];
                        }

                        break;
                    case float[] vector:
                        for (int j = 0; j < vector.Length; j++)
                        {
                            vector[j] += (float)(step * ((float[])tangents[k])[j]);
                        }

                        break;
                    case float scalar:
                        moved[i] = scalar + (float)(step * (float)tangents[k]);
                        break;
                    default:
                        moved[i] = (double)moved[i] + step * (double)tangents[k];
                        break;
                }
            }

            return moved;
        }

        return (F(Moved(h)) - F(Moved(-h))) / (2 * h);
    }
}
