using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// The Levenberg–Marquardt method for nonlinear least squares: minimises ½‖r(p)‖² = ½ Σᵢ rᵢ(p)² over the parameters p,
/// from the residuals r and their Jacobian J, with Moré's diagonal scaling.
/// </summary>
/// <remarks>
/// <para>
/// Each trial step δ solves the damped linear least-squares problem min ‖Jδ + r‖² + λ‖Dδ‖², i.e. (JᵀJ + λD²)δ = −Jᵀr,
/// through a Householder QR of J and then of [R; √λ·D] (never forming JᵀJ, which would square the condition number).
/// Dⱼ is the largest norm column j of J has had (Moré 1978), so the iterates do not depend on the parameters' units. A
/// step is accepted when the cost falls by more than 10⁻⁴ of the reduction the linear model predicts (ratio ρ); the
/// damping then shrinks by max(1/3, 1 − (2ρ − 1)³), and after a rejection it grows by 2, 4, 8, … (Nielsen's rule). Once the
/// predicted reduction is below 10ε of the cost, where rounding makes ρ meaningless, the step is taken unless the cost
/// measurably rose, and after three such steps in a row the fit stops with <see cref="SolverStopReason.CostReductionSmall"/>:
/// judging steps by ρ there would reject good steps at random and leave the parameters at about √ε relative accuracy
/// instead of near ε·cond(J).
/// </para>
/// <para>
/// An instance is made for one problem size (m residuals, n parameters) and holds all its workspace, so
/// <see cref="Minimize(ResidualsAndJacobian, Span{double})"/> allocates nothing; it may be called again and again (not
/// from two threads at once).
/// </para>
/// <para>
/// The callback is called once per trial step, for the residuals and the Jacobian together (the Jacobian of an accepted
/// step is the next iteration's), so a generated Jacobian that computes both in one sweep is used as it is.
/// </para>
/// </remarks>
public sealed class LevenbergMarquardt
{
    private const double AcceptanceRatio = 1e-4;
    private const double MaxDamping = 1e300;
    private const int UnmeasurableStepsToStop = 3;
    private const double CostResolution = 10 * 2.220446049250313e-16; // 10ε, ε = 2⁻⁵² the relative spacing of doubles

    private readonly int _m;
    private readonly int _n;
    private readonly int _k;
    private double[] _x, _trialX, _r, _trialR, _jacobian, _trialJacobian;
    private readonly double[] _qr, _qtr, _augmented, _augmentedRhs, _delta, _scale, _gradient, _columnNorms, _jacobianTimesStep;

    /// <summary>Creates a solver, and all its workspace, for problems of one size.</summary>
    /// <param name="residualCount">m, the number of residuals; at least 1.</param>
    /// <param name="parameterCount">n, the number of parameters; at least 1 (n may exceed m: the damping keeps each step defined).</param>
    /// <param name="options">The tolerances and limits; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is less than 1, or m·n is too large for an array.</exception>
    public LevenbergMarquardt(int residualCount, int parameterCount, LevenbergMarquardtOptions? options = null)
    {
        _m = SolverGuard.PositiveCount(residualCount, nameof(residualCount));
        _n = SolverGuard.PositiveCount(parameterCount, nameof(parameterCount));
        if ((long)_m * _n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(residualCount), residualCount, $"An m × n Jacobian with m = {residualCount} and n = {parameterCount} does not fit in an array.");
        }

        Options = options ?? new LevenbergMarquardtOptions();
        _k = Math.Min(_m, _n);
        _x = new double[_n];
        _trialX = new double[_n];
        _r = new double[_m];
        _trialR = new double[_m];
        _jacobian = new double[_m * _n];
        _trialJacobian = new double[_m * _n];
        _qr = new double[_m * _n];
        _qtr = new double[_m];
        _augmented = new double[(_k + _n) * _n];
        _augmentedRhs = new double[_k + _n];
        _delta = new double[_n];
        _scale = new double[_n];
        _gradient = new double[_n];
        _columnNorms = new double[_n];
        _jacobianTimesStep = new double[_m];
    }

    /// <summary>The number of residuals m this solver was made for.</summary>
    public int ResidualCount => _m;

    /// <summary>The number of parameters n this solver was made for.</summary>
    public int ParameterCount => _n;

    /// <summary>The tolerances and limits.</summary>
    public LevenbergMarquardtOptions Options { get; }

    /// <summary>
    /// The Jacobian at the parameters the last <see cref="Minimize(ResidualsAndJacobian, Span{double})"/> returned (m × n,
    /// row-major), e.g. for the covariance of the estimates, (JᵀJ)⁻¹·2·cost/(m − n). Overwritten by the next solve.
    /// </summary>
    public ReadOnlySpan<double> Jacobian => _jacobian;

    /// <summary>The residuals at the parameters the last solve returned (m elements). Overwritten by the next solve.</summary>
    public ReadOnlySpan<double> Residuals => _r;

    /// <summary>Minimises ½‖r(p)‖² from the starting point in <paramref name="parameters"/>, which receives the result.</summary>
    /// <param name="function">Writes the residuals and the Jacobian at a given point (see <see cref="ResidualsAndJacobian"/>).</param>
    /// <param name="parameters">In: the starting point, finite, n elements. Out: the best parameters found.</param>
    /// <returns>Why the solver stopped, after how many steps and evaluations, and the final cost and gradient.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> does not have n elements or is not finite, or the residuals or Jacobian at the starting
    /// point are not finite (there is nothing to improve on).
    /// </exception>
    public SolverResult Minimize(ResidualsAndJacobian function, Span<double> parameters)
    {
        SolverGuard.NotNull(function, nameof(function));
        SolverGuard.Parameters(parameters, _n);
        parameters.CopyTo(_x);

        function(_x, _r, _jacobian);
        int evaluations = 1, iterations = 0;
        double cost = HalfSumOfSquares(_r);
        if (!double.IsFinite(cost) || !AllFinite(_jacobian))
        {
            throw new ArgumentException(
                "The residuals or the Jacobian at the starting point are not all finite; start from a point where the model is defined.",
                nameof(parameters));
        }

        double damping = Options.InitialDamping, dampingGrowth = 2;
        bool firstIteration = true;
        int unmeasurableSteps = 0;
        SolverStopReason reason;
        while (true)
        {
            UpdateGradientAndScale(firstIteration);
            firstIteration = false;
            if (GradientIsSmall(cost))
            {
                reason = SolverStopReason.GradientSmall;
                break;
            }

            // J = QR once per Jacobian; each damping then only needs the small [R; √λD] problem.
            _jacobian.CopyTo(_qr, 0);
            _r.CopyTo(_qtr, 0);
            HouseholderQr.Triangularize(_qr, _m, _n, _qtr);

            bool accepted = false;
            reason = SolverStopReason.MaxIterations;
            while (!accepted)
            {
                if (iterations >= Options.MaxIterations)
                {
                    reason = SolverStopReason.MaxIterations;
                    break;
                }

                if (damping > MaxDamping || !SolveStep(damping) || StepIsSmall())
                {
                    // Damping this large (or a step this short) moves the parameters by less than the tolerance: nothing
                    // nearby is better to the accuracy asked for.
                    reason = SolverStopReason.StepSmall;
                    break;
                }

                for (int j = 0; j < _n; j++)
                {
                    _trialX[j] = _x[j] + _delta[j];
                }

                function(_trialX, _trialR, _trialJacobian);
                evaluations++;
                iterations++;
                double trialCost = HalfSumOfSquares(_trialR);
                double predicted = PredictedReduction(cost);
                double actual = cost - trialCost;
                // Below about 10ε·cost a reduction cannot be measured: the cost's own rounding swamps it and the ratio
                // is noise. There the linear model is trusted: the step is taken if the cost did not measurably rise,
                // and a few such steps end the fit, since no later step could be judged either.
                double resolution = CostResolution * cost;
                bool unmeasurable = predicted > 0 && predicted <= resolution && actual >= -resolution;
                if (double.IsFinite(trialCost) && predicted > 0 && (actual > AcceptanceRatio * predicted || unmeasurable) && AllFinite(_trialJacobian))
                {
                    accepted = true;
                    (_x, _trialX) = (_trialX, _x);
                    (_r, _trialR) = (_trialR, _r);
                    (_jacobian, _trialJacobian) = (_trialJacobian, _jacobian);
                    double ratio = actual / predicted;
                    double shrink = 2 * ratio - 1;
                    damping *= Math.Max(1.0 / 3, 1 - shrink * shrink * shrink);
                    dampingGrowth = 2;
                    double previousCost = cost;
                    cost = trialCost;
                    unmeasurableSteps = unmeasurable ? unmeasurableSteps + 1 : 0;
                    if (unmeasurableSteps >= UnmeasurableStepsToStop || (actual <= Options.CostTolerance * previousCost && predicted <= Options.CostTolerance * previousCost))
                    {
                        reason = SolverStopReason.CostReductionSmall;
                    }
                }
                else
                {
                    damping *= dampingGrowth;
                    dampingGrowth *= 2;
                }
            }

            if (!accepted || reason == SolverStopReason.CostReductionSmall)
            {
                if (accepted)
                {
                    UpdateGradientAndScale(firstIteration: false);
                }

                break;
            }
        }

        _x.CopyTo(parameters);
        return new SolverResult(reason, iterations, evaluations, 0, cost, VectorMath.MaxAbs(_gradient));
    }

    /// <summary>g = Jᵀr, the column norms of J, and the scaling D (first iteration: the column norms, then their running maximum).</summary>
    private void UpdateGradientAndScale(bool firstIteration)
    {
        Array.Clear(_gradient);
        Array.Clear(_columnNorms);
        for (int i = 0; i < _m; i++)
        {
            double ri = _r[i];
            int row = i * _n;
            for (int j = 0; j < _n; j++)
            {
                double jij = _jacobian[row + j];
                _gradient[j] += jij * ri;
                _columnNorms[j] += jij * jij;
            }
        }

        for (int j = 0; j < _n; j++)
        {
            double norm = Math.Sqrt(_columnNorms[j]);
            _columnNorms[j] = norm;
            if (!Options.ScaleParameters)
            {
                _scale[j] = 1;
            }
            else if (firstIteration)
            {
                _scale[j] = norm > 0 ? norm : 1; // A parameter nothing depends on yet still needs a positive damping.
            }
            else
            {
                _scale[j] = Math.Max(_scale[j], norm);
            }
        }
    }

    /// <summary>MINPACK's gtol test: the largest cosine between a column of J and r, or a perfect fit.</summary>
    private bool GradientIsSmall(double cost)
    {
        if (cost == 0)
        {
            return true;
        }

        double residualNorm = Math.Sqrt(2 * cost);
        double largestCosine = 0;
        for (int j = 0; j < _n; j++)
        {
            if (_columnNorms[j] > 0)
            {
                largestCosine = Math.Max(largestCosine, Math.Abs(_gradient[j]) / (_columnNorms[j] * residualNorm));
            }
        }

        return largestCosine <= Options.GradientTolerance;
    }

    /// <summary>
    /// δ = argmin ‖Jδ + r‖² + λ‖Dδ‖²: with J = QR already applied to r (R and Qᵀr in the top k rows), this is
    /// min ‖[R; √λD]δ + [Qᵀr; 0]‖, one more small QR.
    /// </summary>
    private bool SolveStep(double damping)
    {
        int rows = _k + _n;
        Span<double> a = _augmented;
        a.Clear();
        _qr.AsSpan(0, _k * _n).CopyTo(a);
        _qtr.AsSpan(0, _k).CopyTo(_augmentedRhs);
        double root = Math.Sqrt(damping);
        for (int j = 0; j < _n; j++)
        {
            a[(_k + j) * _n + j] = root * _scale[j];
            _augmentedRhs[_k + j] = 0;
        }

        HouseholderQr.Triangularize(a, rows, _n, _augmentedRhs);
        if (!HouseholderQr.BackSubstitute(a, _n, _augmentedRhs, _delta))
        {
            return false;
        }

        // That solved min ‖Aδ' − b‖ with b = [Qᵀr; 0]; the step is its negative.
        for (int j = 0; j < _n; j++)
        {
            _delta[j] = -_delta[j];
            if (!double.IsFinite(_delta[j]))
            {
                return false;
            }
        }

        return true;
    }

    private bool StepIsSmall()
    {
        double step = 0, point = 0;
        for (int j = 0; j < _n; j++)
        {
            double s = _scale[j] * _delta[j], p = _scale[j] * _x[j];
            step += s * s;
            point += p * p;
        }

        double tolerance = Options.StepTolerance;
        return Math.Sqrt(step) <= tolerance * (Math.Sqrt(point) + tolerance);
    }

    /// <summary>The reduction the linear model promises: ½‖r‖² − ½‖r + Jδ‖².</summary>
    private double PredictedReduction(double cost)
    {
        double sum = 0;
        for (int i = 0; i < _m; i++)
        {
            double linear = _r[i];
            int row = i * _n;
            for (int j = 0; j < _n; j++)
            {
                linear += _jacobian[row + j] * _delta[j];
            }

            sum += linear * linear;
        }

        return cost - 0.5 * sum;
    }

    private static double HalfSumOfSquares(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v * v;
        }

        return 0.5 * sum; // NaN or ∞ when a residual is.
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
