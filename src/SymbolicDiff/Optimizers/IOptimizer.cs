using System;

namespace SymbolicDiff.Optimizers;

/// <summary>
/// A first-order optimizer: updates a vector of parameters in place from the gradient of a loss with
/// respect to them.
/// </summary>
/// <remarks>
/// An optimizer instance belongs to one parameter vector. Stateful optimizers allocate their state on the
/// first <see cref="Step(Span{double}, ReadOnlySpan{double})"/>, sized to the parameter count, and allocate
/// nothing afterwards; calling <see cref="Step(Span{double}, ReadOnlySpan{double})"/> later with a different
/// number of parameters is an error until the optimizer is reset.
/// </remarks>
public interface IOptimizer
{
    /// <summary>Performs one update of <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The parameters θ, updated in place.</param>
    /// <param name="gradients">The gradient of the loss with respect to <paramref name="parameters"/>, element by element.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> is empty (a <see langword="null"/> array converts to an empty span),
    /// <paramref name="gradients"/> does not have the same length as <paramref name="parameters"/>,
    /// <paramref name="parameters"/> does not have the length it had on the first step, or the two spans share
    /// memory (even exactly: a step writes the parameters while it reads the gradients).
    /// </exception>
    void Step(Span<double> parameters, ReadOnlySpan<double> gradients);
}
