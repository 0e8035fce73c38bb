using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// The Adam optimizer (Kingma &amp; Ba, 2015), following the update rule of PyTorch's
/// <c>torch.optim.Adam</c> without AMSGrad and without weight decay.
/// </summary>
/// <remarks>
/// <para>
/// At step t = 1, 2, … with gradient g, for each parameter:
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m / (1 − β₁<sup>t</sup>); v̂ = v / (1 − β₂<sup>t</sup>);
/// θ ← θ − lr·m̂ / (√v̂ + ε). The moments m and v start at 0.
/// </para>
/// <para>
/// The moment vectors are allocated on the first <see cref="Step(Span{double}, ReadOnlySpan{double})"/>;
/// no step allocates after that.
/// </para>
/// </remarks>
public sealed class Adam : IOptimizer
{
    private double[]? _firstMoment;
    private double[]? _secondMoment;
    private int _parameterCount = -1;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">The learning rate lr; finite and greater than 0.</param>
    /// <param name="beta1">The decay rate β₁ of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">The decay rate β₂ of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">
    /// The term ε added to the denominator for numerical stability; finite and greater than 0. (PyTorch accepts 0,
    /// but then a parameter whose gradient has been 0 so far gets 0/0 = NaN.)
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given for it (NaN included).</exception>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        LearningRate = OptimizerGuard.LearningRate(learningRate, nameof(learningRate));
        Beta1 = OptimizerGuard.UnitInterval(beta1, nameof(beta1), "decay rate beta1");
        Beta2 = OptimizerGuard.UnitInterval(beta2, nameof(beta2), "decay rate beta2");
        Epsilon = OptimizerGuard.PositiveFinite(epsilon, nameof(epsilon), "epsilon");
    }

    /// <summary>The learning rate lr.</summary>
    public double LearningRate { get; }

    /// <summary>The decay rate β₁ of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>The decay rate β₂ of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>The term ε added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>The number of steps t taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerGuard.Spans(parameters, gradients, _parameterCount);

        if (_firstMoment is null || _secondMoment is null || _firstMoment.Length != parameters.Length)
        {
            // Only on a first step (after construction or Reset with another count): otherwise the
            // length check above has already failed.
            _firstMoment = new double[parameters.Length];
            _secondMoment = new double[parameters.Length];
        }

        _parameterCount = parameters.Length;
        long t = ++StepCount;

        double beta1 = Beta1, beta2 = Beta2, epsilon = Epsilon, learningRate = LearningRate;
        double biasCorrection1 = 1.0 - Math.Pow(beta1, t);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, t);
        double[] m = _firstMoment, v = _secondMoment;

        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradients[i];
            double mi = beta1 * m[i] + (1.0 - beta1) * g;
            double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;

            double mHat = mi / biasCorrection1;
            double vHat = vi / biasCorrection2;
            parameters[i] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }

    /// <summary>
    /// Zeroes the moment estimates and the step count, so that the next step is again step 1, and unbinds
    /// the optimizer from its parameter count.
    /// </summary>
    public void Reset()
    {
        if (_firstMoment is not null)
        {
            Array.Clear(_firstMoment);
        }

        if (_secondMoment is not null)
        {
            Array.Clear(_secondMoment);
        }

        _parameterCount = -1;
        StepCount = 0;
    }
}
