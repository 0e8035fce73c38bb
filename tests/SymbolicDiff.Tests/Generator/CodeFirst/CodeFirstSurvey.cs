using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The survey of the code a user writes first: each construct compiled in every kind of method (gradient, forward mode,
/// Hessian-vector product over spans, Jacobian, float), accepted everywhere or rejected everywhere with the same ID; the
/// table it prints is the one in docs/supported.md. The values of the accepted forms are checked in <see cref="CodeFirstTests"/>.
/// </summary>
public class CodeFirstSurvey(ITestOutputHelper output)
{
    // Each body computes s from xs (a span) and a (a double); RESULT(e) is replaced per kind of method.
    private static readonly (string Name, string? Rejected, string Body)[] Constructs =
    {
        ("for(;;) + break", null, "double s = 0; int i = 0; for (;;) { s += xs[i] * a; i++; if (i >= xs.Length) break; } RESULT(s)"),
        ("i *= 2 step", null, "double s = 0; for (int i = 1; i < xs.Length; i *= 2) { s += xs[i] * a; } RESULT(s)"),
        ("i += 2 step", null, "double s = 0; for (int i = 0; i < xs.Length; i += 2) { s += xs[i] * a; } RESULT(s)"),
        ("i -= 1 down", null, "double s = 0; for (int i = xs.Length - 1; i >= 0; i -= 1) { s = s * a + xs[i]; } RESULT(s)"),
        ("i-- down", null, "double s = 0; for (int i = xs.Length - 1; i >= 0; i--) { s = s * a + xs[i]; } RESULT(s)"),
        ("i = i + 1 step", null, "double s = 0; for (int i = 0; i < xs.Length; i = i + 1) { s += xs[i] * a; } RESULT(s)"),
        ("foreach span (double)", null, "double s = 0; foreach (double x in xs) { s += x * a; } RESULT(s)"),
        ("foreach span (var)", null, "double s = 0; foreach (var x in xs) { s += x * x * a; } RESULT(s)"),
        ("x[^1]", null, "double s = xs[^1] * a + xs[0]; RESULT(s)"),
        ("xs[1..] range", null, "ReadOnlySpan<double> t = xs[1..]; double s = 0; for (int i = 0; i < t.Length; i++) { s += t[i] * a; } RESULT(s)"),
        ("buffer += nested loops", null, "Span<double> h = stackalloc double[2]; for (int i = 0; i < 2; i++) { for (int j = 0; j < xs.Length; j++) { h[i] += xs[j] * a * (i + 1); } } double s = h[0] + h[1] * h[1]; RESULT(s)"),
        ("buffer *= nested loops", null, "Span<double> h = stackalloc double[2]; h[0] = 1; h[1] = 1; for (int i = 0; i < 2; i++) { for (int j = 0; j < xs.Length; j++) { h[i] *= xs[j] + a; } } double s = h[0] + h[1]; RESULT(s)"),
        ("Math.Clamp in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (Math.Clamp(xs[i], -1, 1) > 0) s += xs[i] * a; } RESULT(s)"),
        ("Math.FMA in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (Math.FusedMultiplyAdd(xs[i], a, 1) > 0) s += xs[i] * a; } RESULT(s)"),
        ("double.IsNaN in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (!double.IsNaN(xs[i])) s += xs[i] * a; } RESULT(s)"),
        ("double.IsFinite in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (double.IsFinite(xs[i])) s += xs[i] * a; } RESULT(s)"),
        ("early return in loop", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] * a; if (s > 10) { RESULT(s) } } RESULT(s)"),
        ("continue", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (xs[i] < 0) continue; s += xs[i] * a; } RESULT(s)"),
        ("stackalloc [n] local", null, "int n = xs.Length; Span<double> t = stackalloc double[n]; for (int i = 0; i < n; i++) { t[i] = xs[i] * a; } double s = 0; for (int i = 0; i < n; i++) { s += t[i] * t[i]; } RESULT(s)"),
        ("ref local to buffer elt", null, "Span<double> h = stackalloc double[1]; ref double acc = ref h[0]; for (int i = 0; i < xs.Length; i++) { acc += xs[i] * a; } double s = h[0]; RESULT(s)"),
        ("ref readonly to input", null, "ref readonly double f = ref xs[0]; double s = f * a; RESULT(s)"),
        ("tuple swap", null, "double p = a, q = 1; for (int i = 0; i < xs.Length; i++) { (p, q) = (q, p + q * xs[i]); } double s = p; RESULT(s)"),
        ("tuple decl", null, "var (p, q) = (a * 2, xs[0]); double s = p * q; RESULT(s)"),
        ("var locals", null, "var s = 0.0; for (var i = 0; i < xs.Length; i++) { var t = xs[i] * a; s += t * t; } RESULT(s)"),
        ("two declarators", null, "double s = 0, p = 1; for (int i = 0; i < xs.Length; i++) { s += xs[i] * a; p *= a; } s += p; RESULT(s)"),
        ("real counter", null, "double s = 0; for (double t = 0; t < 3; t += 1) { s += xs[0] * a * t; } RESULT(s)"),
        ("long counter", null, "double s = 0; for (long i = 0; i < xs.Length; i++) { s += xs[(int)i] * a; } RESULT(s)"),
        ("double.IsInfinity in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (!double.IsInfinity(xs[i])) s += xs[i] * a; } RESULT(s)"),
        ("two counters", null, "double s = 0; for (int i = 0, j = xs.Length - 1; i < j; i++, j--) { s += xs[i] * xs[j] * a; } RESULT(s)"),
        ("bound xs.Length - 1", null, "double s = 0; for (int i = 0; i < xs.Length - 1; i++) { s += (xs[i + 1] - xs[i]) * a; } RESULT(s)"),
        ("bound Math.Min", null, "double s = 0; for (int i = 0; i < Math.Min(3, xs.Length); i++) { s += xs[i] * a; } RESULT(s)"),
        ("is pattern condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (xs[i] is > 0 and < 10) s += xs[i] * a; } RESULT(s)"),
        ("while counter", null, "double s = 0; int i = 0; while (i < xs.Length) { s += xs[i] * a; i++; } RESULT(s)"),
        ("while uncounted", null, "double s = a; while (s < 10) { s = s * 2 + xs[0]; } RESULT(s)"),
        ("do while", null, "double s = 0; int i = 0; do { s += xs[i] * a; i++; } while (i < xs.Length); RESULT(s)"),
        ("nested break inner", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { for (int j = 0; j < xs.Length; j++) { if (j > i) break; s += xs[i] * xs[j] * a; } } RESULT(s)"),
        ("double.MaxValue min", null, "double m = double.MaxValue; for (int i = 0; i < xs.Length; i++) { m = Math.Min(m, xs[i] * a); } double s = m; RESULT(s)"),
        ("Math.Max in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (Math.Max(xs[i], a) > 1) s += xs[i] * a; } RESULT(s)"),
        ("local function loop", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Sq(xs[i] * a); } RESULT(s) static double Sq(double v) => v * v;"),
        ("i++ in index", null, "double s = 0; int k = 0; for (int i = 0; i < xs.Length; i++) { s += xs[k++] * a; } RESULT(s)"),
        ("compound /= buffer", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] + 2; h[i] /= a; } double s = 0; for (int i = 0; i < xs.Length; i++) { s += h[i]; } RESULT(s)"),
        ("xs.Length as double", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] * a; } s /= xs.Length; RESULT(s)"),
        ("while (Dot(v, v) > 1)", null, "Span<double> v = stackalloc double[xs.Length]; for (int i = 0; i < xs.Length; i++) { v[i] = xs[i] * a; } while (Vectors.Dot(v, v) > 1) { for (int i = 0; i < v.Length; i++) { v[i] = v[i] / 2; } } double s = v[0]; RESULT(s)"),
        ("do ... while (Dot(v, v) > 1)", null, "Span<double> v = stackalloc double[xs.Length]; for (int i = 0; i < xs.Length; i++) { v[i] = xs[i] * a; } do { for (int i = 0; i < v.Length; i++) { v[i] = v[i] / 2; } } while (Vectors.Dot(v, v) > 1); double s = v[0]; RESULT(s)"),
        ("long counter indexing", null, "double s = 0; for (long i = 0; i < xs.Length; i += 2) { s += xs[(int)i] * a * i; } RESULT(s)"),
        ("Math.Pow int exponent", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Pow(xs[i] * a, 2); } RESULT(s)"),
        ("int k; for (k = 0; ...)", null, "double s = 0; int k; for (k = 0; k < xs.Length; k++) { s += xs[k] * a; } RESULT(s)"),
        ("int k; read after the loop", null, "double s = 0; int k; for (k = 0; k < xs.Length && xs[k] > -100; k++) { s += xs[k] * a; } s += k * a; RESULT(s)"),
        ("int k; assigned in branches", null, "int k; if (a > 0) { k = 0; } else { k = xs.Length - 1; } double t; t = xs[k] * a; double s = t * t; RESULT(s)"),
        ("x[++k]", null, "double s = 0; int k = -1; for (int i = 0; i < xs.Length; i++) { s += xs[++k] * a; } RESULT(s)"),
        ("h[k++] = ...", null, "Span<double> h = stackalloc double[xs.Length]; int k = 0; foreach (var v in xs) { h[k++] = v * a; } double s = 0; for (int i = 0; i < h.Length; i++) { s += h[i] * h[i]; } RESULT(s)"),
        ("x[k++] read twice", null, "double s = 0; int k = 0; for (int i = 0; i + 1 < xs.Length; i += 2) { s += xs[k++] * xs[k++] * a; } RESULT(s)"),
        ("start Math.Max(0, n - 3)", null, "double s = 0; for (int i = Math.Max(0, xs.Length - 3); i < xs.Length; i++) { s += xs[i] * a; } RESULT(s)"),
        ("index Math.Clamp, Math.Abs", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[Math.Clamp(i - 1, 0, xs.Length - 1)] * Math.Abs(i - 1) * a; } RESULT(s)"),
        ("Horner, static readonly double[]", null, "double s = 0; for (int i = Coefficients.Length - 1; i >= 0; i--) { s = s * a + Coefficients[i] * xs[0]; } RESULT(s) @@ static readonly double[] Coefficients = { 1, -2, 3 };"),
        ("power series Math.Pow(a, i)", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] * Math.Pow(a, i); } RESULT(s)"),
        ("softmax with max subtracted", null, "double m = double.NegativeInfinity; foreach (var v in xs) { m = Math.Max(m, v * a); } double z = 0; foreach (var v in xs) { z += Math.Exp(v * a - m); } double s = Math.Log(z) + m; RESULT(s)"),
        ("nested local functions", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Norm2(xs[i], a); } RESULT(s) static double Sq(double v) => v * v; static double Norm2(double u, double v) => Sq(u) + Sq(v);"),
        ("checked", null, "int n = checked(xs.Length * 2); double s = 0; for (int i = 0; i < n / 2; i++) { s += checked(xs[i] * a); } RESULT(s)"),
        ("throw, interpolated message", null, "if (xs.Length == 0) { throw new ArgumentException($\"xs is empty ({xs.Length})\", nameof(xs)); } double s = xs[0] * a; RESULT(s)"),
        ("const locals, Math.PI", null, "const double Scale = 2; const int Stride = 2; double s = 0; for (int i = 0; i < xs.Length; i += Stride) { s += Scale * xs[i] * a * Math.PI; } RESULT(s)"),
        ("Math.Pow(x, 2) in condition", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (Math.Pow(xs[i], 2) > 1) s += xs[i] * a; } RESULT(s)"),
        ("for over xs.Length / 2", null, "double s = 0; for (int i = 0; i < xs.Length / 2; i++) { s += xs[2 * i] * xs[2 * i + 1] * a; } RESULT(s)"),
        ("mean and variance", null, "double mean = 0; foreach (var v in xs) mean += v; mean /= xs.Length; double s = 0; foreach (var v in xs) { double d = v - mean; s += d * d; } s = s / (xs.Length - 1) * a; RESULT(s)"),
        ("local array of weights", null, "double[] w = { 1, 2, 3 }; double s = 0; for (int i = 0; i < Math.Min(3, xs.Length); i++) { s += w[i] * xs[i] * a; } RESULT(s)"),
        ("alternating sign i % 2", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += (i % 2 == 0 ? 1 : -1) * xs[i] * a; } RESULT(s)"),
        ("while (true) + break", null, "double s = a; int i = 0; while (true) { s += xs[i]; i++; if (i == xs.Length) break; } RESULT(s)"),
        ("throw in a loop", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { if (xs[i] < -100) throw new ArgumentOutOfRangeException(nameof(xs), $\"xs[{i}] is below -100\"); s += xs[i] * a; } RESULT(s)"),
        ("throw expression", null, "double s = xs.Length > 0 ? xs[0] * a : throw new ArgumentException(\"xs is empty\", nameof(xs)); RESULT(s)"),
        ("ThrowIfNegative helper", null, "ArgumentOutOfRangeException.ThrowIfNegative(xs.Length - 1); double s = xs[0] * a; RESULT(s)"),
        ("collection expression array", null, "double[] w = [a, 2 * xs[0], 3]; double s = 0; for (int i = 0; i < Math.Min(3, xs.Length); i++) { s += w[i] * xs[i]; } RESULT(s)"),
        ("collection expression Span", null, "Span<double> t = [1, 2, 3]; double s = 0; for (int i = 0; i < Math.Min(3, xs.Length); i++) { s += t[i] * xs[i] * a; } RESULT(s)"),
        ("x[k] * x[k++]", null, "double s = 0; int k = 0; for (int i = 0; i < xs.Length; i++) { s += xs[k] * xs[k++] * a; } RESULT(s)"),
        ("foreach ref readonly", null, "double s = 0; foreach (ref readonly double x in xs) { s += x * x * a; } RESULT(s)"),
        ("foreach ref readonly over a buffer", null, "Span<double> h = stackalloc double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = 0; foreach (ref readonly double v in h) { s += v * v; } RESULT(s)"),
        ("foreach over xs[1..^1]", null, "double s = 0; foreach (var v in xs[1..^1]) { s += v * a; } RESULT(s)"),
        ("foreach over xs[..2]", null, "double s = 0; foreach (var v in xs[..2]) { s += v * a; } RESULT(s)"),
        ("Span.Fill", null, "Span<double> h = stackalloc double[xs.Length]; h.Fill(a); double s = 0; for (int i = 0; i < xs.Length; i++) { s += h[i] * xs[i]; } RESULT(s)"),
        ("Fill in a branch", null, "Span<double> h = stackalloc double[xs.Length]; if (a > 0) { h.Fill(a); } else { h.Fill(2 * a * a); } double s = 0; for (int i = 0; i < xs.Length; i++) { s += h[i] * xs[i]; } RESULT(s)"),
        ("span.Clear in a loop", null, "Span<double> h = stackalloc double[xs.Length]; double s = 0; for (int p = 0; p < 2; p++) { h.Clear(); for (int i = 0; i < xs.Length; i++) { h[i] += xs[i] * a * (p + 1); } s += h[0]; } RESULT(s)"),
        ("span.CopyTo", null, "Span<double> h = stackalloc double[xs.Length]; xs.CopyTo(h); double s = 0; for (int i = 0; i < h.Length; i++) { s += h[i] * h[i] * a; } RESULT(s)"),
        ("slice CopyTo", null, "ReadOnlySpan<double> t = xs.Slice(1); Span<double> h = stackalloc double[xs.Length]; t.CopyTo(h); double s = 0; for (int i = 0; i < h.Length; i++) { s += h[i] * h[i] * a; } RESULT(s)"),
        ("Array.Fill, Array.Clear", null, "double[] h = new double[xs.Length]; Array.Fill(h, a * a); double s = 0; for (int i = 0; i < xs.Length; i++) { s += h[i] * xs[i]; } Array.Clear(h); for (int i = 0; i < xs.Length; i++) { h[i] += xs[i]; } s += h[0] * a; RESULT(s)"),
        ("xs.IsEmpty guard", null, "if (xs.IsEmpty) { throw new ArgumentException(\"xs is empty\", nameof(xs)); } double s = xs[0] * a; RESULT(s)"),
        ("double.Abs, double.Max", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += double.Abs(xs[i]) * a + double.Max(xs[i], 0); } RESULT(s)"),
        ("Math.CopySign", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.CopySign(xs[i] * a, xs[0]); } RESULT(s)"),
        ("Math.Clamp value", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Clamp(xs[i] * a, -1, 1); } RESULT(s)"),
        ("Math.FMA accumulator", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s = Math.FusedMultiplyAdd(xs[i], a, s); } RESULT(s)"),
        ("double.IsNaN(x) ? 0 : x", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += double.IsNaN(xs[i]) ? 0 : xs[i] * a; } RESULT(s)"),
        ("Math.Sign factor", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Sign(xs[i]) * xs[i] * a; } RESULT(s)"),
        ("switch expression over int", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += (i % 3) switch { 0 => xs[i], 1 => 2 * xs[i], _ => -xs[i] } * a; } RESULT(s)"),
        ("relational switch expression", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] switch { < 0 => -xs[i] * a, > 1 => a, _ => xs[i] * a }; } RESULT(s)"),
        ("nested ternaries", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] > 1 ? xs[i] * a : xs[i] < -1 ? -xs[i] * a : xs[i] * xs[i] * a; } RESULT(s)"),
        ("compound %=", null, "double s = 0; int k = 0; for (int i = 0; i < xs.Length; i++) { s += xs[k] * a; k += 2; k %= xs.Length; } RESULT(s)"),
        ("span.Slice(a, b)", null, "ReadOnlySpan<double> t = xs.Slice(1, xs.Length - 1); double s = 0; for (int i = 0; i < t.Length; i++) { s += t[i] * a; } RESULT(s)"),
        ("1 / x", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += 1 / (xs[i] * xs[i] + a * a); } RESULT(s)"),
        ("x * x * x, Math.Pow(x, 3)", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += xs[i] * xs[i] * xs[i] * a + Math.Pow(xs[i], 3); } RESULT(s)"),
        ("Math.Cbrt, Math.Log2", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Cbrt(xs[i] * xs[i] + a * a) + Math.Log2(xs[i] * xs[i] + a * a); } RESULT(s)"),
        ("Math.Log(x, b)", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Log(xs[i] * xs[i] + 1, a * a + 2); } RESULT(s)"),
        ("capturing local function", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Scaled(xs[i]); } RESULT(s) double Scaled(double v) => v * v * a;"),
        ("switch statement on int", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { switch (i % 2) { case 0: s += xs[i] * a; break; default: s -= xs[i]; break; } } RESULT(s)"),
        ("span local walked (t = t[1..])", "SD0004 SD0005", "ReadOnlySpan<double> t = xs; double s = 0; while (t.Length > 0) { s += t[0] * a; t = t[1..]; } RESULT(s)"),
        ("xs.ToArray().Sum()", null, "double s = xs.ToArray().Sum() * a; RESULT(s)"),
        ("TensorPrimitives.Dot", null, "double s = TensorPrimitives.Dot(xs, xs) * a; RESULT(s)"),
        ("TensorPrimitives.Sum, SumOfSquares", null, "double s = TensorPrimitives.Sum(xs) * a + TensorPrimitives.SumOfSquares(xs) * a * a; RESULT(s)"),
        ("TensorPrimitives.Norm, Distance", null, "Span<double> h = stackalloc double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = TensorPrimitives.Norm(xs) * a + TensorPrimitives.Distance(xs, h); RESULT(s)"),
        ("TensorPrimitives.Max, Min", null, "double s = TensorPrimitives.Max(xs) * a - TensorPrimitives.Min(xs); RESULT(s)"),
        ("TensorPrimitives.SumOfMagnitudes, Product", null, "double s = TensorPrimitives.SumOfMagnitudes(xs) * a + TensorPrimitives.Product(xs); RESULT(s)"),
        ("TensorPrimitives over a buffer", null, "Span<double> h = stackalloc double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = TensorPrimitives.SumOfSquares<double>(h); RESULT(s)"),
        ("TensorPrimitives over a slice", null, "double s = TensorPrimitives.Dot(xs[1..], xs[..^1]) * a; RESULT(s)"),
        ("TensorPrimitives in a loop", null, "double s = 0; for (int k = 0; k < 2; k++) { s += TensorPrimitives.Sum(xs) * a * (k + 1); } RESULT(s)"),
        ("TensorPrimitives in a condition", null, "double s = 0; if (TensorPrimitives.Sum(xs) > 0) { s = xs[0] * a; } else { s = a; } RESULT(s)"),
        ("LINQ Sum on an array", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Sum(); RESULT(s)"),
        ("LINQ Average, Max, Min", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Average() + h.Max() - h.Min(); RESULT(s)"),
        ("LINQ Sum(v => v * v)", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Sum(v => v * v * a); RESULT(s)"),
        ("LINQ Select(...).Sum()", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Select(v => Math.Exp(v)).Sum() * a; RESULT(s)"),
        ("LINQ Sum behind ?:", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Length > 0 ? h.Sum() : a; RESULT(s)"),
        ("LINQ Max behind ?: (can throw)", "SD0005", "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Length > 0 ? h.Max() : a; RESULT(s)"),
        ("LINQ indexed Select", "SD0005", "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } double s = h.Select((v, i) => v * i).Sum(); RESULT(s)"),
        ("Math.Floor, Round, Ceiling", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.Floor(xs[i]) * a + Math.Round(xs[i] * a) + Math.Ceiling(a) * xs[i]; } RESULT(s)"),
        ("Math.IEEERemainder", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.IEEERemainder(xs[i] * a, a + 3); } RESULT(s)"),
        ("double.Hypot (no rule)", "SD0006", "double s = 0; for (int i = 0; i < xs.Length; i++) { s += double.Hypot(xs[i], a); } RESULT(s)"),
        ("Math.ScaleB (no rule)", "SD0006", "double s = 0; for (int i = 0; i < xs.Length; i++) { s += Math.ScaleB(xs[i] * a, 2); } RESULT(s)"),
        ("checked block", null, "double s = 0; checked { for (int i = 0; i < xs.Length; i++) { s += xs[i] * a; } } RESULT(s)"),
        ("continue in nested loops", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { for (int j = 0; j < xs.Length; j++) { if (i == j) continue; s += xs[i] * xs[j] * a; } } RESULT(s)"),
        ("integer power by a loop", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { double p = 1; for (int k = 0; k < 3; k++) { p *= xs[i]; } s += p * a; } RESULT(s)"),
        ("x[..2] to Vectors.Dot", null, "double s = Vectors.Dot(xs[..2], xs[1..3]) * a; RESULT(s)"),
        ("AsSpan(1, 2) local", null, "double[] h = new double[xs.Length]; for (int i = 0; i < xs.Length; i++) { h[i] = xs[i] * a; } ReadOnlySpan<double> t = h.AsSpan(1, 2); double s = t[0] * t[1]; RESULT(s)"),
        ("return from nested loops", null, "double s = 0; for (int i = 0; i < xs.Length; i++) { for (int j = 0; j < xs.Length; j++) { s += xs[i] * xs[j] * a; if (s > 50) { RESULT(s) } } } RESULT(s)"),
    };

    // A body may end with "@@ members": declared in the class beside the method.
    private static string Source(string kind, string body) => body.Split(" @@ ") is [var code, var members]
        ? Source(kind, code).Replace("/* members */", kind == "f" ? ToFloat(members) : members)
        : kind switch
    {
        "G" => Wrap("[Differentiable]", "double", "ReadOnlySpan<double> xs, double a", body.Replace("RESULT(s)", "return s;")),
        "H" => Wrap("[Differentiable(SecondOrder = true)]", "double", "ReadOnlySpan<double> xs, double a", body.Replace("RESULT(s)", "return s;")),
        "J" => Wrap("[Differentiable(nameof(xs), nameof(a))]", "double", "ReadOnlySpan<double> xs, double a, Span<double> r", body.Replace("RESULT(s)", "{ r[0] = s; r[1] = s * a; return s; }")),
        _ => Wrap("[Differentiable]", "float", "ReadOnlySpan<float> xs, float a", ToFloat(body.Replace("RESULT(s)", "return s;"))),
    };

    // The float twin of a body: float for double, MathF for Math except where Math's integer overloads are meant.
    private static string ToFloat(string body) => body.Replace("double", "float").Replace("0.0", "0f").Replace("1e-8", "1e-8f")
        .Replace("Math.", "MathF.").Replace("MathF.Clamp", "Math.Clamp").Replace("MathF.Min(3", "Math.Min(3").Replace("MathF.Max(0,", "Math.Max(0,").Replace("MathF.Abs(i", "Math.Abs(i");

    private static string Wrap(string attribute, string returns, string parameters, string body) => $$"""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;
        using SymbolicDiff;

        public static partial class C
        {
            /* members */
            {{attribute}}
            public static {{returns}} F({{parameters}})
            {
                {{body}}
            }
        }
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public void Survey()
    {
        var table = new StringBuilder();
        table.AppendLine("| construct | gradient | forward | Hessian (spans) | Jacobian | float |");
        table.AppendLine("|---|---|---|---|---|---|");
        var wrong = new List<string>();
        foreach (var (name, rejected, body) in Constructs)
        {
            var cells = new List<string>();
            foreach (var kind in new[] { "G", "F", "H", "J", "f" })
            {
                var run = GeneratorHarness.Run(Source(kind == "F" ? "G" : kind, body));
                var ids = run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id)
                    .Concat(run.CompilationProblems.Select(d => d.Id)).Distinct().ToList();
                string expected = kind switch { "G" or "f" => "FWithGradient", "F" => "FWithDerivative", "H" => "FHessianVectorProduct", _ => "FJacobian" };
                bool generated = run.GeneratedSources.Any(s => s.SourceText.ToString().Contains(expected + "("));
                string cell = ids.Count == 0 && generated ? "yes" : ids.Count == 0 ? "missing" : string.Join(" ", ids);
                cells.Add(cell);
                if (cell != (rejected ?? "yes"))
                {
                    wrong.Add($"{name} [{kind}]: {cell}, expected {rejected ?? "yes"}");
                }

                foreach (var d in run.GeneratorDiagnostics.Concat(run.CompilationProblems).Take(2))
                {
                    output.WriteLine($"  {name} [{kind}] {d.Id}: {d.GetMessage()[..Math.Min(200, d.GetMessage().Length)]}");
                }
            }

            table.AppendLine($"| {name} | {string.Join(" | ", cells)} |");
        }

        output.WriteLine(table.ToString());
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
