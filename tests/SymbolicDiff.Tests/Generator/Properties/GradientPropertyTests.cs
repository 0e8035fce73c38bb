using CsCheck;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// Property-based tests of the generated gradients: random [Differentiable] methods (CsCheck generators, see
/// <see cref="RandomPrograms"/>) are compiled with the generator, and at random points each generated
/// <c>MWithGradient</c> must return the method's own value exactly and partials that agree with finite
/// differences (see <see cref="GradientOracle"/>).
/// </summary>
/// <remarks>
/// <para>
/// Compiling costs far more than checking: about a second for a compilation of 50 cases on this project's 2-core
/// machines, mostly Roslyn emitting the generated code, and much the same fixed cost for one case alone. So the cases
/// are compiled many to a compilation (<see cref="BatchSize"/>), one compilation per core at a time. Each test checks
/// 1,000 cases, each a method and its helper, at 3 points: with both tests, 4,000 [Differentiable] methods and 12,000
/// points in about 30 s.
/// </para>
/// <para>
/// Seeds, replay, shrinking and the environment variables that control a run (SYMBOLICDIFF_PROPERTY_SEED,
/// SYMBOLICDIFF_PROPERTY_METHODS, SYMBOLICDIFF_PROPERTY_SHRINK_SECONDS, CsCheck_Seed) are described at
/// <see cref="PropertyRun"/>. Methods with loops and vectors have a test of their own, <see cref="LoopGradientPropertyTests"/>.
/// </para>
/// </remarks>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class GradientPropertyTests
{
    private const int DefaultMethods = 1000;
    private const int BatchSize = 50;

    private readonly ITestOutputHelper _output;

    public GradientPropertyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Expression_bodied_methods_get_correct_gradients() =>
        Run("expression-bodied methods", RandomPrograms.ExpressionCases, salt: 1);

    [Fact]
    public void Methods_with_locals_branches_and_early_returns_get_correct_gradients() =>
        Run("methods with statements", RandomPrograms.StatementCases, salt: 2);

    private void Run(string what, Gen<Case> gen, uint salt) =>
        PropertyRun.Run(_output, what, gen, salt, PropertyRun.MethodCount(DefaultMethods), BatchSize, GradientOracle.Check, GradientOracle.Describe);
}
