using CsCheck;
using SymbolicDiff.Tests.Generator.Properties;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// Forward mode on the random methods with loops and vectors of <see cref="LoopPrograms"/> (the cases the gradient
/// property test checks against finite differences): at each case's points and a random direction, the generated
/// <c>MWithDerivative</c> must give the method's value exactly and the reverse-mode gradient dotted with the
/// direction, up to rounding.
/// </summary>
public class ForwardModePropertyTests
{
    private const int Methods = 200;
    private const int BatchSize = 50;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Random_methods_with_loops_get_a_derivative_equal_to_their_gradient_along_a_direction()
    {
        var master = new PCG(11, PropertyRun.DefaultSeed);
        var failures = new List<string>();
        int checkedMethods = 0;
        for (int batch = 0; batch < Methods / BatchSize; batch++)
        {
            var cases = Enumerable.Range(0, BatchSize)
                .Select(_ => LoopPrograms.Cases.Generate(new PCG(master.Next(), master.Next64()), null, out CsCheck.Size _))
                .ToList();
            var run = GeneratorHarness.Run(LoopPrograms.RenderFile(cases));
            if (!run.GeneratorDiagnostics.IsEmpty || run.CompilationProblems.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
            {
                continue; // what the gradient property test reports (known generator limits among them)
            }

            var random = new Random(batch);
            foreach (var method in JvpHarness.Methods(run))
            {
                var c = cases[int.Parse(method.Name[1..], System.Globalization.CultureInfo.InvariantCulture)];
                for (int point = 0; point < c.Points.Length; point++)
                {
                    var arguments = c.Arguments(point);
                    var tangents = method.Tangents.Select(i => arguments[i] is double[] vector
                        ? (object)vector.Select(_ => random.NextDouble() * 2 - 1).ToArray()
                        : random.NextDouble() * 2 - 1).ToArray();
                    var (value, derivative) = method.Derivative(arguments, tangents);
                    var (gradientValue, along) = method.GradientDotTangent(arguments, tangents);
                    double scale = method.Tangents.Length == 0 ? 1 : Math.Max(1, Math.Abs(along));
                    if (!value.Equals(method.F(arguments)) || !value.Equals(gradientValue) ||
                        !(Math.Abs(derivative - along) <= 1e-8 * scale || double.IsNaN(along) && double.IsNaN(derivative)))
                    {
                        failures.Add($"{LoopPrograms.Describe(c, 0)}\npoint {point}: value {value:R} (method {method.F(arguments):R}), forward {derivative:R}, gradient · direction {along:R}");
                    }
                }

                checkedMethods++;
            }
        }

        Assert.True(checkedMethods >= Methods / 2, $"only {checkedMethods} of {Methods} random methods were checked");
        Assert.True(failures.Count == 0, $"{failures.Count} failures; the first:\n{failures.FirstOrDefault()}");
    }
}
