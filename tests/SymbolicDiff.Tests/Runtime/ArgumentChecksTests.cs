using System.Reflection;
using System.Runtime.CompilerServices;
using SymbolicDiff.Runtime;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The argument checks generated methods call (<see cref="ArgumentChecks"/>): each throws exactly when the inline
/// <c>if (...) throw</c> it replaced did, with the same message and parameter name, and is shaped to stay cheap (the
/// test inlined, the throw out of line).
/// </summary>
public class ArgumentChecksTests
{
    [Fact]
    public void The_overlap_test_agrees_with_MemoryExtensions_Overlaps_for_every_pair_of_slices()
    {
        // Every (start, length) slice of one buffer against every other, both element types: the oracle is the
        // runtime's own Overlaps, which the inlined test replaces.
        double[] doubles = new double[6];
        float[] floats = new float[6];
        int pairs = 0, overlapping = 0;
        foreach (var (s1, l1) in Slices(doubles.Length))
        {
            foreach (var (s2, l2) in Slices(doubles.Length))
            {
                bool expected = doubles.AsSpan(s1, l1).Overlaps(doubles.AsSpan(s2, l2));
                Assert.Equal(expected, Throws(() => ArgumentChecks.OverlapsNoInput(doubles.AsSpan(s1, l1), "o", "i", doubles.AsSpan(s2, l2))));
                Assert.Equal(expected, Throws(() => ArgumentChecks.OverlapsNoOutput(floats.AsSpan(s1, l1), "o", "i", floats.AsSpan(s2, l2))));
                pairs++;
                overlapping += expected ? 1 : 0;
            }
        }

        Assert.True(overlapping > 0 && overlapping < pairs);
    }

    [Fact]
    public void Each_span_of_an_overlap_check_is_tested_and_separate_buffers_pass()
    {
        double[] buffer = new double[4], other = new double[4];
        Assert.False(Throws(() => ArgumentChecks.OverlapsNoInput(buffer.AsSpan(0, 2), "o", "", other, other, other, other, other, other)));
        for (int position = 0; position < 6; position++)
        {
            var spans = Enumerable.Repeat(other, 6).ToArray();
            spans[position] = buffer;
            Assert.True(Throws(() => ArgumentChecks.OverlapsNoInput(buffer.AsSpan(0, 2), "o", "", spans[0], spans[1], spans[2], spans[3], spans[4], spans[5])));
        }

        // Adjacent is not overlapping; empty never overlaps.
        Assert.False(Throws(() => ArgumentChecks.OverlapsNoInput(buffer.AsSpan(0, 2), "o", "", buffer.AsSpan(2, 2))));
        Assert.False(Throws(() => ArgumentChecks.OverlapsNoInput(buffer.AsSpan(0, 0), "o", "", buffer)));
    }

    [Fact]
    public void The_messages_and_parameter_names_are_the_ones_generated_code_threw_inline()
    {
        double[] x = new double[3];
        float[] single = new float[3];
        double scalar = 0, otherScalar = 0;
        Assert.Equal(("dX must have the length of x (3), not 2.", "dX"), Error(() => ArgumentChecks.Length(2, 3, "dX", "x")));
        Assert.Equal(("dW must be empty (w does not vary) or have the length of w (3), not 2.", "dW"), Error(() => ArgumentChecks.EmptyOrLength(2, 3, "dW", "w")));
        Assert.Equal(("gradient must have length 2 (one partial per differentiated parameter), not 3.", "gradient"), Error(() => ArgumentChecks.PartialsLength(3, 2, "gradient")));
        Assert.Equal(("hessian must have length 4 (2×2, row-major), not 3.", "hessian"), Error(() => ArgumentChecks.SquareLength(3, 2, "hessian")));
        Assert.Equal(("hessian must have length 9 (3×3, row-major), not 8.", "hessian"), Error(() => ArgumentChecks.SquareLength(8, 3, "hessian")));
        Assert.Equal(("jacobian must have 2 × 3 elements (outputs × differentiated inputs), not 5.", "jacobian"), Error(() => ArgumentChecks.JacobianLength(5, 2, 3, "jacobian")));
        Assert.Equal(("dX must not overlap an input (x, y): the gradient would overwrite it.", "dX"), Error(() => ArgumentChecks.OverlapsNoInput(x, "dX", "x, y", new double[1], x)));
        Assert.Equal(("hvX must not overlap another gradient output (dX).", "hvX"), Error(() => ArgumentChecks.OverlapsNoOutput(single, "hvX", "dX", single)));
        Assert.Equal(("dB must be a variable of its own, not another gradient output or one of its elements (dW): one gradient would overwrite the other.", "dB"), Error(() => ArgumentChecks.OwnVariable(ref x[1], "dB", "dW", x)));
        Assert.Equal(("dB must be a variable of its own, not another gradient output or one of its elements (dA, dW): one gradient would overwrite the other.", "dB"), Error(() => ArgumentChecks.OwnVariable(ref scalar, "dB", "dA, dW", ref scalar)));
        Assert.Equal("xs", Assert.Throws<ArgumentNullException>(() => ArgumentChecks.NotNull(null, "xs")).ParamName);

        // And nothing where the argument is right.
        Assert.False(Throws(() => ArgumentChecks.Length(3, 3, "dX", "x")));
        Assert.False(Throws(() => ArgumentChecks.EmptyOrLength(0, 3, "dW", "w")));
        Assert.False(Throws(() => ArgumentChecks.SquareLength(4, 2, "hessian")));
        Assert.False(Throws(() => ArgumentChecks.JacobianLength(6, 2, 3, "jacobian")));
        Assert.False(Throws(() => ArgumentChecks.OwnVariable(ref scalar, "dB", "dA", ref otherScalar)));
        Assert.False(Throws(() => ArgumentChecks.OwnVariable(ref scalar, "dB", "dW", x)));
        ArgumentChecks.NotNull(x, "x");
    }

    [Fact]
    public void The_span_primitives_reject_a_mistake_with_the_message_generated_code_gives_for_it()
    {
        // The runtime's primitives check through ArgumentChecks (SpanGuard adds only the generic overlap and the
        // non-empty test, and throws through ArgumentChecks' helpers): the same mistake, the same message.
        double[] four = new double[4], three = new double[3], buffer = new double[8];
        Assert.Equal(("gradient must have the length of left (4), not 3.", "gradient"), Error(() => Vectors.DotLeftGradient(four, four, 1.0, three)));
        Assert.Equal(("right must have the length of left (4), not 3.", "right"), Error(() => Vectors.Dot(four, three)));
        Assert.Equal(("gradient must not overlap an input (left, right): the gradient would overwrite it.", "gradient"),
            Error(() => Vectors.DotLeftGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(4, 4))));
        Assert.Equal(("leftTangent must be empty (left does not vary) or have the length of left (4), not 3.", "leftTangent"),
            Error(() => Vectors.DotLeftGradientTangent(four, four, 1.0, three, four, 0.0, new double[4])));
        Assert.Equal(("gradientTangent must not overlap an input (left, right, leftTangent, rightTangent): the gradient would overwrite it.", "gradientTangent"),
            Error(() => Vectors.DotLeftGradientTangent(four, four, 1.0, buffer.AsSpan(0, 4), four, 0.0, buffer.AsSpan(2, 4))));
        Assert.Equal(("gradient must not overlap an input (logits, targets): the gradient would overwrite it.", "gradient"),
            Error(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(4, 4))));
        Assert.Equal(("predictions must not be empty: the loss is a mean over at least one element.", "predictions"),
            Error(() => Losses.MeanSquaredError(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty)));
    }

    [Fact]
    public void The_checks_are_inlined_and_the_throws_are_not()
    {
        var methods = typeof(ArgumentChecks).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly);
        var checks = methods.Where(m => m.IsPublic).ToList();
        var throws = methods.Where(m => m.Name.StartsWith("Throw", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(checks);
        Assert.NotEmpty(throws);
        Assert.All(checks, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), m.Name));
        Assert.All(throws, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining), m.Name));
        Assert.All(throws, m => Assert.NotNull(m.GetCustomAttribute<System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute>()));

        // SpanGuard, the span primitives' generic checks, holds no throw of its own and inlines every check.
        var spanGuard = typeof(Vectors).Assembly.GetType("SymbolicDiff.SpanGuard", throwOnError: true)!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly);
        Assert.NotEmpty(spanGuard);
        Assert.All(spanGuard, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), m.Name));
    }

    [Fact]
    public void An_output_checked_against_more_inputs_than_one_call_takes_names_them_all_whichever_it_overlaps()
    {
        // F = Σ xᵢ² (aᵢ + bᵢ + cᵢ + dᵢ + eᵢ + fᵢ), differentiated in x only: dX must overlap none of the seven inputs,
        // more than the six spans one runtime call takes, so the generated code checks it in two calls.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double F(double[] x, double[] a, double[] b, double[] c, double[] d, double[] e, double[] f)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += x[i] * x[i] * (a[i] + b[i] + c[i] + d[i] + e[i] + f[i]);
                    }

                    return s;
                }
            }
            """).ShouldSucceed();
        var gradient = run.Load().GetType("C")!.GetMethods()
            .Single(m => m.Name == "FWithGradient" && m.GetParameters().Length == 8)
            .CreateDelegate<SevenInputGradient>();
        var function = run.Load().GetType("C")!.GetMethod("F")!.CreateDelegate<Func<double[], double[], double[], double[], double[], double[], double[], double>>();

        double[] x = { 0.5, -1.5 };
        double[][] inputs = Enumerable.Range(1, 6).Select(k => new[] { 0.1 * k, -0.2 * k }).ToArray();
        double[] dX = new double[2];
        gradient(x, inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5], dX);
        for (int i = 0; i < 2; i++)
        {
            // By hand: ∂F/∂xᵢ = 2 xᵢ Σₖ inputₖ[i]; and by central differences.
            double sum = inputs.Sum(input => input[i]);
            Assert.Equal(2 * x[i] * sum, dX[i], 12);
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[i] += 1e-6;
            down[i] -= 1e-6;
            double central = (function(up, inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5]) - function(down, inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5])) / 2e-6;
            Assert.Equal(central, dX[i], 6);
        }

        // dX as the first input, the sixth and the seventh (the one past the first call): each rejected, naming all seven.
        foreach (int overlapped in new[] { 0, 6, 7 })
        {
            double[][] all = new[] { x }.Concat(inputs).ToArray();
            double[] output = overlapped == 0 ? x : all[overlapped - 1];
            var exception = Assert.Throws<ArgumentException>(() => gradient(all[0], all[1], all[2], all[3], all[4], all[5], all[6], output));
            Assert.Equal("dX", exception.ParamName);
            Assert.StartsWith("dX must not overlap an input (x, a, b, c, d, e, f): the gradient would overwrite it.", exception.Message, StringComparison.Ordinal);
        }
    }

    private delegate double SevenInputGradient(double[] x, double[] a, double[] b, double[] c, double[] d, double[] e, double[] f, Span<double> dX);

    private static IEnumerable<(int Start, int Length)> Slices(int length) =>
        from start in Enumerable.Range(0, length + 1)
        from count in Enumerable.Range(0, length - start + 1)
        select (start, count);

    private static bool Throws(Action check)
    {
        try
        {
            check();
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static (string Message, string? ParamName) Error(Action check)
    {
        var exception = Assert.Throws<ArgumentException>(check);
        string suffix = $" (Parameter '{exception.ParamName}')";
        string message = exception.Message.EndsWith(suffix, StringComparison.Ordinal) ? exception.Message[..^suffix.Length] : exception.Message;
        return (message, exception.ParamName);
    }
}
