using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019), following the update rule of PyTorch's
/// <c>torch.optim.AdamW</c> without AMSGrad.
/// </summary>
/// <remarks>
/// <para>
/// At step t = 1, 2, … with gradient g, for each parameter: first θ ← θ − lr·λ·θ (the decay, applied to the
/// parameter directly rather than added to the gradient as <see cref="Adam"/>'s weight decay is); then, as in
/// Adam, m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m / (1 − β₁<sup>t</sup>); v̂ = v / (1 − β₂<sup>t</sup>);
/// θ ← θ − lr·m̂ / (√v̂ + ε).
/// </para>
/// <para>
/// The moment vectors are allocated on the first <see cref="Step(Span{double}, ReadOnlySpan{double})"/>;
/// no step allocates after that.
/// </para>
/// </remarks>
public sealed class AdamW : IOptimizer
{
    private readonly AdamCore _core;

    /// <summary>Creates the optimizer. The defaults are PyTorch's (including a weight decay of 0.01).</summary>
    /// <param name="learningRate">The learning rate lr; finite and greater than 0.</param>
    /// <param name="beta1">The decay rate β₁ of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">The decay rate β₂ of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">The term ε added to the denominator for numerical stability; finite and greater than 0.</param>
    /// <param name="weightDecay">The decoupled weight decay λ: each step multiplies θ by 1 − lr·λ first; finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given for it (NaN included).</exception>
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
    {
        _core = new AdamCore(learningRate, beta1, beta2, epsilon);
        WeightDecay = OptimizerGuard.NonNegativeFinite(weightDecay, nameof(weightDecay), "weight decay");
    }

    /// <summary>The learning rate lr, used by the next step (for the decay too); a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is NaN, infinite or negative. 0 is allowed, as schedules such as cosine annealing reach it.</exception>
    public double LearningRate
    {
        get => _core.LearningRate;
        set => _core.LearningRate = OptimizerGuard.ScheduledLearningRate(value, nameof(value));
    }

    /// <summary>The decay rate β₁ of the first-moment estimate.</summary>
    public double Beta1 => _core.Beta1;

    /// <summary>The decay rate β₂ of the second-moment estimate.</summary>
    public double Beta2 => _core.Beta2;

    /// <summary>The term ε added to the denominator.</summary>
    public double Epsilon => _core.Epsilon;

    /// <summary>The decoupled weight decay λ; 0 makes this optimizer <see cref="Adam"/>.</summary>
    public double WeightDecay { get; }

    /// <summary>The number of steps t taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients) =>
        _core.Step(parameters, gradients, l2WeightDecay: 0, decoupledWeightDecay: WeightDecay);

    /// <summary>
    /// Zeroes the moment estimates and the step count, so that the next step is again step 1, and unbinds
    /// the optimizer from its parameter count. The learning rate stays as it is.
    /// </summary>
    public void Reset() => _core.Reset();
}
