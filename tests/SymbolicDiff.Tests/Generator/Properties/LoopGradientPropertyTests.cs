using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// Property-based tests of the gradients of methods with loops and vectors: random [Differentiable] methods
/// (<see cref="LoopPrograms"/>: reductions, loop-carried non-linear updates, nested loops over a matrix stored by
/// rows, local buffers, foreach, while, int locals, ?: inside loops, vector and scalar parameters, some held
/// constant) are compiled with the generator, and at random points the generated <c>MWithGradient</c> must return
/// the method's own value exactly, a partial per element that agrees with central finite differences, and, through
/// its span overload given outputs full of garbage, the same bits (see <see cref="GradientOracle.CheckLoops"/>).
/// </summary>
/// <remarks>
/// <para>
/// 300 methods at 3 points each by default, 50 to a compilation: see docs/contributing.md's test section for the time this
/// takes. Seeds, replay, shrinking and the environment variables that control a run are described at
/// <see cref="PropertyRun"/> (SYMBOLICDIFF_PROPERTY_METHODS sets the number of methods of this test too).
/// </para>
/// <para>The generator bugs this test found are in <see cref="LoopGeneratorBugTests"/>.</para>
/// </remarks>
public class LoopGradientPropertyTests
{
    private const int DefaultMethods = 300;
    private const int BatchSize = 50;

    private readonly ITestOutputHelper _output;

    public LoopGradientPropertyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Methods_with_loops_and_vectors_get_correct_gradients() =>
        PropertyRun.Run(
            _output,
            "methods with loops and vectors",
            LoopPrograms.Cases,
            salt: 3,
            PropertyRun.MethodCount(DefaultMethods),
            BatchSize,
            GradientOracle.CheckLoops,
            LoopPrograms.Describe);

    /// <summary>
    /// The programs the property test checks contain what they are meant to: each construct in a fair share of
    /// them (rendering only, no compilation, so it takes milliseconds). Guards against a change to the generators
    /// that quietly stops producing one.
    /// </summary>
    [Fact]
    public void The_random_loop_programs_cover_the_constructs_they_are_meant_to()
    {
        var master = new PCG(3, PropertyRun.DefaultSeed);
        var sources = Enumerable.Range(0, 300)
            .Select(i => LoopPrograms.Cases.Generate(new PCG(master.Next(), master.Next64()), null, out _))
            .Select(c => LoopPrograms.RenderCase(c, 0))
            // Only the method, not its Outputs wrapper.
            .Select(s => s.Substring(0, s.IndexOf("public static double[] M0Outputs", StringComparison.Ordinal)))
            .ToList();
        // Counters: i, j, k by depth, or i7 for a while loop.
        const string I = @"(?:[ijkl]|i\d+)";
        var constructs = new (string Name, string Pattern)[]
        {
            ("a reduction s += …", @"\bs\d+ \+= "),
            ("a product s *= …", @"\b[st]\w* \*= "),
            ("a running maximum", @"(\w+) = Math\.Max\(\1, "),
            ("a recurrence t = tanh(t · e + o)", @"(\w+) = Math\.Tanh\(\1 \* "),
            ("++ or -- on a double", @"(\b[st]\w*\+\+|--[st]\w*);"),
            ("nested loops", @"\n {8,}(for|foreach|while) \("),
            ("a matrix read by row and column", $@"mat\[({I} \* [^\]]+|r\d+) \+ {I}\]"),
            ("a row offset int local", $@"int r\d+ = {I} \* "),
            ("a loop to a count in an int local", @"; [ijkl] < len\d+;"),
            ("a buffer on the stack", @"Span<double> h\d+ = stackalloc double\["),
            ("a buffer on the heap", @"double\[\] h\d+ = new double\["),
            ("a buffer written in a loop", $@"h\d+\[{I}\] [+\-*]?= "),
            ("a buffer read in a loop", $@"= [^\n]*h\d+\[{I}\]"),
            ("a recurrence through a buffer, h[i] = … h[i - 1] …", $@"(h\d+)\[({I})\] = [^\n]*\1\[\2 - 1\]"),
            ("a read of x[i + 1]", $@"\[{I} \+ 1\]"),
            ("a loop-local double", @"\n {8,}(double|var) t\w+ = "),
            ("a var local", @"var t\w+ = "),
            ("foreach", @"foreach \((double|var) e\w* in "),
            ("while", @"while \(i\d+ < "),
            ("<= bound", $@"; {I} <= "),
            ("a loop from 1", $@"for \(int {I} = 1;"),
            ("a triangular loop", $@"for \(int {I} = 0; {I} <= {I};"),
            ("a loop to n - 1", $@"; {I} < [^;]+ - 1;"),
            ("a counter reused by sibling loops", @"for \(int i = [\s\S]*\n    \}[\s\S]*for \(int i = "),
            ("?: on counters", $@"\({I} (<|==|>=|%) [^?]*\?"),
            ("?: on reals", @"\([^()?]*(x|w|v|a|b|s\d+|t\w+)[^()?]* (<|<=|>|>=) [^?]*\?"),
            ("-=", @" -= "),
            ("/=", @" /= "),
            ("a scalar parameter", @"double [ab][,)]"),
            ("some parameters held constant (nameof)", @"\[Differentiable\(nameof"),
            ("some parameters held constant (strings)", @"\[Differentiable\("""),
            ("a length in an int local", @"int n\d+ = "),
            ("rows as the matrix's length over the columns'", @"mat\.Length / "),
            ("a length as a real", @"(\(double\)|0\.25 \* |1\.0 / )\(?(x|w|v|mat|h\d+)\.Length|\(double\)n\d+|0\.25 \* n\d+|1\.0 / n\d+"),
            ("a mean, … / x.Length", @"\) / \w+\.Length;|return s\d+ / \w+\.Length;"),
            ("three levels of nesting", @"\n {12,}(for|foreach|while) \("),
            ("&&, || or ! in a condition", @"&&|\|\||!\("),
            ("an expression body", @"\) =>\n"),
        };
        var lines = new List<string>();
        var missing = new List<string>();
        foreach (var (name, pattern) in constructs)
        {
            int count = sources.Count(s => Regex.IsMatch(s, pattern));
            lines.Add($"{name}: {count} of {sources.Count}");
            if (count < sources.Count / 50)
            {
                missing.Add($"{name} ({count})");
            }
        }

        _output.WriteLine(string.Join("\n", lines));
        _output.WriteLine("\nA program, for example:\n" + sources[0]);
        Assert.True(missing.Count == 0, "constructs in fewer than 2% of the programs: " + string.Join(", ", missing));
    }
}
