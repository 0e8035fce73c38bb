using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Lets a method that calls another method's generated gradient (<c>UWithGradient(x, k).X</c>, nested differentiation)
/// bind while the generator runs, before that gradient exists: the compilation the body is bound in gets a stand-in of
/// the generated signatures (<c>UGradient</c>, <c>UWithGradient</c>, <c>UWithDerivative</c>, bodiless in effect, never
/// emitted). The method's own syntax tree is the same object, so every location the parser reports is the user's; and
/// the operation tree is the one an analyzer sees in a compilation that holds the generated code, so one parser
/// serves both.
/// </summary>
internal static class NestedGradientStubs
{
    /// <summary>The version the stand-ins' [GeneratedCode] carries: marks them as SymbolicDiff's, as the real ones are.</summary>
    private const string StubVersion = "binding";

    /// <summary>
    /// Why a call of <paramref name="callee"/>'s generated code cannot be differentiated through, or null where it can:
    /// a static, non-generic method of scalar parameters of the method's real type (double or float), passed by value, or
    /// a method over spans of that real type whose gradient the call writes into spans (its Hessian-vector product).
    /// </summary>
    public static string? Unsupported(IMethodSymbol callee, SpecialType real, Compilation compilation, CancellationToken cancellationToken)
    {
        if (callee.Parameters.Any(p => BodyParser.ElementType(p.Type) is not null))
        {
            // Float reads a float callee's gradient as double reads a double one's; the two are never mixed.
            if (RealTypes.Of(callee) != real)
            {
                return $"a {RealTypes.Keyword(RealTypes.Of(callee))} method over spans, called in a {RealTypes.Keyword(real)} method (caller and callee compute in one real type: make both double or both float)";
            }

            if (DifferentiableCallees.DescribeGradientOverSpans(callee, real) is null)
            {
                string keyword = RealTypes.Keyword(real);
                return $"a method over spans other than a static {keyword} method with SecondOrder = true, parameters that are vectors of {keyword}s (ReadOnlySpan<{keyword}>, Span<{keyword}>, {keyword}[]), {keyword}s or integers, and a differentiated vector, whose 'UWithGradient(v, dV);' is called as a statement or for its value";
            }

            // A span it writes makes it vector-valued: its derivative is a Jacobian, and it has no UWithGradient.
            var written = VectorOutputs.OfCallee(callee, compilation, cancellationToken);
            return written.Count > 0
                ? $"a vector-valued method (it writes '{string.Join("', '", written)}': call it directly, as a statement, and the caller is differentiated through its Jacobian)"
                : null;
        }

        if (!callee.IsStatic || callee.IsGenericMethod || callee.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return "an instance or generic method, or one with ref parameters";
        }

        if (callee.ReturnType.SpecialType != real || callee.Parameters.Any(p => p.Type.SpecialType != real))
        {
            return real == SpecialType.System_Single
                ? "a method that is not all float, called in a float method"
                : "a method that is not all double, called in a double method";
        }

        return null;
    }

    /// <summary>
    /// The compilation with stand-ins for the generated code of <paramref name="callees"/>, or null where one is not
    /// declared in a partial type of source code.
    /// </summary>
    public static Compilation? AddTo(Compilation compilation, SyntaxTree tree, IReadOnlyCollection<IMethodSymbol> callees, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine("// SymbolicDiff: the signatures of generated code, to bind calls of it while the generator runs; never emitted.");
        text.AppendLine("#nullable enable");
        foreach (var callee in callees)
        {
            if (Stub(callee, cancellationToken) is not { } stub)
            {
                return null;
            }

            text.Append(stub);
        }

        var options = tree.Options as CSharpParseOptions ?? CSharpParseOptions.Default;
        return compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(text.ToString(), options, cancellationToken: cancellationToken));
    }

    private static string? Stub(IMethodSymbol callee, CancellationToken cancellationToken)
    {
        var declaration = callee.ContainingType.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as TypeDeclarationSyntax;
        if (declaration is null)
        {
            return null;
        }

        var types = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Reverse().ToList();
        if (types.Any(type => !type.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            return null;
        }

        string? namespaceName = callee.ContainingType.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
        var text = new StringBuilder();
        if (namespaceName is not null)
        {
            text.Append("namespace ").Append(namespaceName).AppendLine(" {");
        }

        foreach (var type in types)
        {
            string typeParameters = type.TypeParameterList is null ? string.Empty : "<" + string.Join(", ", type.TypeParameterList.Parameters.Select(p => p.Identifier.Text)) + ">";
            text.Append("partial ").Append(Keyword(type)).Append(' ').Append(type.Identifier.Text).Append(typeParameters).AppendLine(" {");
        }

        string attribute = $"[global::System.CodeDom.Compiler.GeneratedCode(\"{MethodBody.GeneratorName}\", \"{StubVersion}\")]";
        if (callee.Parameters.Any(p => BodyParser.ElementType(p.Type) is not null))
        {
            // Over spans: only the form that writes the gradient into spans, UWithGradient(v, dV), in U's real type.
            var realType = RealTypes.Of(callee);
            string real = RealTypes.Keyword(realType);
            var spanFunction = DifferentiableCallees.DescribeGradientOverSpans(callee, realType)!;
            var differentiated = callee.Parameters.Where((p, i) => spanFunction.Differentiated[i]).ToList();
            var all = callee.Parameters.Select(p => $"{p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)} {CSharpLexical.Identifier(p.Name)}")
                .Concat(spanFunction.ParameterNames.Skip(callee.Parameters.Length).Select((name, k) =>
                    (differentiated[k].Type.SpecialType == realType ? $"out {real} " : $"global::System.Span<{real}> ") + CSharpLexical.Identifier(name)));
            text.Append(attribute).Append($" public static {real} {GeneratedNames.GradientMethod(callee.Name)}(").Append(string.Join(", ", all)).AppendLine(") => default;");
        }
        else
        {
            string real = callee.ReturnType.SpecialType == SpecialType.System_Single ? "float" : "double";
            var function = DifferentiableCallees.Describe(callee);
            var properties = function.GradientProperties.Where(p => p is not null).Select(p => p!).ToList();
            string gradient = GeneratedNames.GradientStruct(callee.Name);
            text.Append(attribute).Append(" public readonly struct ").Append(gradient).Append(" { ")
                .Append(string.Join(" ", new[] { "Value" }.Concat(properties).Select(p => $"public {real} {p} => default;")))
                .AppendLine(" }");

            var parameters = callee.Parameters.Select(p => $"{real} {CSharpLexical.Identifier(p.Name)}").ToList();
            var tangents = callee.Parameters.Where((p, i) => function.GradientProperties[i] is not null).Select(p => $"{real} {CSharpLexical.Identifier(GeneratedNames.Output(p.Name))}");
            text.Append(attribute).Append($" public static {gradient} {GeneratedNames.GradientMethod(callee.Name)}(").Append(string.Join(", ", parameters)).AppendLine(") => default;");
            text.Append(attribute).Append($" public static ({real} Value, {real} Derivative) {GeneratedNames.DerivativeMethod(callee.Name)}(")
                .Append(string.Join(", ", parameters.Concat(tangents))).AppendLine(") => default;");
        }

        text.Append('}', types.Count).AppendLine();
        if (namespaceName is not null)
        {
            text.AppendLine("}");
        }

        return text.ToString();
    }

    private static string Keyword(TypeDeclarationSyntax type) => type switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };
}
