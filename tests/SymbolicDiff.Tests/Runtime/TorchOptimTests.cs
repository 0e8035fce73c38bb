using SymbolicDiff.Optimizers;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// What people expect from torch.optim (issue 13, item 9): weight decay for SGD and Adam (L2 form), AdamW
/// (decoupled), Nesterov momentum, clipping by global norm and step and cosine learning-rate schedules.
/// </summary>
/// <remarks>
/// Each is checked twice, independently of the code under test: against a few steps worked out with python3's
/// decimal module (50 digits) from the update rules in the PyTorch documentation, and, over many random steps,
/// against a scalar reference written here directly from the same documented pseudo-code.
/// </remarks>
public class TorchOptimTests
{
    // The scenario of OptimizerTests: θ₀ = (1, −2) and three fixed gradients.
    private static readonly double[] Initial = [1.0, -2.0];
    private static readonly double[][] Gradients = [[0.5, -1.0], [0.25, 2.0], [-0.75, 0.5]];

    // ---- Worked steps ----------------------------------------------------------------------------------------

    [Fact]
    public void Sgd_with_weight_decay_matches_hand_computation()
    {
        // lr = 0.1, λ = 0.1: g ← g + λθ, θ ← θ − lr·g.
        // step 1: g = (0.5 + 0.1, −1 − 0.2) = (0.6, −1.2); θ = (0.94, −1.88)
        // step 2: g = (0.25 + 0.094, 2 − 0.188) = (0.344, 1.812); θ = (0.9056, −2.0612)
        // step 3: g = (−0.75 + 0.09056, 0.5 − 0.20612); θ = (0.971544, −2.090588)
        AssertTrajectory(new Sgd(0.1, weightDecay: 0.1), [[0.94, -1.88], [0.9056, -2.0612], [0.971544, -2.090588]]);
    }

    [Fact]
    public void Sgd_with_momentum_and_weight_decay_matches_hand_computation()
    {
        // lr = 0.1, μ = 0.9, λ = 0.01: the decay is added to g before the momentum buffer.
        AssertTrajectory(new Sgd(0.1, momentum: 0.9, weightDecay: 0.01),
        [
            [0.9489999999999999547, -1.8979999999999999094],
            [0.87715100000000001401, -2.004302000000000028],
            [0.88660974900000000254, -2.1479694980000001436],
        ]);
    }

    [Fact]
    public void Sgd_with_Nesterov_momentum_matches_hand_computation()
    {
        // lr = 0.1, μ = 0.9: b = μb + g (b₁ = g), θ ← θ − lr·(g + μb).
        // step 1: b = (0.5, −1), d = (0.95, −1.9), θ = (0.905, −1.81)
        // step 2: b = (0.7, 1.1), d = (0.88, 2.99), θ = (0.817, −2.109)
        // step 3: b = (−0.12, 1.49), d = (−0.858, 1.841), θ = (0.9028, −2.2931)
        AssertTrajectory(new Sgd(0.1, momentum: 0.9, nesterov: true), [[0.905, -1.81], [0.817, -2.109], [0.9028, -2.2931]]);
        AssertTrajectory(new Sgd(0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        [
            [0.90310000000000001386, -1.8062000000000000277],
            [0.81257411000000001611, -2.100148219999999899],
            [0.89536970819100003549, -2.2773369163820000871],
        ]);
    }

    [Fact]
    public void Adam_with_weight_decay_matches_hand_computation()
    {
        // lr = 0.1, λ = 0.01 in the L2 form: g ← g + λθ, then Adam. Step 1: m̂ = g, √v̂ = |g|, so θ moves by lr·g/(|g| + ε).
        AssertTrajectory(new Adam(0.1, weightDecay: 0.01),
        [
            [0.90000000196078422388, -1.900000000980392123],
            [0.80655504104993125392, -1.9355044186569045905],
            [0.81308525728649616582, -1.9758095957174284241],
        ]);
    }

    [Fact]
    public void AdamW_matches_hand_computation()
    {
        // lr = 0.1, λ = 0.01 decoupled: θ ← θ(1 − lr·λ) = 0.999θ, then Adam on the raw gradient.
        // Step 1: θ = (0.999 − 0.1·0.5/(0.5 + 1e-8), −1.998 + 0.1·1/(1 + 1e-8)).
        AssertTrajectory(new AdamW(0.1, weightDecay: 0.01),
        [
            [0.89900000199999996475, -1.8980000009999999921],
            [0.80488304047546166409, -1.9327123534710750619],
            [0.81227583706830186472, -1.9723447607923030311],
        ]);
    }

    [Fact]
    public void AdamW_without_decay_is_Adam_and_its_defaults_are_PyTorchs()
    {
        var adamW = new AdamW();
        Assert.Equal(1e-3, adamW.LearningRate);
        Assert.Equal(0.9, adamW.Beta1);
        Assert.Equal(0.999, adamW.Beta2);
        Assert.Equal(1e-8, adamW.Epsilon);
        Assert.Equal(1e-2, adamW.WeightDecay);

        double[] a = (double[])Initial.Clone(), b = (double[])Initial.Clone();
        var adam = new Adam(0.1);
        var undecayed = new AdamW(0.1, weightDecay: 0);
        foreach (var g in Gradients)
        {
            adam.Step(a, g);
            undecayed.Step(b, g);
        }

        Assert.Equal(a, b);
        Assert.Equal(3, undecayed.StepCount);
    }

    // ---- Against a scalar reference from the documented pseudo-code, over many steps ------------------------

    public static TheoryData<string> Configurations => new()
    {
        "sgd", "sgd decay", "momentum", "momentum decay", "nesterov", "nesterov decay", "adam", "adam decay", "adamw", "adamw strong",
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Fifty_steps_agree_with_a_reference_written_from_the_PyTorch_documentation(string configuration)
    {
        var (optimizer, reference) = configuration switch
        {
            "sgd" => ((IOptimizer)new Sgd(0.05), (Reference)new SgdReference(0.05, 0, 0, false)),
            "sgd decay" => (new Sgd(0.05, weightDecay: 0.1), new SgdReference(0.05, 0, 0.1, false)),
            "momentum" => (new Sgd(0.05, 0.9), new SgdReference(0.05, 0.9, 0, false)),
            "momentum decay" => (new Sgd(0.05, 0.9, 0.01), new SgdReference(0.05, 0.9, 0.01, false)),
            "nesterov" => (new Sgd(0.05, 0.8, nesterov: true), new SgdReference(0.05, 0.8, 0, true)),
            "nesterov decay" => (new Sgd(0.05, 0.8, 0.05, true), new SgdReference(0.05, 0.8, 0.05, true)),
            "adam" => (new Adam(0.01), new AdamReference(0.01, 0, 0)),
            "adam decay" => (new Adam(0.01, weightDecay: 0.1), new AdamReference(0.01, 0.1, 0)),
            "adamw" => (new AdamW(0.01), new AdamReference(0.01, 0, 0.01)),
            "adamw strong" => (new AdamW(0.01, weightDecay: 0.5), new AdamReference(0.01, 0, 0.5)),
            _ => throw new ArgumentOutOfRangeException(nameof(configuration), configuration, null),
        };

        var random = new Random(20261129);
        double[] theta = [1.0, -2.0, 0.5, 3.0, -0.25];
        double[] expected = (double[])theta.Clone();
        double[] gradient = new double[theta.Length];
        for (int step = 1; step <= 50; step++)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                // The gradient of ½θ² plus noise, and an exact 0 now and then (Adam's 0/0 case).
                gradient[i] = i == 2 && step % 7 == 0 ? 0.0 : theta[i] + random.NextDouble() - 0.5;
            }

            optimizer.Step(theta, gradient);
            reference.Step(expected, gradient);
            for (int i = 0; i < theta.Length; i++)
            {
                Assert.True(Math.Abs(theta[i] - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"step {step}, θ[{i}]: {theta[i]:R} vs reference {expected[i]:R}");
            }
        }
    }

    private abstract class Reference
    {
        public abstract void Step(double[] theta, double[] gradient);
    }

    /// <summary>
    /// torch.optim.SGD's documented algorithm, dampening τ = 0: g ← g + λθ; if μ ≠ 0: b ← (t &gt; 1 ? μb + g : g),
    /// g ← (nesterov ? g + μb : b); θ ← θ − γg.
    /// </summary>
    private sealed class SgdReference(double gamma, double mu, double lambda, bool nesterov) : Reference
    {
        private double[]? _b;
        private int _t;

        public override void Step(double[] theta, double[] gradient)
        {
            _t++;
            _b ??= new double[theta.Length];
            for (int i = 0; i < theta.Length; i++)
            {
                double g = gradient[i];
                if (lambda != 0)
                {
                    g += lambda * theta[i];
                }

                if (mu != 0)
                {
                    _b[i] = _t > 1 ? mu * _b[i] + g : g;
                    g = nesterov ? g + mu * _b[i] : _b[i];
                }

                theta[i] -= gamma * g;
            }
        }
    }

    /// <summary>
    /// torch.optim.Adam's documented algorithm (L2 decay λ) and torch.optim.AdamW's (decoupled decay δ):
    /// g ← g + λθ; θ ← θ − γδθ; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − γ(m/(1 − β₁ᵗ))/(√(v/(1 − β₂ᵗ)) + ε).
    /// </summary>
    private sealed class AdamReference(double gamma, double lambda, double delta) : Reference
    {
        private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        private double[]? _m, _v;
        private int _t;

        public override void Step(double[] theta, double[] gradient)
        {
            _t++;
            _m ??= new double[theta.Length];
            _v ??= new double[theta.Length];
            for (int i = 0; i < theta.Length; i++)
            {
                double g = gradient[i] + lambda * theta[i];
                theta[i] -= gamma * delta * theta[i];
                _m[i] = Beta1 * _m[i] + (1 - Beta1) * g;
                _v[i] = Beta2 * _v[i] + (1 - Beta2) * g * g;
                double mHat = _m[i] / (1 - Math.Pow(Beta1, _t));
                double vHat = _v[i] / (1 - Math.Pow(Beta2, _t));
                theta[i] -= gamma * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
        }
    }

    // ---- Gradient clipping -----------------------------------------------------------------------------------

    [Fact]
    public void Clipping_by_global_norm_matches_hand_computation()
    {
        // ‖(3, 4)‖ = 5; coefficient 1/(5 + 1e-6): (0.59999988000002402178, 0.79999984000003199203).
        double[] g = [3.0, 4.0];
        Assert.Equal(5.0, GradientClipping.ClipByGlobalNorm(g, maxNorm: 1.0));
        Assert.Equal(0.59999988000002402178, g[0], 1e-16);
        Assert.Equal(0.79999984000003199203, g[1], 1e-16);

        // Already within the bound (coefficient 10/5.000001 ≥ 1): unchanged, bit for bit.
        g = [3.0, 4.0];
        Assert.Equal(5.0, GradientClipping.ClipByGlobalNorm(g, maxNorm: 10.0));
        Assert.Equal([3.0, 4.0], g);

        // The norm is over the whole vector, not per element: 1,000 elements of 0.1 have norm √10.
        g = Enumerable.Repeat(0.1, 1000).ToArray();
        double norm = GradientClipping.ClipByGlobalNorm(g, maxNorm: 1.0);
        Assert.Equal(Math.Sqrt(10), norm, 1e-13);
        Assert.Equal(0.1 / (Math.Sqrt(10) + 1e-6), g[999], 1e-16);
        Assert.Equal(1.0, Math.Sqrt(g.Sum(x => x * x)), 1e-6);

        Assert.Equal(0.0, GradientClipping.ClipByGlobalNorm(Span<double>.Empty, 1.0));
    }

    [Fact]
    public void Clipping_is_finite_where_the_norm_is_and_refuses_NaN_and_infinity_by_default()
    {
        // (3e200, 4e200): the sum of squares overflows, the norm 5e200 does not.
        double[] g = [3e200, 4e200];
        Assert.Equal(5e200, GradientClipping.ClipByGlobalNorm(g, 1.0), 5e200 * 1e-15);
        Assert.Equal(0.6, g[0], 1e-15);
        Assert.Equal(0.8, g[1], 1e-15);

        double[] bad = [1.0, double.NaN];
        var exception = Assert.Throws<ArgumentException>(() => GradientClipping.ClipByGlobalNorm(bad, 1.0));
        Assert.Equal("gradients", exception.ParamName);
        Assert.Equal(1.0, bad[0]);

        // PyTorch's current default goes on: an infinite norm scales finite gradients to 0.
        double[] infinite = [2.0, double.PositiveInfinity];
        Assert.Equal(double.PositiveInfinity, GradientClipping.ClipByGlobalNorm(infinite, 1.0, errorIfNonFinite: false));
        Assert.Equal(0.0, infinite[0]);
        Assert.True(double.IsNaN(infinite[1]));

        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, -1.0)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, double.NaN)).ParamName);
    }

    // ---- Learning-rate schedules -----------------------------------------------------------------------------

    [Fact]
    public void Step_schedule_matches_StepLR()
    {
        // lr₀ = 0.1, step_size = 3, γ = 0.5: lr_e = 0.1·0.5^⌊e/3⌋.
        var schedule = new StepLearningRate(0.1, stepSize: 3, gamma: 0.5);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            Assert.Equal(expected[epoch], schedule.LearningRateAt(epoch), 1e-17);
        }

        Assert.Equal(0.1, new StepLearningRate(1.0, 30).LearningRateAt(45), 1e-16); // PyTorch's default γ = 0.1
    }

    [Fact]
    public void Cosine_schedule_matches_CosineAnnealingLR()
    {
        // lr₀ = 0.1, T_max = 4, η_min = 0.001: η_min + (lr₀ − η_min)(1 + cos(πe/4))/2; past T_max it rises again.
        var schedule = new CosineAnnealingLearningRate(0.1, period: 4, minimumLearningRate: 0.001);
        double[] expected = [0.1, 0.085501785668734106571, 0.0505, 0.015498214331265899868, 0.001, 0.01549821433126588946, 0.0505, 0.085501785668734092694, 0.1];
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            Assert.Equal(expected[epoch], schedule.LearningRateAt(epoch), 1e-16);
        }

        // To 0 by default; an optimizer accepts the 0 it ends on.
        var toZero = new CosineAnnealingLearningRate(0.01, period: 10);
        Assert.Equal(0.0, toZero.LearningRateAt(10));
        var sgd = new Sgd(0.01) { LearningRate = toZero.LearningRateAt(10) };
        double[] theta = [1.0];
        sgd.Step(theta, [5.0]);
        Assert.Equal(1.0, theta[0]);
    }

    [Fact]
    public void A_schedule_drives_an_optimizer_between_epochs()
    {
        // Three epochs of one step each with lr = 0.1, 0.1, 0.05 (StepLR, step 2, γ ½) on the gradient 1: θ = 1 − 0.25.
        var schedule = new StepLearningRate(0.1, stepSize: 2, gamma: 0.5);
        var sgd = new Sgd(schedule.LearningRateAt(0));
        double[] theta = [1.0];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            sgd.LearningRate = schedule.LearningRateAt(epoch);
            sgd.Step(theta, [1.0]);
        }

        Assert.Equal(0.75, theta[0], 1e-15);

        var adamW = new AdamW(0.1);
        adamW.LearningRate = 0.02;
        Assert.Equal(0.02, adamW.LearningRate);
    }

    // ---- Argument checks and allocation ----------------------------------------------------------------------

    [Fact]
    public void Arguments_are_checked_by_name()
    {
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, weightDecay: -0.1)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, weightDecay: double.NaN)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(weightDecay: double.PositiveInfinity)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -1e-3)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(epsilon: 0)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(learningRate: 0)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(beta2: 1)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true)).ParamName);

        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1).LearningRate = -0.1).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().LearningRate = double.NaN).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW().LearningRate = double.PositiveInfinity).ParamName);

        Assert.Equal("initialLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLearningRate(0, 1)).ParamName);
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLearningRate(0.1, 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLearningRate(0.1, 1, double.NaN)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLearningRate(0.1, 1, 0)).ParamName);
        Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLearningRate(0.1, 1).LearningRateAt(-1)).ParamName);
        Assert.Equal("initialLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLearningRate(double.NaN, 1)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLearningRate(0.1, 0)).ParamName);
        Assert.Equal("minimumLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLearningRate(0.1, 5, 0.2)).ParamName);
        Assert.Equal("minimumLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLearningRate(0.1, 5, -0.01)).ParamName);
        Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLearningRate(0.1, 5).LearningRateAt(-3)).ParamName);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Steps_do_not_allocate_after_the_first(string configuration)
    {
        IOptimizer optimizer = configuration switch
        {
            "sgd" => new Sgd(0.05),
            "sgd decay" => new Sgd(0.05, weightDecay: 0.1),
            "momentum" => new Sgd(0.05, 0.9),
            "momentum decay" => new Sgd(0.05, 0.9, 0.01),
            "nesterov" => new Sgd(0.05, 0.8, nesterov: true),
            "nesterov decay" => new Sgd(0.05, 0.8, 0.05, true),
            "adam" => new Adam(0.01),
            "adam decay" => new Adam(0.01, weightDecay: 0.1),
            "adamw" => new AdamW(0.01),
            _ => new AdamW(0.01, weightDecay: 0.5),
        };
        double[] theta = [1.0, -2.0, 0.5, 4.0];
        double[] gradient = [0.1, 0.2, -0.3, 0.4];
        var schedule = new CosineAnnealingLearningRate(0.05, 100);
        optimizer.Step(theta, gradient); // warm-up: allocates the state and JIT-compiles
        GradientClipping.ClipByGlobalNorm(gradient, 10.0);
        schedule.LearningRateAt(1);

        int step = 0;
        long allocated = Allocations.PerCall(() =>
        {
            GradientClipping.ClipByGlobalNorm(gradient, 10.0);
            double rate = schedule.LearningRateAt(step++ % 100);
            switch (optimizer)
            {
                case Sgd sgd: sgd.LearningRate = rate; break;
                case Adam adam: adam.LearningRate = rate; break;
                case AdamW adamW: adamW.LearningRate = rate; break;
            }

            optimizer.Step(theta, gradient);
        });

        Assert.Equal(0, allocated);
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
