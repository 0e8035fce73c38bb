using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// A trust-region Newton method whose steps come from the Steihaug–Toint truncated conjugate-gradient method (Nocedal
/// &amp; Wright, Algorithms 4.1 and 7.2): it needs values, gradients and Hessian-vector products, never the Hessian itself.
/// </summary>
/// <remarks>
/// <para>
/// Each step approximately minimises the model m(p) = f + ∇fᵀp + ½pᵀ∇²f·p inside ‖p‖ ≤ Δ by conjugate gradients, which stop
/// at the boundary, on a direction of negative curvature (so nonconvex regions are handled), or once the model's gradient
/// is below min(½, √‖∇f‖)·‖∇f‖ (superlinear convergence near a minimum). The step is taken if f falls by more than 10⁻⁴
/// of the model's prediction; Δ shrinks to ¼‖p‖ when the prediction was poor (ratio below ¼) and doubles when it was good
/// (above ¾) and the step reached the boundary.
/// </para>
/// <para>
/// An instance is made for one dimension n and holds all its workspace, so a solve allocates nothing; it may be called
/// again and again (not from two threads at once).
/// </para>
/// </remarks>
public sealed class NewtonCg
{
    private const double AcceptanceRatio = 1e-4;
    private const double MaxTrustRadius = 1e15;

    private readonly int _n;
    private double[] _x, _gradient, _trialX, _trialGradient;
    private readonly double[] _step, _hessianStep, _residual, _direction, _hessianDirection;

    /// <summary>Creates a solver, and all its workspace, for objectives of <paramref name="parameterCount"/> variables.</summary>
    /// <param name="parameterCount">n, the number of variables; at least 1.</param>
    /// <param name="options">The tolerances and limits; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is less than 1.</exception>
    public NewtonCg(int parameterCount, NewtonCgOptions? options = null)
    {
        _n = SolverGuard.PositiveCount(parameterCount, nameof(parameterCount));
        Options = options ?? new NewtonCgOptions();
        _x = new double[_n];
        _gradient = new double[_n];
        _trialX = new double[_n];
        _trialGradient = new double[_n];
        _step = new double[_n];
        _hessianStep = new double[_n];
        _residual = new double[_n];
        _direction = new double[_n];
        _hessianDirection = new double[_n];
    }

    /// <summary>The number of variables n this solver was made for.</summary>
    public int ParameterCount => _n;

    /// <summary>The tolerances and limits.</summary>
    public NewtonCgOptions Options { get; }

    /// <summary>Minimises f from the starting point in <paramref name="parameters"/>, which receives the result.</summary>
    /// <param name="function">Returns f(x) and writes ∇f(x) (see <see cref="ValueAndGradient"/>).</param>
    /// <param name="hessianVectorProduct">Writes ∇²f(x)·v (see <see cref="SymbolicDiff.Solvers.HessianVectorProduct"/>).</param>
    /// <param name="parameters">In: the starting point, finite, n elements. Out: the best point found.</param>
    /// <returns>Why the solver stopped, after how many steps, evaluations and Hessian-vector products, and the final value and gradient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> or <paramref name="hessianVectorProduct"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> does not have n elements or is not finite, or f or its gradient at the starting point is not finite.
    /// </exception>
    public SolverResult Minimize(ValueAndGradient function, HessianVectorProduct hessianVectorProduct, Span<double> parameters)
    {
        SolverGuard.NotNull(function, nameof(function));
        SolverGuard.NotNull(hessianVectorProduct, nameof(hessianVectorProduct));
        SolverGuard.Parameters(parameters, _n);
        parameters.CopyTo(_x);
        double f = function(_x, _gradient);
        SolverGuard.FiniteStart(f, _gradient);

        int evaluations = 1, iterations = 0, products = 0;
        int maxCg = Options.MaxCgIterations > 0 ? Options.MaxCgIterations : _n;
        double radius = Options.InitialTrustRadius;
        SolverStopReason reason;
        while (true)
        {
            if (SolverGuard.StopBeforeStep(_gradient, f, Options.GradientTolerance, iterations, Options.MaxIterations) is { } stop)
            {
                reason = stop;
                break;
            }

            bool onBoundary = SteihaugCg(hessianVectorProduct, radius, maxCg, ref products);
            double predicted = -(VectorMath.Dot(_gradient, _step) + 0.5 * VectorMath.Dot(_step, _hessianStep));
            double stepNorm = Math.Sqrt(VectorMath.Dot(_step, _step));
            for (int j = 0; j < _n; j++)
            {
                _trialX[j] = _x[j] + _step[j];
            }

            double trialValue = function(_trialX, _trialGradient);
            evaluations++;
            iterations++;
            double ratio = double.IsFinite(trialValue) && double.IsFinite(VectorMath.Dot(_trialGradient, _trialGradient)) && predicted > 0
                ? (f - trialValue) / predicted
                : double.NegativeInfinity;

            if (ratio < 0.25)
            {
                radius = 0.25 * (stepNorm > 0 ? Math.Min(stepNorm, radius) : radius);
            }
            else if (ratio > 0.75 && onBoundary)
            {
                radius = Math.Min(2 * radius, MaxTrustRadius);
            }

            if (ratio > AcceptanceRatio)
            {
                double fOld = f;
                (_x, _trialX) = (_trialX, _x);
                (_gradient, _trialGradient) = (_trialGradient, _gradient);
                f = trialValue;
                if (fOld - f <= Options.CostTolerance * Math.Max(1, Math.Max(Math.Abs(fOld), Math.Abs(f))))
                {
                    reason = SolverStopReason.CostReductionSmall;
                    break;
                }

                if (stepNorm <= Options.StepTolerance * Math.Max(1, Math.Sqrt(VectorMath.Dot(_x, _x))))
                {
                    reason = SolverStopReason.StepSmall;
                    break;
                }
            }
            else if (radius <= Options.StepTolerance * Math.Max(1, Math.Sqrt(VectorMath.Dot(_x, _x))))
            {
                reason = SolverStopReason.StepSmall;
                break;
            }
        }

        _x.CopyTo(parameters);
        return new SolverResult(reason, iterations, evaluations, products, f, VectorMath.MaxAbs(_gradient));
    }

    /// <summary>
    /// Steihaug's CG on ∇²f·p = −∇f inside ‖p‖ ≤ Δ: the step into <c>_step</c> and ∇²f·step into <c>_hessianStep</c> (kept up to
    /// date from the products CG computes anyway, so the model's prediction costs no extra product). Returns whether the
    /// step ends on the boundary.
    /// </summary>
    private bool SteihaugCg(HessianVectorProduct hessianVectorProduct, double radius, int maxIterations, ref int products)
    {
        Array.Clear(_step);
        Array.Clear(_hessianStep);
        _gradient.CopyTo(_residual, 0);
        for (int j = 0; j < _n; j++)
        {
            _direction[j] = -_gradient[j];
        }

        double rr = VectorMath.Dot(_residual, _residual);
        double gradientNorm = Math.Sqrt(rr);
        double tolerance = Math.Min(0.5, Math.Sqrt(gradientNorm)) * gradientNorm;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            hessianVectorProduct(_x, _direction, _hessianDirection);
            products++;
            double curvature = VectorMath.Dot(_direction, _hessianDirection);
            if (!(curvature > 0))
            {
                // Negative (or zero, or undefined) curvature along d: the model decreases without bound that way, so go to the boundary.
                ToBoundary(radius);
                return true;
            }

            double alpha = rr / curvature;
            double nextNormSquared = 0;
            for (int j = 0; j < _n; j++)
            {
                double next = _step[j] + alpha * _direction[j];
                nextNormSquared += next * next;
            }

            if (Math.Sqrt(nextNormSquared) >= radius)
            {
                ToBoundary(radius);
                return true;
            }

            VectorMath.Axpy(alpha, _direction, _step);
            VectorMath.Axpy(alpha, _hessianDirection, _hessianStep);
            VectorMath.Axpy(alpha, _hessianDirection, _residual);
            double rrNext = VectorMath.Dot(_residual, _residual);
            if (Math.Sqrt(rrNext) < tolerance)
            {
                return false;
            }

            double beta = rrNext / rr;
            for (int j = 0; j < _n; j++)
            {
                _direction[j] = -_residual[j] + beta * _direction[j];
            }

            rr = rrNext;
        }

        return false;
    }

    /// <summary>step += τ·d with τ ≥ 0 such that ‖step‖ = Δ, and the Hessian product along with it.</summary>
    private void ToBoundary(double radius)
    {
        double a = VectorMath.Dot(_direction, _direction);
        double b = 2 * VectorMath.Dot(_step, _direction);
        double c = VectorMath.Dot(_step, _step) - radius * radius; // ≤ 0: the step is inside.
        double root = Math.Sqrt(Math.Max(0, b * b - 4 * a * c));
        // The root of aτ² + bτ + c with τ ≥ 0, in the form that does not cancel.
        double tau = b >= 0 ? -2 * c / (b + root) : (-b + root) / (2 * a);
        if (!double.IsFinite(tau))
        {
            tau = 0;
        }

        VectorMath.Axpy(tau, _direction, _step);
        VectorMath.Axpy(tau, _hessianDirection, _hessianStep);
    }
}
