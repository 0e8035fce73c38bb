using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Parsing;

namespace SymbolicDiff.Tests.Generator.Limits;

/// <summary>
/// <see cref="BodyOperations"/> answers, from one walk of a bound body, what the parse step's checks used to find in a
/// walk each. Checked here against those walks written out independently (Roslyn's own <c>Descendants</c>, one query
/// each), on a body with loops, an early return, a local function with returns of its own, assigned parameters and
/// calls; and its questions are lookups, not walks.
/// </summary>
public class BodyOperationsTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;
        public static partial class Model
        {
            [Differentiable(nameof(x))]
            public static double F(double x, double y, int n)
            {
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    s += x * i;
                    if (s > 10) { return s; }
                }

                x = x * 2;
                n++;
                double Square(double v) { double w = v * v; return w; }
                double t = Square(s) + Math.Exp(y) + Math.Exp(y);
                return t + s + n;
            }
        }
        """;

    [Fact]
    public void One_walk_finds_what_a_walk_per_question_finds()
    {
        var (block, operations) = Walk(Source);
        var descendants = block.Descendants().ToList();

        Assert.False(operations.HasErrors);
        Assert.Equal(
            descendants.OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol.Name),
            operations.DeclaredNames);
        Assert.Equal(new[] { "s", "i", "t", "w" }.OrderBy(n => n), operations.DeclaredNames.OrderBy(n => n));

        // The method's own returns: the one in the loop and the last; not the local function's.
        var returns = descendants.OfType<IReturnOperation>().Where(r => !r.Syntax.Ancestors().OfType<LocalFunctionStatementSyntax>().Any()).ToList();
        Assert.Equal(2, returns.Count);
        Assert.Equal(returns, operations.Returns);

        foreach (var local in descendants.OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol))
        {
            var expected = descendants.OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local)).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, operations.References(local));
        }

        var parameters = descendants.OfType<IParameterReferenceOperation>().GroupBy(p => p.Parameter.Name).ToDictionary(g => g.Key, g => g.First().Parameter);
        Assert.True(operations.IsAssigned(parameters["x"]));  // x = x * 2
        Assert.True(operations.IsAssigned(parameters["n"]));  // n++
        Assert.False(operations.IsAssigned(parameters["y"])); // only read

        // One per call written (Math.Exp(y) twice, Square(s) once), each the outermost operation of its syntax.
        var calls = block.Syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().ToList();
        Assert.Equal(3, calls.Count);
        Assert.Equal(calls, operations.Invocations.Select(o => o.Syntax));
        Assert.All(operations.Invocations, o => Assert.False(o.Parent?.Syntax == o.Syntax, $"{o.Syntax} is not the outermost operation of its call"));
    }

    [Fact]
    public void A_body_the_compiler_reports_on_has_errors()
    {
        var (_, operations) = Walk(Source.Replace("Math.Exp(y)", "Undeclared(y)"));

        Assert.True(operations.HasErrors);
    }

    [Fact]
    public void Asking_about_a_local_or_a_parameter_walks_nothing_again()
    {
        var (block, operations) = Walk(Source);
        var local = block.Descendants().OfType<IVariableDeclaratorOperation>().First().Symbol;
        var parameter = block.Descendants().OfType<IParameterReferenceOperation>().First().Parameter;

        // The separate walks allocated an enumerator and a lookup per question; these are dictionary reads.
        Assert.Equal(0, Allocations.PerCall(() => operations.References(local)));
        Assert.Equal(0, Allocations.PerCall(() => operations.IsAssigned(parameter)));
    }

    private static (IBlockOperation Block, BodyOperations Operations) Walk(string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var tree = compilation.SyntaxTrees.Single();
        var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
        var body = (IMethodBodyOperation)compilation.GetSemanticModel(tree).GetOperation(declaration)!;
        return (body.BlockBody!, BodyOperations.Of(body.BlockBody!));
    }
}
