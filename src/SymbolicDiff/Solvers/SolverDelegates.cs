using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// The residuals of a least-squares problem and their Jacobian at <paramref name="parameters"/>, for
/// <see cref="LevenbergMarquardt"/>.
/// </summary>
/// <param name="parameters">The parameters p (n elements). Read them; do not keep the span beyond the call.</param>
/// <param name="residuals">Write the m residuals rᵢ(p) here; the solver minimises ½ Σ rᵢ².</param>
/// <param name="jacobian">
/// Write the m × n Jacobian here, row-major: element <c>jacobian[i * n + j]</c> is ∂rᵢ/∂pⱼ (row i belongs to residual i).
/// A generated gradient of a model fills row i directly (<c>Model(p, xᵢ)</c>'s gradient with respect to p).
/// </param>
public delegate void ResidualsAndJacobian(ReadOnlySpan<double> parameters, Span<double> residuals, Span<double> jacobian);

/// <summary>
/// The value of an objective f and its gradient at <paramref name="parameters"/>, for <see cref="Lbfgs"/> and
/// <see cref="NewtonCg"/>. A generated <c>MWithGradient(x, dX)</c> over one vector has exactly this shape.
/// </summary>
/// <param name="parameters">The point x (n elements). Read it; do not keep the span beyond the call.</param>
/// <param name="gradient">Write ∇f(x) here (n elements).</param>
/// <returns>f(x).</returns>
public delegate double ValueAndGradient(ReadOnlySpan<double> parameters, Span<double> gradient);

/// <summary>The product of the Hessian of the objective at <paramref name="parameters"/> with a vector, for <see cref="NewtonCg"/>.</summary>
/// <param name="parameters">The point x (n elements).</param>
/// <param name="direction">The vector v (n elements).</param>
/// <param name="product">Write ∇²f(x)·v here (n elements).</param>
public delegate void HessianVectorProduct(ReadOnlySpan<double> parameters, ReadOnlySpan<double> direction, Span<double> product);
