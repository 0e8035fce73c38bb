using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// A learning-rate schedule: the learning rate for each epoch, as a closed-form function of the epoch, to be set
/// on an optimizer between epochs (<c>optimizer.LearningRate = schedule.LearningRateAt(epoch)</c>).
/// </summary>
/// <remarks>
/// Epoch 0 is the start of training, where the learning rate is the initial one; PyTorch's schedulers reach
/// epoch e after e calls of <c>scheduler.step()</c>. A schedule is stateless, so it never allocates and can be
/// shared.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The number of epochs completed; at least 0.</param>
    /// <returns>The learning rate, finite and at least 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    double LearningRateAt(int epoch);
}

/// <summary>
/// Decays the learning rate by a factor γ every <see cref="StepSize"/> epochs, as PyTorch's
/// <c>torch.optim.lr_scheduler.StepLR</c>: lr<sub>e</sub> = lr₀·γ<sup>⌊e / stepSize⌋</sup>.
/// </summary>
public sealed class StepLearningRate : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The learning rate lr₀ at epoch 0; finite and greater than 0.</param>
    /// <param name="stepSize">The number of epochs between decays; greater than 0.</param>
    /// <param name="gamma">The factor γ applied at each decay; finite and greater than 0. 0.1 by default, as in PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given for it (NaN included).</exception>
    public StepLearningRate(double initialLearningRate, int stepSize, double gamma = 0.1)
    {
        InitialLearningRate = OptimizerGuard.LearningRate(initialLearningRate, nameof(initialLearningRate));
        if (stepSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size must be at least 1 epoch.");
        }

        StepSize = stepSize;
        Gamma = OptimizerGuard.PositiveFinite(gamma, nameof(gamma), "decay factor gamma");
    }

    /// <summary>The learning rate lr₀ at epoch 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The number of epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor γ applied at each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    /// <remarks>lr₀·γ<sup>⌊e / stepSize⌋</sup>, with the power computed by <see cref="Math.Pow(double, double)"/>; it may underflow to 0 after very many decays.</remarks>
    public double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return InitialLearningRate * Math.Pow(Gamma, epoch / StepSize);
    }
}

/// <summary>
/// Anneals the learning rate from its initial value to a minimum along half a cosine over <see cref="Period"/>
/// epochs, as PyTorch's <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (its closed form, without restarts):
/// lr<sub>e</sub> = η<sub>min</sub> + (lr₀ − η<sub>min</sub>)·(1 + cos(π·e / T<sub>max</sub>)) / 2.
/// </summary>
/// <remarks>
/// At e = T<sub>max</sub> the rate is η<sub>min</sub>. Past it the formula goes on, so the rate rises again along
/// the cosine (period 2·T<sub>max</sub>), as PyTorch's closed form does; stop or restart the schedule at T<sub>max</sub>
/// if that is not wanted.
/// </remarks>
public sealed class CosineAnnealingLearningRate : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The learning rate lr₀ at epoch 0 (η<sub>max</sub>); finite and greater than 0.</param>
    /// <param name="period">T<sub>max</sub>, the number of epochs from lr₀ down to the minimum; greater than 0.</param>
    /// <param name="minimumLearningRate">η<sub>min</sub>, the learning rate at epoch T<sub>max</sub>; finite, at least 0 and at most lr₀. 0 by default, as in PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given for it (NaN included).</exception>
    public CosineAnnealingLearningRate(double initialLearningRate, int period, double minimumLearningRate = 0)
    {
        InitialLearningRate = OptimizerGuard.LearningRate(initialLearningRate, nameof(initialLearningRate));
        if (period <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period T_max must be at least 1 epoch.");
        }

        Period = period;
        if (!(minimumLearningRate >= 0 && minimumLearningRate <= initialLearningRate))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minimumLearningRate), minimumLearningRate, $"The minimum learning rate must be in [0, {initialLearningRate}], the initial learning rate.");
        }

        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>The learning rate lr₀ at epoch 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>T<sub>max</sub>, the number of epochs from lr₀ down to the minimum.</summary>
    public int Period { get; }

    /// <summary>η<sub>min</sub>, the learning rate at epoch T<sub>max</sub>.</summary>
    public double MinimumLearningRate { get; }

    /// <inheritdoc/>
    public double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        // As PyTorch's closed form, operation for operation; 1 + cos ≥ 0, so the rate is never below the minimum.
        return MinimumLearningRate + (InitialLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * epoch / Period)) / 2;
    }
}
