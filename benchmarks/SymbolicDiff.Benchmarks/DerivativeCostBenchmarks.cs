using BenchmarkDotNet.Attributes;

namespace SymbolicDiff.Benchmarks;

/// <summary>Methods for the cost ratios of issue 11: a Jacobian against its function, a Hessian-vector product against its gradient.</summary>
public static partial class DerivativeCostFunctions
{
    /// <summary>
    /// The chained Rosenbrock function Σ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)², with second derivatives and the forward mode of its
    /// Hessian-vector product (ThirdOrder).
    /// </summary>
    [Differentiable(ThirdOrder = true)]
    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            sum += a * a + 100 * b * b;
        }

        return sum;
    }

    /// <summary>The residuals rᵢ = a·e^(−k·tᵢ) − yᵢ of an exponential decay (a NIST-style model), a vector-valued method.</summary>
    [Differentiable(nameof(a), nameof(k))]
    public static void DecayResiduals(double a, double k, ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < t.Length; i++)
        {
            r[i] = a * Math.Exp(-k * t[i]) - y[i];
        }
    }
}

/// <summary>
/// Rosenbrock at n = 1,000: the function, its generated gradient (the baseline), its generated Hessian-vector
/// product (forward mode over the gradient) and that product's own forward mode (third derivatives, what a SecondOrder
/// caller of <c>RosenbrockWithGradient</c> calls), all into preallocated spans.
/// </summary>
[MemoryDiagnoser]
public class HessianVectorProductBenchmarks
{
    private const int N = 1000;
    private readonly double[] _x = new double[N], _v = new double[N], _gradient = new double[N], _product = new double[N];
    private readonly double[] _dx = new double[N], _dv = new double[N], _dGradient = new double[N], _dProduct = new double[N];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        for (int i = 0; i < N; i++)
        {
            _x[i] = random.NextDouble() * 2 - 1;
            _v[i] = random.NextDouble() * 2 - 1;
            _dx[i] = random.NextDouble() * 2 - 1;
            _dv[i] = random.NextDouble() * 2 - 1;
        }

        // The product's gradient output must be the gradient: the two rows compute the same first derivatives.
        double value = DerivativeCostFunctions.RosenbrockHessianVectorProduct(_x, _v, _gradient, _product);
        double[] gradient = (double[])_gradient.Clone();
        Agreement.Check("gradient", [Gradient(), .. _gradient], [value, .. gradient], 1e-9);

        // The product's forward mode: the gradient's tangent along dx is H·dx, which the product along dx gives.
        HessianVectorProductWithDerivative();
        double[] gradientTangent = (double[])_dGradient.Clone();
        DerivativeCostFunctions.RosenbrockHessianVectorProduct(_x, _dx, _gradient, _product);
        Agreement.Check("gradient tangent", gradientTangent, _product, 1e-9);
    }

    [Benchmark]
    public double Function() => DerivativeCostFunctions.Rosenbrock(_x);

    [Benchmark(Baseline = true)]
    public double Gradient() => DerivativeCostFunctions.RosenbrockWithGradient(_x, _gradient);

    [Benchmark]
    public double HessianVectorProduct() => DerivativeCostFunctions.RosenbrockHessianVectorProduct(_x, _v, _gradient, _product);

    [Benchmark]
    public double HessianVectorProductWithDerivative() =>
        DerivativeCostFunctions.RosenbrockHessianVectorProductWithDerivative(_x, _v, _gradient, _product, _dx, _dv, _dGradient, _dProduct);
}

/// <summary>
/// The decay residuals at m = 14 (Misra1a's size) and 300 points, two parameters: the function (the baseline) and
/// its generated Jacobian (two forward sweeps, since n = 2 ≤ m).
/// </summary>
[MemoryDiagnoser]
public class JacobianBenchmarks
{
    private double[] _t = Array.Empty<double>(), _y = Array.Empty<double>(), _r = Array.Empty<double>(), _jacobian = Array.Empty<double>();

    /// <summary>Residuals (rows of the Jacobian).</summary>
    [Params(14, 300)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _t = Enumerable.Range(0, Points).Select(i => 0.1 * i).ToArray();
        _y = _t.Select(t => 5 * Math.Exp(-0.5 * t) + 0.01 * Math.Sin(7 * t)).ToArray();
        _r = new double[Points];
        _jacobian = new double[Points * 2];
    }

    [Benchmark(Baseline = true)]
    public void Function() => DerivativeCostFunctions.DecayResiduals(4.5, 0.4, _t, _y, _r);

    [Benchmark]
    public void Jacobian() => DerivativeCostFunctions.DecayResidualsJacobian(4.5, 0.4, _t, _y, _r, _jacobian);

    /// <summary>
    /// The same Jacobian as the generator wrote it before it zeroed tangents with <c>Zeroing.Clear</c>: the forward
    /// sweep starts with <c>dR.Clear()</c>, and every <c>Math.Exp</c> after it pays the AVX–SSE transition penalty
    /// under tiered compilation (docs/jacobians.md). Kept to show the before and after in one run.
    /// </summary>
    [Benchmark]
    public void JacobianWithSpanClear() => SpanClearJacobian.DecayResidualsJacobian(4.5, 0.4, _t, _y, _r, _jacobian);

    [GlobalSetup(Target = nameof(JacobianWithSpanClear))]
    public void CheckSpanClearJacobian()
    {
        Setup();
        double[] expected = new double[_jacobian.Length];
        DerivativeCostFunctions.DecayResidualsJacobian(4.5, 0.4, _t, _y, _r, expected);
        SpanClearJacobian.DecayResidualsJacobian(4.5, 0.4, _t, _y, _r, _jacobian);
        Agreement.Check("Jacobian with Span.Clear", expected, _jacobian, 1e-15);
    }
}

/// <summary>
/// The generated <c>DecayResidualsJacobian</c> (forward mode, two columns) as it was before tangents were zeroed with
/// <c>Zeroing.Clear</c>, copied from the generator's output then, to measure the AVX–SSE transition penalty that
/// <c>Span.Clear</c> caused.
/// </summary>
public static class SpanClearJacobian
{
    public static void DecayResidualsJacobian(double a, double k, ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> r, Span<double> jacobian)
    {
        int rows = r.Length;
        double[]? rented = rows > 128 ? System.Buffers.ArrayPool<double>.Shared.Rent(rows) : null;
        Span<double> column = rented is null ? stackalloc double[128] : rented;
        column = column.Slice(0, rows);
        for (int j = 0; j < 2; j++)
        {
            DecayResidualsWithDerivative(a, k, t, y, r, j == 0 ? 1 : 0, j == 1 ? 1 : 0, column);
            for (int i = 0; i < rows; i++)
            {
                jacobian[i * 2 + j] = column[i];
            }
        }

        if (rented is not null)
        {
            System.Buffers.ArrayPool<double>.Shared.Return(rented);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DecayResidualsWithDerivative(double a, double k, ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> r, double dA, double dK, Span<double> dR)
    {
        dR.Clear();
        for (int i = 0; i < t.Length; i++)
        {
            dR[i] = dA * Math.Exp(-k * t[i]) - a * (Math.Exp(-k * t[i]) * (dK * t[i]));
            r[i] = a * Math.Exp(-k * t[i]) - y[i];
        }
    }
}
