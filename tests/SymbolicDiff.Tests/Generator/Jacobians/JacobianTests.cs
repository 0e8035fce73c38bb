namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// The Jacobians of <see cref="VectorValuedModels"/>, each checked three ways: against the Jacobian worked out by hand
/// (in each case's comment), against central finite differences of the method itself, and the generated
/// <c>MJacobian</c> against the Jacobian built column by column from <c>MWithDerivative</c> (forward mode forced) and
/// row by row from <c>MVectorJacobianProduct</c> (reverse mode forced). Shapes with m &gt; n and m &lt; n make
/// <c>MJacobian</c> take each path itself.
/// </summary>
public class JacobianTests
{
    private static readonly double[] MisraX = { 77.6, 114.9, 141.1, 190.8, 239.9 };
    private static readonly double[] MisraY = { 10.07, 14.73, 17.94, 23.93, 29.61 };

    /// <summary>A method's Jacobian computed every way, at one point; <see cref="Outputs"/> evaluates the method at packed inputs.</summary>
    private sealed record Case(
        int Rows,
        int Columns,
        double[] Point,
        Func<double[], double[]> Outputs,
        Func<double[], double[]> Jacobian,
        Func<double[], int, double[]> ForwardColumn,
        Func<double[], int, double[]> ReverseRow,
        double[] ByHand);

    public static TheoryData<string> Cases => new() { "Misra1a", "Decay1", "Decay6", "Moments", "Updated" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generated_Jacobian_is_the_hand_derived_one(string name)
    {
        var c = Build(name);
        AssertClose(c.ByHand, c.Jacobian(c.Point), 1e-12, name + " MJacobian");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generated_Jacobian_matches_central_finite_differences(string name)
    {
        var c = Build(name);
        AssertClose(FiniteDifferences(c.Outputs, c.Point), c.Jacobian(c.Point), 1e-6, name + " finite differences");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_reverse_sweeps_give_the_same_Jacobian(string name)
    {
        var c = Build(name);
        var forward = new double[c.Rows * c.Columns];
        for (int j = 0; j < c.Columns; j++)
        {
            var column = c.ForwardColumn(c.Point, j);
            Assert.Equal(c.Rows, column.Length);
            for (int i = 0; i < c.Rows; i++)
            {
                forward[i * c.Columns + j] = column[i];
            }
        }

        var reverse = new double[c.Rows * c.Columns];
        for (int i = 0; i < c.Rows; i++)
        {
            var row = c.ReverseRow(c.Point, i);
            Assert.Equal(c.Columns, row.Length);
            row.CopyTo(reverse, i * c.Columns);
        }

        AssertClose(forward, reverse, 1e-12, name + " forward vs reverse");
        AssertClose(c.ByHand, forward, 1e-12, name + " forward vs hand");
        AssertClose(c.Jacobian(c.Point), reverse, 1e-12, name + " MJacobian vs reverse");
    }

    [Fact]
    public void Outputs_are_written_by_every_generated_method()
    {
        double[] b = { 240, 5.5e-4 };
        var expected = new double[MisraX.Length];
        VectorValuedModels.Misra1a(b, MisraX, MisraY, expected);

        var r = new double[MisraX.Length];
        VectorValuedModels.Misra1aJacobian(b, MisraX, MisraY, r, new double[MisraX.Length * 2]);
        Assert.Equal(expected, r);

        r = new double[MisraX.Length];
        VectorValuedModels.Misra1aWithDerivative(b, MisraX, MisraY, r, new double[] { 1, 0 }, new double[MisraX.Length]);
        Assert.Equal(expected, r);

        r = new double[MisraX.Length];
        VectorValuedModels.Misra1aVectorJacobianProduct(b, MisraX, MisraY, r, new double[MisraX.Length], new double[2]);
        Assert.Equal(expected, r);
    }

    [Fact]
    public void A_double_returning_method_returns_its_value_from_its_Jacobian_and_keeps_its_gradient()
    {
        double[] w = { 0.3, -1.2, 2.0, 0.7 };
        const double s = 1.5;
        double sum = w.Sum(), squares = w.Sum(v => v * v);
        double value = s * sum + s * s * squares;

        var m = new double[2];
        Assert.Equal(value, VectorValuedModels.MomentsJacobian(s, w, m, new double[2 * 5]), 12);
        Assert.Equal(new[] { s * sum, s * s * squares }, m);

        // MWithGradient stays the gradient of the returned value: ∂/∂s = Σw + 2s·Σw², ∂/∂wᵢ = s + 2s²wᵢ.
        var dW = new double[w.Length];
        Assert.Equal(value, VectorValuedModels.MomentsWithGradient(s, w, new double[2], out double dS, dW), 12);
        Assert.Equal(sum + 2 * s * squares, dS, 12);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(s + 2 * s * s * w[i], dW[i], 12);
        }

        var (returned, derivative) = VectorValuedModels.MomentsWithDerivative(s, w, new double[2], 1, new double[w.Length], new double[2]);
        Assert.Equal(value, returned, 12);
        Assert.Equal(sum + 2 * s * squares, derivative, 12);
    }

    [Fact]
    public void A_vector_Jacobian_product_weights_the_rows_by_the_cotangents()
    {
        double[] b = { 240, 5.5e-4 };
        double[] cotangent = { 0.5, -2, 1, 0, 3 };
        var jacobian = new double[MisraX.Length * 2];
        VectorValuedModels.Misra1aJacobian(b, MisraX, MisraY, new double[MisraX.Length], jacobian);
        var product = new double[2];
        VectorValuedModels.Misra1aVectorJacobianProduct(b, MisraX, MisraY, new double[MisraX.Length], cotangent, product);
        for (int j = 0; j < 2; j++)
        {
            double expected = Enumerable.Range(0, MisraX.Length).Sum(i => cotangent[i] * jacobian[i * 2 + j]);
            Assert.Equal(expected, product[j], 1e-12 * Math.Max(1, Math.Abs(expected)));
        }
    }

    // ---- the cases ----

    private static Case Build(string name) => name switch
    {
        "Misra1a" => Misra1a(),
        "Decay1" => Decay(1),
        "Decay6" => Decay(6),
        "Moments" => Moments(),
        "Updated" => Updated(),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>m = 5 &gt; n = 2: forward sweeps. ∂rᵢ/∂b₁ = 1 − e^(−b₂xᵢ), ∂rᵢ/∂b₂ = b₁xᵢe^(−b₂xᵢ).</summary>
    private static Case Misra1a()
    {
        double[] point = { 240, 5.5e-4 };
        int m = MisraX.Length;
        var hand = new double[m * 2];
        for (int i = 0; i < m; i++)
        {
            double e = Math.Exp(-point[1] * MisraX[i]);
            hand[i * 2] = 1 - e;
            hand[i * 2 + 1] = point[0] * MisraX[i] * e;
        }

        return new Case(m, 2, point,
            b => { var r = new double[m]; VectorValuedModels.Misra1a(b, MisraX, MisraY, r); return r; },
            b => { var j = new double[m * 2]; VectorValuedModels.Misra1aJacobian(b, MisraX, MisraY, new double[m], j); return j; },
            (b, column) => { var dR = new double[m]; VectorValuedModels.Misra1aWithDerivative(b, MisraX, MisraY, new double[m], Unit(2, column), dR); return dR; },
            (b, row) => { var dB = new double[2]; VectorValuedModels.Misra1aVectorJacobianProduct(b, MisraX, MisraY, new double[m], Unit(m, row), dB); return dB; },
            hand);
    }

    /// <summary>
    /// Columns (k, x₀, dt), rows the positions then the velocities; q = 1 − k·dt. Position i = x₀q^(i+1): ∂/∂k = −dt·x₀(i+1)q^i,
    /// ∂/∂x₀ = q^(i+1), ∂/∂dt = −k·x₀(i+1)q^i. Velocity i = −k·x₀q^i: ∂/∂k = −x₀q^i + k·dt·x₀·i·q^(i−1), ∂/∂x₀ = −k·q^i,
    /// ∂/∂dt = k²x₀·i·q^(i−1). One step: m = 2 &lt; n = 3, reverse sweeps; six steps: m = 12, forward sweeps.
    /// </summary>
    private static Case Decay(int steps)
    {
        double[] point = { 0.7, 1.3, 0.1 };
        double k = point[0], x0 = point[1], dt = point[2], q = 1 - k * dt;
        int m = 2 * steps;
        var hand = new double[m * 3];
        for (int i = 0; i < steps; i++)
        {
            double before = i == 0 ? 0 : i * Math.Pow(q, i - 1); // i·q^(i−1), 0 at i = 0
            hand[i * 3 + 0] = -dt * x0 * (i + 1) * Math.Pow(q, i);
            hand[i * 3 + 1] = Math.Pow(q, i + 1);
            hand[i * 3 + 2] = -k * x0 * (i + 1) * Math.Pow(q, i);
            int v = (steps + i) * 3;
            hand[v + 0] = -x0 * Math.Pow(q, i) + k * dt * x0 * before;
            hand[v + 1] = -k * Math.Pow(q, i);
            hand[v + 2] = k * k * x0 * before;
        }

        double[] Outputs(double[] p)
        {
            var positions = new double[steps];
            var velocities = new double[steps];
            VectorValuedModels.Decay(p[0], p[1], p[2], positions, velocities);
            return positions.Concat(velocities).ToArray();
        }

        return new Case(m, 3, point, Outputs,
            p => { var j = new double[m * 3]; VectorValuedModels.DecayJacobian(p[0], p[1], p[2], new double[steps], new double[steps], j); return j; },
            (p, column) =>
            {
                var t = Unit(3, column);
                var dPositions = new double[steps];
                var dVelocities = new double[steps];
                VectorValuedModels.DecayWithDerivative(p[0], p[1], p[2], new double[steps], new double[steps], t[0], t[1], t[2], dPositions, dVelocities);
                return dPositions.Concat(dVelocities).ToArray();
            },
            (p, row) =>
            {
                var c = Unit(m, row);
                VectorValuedModels.DecayVectorJacobianProduct(p[0], p[1], p[2], new double[steps], new double[steps], c.AsSpan(0, steps), c.AsSpan(steps), out double dK, out double dX0, out double dDt);
                return new[] { dK, dX0, dDt };
            },
            hand);
    }

    /// <summary>Columns (s, w₀…w₃), m = 2 &lt; n = 5: reverse sweeps. ∂m₀/∂s = Σw, ∂m₀/∂wᵢ = s; ∂m₁/∂s = 2s·Σw², ∂m₁/∂wᵢ = 2s²wᵢ.</summary>
    private static Case Moments()
    {
        double[] point = { 1.5, 0.3, -1.2, 2.0, 0.7 };
        double s = point[0];
        var w = point.Skip(1).ToArray();
        var hand = new double[2 * 5];
        hand[0] = w.Sum();
        hand[5] = 2 * s * w.Sum(v => v * v);
        for (int i = 0; i < 4; i++)
        {
            hand[1 + i] = s;
            hand[6 + i] = 2 * s * s * w[i];
        }

        return new Case(2, 5, point,
            p => { var m = new double[2]; VectorValuedModels.Moments(p[0], p.AsSpan(1), m); return m; },
            p => { var j = new double[2 * 5]; VectorValuedModels.MomentsJacobian(p[0], p.AsSpan(1), new double[2], j); return j; },
            (p, column) => { var t = Unit(5, column); var dM = new double[2]; VectorValuedModels.MomentsWithDerivative(p[0], p.AsSpan(1), new double[2], t[0], t.AsSpan(1), dM); return dM; },
            (p, row) => { var dW = new double[4]; VectorValuedModels.MomentsVectorJacobianProduct(p[0], p.AsSpan(1), new double[2], Unit(2, row), out double dS, dW); return new[] { dS }.Concat(dW).ToArray(); },
            hand);
    }

    /// <summary>
    /// Columns (a₀, a₁, a₂, c), rows r then t, m = 6 &gt; n = 4: forward sweeps. ∂rᵢ/∂aⱼ = 2aᵢ[j = i] + [j = (i + 1) mod 3],
    /// ∂rᵢ/∂c = 0; ∂tᵢ/∂aⱼ = c·∂rᵢ/∂aⱼ, ∂tᵢ/∂c = rᵢ = aᵢ² + a₍ᵢ₊₁₎ mod 3.
    /// </summary>
    private static Case Updated()
    {
        double[] point = { 0.4, -1.1, 2.5, 0.8 };
        const int n = 3;
        var a = point.Take(n).ToArray();
        double c = point[n];
        var hand = new double[2 * n * (n + 1)];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dr = (j == i ? 2 * a[i] : 0) + (j == (i + 1) % n ? 1 : 0);
                hand[i * (n + 1) + j] = dr;
                hand[(n + i) * (n + 1) + j] = c * dr;
            }

            hand[(n + i) * (n + 1) + n] = a[i] * a[i] + a[(i + 1) % n];
        }

        return new Case(2 * n, n + 1, point,
            p => { var r = new double[n]; var t = new double[n]; VectorValuedModels.Updated(p.Take(n).ToArray(), p[n], r, t); return r.Concat(t).ToArray(); },
            p => { var j = new double[2 * n * (n + 1)]; VectorValuedModels.UpdatedJacobian(p.Take(n).ToArray(), p[n], new double[n], new double[n], j); return j; },
            (p, column) =>
            {
                var t = Unit(n + 1, column);
                var dR = new double[n];
                var dT = new double[n];
                VectorValuedModels.UpdatedWithDerivative(p.Take(n).ToArray(), p[n], new double[n], new double[n], t.AsSpan(0, n), t[n], dR, dT);
                return dR.Concat(dT).ToArray();
            },
            (p, row) =>
            {
                var cotangent = Unit(2 * n, row);
                var dA = new double[n];
                VectorValuedModels.UpdatedVectorJacobianProduct(p.Take(n).ToArray(), p[n], new double[n], new double[n], cotangent.AsSpan(0, n), cotangent.AsSpan(n), dA, out double dC);
                return dA.Append(dC).ToArray();
            },
            hand);
    }

    // ---- helpers ----

    private static double[] Unit(int length, int index)
    {
        var unit = new double[length];
        unit[index] = 1;
        return unit;
    }

    /// <summary>Central differences, column by column, with a step of about ∛ε relative to each input.</summary>
    internal static double[] FiniteDifferences(Func<double[], double[]> outputs, double[] point)
    {
        int rows = outputs(point).Length, columns = point.Length;
        var jacobian = new double[rows * columns];
        for (int j = 0; j < columns; j++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(point[j]));
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += h;
            minus[j] -= h;
            var up = outputs(plus);
            var down = outputs(minus);
            for (int i = 0; i < rows; i++)
            {
                jacobian[i * columns + j] = (up[i] - down[i]) / (plus[j] - minus[j]);
            }
        }

        return jacobian;
    }

    internal static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (± {tolerance:G3})");
        }
    }
}
