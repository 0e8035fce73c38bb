using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// The limited-memory BFGS method (Nocedal 1980; Liu &amp; Nocedal 1989) for smooth unconstrained minimisation from values
/// and gradients, with a strong-Wolfe line search.
/// </summary>
/// <remarks>
/// <para>
/// The search direction is −H·∇f, with H the BFGS inverse-Hessian approximation built by the two-loop recursion from the
/// last <see cref="LbfgsOptions.HistorySize"/> pairs (s = step, y = change of gradient), started from the scaled identity
/// (sᵀy / yᵀy)·I. A pair with sᵀy ≤ 0 (possible only when the line search falls back to a step without the curvature
/// condition) is not stored, so H stays positive definite. The line search (Nocedal &amp; Wright, Algorithms 3.5–3.6)
/// tries the unit step first (the first iteration a step of length 1 along −∇f).
/// </para>
/// <para>
/// An instance is made for one dimension n and holds all its workspace, so
/// <see cref="Minimize(ValueAndGradient, Span{double})"/> allocates nothing; it may be called again and again (not from
/// two threads at once).
/// </para>
/// </remarks>
public sealed class Lbfgs
{
    private readonly int _n;
    private readonly int _history;
    private readonly double[] _s, _y, _rho, _alpha;
    private double[] _x, _gradient, _xNew, _gradientNew;
    private readonly double[] _direction;
    private readonly StrongWolfeLineSearch _lineSearch;

    /// <summary>Creates a solver, and all its workspace, for objectives of <paramref name="parameterCount"/> variables.</summary>
    /// <param name="parameterCount">n, the number of variables; at least 1.</param>
    /// <param name="options">The tolerances, limits and history size; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is less than 1, or the history does not fit in an array.</exception>
    public Lbfgs(int parameterCount, LbfgsOptions? options = null)
    {
        _n = SolverGuard.PositiveCount(parameterCount, nameof(parameterCount));
        Options = options ?? new LbfgsOptions();
        _history = Options.HistorySize;
        if ((long)_history * _n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, $"A history of {_history} pairs of {parameterCount} elements does not fit in an array.");
        }

        _s = new double[_history * _n];
        _y = new double[_history * _n];
        _rho = new double[_history];
        _alpha = new double[_history];
        _x = new double[_n];
        _gradient = new double[_n];
        _xNew = new double[_n];
        _gradientNew = new double[_n];
        _direction = new double[_n];
        _lineSearch = new StrongWolfeLineSearch(_n);
    }

    /// <summary>The number of variables n this solver was made for.</summary>
    public int ParameterCount => _n;

    /// <summary>The tolerances, limits and history size.</summary>
    public LbfgsOptions Options { get; }

    /// <summary>Minimises f from the starting point in <paramref name="parameters"/>, which receives the result.</summary>
    /// <param name="function">Returns f(x) and writes ∇f(x) (see <see cref="ValueAndGradient"/>).</param>
    /// <param name="parameters">In: the starting point, finite, n elements. Out: the best point found.</param>
    /// <returns>Why the solver stopped, after how many iterations and evaluations, and the final value and gradient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> does not have n elements or is not finite, or f or its gradient at the starting point is not finite.
    /// </exception>
    public SolverResult Minimize(ValueAndGradient function, Span<double> parameters)
    {
        SolverGuard.NotNull(function, nameof(function));
        SolverGuard.Parameters(parameters, _n);
        parameters.CopyTo(_x);
        double f = function(_x, _gradient);
        int evaluations = 1, iterations = 0, stored = 0, newest = -1;
        SolverGuard.FiniteStart(f, _gradient);

        SolverStopReason reason;
        while (true)
        {
            if (SolverGuard.StopBeforeStep(_gradient, f, Options.GradientTolerance, iterations, Options.MaxIterations) is { } stop)
            {
                reason = stop;
                break;
            }

            double initialStep = 1;
            if (stored == 0)
            {
                // No curvature known yet: a step of length 1 along the steepest descent.
                for (int j = 0; j < _n; j++)
                {
                    _direction[j] = -_gradient[j];
                }

                initialStep = 1 / Math.Sqrt(VectorMath.Dot(_gradient, _gradient));
            }
            else
            {
                TwoLoopDirection(stored, newest);
            }

            double slope = VectorMath.Dot(_gradient, _direction);
            if (!(slope < 0))
            {
                if (stored == 0)
                {
                    // Even −∇f is no descent direction: the gradient is exactly 0 (with a gradient tolerance of 0).
                    reason = SolverStopReason.GradientSmall;
                    break;
                }

                // Rounding made the quasi-Newton direction useless: forget the history and restart from steepest descent.
                stored = 0;
                continue;
            }

            iterations++;
            if (!_lineSearch.Search(function, _x, f, slope, _direction, initialStep, _xNew, _gradientNew, out double fNew, ref evaluations))
            {
                if (stored > 0)
                {
                    stored = 0; // One more try along the steepest descent before giving up.
                    continue;
                }

                reason = SolverStopReason.LineSearchFailed;
                break;
            }

            // The new pair: s = x_new − x, y = g_new − g, into the ring buffer.
            int slot = (newest + 1) % _history;
            Span<double> s = _s.AsSpan(slot * _n, _n), y = _y.AsSpan(slot * _n, _n);
            double largestStep = 0, largestX = 0;
            for (int j = 0; j < _n; j++)
            {
                s[j] = _xNew[j] - _x[j];
                y[j] = _gradientNew[j] - _gradient[j];
                largestStep = Math.Max(largestStep, Math.Abs(s[j]));
                largestX = Math.Max(largestX, Math.Abs(_xNew[j]));
            }

            double sy = VectorMath.Dot(s, y);
            if (sy > 0)
            {
                _rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.Min(stored + 1, _history);
            }
            else if (stored == _history)
            {
                stored--; // The slot just overwritten held the oldest pair.
            }

            double fOld = f;
            (_x, _xNew) = (_xNew, _x);
            (_gradient, _gradientNew) = (_gradientNew, _gradient);
            f = fNew;

            if (fOld - f <= Options.CostTolerance * Math.Max(1, Math.Max(Math.Abs(fOld), Math.Abs(f))))
            {
                reason = SolverStopReason.CostReductionSmall;
                break;
            }

            if (largestStep <= Options.StepTolerance * Math.Max(1, largestX))
            {
                reason = SolverStopReason.StepSmall;
                break;
            }
        }

        _x.CopyTo(parameters);
        return new SolverResult(reason, iterations, evaluations, 0, f, VectorMath.MaxAbs(_gradient));
    }

    /// <summary>direction = −H·g by the two-loop recursion over the stored pairs, newest first.</summary>
    private void TwoLoopDirection(int stored, int newest)
    {
        Span<double> q = _direction;
        _gradient.CopyTo(q);
        for (int k = 0; k < stored; k++)
        {
            int slot = (newest - k + _history) % _history;
            double a = _rho[slot] * VectorMath.Dot(_s.AsSpan(slot * _n, _n), q);
            _alpha[slot] = a;
            VectorMath.Axpy(-a, _y.AsSpan(slot * _n, _n), q);
        }

        ReadOnlySpan<double> yNewest = _y.AsSpan(newest * _n, _n);
        double gamma = 1 / (_rho[newest] * VectorMath.Dot(yNewest, yNewest)); // sᵀy / yᵀy
        for (int j = 0; j < _n; j++)
        {
            q[j] *= gamma;
        }

        for (int k = stored - 1; k >= 0; k--)
        {
            int slot = (newest - k + _history) % _history;
            double b = _rho[slot] * VectorMath.Dot(_y.AsSpan(slot * _n, _n), q);
            VectorMath.Axpy(_alpha[slot] - b, _s.AsSpan(slot * _n, _n), q);
        }

        for (int j = 0; j < _n; j++)
        {
            q[j] = -q[j];
        }
    }
}
