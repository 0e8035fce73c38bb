namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// Models several generator tests compile, each written once. Each is a part of the partial class <c>Models</c> with
/// its own <c>using</c> directives: a test passes it to <see cref="GeneratorHarness.Run"/> beside its own models
/// (<c>GeneratorHarness.Run(TestModels.LogSumExp, Models)</c>).
/// </summary>
internal static class TestModels
{
    /// <summary>
    /// Log-sum-exp shifted by the maximum, log Σ e^(xᵢ − max) + max, as the benchmarks time it (GradBench's <c>lse</c>,
    /// <c>AdBenchObjectives.LogSumExp</c>, over an array here): its gradient is the softmax. Its costly call,
    /// exp(x[i] − max), is both ∂/∂x[i] and −∂/∂max, and is kept from the forward sweep (KeptCallTests,
    /// KeptInOutputTests, SharedPartialCallTests) and shared by the value and its tangent (SharedCallTests).
    /// <c>LogSumExpIntoArray</c> writes the gradient into an array, <c>LogSumExpJvp</c> gives the derivative along a direction.
    /// </summary>
    public static readonly string LogSumExp = SymbolicDiff.Tests.AdBench.AdBenchObjectiveSource.AsModels("LogSumExp.cs", "x") + """

        public static partial class Models
        {
            public static double LogSumExpIntoArray(double[] x, double[] dX) => LogSumExpWithGradient(x, dX);

            public static double LogSumExpJvp(double[] x, double[] v) => LogSumExpWithDerivative(x, v).Derivative;
        }
        """;
}
