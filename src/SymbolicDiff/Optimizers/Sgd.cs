using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum (classical or Nesterov) and weight decay, following the
/// update rule of PyTorch's <c>torch.optim.SGD</c> with dampening 0.
/// </summary>
/// <remarks>
/// <para>
/// At step t with gradient g, for each parameter θ, as in the PyTorch documentation:
/// with weight decay λ ≠ 0, g ← g + λθ (the L2 penalty λθ²/2 added to the loss); with momentum μ ≠ 0 a buffer
/// b is kept, b₁ = g on the first step and b<sub>t</sub> = μ·b<sub>t−1</sub> + g afterwards, and the step direction
/// is d = b<sub>t</sub>, or d = g + μ·b<sub>t</sub> with Nesterov momentum; without momentum d = g.
/// Then θ ← θ − lr·d.
/// </para>
/// <para>
/// The momentum buffer is allocated on the first <see cref="Step(Span{double}, ReadOnlySpan{double})"/>;
/// no step allocates after that.
/// </para>
/// </remarks>
public sealed class Sgd : IOptimizer
{
    private double[]? _buffer;
    private int _parameterCount = -1;
    private double _learningRate;

    /// <summary>Creates the optimizer. The defaults are PyTorch's.</summary>
    /// <param name="learningRate">The learning rate lr; finite and greater than 0.</param>
    /// <param name="momentum">The momentum factor μ; finite and at least 0. 0 (the default) means plain gradient descent.</param>
    /// <param name="weightDecay">
    /// The weight decay λ, PyTorch's L2 form: λθ is added to each gradient before the momentum; finite and at
    /// least 0, 0 (no decay) by default.
    /// </param>
    /// <param name="nesterov">Whether to use Nesterov momentum (d = g + μ·b instead of d = b); needs a momentum greater than 0, as in PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is NaN, infinite, 0 or negative, or <paramref name="momentum"/> or
    /// <paramref name="weightDecay"/> is NaN, infinite or negative.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is <see langword="true"/> and <paramref name="momentum"/> is 0.</exception>
    public Sgd(double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
    {
        _learningRate = OptimizerGuard.LearningRate(learningRate, nameof(learningRate));
        Momentum = OptimizerGuard.NonNegativeFinite(momentum, nameof(momentum), "momentum");
        WeightDecay = OptimizerGuard.NonNegativeFinite(weightDecay, nameof(weightDecay), "weight decay");
        if (nesterov && momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum greater than 0.", nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    /// <summary>The learning rate lr, used by the next step; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is NaN, infinite or negative. 0 is allowed, as schedules such as cosine annealing reach it.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerGuard.ScheduledLearningRate(value, nameof(value));
    }

    /// <summary>The momentum factor μ; 0 for plain gradient descent.</summary>
    public double Momentum { get; }

    /// <summary>The weight decay λ (L2 form, added to the gradient); 0 for none.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <summary>The number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerGuard.Spans(parameters, gradients, _parameterCount);
        double learningRate = _learningRate;
        double weightDecay = WeightDecay;

        if (Momentum == 0)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                double g = weightDecay == 0 ? gradients[i] : gradients[i] + weightDecay * parameters[i];
                parameters[i] -= learningRate * g;
            }
        }
        else
        {
            if (_buffer is null || _buffer.Length != parameters.Length)
            {
                // Only on a first step (after construction or Reset with another count): otherwise the
                // length check above has already failed.
                _buffer = new double[parameters.Length];
            }

            double[] buffer = _buffer;
            double momentum = Momentum;
            bool first = StepCount == 0;
            bool nesterov = Nesterov;
            for (int i = 0; i < parameters.Length; i++)
            {
                double g = weightDecay == 0 ? gradients[i] : gradients[i] + weightDecay * parameters[i];
                double b = first ? g : momentum * buffer[i] + g;
                buffer[i] = b;
                parameters[i] -= learningRate * (nesterov ? g + momentum * b : b);
            }
        }

        _parameterCount = parameters.Length;
        StepCount++;
    }

    /// <summary>
    /// Forgets the momentum buffer and the step count, so that the next step is again a first step, and
    /// unbinds the optimizer from its parameter count. The learning rate stays as it is.
    /// </summary>
    public void Reset()
    {
        if (_buffer is not null)
        {
            Array.Clear(_buffer);
        }

        _parameterCount = -1;
        StepCount = 0;
    }
}
