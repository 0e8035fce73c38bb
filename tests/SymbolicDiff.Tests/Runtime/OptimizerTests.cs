using SymbolicDiff.Optimizers;
using Xunit;

namespace SymbolicDiff.Tests.Runtime;

public class OptimizerTests
{
    // Shared scenario: two parameters θ₀ = (1, −2) and three fixed gradients.
    private static readonly double[] Initial = [1.0, -2.0];
    private static readonly double[][] Gradients = [[0.5, -1.0], [0.25, 2.0], [-0.75, 0.5]];

    // Expected values were worked out by hand from the torch.optim update rules and checked with
    // python3's decimal module (50 significant digits), independently of the code under test.

    [Fact]
    public void Sgd_without_momentum_matches_hand_computation()
    {
        // lr = 0.1, θ ← θ − lr·g:
        // step 1: (1 − 0.05, −2 + 0.1)      = (0.95, −1.9)
        // step 2: (0.95 − 0.025, −1.9 − 0.2) = (0.925, −2.1)
        // step 3: (0.925 + 0.075, −2.1 − 0.05) = (1.0, −2.15)
        double[][] expected = [[0.95, -1.9], [0.925, -2.1], [1.0, -2.15]];
        AssertTrajectory(new Sgd(learningRate: 0.1), expected);
    }

    [Fact]
    public void Sgd_with_momentum_matches_hand_computation()
    {
        // lr = 0.1, μ = 0.9; b₁ = g₁, b_t = μ·b_{t−1} + g_t, θ ← θ − lr·b_t:
        // step 1: b = (0.5, −1)                                  θ = (0.95, −1.9)
        // step 2: b = (0.45 + 0.25, −0.9 + 2)   = (0.7, 1.1)     θ = (0.95 − 0.07, −1.9 − 0.11) = (0.88, −2.01)
        // step 3: b = (0.63 − 0.75, 0.99 + 0.5) = (−0.12, 1.49)  θ = (0.88 + 0.012, −2.01 − 0.149) = (0.892, −2.159)
        double[][] expected = [[0.95, -1.9], [0.88, -2.01], [0.892, -2.159]];
        AssertTrajectory(new Sgd(learningRate: 0.1, momentum: 0.9), expected);
    }

    [Fact]
    public void Adam_matches_hand_computation()
    {
        // lr = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8; m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
        // θ ← θ − lr·(m/(1−β₁^t)) / (√(v/(1−β₂^t)) + ε):
        // step 1: m = (0.05, −0.1), v = (0.00025, 0.001); m̂ = g, √v̂ = |g|
        //         θ = (1 − 0.1·0.5/(0.5 + 1e-8), −2 + 0.1·1/(1 + 1e-8)) = (0.900000002, −1.900000001) (to 1e-17)
        // step 2: m = (0.07, 0.11), v = (0.00031225, 0.004999); m̂ = m/0.19, v̂ = v/0.001999
        //         θ = (0.80678204047746166896, −1.9366103534720750882)
        // step 3: m = (−0.012, 0.149), v = (0.00087443775, 0.005244001); m̂ = m/0.271, v̂ = v/0.002997001
        //         θ = (0.81497972011077730167, −1.9781754731467740468)
        // (python3: decimal arithmetic of the formulas above, 50 digits, rounded to 20 here.)
        double[][] expected =
        [
            [0.90000000199999996, -1.90000000099999999],
            [0.80678204047746166896, -1.9366103534720750882],
            [0.81497972011077730167, -1.9781754731467740468],
        ];
        var adam = new Adam(learningRate: 0.1);
        AssertTrajectory(adam, expected);
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void Adam_minimises_a_parabola()
    {
        // f(θ) = θ², ∇f = 2θ, from (3, −2). A python3 simulation of the same rule reaches ~1e-11 after 500 steps.
        double[] theta = [3.0, -2.0];
        double[] gradient = new double[2];
        var adam = new Adam(learningRate: 0.1);
        for (int step = 0; step < 500; step++)
        {
            gradient[0] = 2 * theta[0];
            gradient[1] = 2 * theta[1];
            adam.Step(theta, gradient);
        }

        Assert.True(Math.Abs(theta[0]) < 1e-6, $"θ₀ = {theta[0]}");
        Assert.True(Math.Abs(theta[1]) < 1e-6, $"θ₁ = {theta[1]}");
    }

    [Fact]
    public void Defaults_and_properties()
    {
        var adam = new Adam();
        Assert.Equal(1e-3, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-8, adam.Epsilon);
        Assert.Equal(0, adam.StepCount);

        var sgd = new Sgd(0.5);
        Assert.Equal(0.5, sgd.LearningRate);
        Assert.Equal(0.0, sgd.Momentum);
        Assert.Equal(0.7, new Sgd(0.5, 0.7).Momentum);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_learning_rate_is_rejected(double learningRate)
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(learningRate)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_momentum_is_rejected(double momentum)
    {
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void Invalid_betas_are_rejected(double beta)
    {
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: beta)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: beta)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1e-8)]
    [InlineData(0.0)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_epsilon_is_rejected(double epsilon)
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: epsilon)).ParamName);
    }

    public static TheoryData<string> AllOptimizers => new() { "sgd", "momentum", "adam" };

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void Mismatched_span_lengths_are_rejected(string kind)
    {
        IOptimizer optimizer = Create(kind);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(new double[3], new double[2]));
        Assert.Equal("gradients", exception.ParamName);
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void Changed_parameter_count_is_rejected_until_reset(string kind)
    {
        IOptimizer optimizer = Create(kind);
        optimizer.Step(new double[3], new double[3]);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(new double[4], new double[4]));
        Assert.Equal("parameters", exception.ParamName);

        Reset(optimizer);
        optimizer.Step(new double[4], new double[4]);
    }

    [Fact]
    public void Reset_makes_the_next_step_a_first_step()
    {
        var sgd = new Sgd(0.1, 0.9);
        double[] theta = [1.0];
        sgd.Step(theta, [1.0]);
        sgd.Reset();
        Assert.Equal(0, sgd.StepCount);
        theta[0] = 1.0;
        sgd.Step(theta, [0.5]); // b = g, so θ = 1 − 0.1·0.5
        Assert.Equal(0.95, theta[0], 1e-15);

        var adam = new Adam(0.1);
        theta[0] = 1.0;
        adam.Step(theta, [3.0]);
        adam.Reset();
        theta[0] = 1.0;
        adam.Step(theta, [0.5]); // first step: θ = 1 − 0.1·0.5/(0.5 + 1e-8)
        Assert.Equal(0.90000000199999996, theta[0], 1e-15);
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void Steps_do_not_allocate_after_the_first(string kind)
    {
        IOptimizer optimizer = Create(kind);
        double[] theta = [1.0, -2.0, 0.5, 4.0];
        double[] gradient = [0.1, 0.2, -0.3, 0.4];
        optimizer.Step(theta, gradient); // warm-up: allocates the state and JIT-compiles

        Assert.Equal(0, Allocations.PerCall(() => optimizer.Step(theta, gradient)));
    }

    private static IOptimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.1),
        "momentum" => new Sgd(0.1, 0.9),
        "adam" => new Adam(0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static void Reset(IOptimizer optimizer)
    {
        switch (optimizer)
        {
            case Sgd sgd: sgd.Reset(); break;
            case Adam adam: adam.Reset(); break;
        }
    }

    private static void AssertTrajectory(IOptimizer optimizer, double[][] expected)
    {
        double[] theta = (double[])Initial.Clone();
        for (int step = 0; step < expected.Length; step++)
        {
            optimizer.Step(theta, Gradients[step]);
            for (int i = 0; i < theta.Length; i++)
            {
                Assert.True(
                    Math.Abs(expected[step][i] - theta[i]) <= 1e-12,
                    $"step {step + 1}, θ[{i}]: expected {expected[step][i]:R}, got {theta[i]:R}");
            }
        }
    }
}
