using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Tests.AdBench;

/// <summary>
/// The LSTM's hand-written gradient with accurate derivatives (<see cref="AdBenchHandWritten.LstmObjectiveAccurate"/>),
/// the reference for generated / hand-written at equal accuracy: it must agree with the plain hand-written gradient and
/// with central differences where the gates' pre-activations are moderate, and, where a gate saturates, with the
/// generated gradient component by component (each to its own size) where the plain one's σ(1 − σ) and 1 − tanh² give 0.
/// </summary>
public class LstmAccurateReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Agrees_with_the_plain_gradient_and_central_differences(int seed)
    {
        var problem = new LstmProblem(seed, layers: 2, b: 3, c: 4);
        double objective = problem.Objective();
        problem.HandWritten();
        double[] plain = (double[])problem.Gradient.Clone();
        Assert.Equal(objective, problem.HandWrittenAccurate(), 1e-12 * Math.Max(1, Math.Abs(objective)));
        double[] accurate = problem.Gradient;
        double[] parameters = problem.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.True(Math.Abs(accurate[i] - plain[i]) <= 1e-12 * Math.Max(1, Math.Abs(plain[i])), $"component {i}: accurate {accurate[i]:R}, plain {plain[i]:R}");
            double difference = AdBenchGradientTests.CentralDifference(problem, i, out _);
            Assert.True(Math.Abs(accurate[i] - difference) <= 1e-6 * Math.Max(1, Math.Abs(difference)), $"component {i}: accurate {accurate[i]:R}, central difference {difference:R}");
        }
    }

    [Fact]
    public void Keeps_the_tails_that_the_plain_gradient_loses()
    {
        const int b = 3;
        var problem = new LstmProblem(seed: 5, layers: 1, b: b, c: 4);
        // Layer 0's biases follow its 4b weights: forget gate, input gate, output gate, change. Cell 0's forget gate at
        // z ≈ 40 (σ rounds to 1, σ′ ≈ 4·10⁻¹⁸) and cell 1's change at u ≈ 25 (tanh rounds to 1, tanh′ ≈ 8·10⁻²²).
        int forgetBias = 4 * b, changeBias = 4 * b + 3 * b + 1;
        problem.Parameters[forgetBias] = 40;
        problem.Parameters[changeBias] = 25;

        problem.HandWritten();
        Assert.Equal(0.0, problem.Gradient[forgetBias]);
        Assert.Equal(0.0, problem.Gradient[changeBias]);
        problem.Generated();
        double[] generated = (double[])problem.Gradient.Clone();
        problem.HandWrittenAccurate();
        double[] accurate = problem.Gradient;

        Assert.InRange(Math.Abs(generated[forgetBias]), 1e-20, 1e-15);
        Assert.InRange(Math.Abs(generated[changeBias]), 1e-24, 1e-19);
        for (int i = 0; i < accurate.Length; i++)
        {
            Assert.True(Math.Abs(accurate[i] - generated[i]) <= 1e-12 * Math.Abs(generated[i]), $"component {i}: accurate {accurate[i]:R}, generated {generated[i]:R}");
        }
    }
}
