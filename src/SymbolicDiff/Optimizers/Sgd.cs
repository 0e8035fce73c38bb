using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, following the update rule of PyTorch's
/// <c>torch.optim.SGD</c> with dampening 0, no Nesterov momentum and no weight decay.
/// </summary>
/// <remarks>
/// <para>
/// Without momentum each step is θ ← θ − lr·g. With momentum μ ≠ 0 a buffer b is kept per parameter:
/// b₁ = g on the first step and b<sub>t</sub> = μ·b<sub>t−1</sub> + g afterwards, and θ ← θ − lr·b<sub>t</sub>.
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

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The learning rate lr; finite and greater than 0.</param>
    /// <param name="momentum">The momentum factor μ; finite and at least 0. 0 (the default) means plain gradient descent.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is NaN, infinite, 0 or negative, or <paramref name="momentum"/> is NaN, infinite or negative.
    /// </exception>
    public Sgd(double learningRate, double momentum = 0)
    {
        LearningRate = OptimizerGuard.LearningRate(learningRate, nameof(learningRate));
        Momentum = OptimizerGuard.NonNegativeFinite(momentum, nameof(momentum), "momentum");
    }

    /// <summary>The learning rate lr.</summary>
    public double LearningRate { get; }

    /// <summary>The momentum factor μ; 0 for plain gradient descent.</summary>
    public double Momentum { get; }

    /// <summary>The number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerGuard.Spans(parameters, gradients, _parameterCount);
        double learningRate = LearningRate;

        if (Momentum == 0)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= learningRate * gradients[i];
            }
        }
        else if (StepCount == 0)
        {
            if (_buffer is null || _buffer.Length != parameters.Length)
            {
                _buffer = new double[parameters.Length];
            }

            double[] buffer = _buffer;
            for (int i = 0; i < parameters.Length; i++)
            {
                double b = gradients[i];
                buffer[i] = b;
                parameters[i] -= learningRate * b;
            }
        }
        else
        {
            double[] buffer = _buffer!;
            double momentum = Momentum;
            for (int i = 0; i < parameters.Length; i++)
            {
                double b = momentum * buffer[i] + gradients[i];
                buffer[i] = b;
                parameters[i] -= learningRate * b;
            }
        }

        _parameterCount = parameters.Length;
        StepCount++;
    }

    /// <summary>
    /// Forgets the momentum buffer and the step count, so that the next step is again a first step, and
    /// unbinds the optimizer from its parameter count.
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
