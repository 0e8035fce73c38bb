namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// The generator bugs in methods with loops that <see cref="LoopGradientPropertyTests"/> found, or that came up
/// while writing it, each reduced to a minimal repro that asserts the correct behaviour; all fixed, and kept as
/// regression tests.
/// </summary>
public class LoopGeneratorBugTests
{
    private const string Open = "generator bug: ";

    private static GeneratorRun Run(string members) => GeneratorHarness.Run($$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """);

    /// <summary>
    /// Compiles <paramref name="members"/> (which declare a [Differentiable] method F), asserts that it compiles
    /// without a diagnostic, then that FWithGradient at <paramref name="arguments"/> (doubles and double[]s) has the
    /// <paramref name="expected"/> partials (a double or double[] per parameter, in order) and agrees with finite
    /// differences, with the value exactly F's.
    /// </summary>
    private static void AssertGradient(string members, object[] arguments, params object[] expected)
    {
        var type = Run(members).ShouldSucceed().Load().GetType("C")!;
        var parameters = type.GetMethod("F")!.GetParameters().Select(p => p.Name!).ToList();
        Assert.Null(new GradientOracle.Checked(type, "F", parameters, parameters).CheckAt(arguments, new CheckCounts()));

        var withGradient = type.GetMethod("FWithGradient", type.GetMethod("F")!.GetParameters().Select(p => p.ParameterType).ToArray())!;
        object gradient = withGradient.Invoke(null, arguments)!;
        var partials = gradient.GetType().GetProperties().Where(p => p.Name != "Value").Select(p => p.GetValue(gradient)).ToList();
        Assert.Equal(expected.Length, partials.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], partials[i]);
        }
    }

    /// <summary>
    /// A buffer element written with a value that reads the same buffer at another index expression that can equal
    /// the written one: where they meet, the backward sweep adds ∂h[i] into ∂h[0] and then zeroes ∂h[i], which is the
    /// same element, or reads ∂h[i] after changing ∂h[0]. With h[0] = 1 first: F([1]) = 2 (h[0] = h[0] + x[0]) with
    /// ∂F/∂x = [1], generated [2]; F([1, 2]) = 4, ∂F/∂x = [1, 1], generated [2, 1]; with h[i] = h[0] * x[i],
    /// F([2, 3]) = x0·x1 = 6, ∂F/∂x = [3, 2], generated [9, 2]. An index that can never be the written one
    /// (h[i] = h[i − 1] + x[i], a prefix sum) is correct, and the random programs use those.
    /// </summary>
    [Theory]
    [InlineData("h[i] = h[0] + x[i];", new[] { 1.0 }, new[] { 1.0 })]
    [InlineData("h[i] = h[0] + x[i];", new[] { 1.0, 2.0 }, new[] { 1.0, 1.0 })]
    [InlineData("h[i] = h[0] * x[i];", new[] { 2.0, 3.0 }, new[] { 3.0, 2.0 })]
    public void An_element_write_that_reads_its_own_buffer_where_the_indices_can_meet(string write, double[] x, double[] expected) =>
        AssertGradient($$"""
                [Differentiable]
                public static double F(double[] x)
                {
                    double[] h = new double[x.Length];
                    h[0] = 1;
                    for (int i = 0; i < x.Length; i++)
                    {
                        {{write}}
                    }

                    return h[x.Length - 1];
                }
            """,
            new object[] { x },
            expected);

    /// <summary>
    /// Two loops that each declare a local of the same name, which C# allows and people write all the time
    /// (<c>foreach (double v in …)</c> twice, <c>double t</c> in each): the differentiator keys locals by name, so
    /// the backward sweep of the first loop uses the adjoint (and the saved value) of the second's local, declared
    /// only inside the second backward loop: error CS0103, "The name 'dS_dv' does not exist in the current context".
    /// </summary>
    [Theory]
    [InlineData("foreach (double v in x) { s += v * v; }", "foreach (double v in w) { s += v * v; }")]
    [InlineData("for (int i = 0; i < x.Length; i++) { double t = x[i] * x[i]; s += t; }", "for (int i = 0; i < w.Length; i++) { double t = Math.Sin(w[i]); s += t; }")]
    public void Sibling_loops_may_declare_locals_of_the_same_name(string first, string second) =>
        AssertGradient($$"""
                [Differentiable]
                public static double F(double[] x, double[] w)
                {
                    double s = 0;
                    {{first}}
                    {{second}}
                    return s;
                }
            """,
            new object[] { new[] { 0.5, -1.0 }, new[] { 0.25 } },
            new[] { 1.0, -2.0 },
            new[] { second.Contains("Math.Sin", StringComparison.Ordinal) ? Math.Cos(0.25) : 0.5 });

    /// <summary>
    /// A real that depends on the parameters only through conditions (a count, a step) gets an adjoint that the
    /// generated code declares and never uses: warning CS0219, "The variable 'dS_ds' is assigned but its value is
    /// never used", an error for everyone building with TreatWarningsAsErrors, in code the user cannot change.
    /// The user's own code has no warning. Expected: no warning, and ∂F/∂x = 0.
    /// </summary>
    [Theory]
    [InlineData("double s = 0; foreach (double v in x) { s += v > 0 ? 1.0 : 0.0; } return s;")]
    [InlineData("double s = x[0] > 0 ? 0.25 : 3.0; return 3.0 * s;")]
    // Found by LoopFloatPropertyTests: a parameter read only in the branch a constant condition never takes. Its
    // partial folds to 0, but s was varied (its value reads x[0]), so its adjoint was declared and never used.
    [InlineData("double s = 0.75 < 0 ? x[0] : 3.0; return 3.0 * s;")]
    [InlineData("double s = -0.75 > 0 ? x[0] : 3.0; return 3.0 * s;")]
    public void A_real_that_depends_on_the_parameters_only_through_conditions_compiles_without_warnings(string body) =>
        AssertGradient($$"""
                [Differentiable]
                public static double F(double[] x)
                {
                    {{body}}
                }
            """,
            new object[] { new[] { 0.5, -1.0 } },
            new[] { 0.0, 0.0 });

    /// <summary>
    /// The forward sweep copies a local that the user's code declares but the generated code never reads: a const
    /// local (its uses are folded into the constant, so the copy <c>double eps = 0.001;</c> is never read) or a
    /// local whose warning the user suppressed with #pragma (the copy is not suppressed). Warning CS0219 in generated
    /// code: an error for everyone building with TreatWarningsAsErrors, in code the user cannot change. (Also found
    /// by RobustnessTests' "const locals" and "pragma" cases, which fail since the loop path landed: their method
    /// has a double[] parameter.) Expected: no warning, ∂F/∂x = 2x.
    /// </summary>
    [Theory]
    [InlineData("const double eps = 1e-3;", "v * v + eps")]
    [InlineData("#pragma warning disable CS0219\n        double unused = 1;\n#pragma warning restore CS0219", "v * v")]
    // Found by the fuzzer (input 5100): t3 is unread, so it goes, and with it the only read of s2, which must go too.
    [InlineData("double s2 = 0.25;\n        double t3 = s2 * x[0] <= -0.75 ? x[0] : -x[0];", "v * v")]
    public void A_const_or_unused_local_does_not_warn_in_generated_code(string declaration, string term) =>
        AssertGradient($$"""
                [Differentiable]
                public static double F(double[] x)
                {
                    {{declaration}}
                    double s = 0;
                    foreach (double v in x) { s += {{term}}; }
                    return s;
                }
            """,
            new object[] { new[] { 0.5, -1.0 } },
            new[] { 1.0, -2.0 });

    /// <summary>
    /// A <c>long</c> counter indexed an array in the user's code, but the generated code indexed the gradient, a
    /// Span&lt;double&gt;, with it: error CS1503 in generated code. It was then reported (SD0003); now the counter stays a
    /// long and is converted where it indexes (<c>dX[(int)i]</c>). x = (0.5, −1): ∂(Σx²)/∂x = 2x = (1, −2).
    /// </summary>
    [Fact]
    public void A_long_counter_indexes_the_gradient_converted_to_int() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] x)
                {
                    double s = 0;
                    for (long i = 0; i < x.Length; i++) { s += x[i] * x[i]; }
                    return s;
                }
            """,
            new object[] { new[] { 0.5, -1.0 } },
            new[] { 1.0, -2.0 });

    /// <summary>
    /// Names the generated code uses without checking them against the user's locals: the stack of saved values is
    /// always <c>saved</c> (error CS0128, "A local variable or function named 'saved' is already defined in this
    /// scope", and more), and the output for a parameter x is always <c>dX</c> (CS0136 and more, when a local is
    /// called dX). The differentiator's other names are fresh (avoid every local), these two are not.
    /// </summary>
    [Theory]
    [InlineData("saved")]
    [InlineData("dX")]
    public void Locals_may_have_the_names_the_generated_code_uses(string name) =>
        AssertGradient($$"""
                [Differentiable]
                public static double F(double[] x)
                {
                    double {{name}} = 0;
                    foreach (double v in x) { {{name}} = Math.Max({{name}}, v); }
                    return {{name}};
                }
            """,
            new object[] { new[] { 0.5, -1.0 } },
            new[] { 1.0, 0.0 });

    /// <summary>
    /// In a float method with loops or vectors, every integer constant inside an index is written as a float literal,
    /// in the forward sweep as well as the backward one: <c>x[0f]</c>, <c>x[i - 1f]</c>, <c>x[x.Length - 1f]</c>,
    /// <c>x[(i + 1f) % n]</c>, errors CS0266 and CS1503. (Loop bounds and int locals are right.) Of 100 random loop
    /// programs rewritten in float, 94 do not compile, all for this.
    /// </summary>
    [Theory]
    [InlineData("return x[0] * x[1];", new[] { 3f, 2f })]
    [InlineData("float s = 0f; for (int i = 1; i < x.Length; i++) { s += x[i] * x[i - 1]; } return s;", new[] { 3f, 2f })]
    public void A_float_method_reads_an_element_at_a_constant_offset(string body, float[] expected)
    {
        var type = Run($$"""
                [Differentiable]
                public static float F(float[] x)
                {
                    {{body}}
                }
            """).ShouldSucceed().Load().GetType("C")!;
        object gradient = type.GetMethod("FWithGradient", new[] { typeof(float[]) })!.Invoke(null, new object[] { new[] { 2f, 3f } })!;
        Assert.Equal(expected, (float[])gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }

    /// <summary>
    /// Not a wrong derivative but a hole in the span overload's contract: it checks that no output overlaps an
    /// input (ArgumentException), but not that outputs do not overlap each other. Given one buffer for dX and dW,
    /// FWithGradient([1, 2], [3, 4], both, both) returns normally with both = [4, 6], the sum of ∂F/∂x = [3, 4] and
    /// ∂F/∂w = [1, 2]. Expected: an ArgumentException, as for an output overlapping an input (or the requirement
    /// documented).
    /// </summary>
    [Fact]
    public void Gradient_outputs_that_overlap_each_other_are_rejected()
    {
        var type = Run("""
                [Differentiable]
                public static double F(double[] x, double[] w)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++) { s += x[i] * w[i]; }
                    return s;
                }

                public static string SharedOutputs()
                {
                    var both = new double[2];
                    try
                    {
                        FWithGradient(new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 }, both, both);
                        return "no exception, both = [" + string.Join(", ", both) + "]";
                    }
                    catch (ArgumentException exception)
                    {
                        return exception.ParamName!;
                    }
                }
            """).ShouldSucceed().Load().GetType("C")!;
        Assert.Contains((string)type.GetMethod("SharedOutputs")!.Invoke(null, null)!, new[] { "dX", "dW" });
    }
    /// <summary>
    /// Found by the fuzzer (scale 1, input 25518): a <c>for</c> loop read as C# runs it (here stepping by 2) has its
    /// initializers run once before it, in the enclosing scope; its counter <c>i</c> there clashed with a sibling
    /// loop's <c>i</c> (CS0136 in the generated code). The hoisted counter gets a fresh name where the method declares
    /// another local of its name. x = (1, 2, 3): s = 6 + 1² + 3² = 16, ∂s/∂x = (1 + 2, 1, 1 + 6).
    /// </summary>
    [Fact]
    public void A_hoisted_for_counter_does_not_clash_with_a_sibling_loops_counter() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] x)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++) { s += x[i]; }
                    for (int i = 0; i < x.Length; i += 2) { s += x[i] * x[i]; }
                    for (int i = 0; i < x.Length; i++) { s += 0 * x[i]; }
                    return s;
                }
            """, new object[] { new[] { 1.0, 2.0, 3.0 } }, new[] { 3.0, 1.0, 7.0 });

    /// <summary>
    /// Found by the fuzzer (scale 1, input 8838): a local accumulated in a loop and never read afterwards
    /// (<c>v0 += v1</c>) beside the returned copy of a parameter with a default value. F = z: ∂F/∂(x, y, z) = (0, 0, 1).
    /// </summary>
    [Fact]
    public void A_dead_accumulator_beside_a_returned_copy_of_a_parameter() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double x, double y, double z = 0.0)
                {
                    double v0 = z;
                    double v1 = v0;
                    for (int k = 0; k < 3; k++) { v0 += v1; }
                    return v1;
                }
            """, new object[] { 1.0, 2.0, 3.0 }, 0.0, 0.0, 1.0);
    /// <summary>
    /// The same accumulator, still read after the loop, by an element write that does not reach the result: the write
    /// stays (something reads it), and it reads the returned local after its only write, so its contribution to the
    /// result's constant adjoint must be left out (LoopDifferentiator's IsSeed check; dead-write removal does not cover
    /// it). F = z: ∂F/∂(x, y, z) = (0, 0, 1).
    /// </summary>
    [Fact]
    public void A_live_accumulator_read_only_by_a_buffer_beside_a_returned_copy() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double x, double y, double z)
                {
                    double[] h = new double[1];
                    double v0 = z;
                    double v1 = v0;
                    for (int k = 0; k < 3; k++) { v0 += v1; }
                    h[0] = v0;
                    return v1;
                }
            """, new object[] { 1.0, 2.0, 3.0 }, 0.0, 0.0, 1.0);

    /// <summary>
    /// Liveness around a loop: <c>a = y</c> is read only by the next iteration's <c>b = a</c> (before it in the body), so
    /// dead-write removal must iterate the loop to a fixed point to keep it. Three iterations: b = x, then y, then y.
    /// F = y: ∂F/∂(x, y) = (0, 1); without the write, F would be x.
    /// </summary>
    [Fact]
    public void A_write_read_only_by_the_next_iteration_stays() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double x, double y)
                {
                    double a = x;
                    double b = 0;
                    for (int k = 0; k < 3; k++) { b = a; a = y; }
                    return b;
                }
            """, new object[] { 2.0, 5.0 }, 0.0, 1.0);

    /// <summary>
    /// A declaration whose value is overwritten before any read: the value is dead, the declaration stays (the later
    /// assignment needs it) with nothing to compute. F = x·z + w₀ after t = x·y is overwritten: ∂F/∂(w, x, y, z) = ([1], z, 0, x).
    /// </summary>
    [Fact]
    public void A_declared_value_overwritten_before_any_read() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] w, double x, double y, double z)
                {
                    double t = x * y;
                    double s = 0;
                    for (int i = 0; i < w.Length; i++) { s += w[i]; }
                    t = x * z;
                    return t + s;
                }
            """, new object[] { new[] { 1.0 }, 2.0, 3.0, 5.0 }, new[] { 1.0 }, 5.0, 0.0, 2.0);

    /// <summary>
    /// Found by the fuzzer (scale 1, input 25675): a <c>for</c> loop read as C# runs it whose test is constant and false
    /// (<c>i &lt; i</c>) was written as <c>while (false)</c>, and C# warned that its body is unreachable (CS0162). It never
    /// runs, so it is left out with a comment. x = (3, 2): F = 3² + 0.5, ∂F/∂x = (6, 0).
    /// </summary>
    [Fact]
    public void A_for_loop_whose_test_is_constant_and_false_is_left_out() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] x)
                {
                    double s = x[0] * x[0];
                    double t = 0.5;
            #pragma warning disable CS1718 // the comparison with itself is the point
                    for (int i = 1; i < i; i++) { t = Math.Exp(x[1]); }
            #pragma warning restore CS1718
                    return s + t;
                }
            """, new object[] { new[] { 3.0, 2.0 } }, new[] { 6.0, 0.0 });

    /// <summary>
    /// A reported fuzz suspicion, reproduced: a counter declared before a <c>for</c> loop and stepped in its header, in a
    /// loop with a <c>break</c>. The step runs after the break may have set its flag, so under a fresh bool
    /// (<c>bool running_1 = broken == 0; if (running_1) k += 1;</c>), and the backward sweep undid the step with
    /// <c>if (running_1) k -= 1;</c> without having kept running_1 (CS0103 in the gradient and the Hessian). The
    /// backward sweep now reads the guard of each step it undoes, so the bool is saved with the iteration's others.
    /// x = (1, 2, 3, 4), a = 1: s reaches 1, 3, then 6 &gt; 3 breaks with k = 2: F = 2a·(x0 + x1 + x2) = 12,
    /// ∂F/∂x = (2a, 2a, 2a, 0), ∂F/∂a = 2·6 = 12.
    /// </summary>
    [Fact]
    public void A_counter_declared_before_a_for_loop_with_a_break_keeps_its_steps_guard() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] x, double a)
                {
                    double s = 0;
                    int k = 0;
                    for (; k < x.Length; k++) { s += x[k] * a; if (s > 3) break; }
                    return s * k;
                }
            """, new object[] { new[] { 1.0, 2.0, 3.0, 4.0 }, 1.0 }, new[] { 2.0, 2.0, 2.0, 0.0 }, 12.0);

    /// <summary>
    /// Where a write's earlier value is read backwards the save must stay (LoopDifferentiator.UnsavedWrites.cs leaves
    /// out only the others). A buffer read by a statement before a later overwrite: the backward step of
    /// <c>a = h[0] * h[1]</c> runs after the overwrite's undo and needs h as it was. w = (2, 3): F = w0·w1 + w0² + w1² = 19,
    /// ∂F/∂w = (w1 + 2w0, w0 + 2w1) = (7, 8). The first writes (<c>h[0] = w[0]</c>), whose earlier zeros nothing reads,
    /// are the ones left unsaved.
    /// </summary>
    [Fact]
    public void A_buffer_overwritten_after_a_statement_that_reads_it_is_still_saved() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] w)
                {
                    Span<double> h = stackalloc double[2];
                    h[0] = w[0];
                    h[1] = w[1];
                    double a = h[0] * h[1];
                    for (int i = 0; i < 2; i++) { h[i] = w[i] * w[i]; }
                    return a + h[0] + h[1];
                }
            """, new object[] { new[] { 2.0, 3.0 } }, new[] { 7.0, 8.0 });

    /// <summary>
    /// A copy rewritten in every iteration of an outer loop and read later in the same iteration: the backward iteration
    /// for t − 1 reads the copy as iteration t − 1 left it, so each rewrite is saved although nothing before the copy
    /// in the program reads it. x = (1, 2), w = (3, 5): F = Σ_t x_t²·w0·w1 = 75, ∂F/∂w = (w1·Σx², w0·Σx²) = (25, 15),
    /// ∂F/∂x = 2x·w0·w1 = (30, 60).
    /// </summary>
    [Fact]
    public void A_copy_rewritten_in_each_iteration_and_read_after_it_is_still_saved() =>
        AssertGradient("""
                [Differentiable]
                public static double F(double[] w, double[] x)
                {
                    Span<double> s = stackalloc double[2];
                    double total = 0;
                    for (int t = 0; t < x.Length; t++)
                    {
                        for (int i = 0; i < 2; i++) { s[i] = x[t] * w[i]; }
                        total += s[0] * s[1];
                    }

                    return total;
                }
            """, new object[] { new[] { 3.0, 5.0 }, new[] { 1.0, 2.0 } }, new[] { 25.0, 15.0 }, new[] { 30.0, 60.0 });

    /// <summary>
    /// A buffer whose kept call does not cover every backward read: <c>sum += Math.Exp(p[i]) * p[i]</c> keeps
    /// exp(p[i]), but its partial, exp(p)·(1 + p), still reads p[i], so p's rewrite in each iteration is saved. x = (0.5, 1),
    /// w = 0.2 (one element): p_t = w·x_t, F = Σ_t p_t·e^(p_t), ∂F/∂w = Σ_t x_t·e^(p_t)·(1 + p_t).
    /// </summary>
    [Fact]
    public void A_buffer_a_kept_call_reads_with_another_partial_is_still_saved()
    {
        var type = Run("""
                [Differentiable(nameof(w))]
                public static double F(double[] w, double[] x)
                {
                    Span<double> p = stackalloc double[w.Length];
                    double total = 0;
                    for (int t = 0; t < x.Length; t++)
                    {
                        for (int i = 0; i < w.Length; i++) { p[i] = w[i] * x[t]; }
                        double sum = 0;
                        for (int i = 0; i < w.Length; i++) { sum += Math.Exp(p[i]) * p[i]; }
                        total += sum;
                    }

                    return total;
                }
            """).ShouldSucceed().Load().GetType("C")!;
        object[] arguments = { new[] { 0.2 }, new[] { 0.5, 1.0 } };
        Assert.Null(new GradientOracle.Checked(type, "F", new[] { "w", "x" }, new[] { "w" }).CheckAt(arguments, new CheckCounts()));
        object gradient = type.GetMethod("FWithGradient", new[] { typeof(double[]), typeof(double[]) })!.Invoke(null, arguments)!;
        double[] dW = (double[])gradient.GetType().GetProperty("W")!.GetValue(gradient)!;
        Assert.Equal(0.5 * Math.Exp(0.1) * 1.1 + 1.0 * Math.Exp(0.2) * 1.2, dW[0], 14);
    }

    /// <summary>
    /// A value that may throw and that nothing reads: a switch expression with no arm for k = 7, a throw expression for
    /// x ≥ 3. C# evaluates both and throws; the generated methods dropped the unread locals as dead (in the parser and in
    /// <c>DeadLocals</c>) and returned x².
    /// </summary>
    [Fact]
    public void A_value_that_throws_and_that_nothing_reads_still_throws()
    {
        var type = Run("""
                [Differentiable]
                public static double F(double x, int k)
                {
            #pragma warning disable CS8509 // not exhaustive: k = 7 has no arm
                    double unread = k switch { 0 => x, 1 => 2 * x };
            #pragma warning restore CS8509
                    double checkedX = x < 3 ? x : throw new ArgumentOutOfRangeException(nameof(x));
                    return x * x;
                }
            """).ShouldSucceed().Load().GetType("C")!;
        var user = type.GetMethod("F")!;
        var withGradient = type.GetMethod("FWithGradient", new[] { typeof(double), typeof(int) })!;
        var withDerivative = type.GetMethod("FWithDerivative")!;
        Assert.Equal(4.0, (double)user.Invoke(null, new object[] { 2.0, 0 })!);
        foreach (var (x, k, thrown) in new[] { (2.0, 7, typeof(System.Runtime.CompilerServices.SwitchExpressionException)), (5.0, 0, typeof(ArgumentOutOfRangeException)) })
        {
            Assert.IsType(thrown, Assert.Throws<System.Reflection.TargetInvocationException>(() => user.Invoke(null, new object[] { x, k })).InnerException);
            Assert.IsType(thrown, Assert.Throws<System.Reflection.TargetInvocationException>(() => withGradient.Invoke(null, new object[] { x, k })).InnerException);
            Assert.IsType(thrown, Assert.Throws<System.Reflection.TargetInvocationException>(() => withDerivative.Invoke(null, new object[] { x, k, 1.0 })).InnerException);
        }

        object gradient = withGradient.Invoke(null, new object[] { 2.0, 1 })!;
        Assert.Equal(4.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }

    /// <summary>
    /// A vector-valued method returning a real whose value reads another method's gradient (G's, through the call of G):
    /// the Hessian entries of G in the product with the value's weight c₀ (the overload of
    /// <c>FHessianVectorProduct</c> taking <c>valueCotangent</c>) were never lowered, so they printed as empty text and
    /// the generated file did not compile (CS0193, <c>double dGA =  * dWorkUnused[0] + ...</c>). Found reading the code.
    /// Projection P = c₁·2x + c₂·2y + c₀·8x²y: ∇²P = c₀ [[16y, 16x], [16x, 0]].
    /// </summary>
    [Fact]
    public void The_value_weighted_products_of_a_method_reading_a_callees_gradient_lower_its_Hessian()
    {
        var type = Run("""
                [Differentiable(SecondOrder = true)]
                public static double G(double a, double b) => a * a * b;

                [Differentiable(nameof(v), SecondOrder = true)]
                public static void Twice(ReadOnlySpan<double> v, Span<double> r)
                {
                    r[0] = 2 * v[0];
                    r[1] = 2 * v[1];
                }

                [Differentiable(nameof(x), nameof(y), SecondOrder = true)]
                public static double F(double x, double y, double[] work)
                {
                    Span<double> v = stackalloc double[2];
                    v[0] = x;
                    v[1] = y;
                    Twice(v, work);
                    return G(work[0], work[1]);
                }

                public static double[] Hv(double x, double y, double c1, double c2, double c0, double vX, double vY)
                {
                    FHessianVectorProduct(x, y, new double[2], new[] { c1, c2 }, c0, vX, vY, out _, out _, out double hvX, out double hvY);
                    return new[] { hvX, hvY };
                }

                public static double[] Gradient(double x, double y, double c1, double c2, double c0)
                {
                    FVectorJacobianProduct(x, y, new double[2], new[] { c1, c2 }, c0, out double dX, out double dY);
                    return new[] { dX, dY };
                }
            """).ShouldSucceed().Load().GetType("C")!;
        double[] Hv(double x, double y, double c0, double vX, double vY) =>
            (double[])type.GetMethod("Hv")!.Invoke(null, new object[] { x, y, 0.3, -0.7, c0, vX, vY })!;
        double[] Gradient(double x, double y, double c0) =>
            (double[])type.GetMethod("Gradient")!.Invoke(null, new object[] { x, y, 0.3, -0.7, c0 })!;

        foreach (var (x, y, c0, vX, vY) in new[] { (0.5, 1.5, 1.0, 1.0, 0.0), (-1.2, 0.4, 2.5, 0.3, -0.8) })
        {
            double[] hv = Hv(x, y, c0, vX, vY);
            Assert.Equal(c0 * (16 * y * vX + 16 * x * vY), hv[0], 12);
            Assert.Equal(c0 * 16 * x * vX, hv[1], 12);

            // The gradient of P, by hand, and the product against its central differences along v.
            double[] gradient = Gradient(x, y, c0);
            Assert.Equal(2 * 0.3 + 16 * c0 * x * y, gradient[0], 12);
            Assert.Equal(2 * -0.7 + 8 * c0 * x * x, gradient[1], 12);
            const double h = 1e-5;
            double[] plus = Gradient(x + h * vX, y + h * vY, c0), minus = Gradient(x - h * vX, y - h * vY, c0);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal((plus[i] - minus[i]) / (2 * h), hv[i], 6);
            }
        }
    }

    /// <summary>
    /// A <c>throw</c> in the middle of a loop's forward sweep, after the saved values have outgrown their 128 stack
    /// elements and gone on in arrays rented from the pool: the exception leaves the method with those arrays rented.
    /// Checked, not broken: <c>SavedValues</c> is a local of the call (nothing of it outlives the throw), and an array
    /// never returned to <c>ArrayPool.Shared</c> is only collected, not lost to the pool, so the next call on the same
    /// thread starts clean. Calls that throw at x[300] alternate with calls on good input, whose gradient (and
    /// Hessian-vector product) must be exact: m = max(0, a·x[0..i]) = a·x[i] for increasing positive x and a &gt; 0, so
    /// f = a·Σx², ∂f/∂x = 2a·x, ∂f/∂a = Σx², and H·v = (2a·v_x + 2x·v_a, 2x·v_x).
    /// </summary>
    [Fact]
    public void A_throw_in_a_loop_after_the_saved_values_went_to_the_pool_leaves_the_next_call_right()
    {
        var type = Run("""
                [Differentiable(SecondOrder = true)]
                public static double F(double[] x, double a)
                {
                    double m = 0;
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        m = Math.Max(m, x[i] * a);
                        if (x[i] > 1e6) throw new ArgumentOutOfRangeException(nameof(x), "an element above 1e6");
                        s += m * x[i];
                    }

                    return s;
                }

                public static double Gradient(double[] x, double a, double[] dX) => FWithGradient(x, a, dX, out double dA) + 0 * dA;

                public static double A(double[] x, double a) { FWithGradient(x, a, new double[x.Length], out double dA); return dA; }

                public static double HessianVector(double[] x, double a, double[] vX, double vA, double[] hvX)
                {
                    FHessianVectorProduct(x, a, vX, vA, new double[x.Length], out _, hvX, out double hvA);
                    return hvA;
                }
            """).ShouldSucceed().Load().GetType("C")!;
        const int n = 400;
        double[] x = Enumerable.Range(0, n).Select(i => 0.1 + 0.01 * i).ToArray();
        double[] bad = (double[])x.Clone();
        bad[300] = 2e6;
        double[] vX = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        const double a = 1.5, vA = -0.5;
        object Call(string method, params object[] arguments) => type.GetMethod(method)!.Invoke(null, arguments)!;
        void Throws(string method, params object[] arguments) => Assert.IsType<ArgumentOutOfRangeException>(
            Assert.Throws<System.Reflection.TargetInvocationException>(() => Call(method, arguments)).InnerException);

        for (int round = 0; round < 3; round++)
        {
            Throws("F", bad, a);
            Throws("Gradient", bad, a, new double[n]);
            Throws("HessianVector", bad, a, vX, vA, new double[n]);

            var dX = new double[n];
            double value = (double)Call("Gradient", x, a, dX);
            double squares = x.Sum(v => v * v);
            Assert.Equal(a * squares, value, 1e-9);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(2 * a * x[i], dX[i], 1e-12);
            }

            Assert.Equal(squares, (double)Call("A", x, a), 1e-9);

            var hvX = new double[n];
            double hvA = (double)Call("HessianVector", x, a, vX, vA, hvX);
            Assert.Equal(2 * x.Zip(vX, (p, v) => p * v).Sum(), hvA, 1e-9);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(2 * a * vX[i] + 2 * x[i] * vA, hvX[i], 1e-12);
            }
        }

        // The same gradient by central differences, at a few elements and at a.
        const double h = 1e-5;
        double F(double[] p, double s) => (double)Call("F", p, s);
        var gradient = new double[n];
        Call("Gradient", x, a, gradient);
        foreach (int i in new[] { 0, 150, 299, 399 })
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[i] += h;
            down[i] -= h;
            Assert.Equal((F(up, a) - F(down, a)) / (2 * h), gradient[i], 1e-5);
        }

        Assert.Equal((F(x, a + h) - F(x, a - h)) / (2 * h), (double)Call("A", x, a), 1e-5);
    }

    /// <summary>
    /// An integer division or remainder by a parameter the user's guard checks first (<c>if (m == 0) throw ...;</c> then
    /// <c>x.Length / m</c>, <c>% m</c>) in a buffer's length, a loop's bound, an index, a local and inside a loop: no
    /// generated method computes it before the guard, so each throws the user's ArgumentOutOfRangeException, never a
    /// DivideByZeroException (checked, not broken). With m = 2 and x = (1, 2, 3, 4), a = 3: q = 2, h = (a·x0, a·x1),
    /// f = Σh² + x[q % m]·a = a²(x0² + x1²) + a·x0 = 45 + 3 = 48; ∂f/∂x = (2a²x0 + a, 2a²x1, 0, 0) = (21, 36, 0, 0),
    /// ∂f/∂a = 2a(x0² + x1²) + x0 = 31.
    /// </summary>
    [Fact]
    public void An_integer_division_by_a_checked_parameter_is_not_computed_before_the_check()
    {
        var type = Run("""
                [Differentiable(nameof(x), nameof(a), SecondOrder = true)]
                public static double F(double[] x, double a, int m)
                {
                    if (m == 0) throw new ArgumentOutOfRangeException(nameof(m), "m is zero");
                    int q = x.Length / m;
                    double[] h = new double[x.Length / m];
                    for (int i = 0; i < x.Length / m; i++)
                    {
                        h[i] = x[i] * a;
                    }

                    double s = 0;
                    for (int i = 0; i < q; i++)
                    {
                        int k = i % m;
                        s += h[k + i - i % m] * h[i];
                    }

                    return s + x[q % m] * a;
                }

                public static double[] Gradient(double[] x, double a, int m)
                {
                    var dX = new double[x.Length];
                    FWithGradient(x, a, m, dX, out double dA);
                    var packed = new double[x.Length + 1];
                    dX.CopyTo(packed, 0);
                    packed[x.Length] = dA;
                    return packed;
                }

                public static double Derivative(double[] x, double a, int m, double[] tX, double tA) => FWithDerivative(x, a, m, tX, tA).Derivative;

                public static double[] Hessian(double[] x, double a, int m)
                {
                    var hessian = new double[(x.Length + 1) * (x.Length + 1)];
                    FHessian(x, a, m, hessian);
                    return hessian;
                }

                public static double HessianVector(double[] x, double a, int m, double[] vX, double vA)
                {
                    FHessianVectorProduct(x, a, m, vX, vA, new double[x.Length], out _, new double[x.Length], out double hvA);
                    return hvA;
                }
            """).ShouldSucceed().Load().GetType("C")!;
        double[] x = { 1, 2, 3, 4 };
        object Call(string method, params object[] arguments) => type.GetMethod(method)!.Invoke(null, arguments)!;
        foreach (var (method, arguments) in new (string, object[])[]
                 {
                     ("F", new object[] { x, 3.0, 0 }),
                     ("Gradient", new object[] { x, 3.0, 0 }),
                     ("Derivative", new object[] { x, 3.0, 0, x, 1.0 }),
                     ("Hessian", new object[] { x, 3.0, 0 }),
                     ("HessianVector", new object[] { x, 3.0, 0, x, 1.0 }),
                 })
        {
            var thrown = Assert.Throws<System.Reflection.TargetInvocationException>(() => Call(method, arguments)).InnerException;
            Assert.True(thrown is ArgumentOutOfRangeException { ParamName: "m" }, $"{method}: {thrown?.GetType().Name}: {thrown?.Message}");
        }

        Assert.Equal(48.0, (double)Call("F", x, 3.0, 2));
        double[] gradient = (double[])Call("Gradient", x, 3.0, 2);
        Assert.Equal(new double[] { 21, 36, 0, 0, 31 }, gradient);
        const double h = 1e-6;
        double[] packed = x.Append(3.0).ToArray();
        for (int j = 0; j < packed.Length; j++)
        {
            double[] up = (double[])packed.Clone(), down = (double[])packed.Clone();
            up[j] += h;
            down[j] -= h;
            double central = ((double)Call("F", up[..4], up[4], 2) - (double)Call("F", down[..4], down[4], 2)) / (2 * h);
            Assert.Equal(central, gradient[j], 1e-6);
        }

        // Forward mode along (1, 1, 1, 1, 1): 21 + 36 + 31.
        Assert.Equal(88.0, (double)Call("Derivative", x, 3.0, 2, new double[] { 1, 1, 1, 1 }, 1.0), 1e-12);
    }

    /// <summary>
    /// tanh′ beyond |u| &gt; 1 was 2(1 + |tanh u|)/(e^2|u| + 1): where e^2|u| overflows (|u| &gt; 354.9 in double, 44.4 in
    /// float) the derivative is 0, but its tangent, by the quotient rule, −derivative·e^2|u|·2 sign(u)·u′/(e^2|u| + 1),
    /// is 0·∞/∞ = NaN, so every second derivative through a saturated tanh was NaN (found by
    /// <see cref="LoopSecondOrderPropertyTests"/> in a recurrence t = tanh(t·e + o) whose argument grew past 355). Now
    /// a call of Activations.TanhDerivative, 4e/(1 + e)² with e = e^−2|u| there, the same function, whose declared partials
    /// have nothing to overflow. Checked against
    /// the closed form ∂²/∂xᵢ² Σ tanh xⱼ = −2 tanh xᵢ·sech²xᵢ, sech²x = 4/(eˣ + e⁻ˣ)² (0 once that overflows, as the
    /// true value underflows), and against central differences of the generated gradient where they mean something.
    /// </summary>
    [Fact]
    public void A_second_derivative_through_a_saturated_tanh_is_finite()
    {
        var type = Run("""
                [Differentiable(SecondOrder = true)]
                public static double F(double[] x)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += Math.Tanh(x[i]);
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static float G(float[] x)
                {
                    float s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += MathF.Tanh(x[i]);
                    }

                    return s;
                }

                public static double[] Product(double[] x)
                {
                    var ones = new double[x.Length];
                    Array.Fill(ones, 1.0);
                    var hv = new double[x.Length];
                    FHessianVectorProduct(x, ones, new double[x.Length], hv);
                    return hv;
                }

                public static double[] Gradient(double[] x)
                {
                    var gradient = new double[x.Length];
                    FWithGradient(x, gradient);
                    return gradient;
                }

                public static float[] FloatProduct(float[] x)
                {
                    var ones = new float[x.Length];
                    Array.Fill(ones, 1f);
                    var hv = new float[x.Length];
                    GHessianVectorProduct(x, ones, new float[x.Length], hv);
                    return hv;
                }
            """).ShouldSucceed().Load().GetType("C")!;
        static double Sech2(double x) => 4 / ((Math.Exp(x) + Math.Exp(-x)) * (Math.Exp(x) + Math.Exp(-x)));
        static double Second(double x) => -2 * Math.Tanh(x) * Sech2(x);

        // Along (1, …, 1) the product is the Hessian's diagonal: 0.5 and 3 on either side of the rule's |u| = 1,
        // −20 in the tail, 400 where e^2|u| overflows.
        double[] x = { 0.5, 3, -20, 400 };
        var hv = (double[])type.GetMethod("Product")!.Invoke(null, new object[] { x })!;
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(hv[i] - Second(x[i])) <= 1e-14 * Math.Abs(Second(x[i])), $"(H·v)[{i}] at x = {x[i]}: {hv[i]:R}, closed form {Second(x[i]):R}");
        }

        Assert.Equal(0.0, hv[3]);
        const double h = 1e-5;
        foreach (int i in new[] { 0, 1, 2 })
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[i] += h;
            down[i] -= h;
            var gradient = (Func<double[], double[]>)(p => (double[])type.GetMethod("Gradient")!.Invoke(null, new object[] { p })!);
            double central = (gradient(up)[i] - gradient(down)[i]) / (2 * h);
            Assert.True(Math.Abs(hv[i] - central) <= 1e-8 * Math.Abs(central), $"(H·v)[{i}]: {hv[i]:R}, central difference {central:R}");
        }

        // In float e^2|u| overflows from |u| ≈ 44.4: 50 was NaN.
        float[] xf = { 0.5f, 3f, -20f, 50f };
        var hvf = (float[])type.GetMethod("FloatProduct")!.Invoke(null, new object[] { xf })!;
        for (int i = 0; i < xf.Length; i++)
        {
            double expected = Second(xf[i]);
            Assert.True(Math.Abs(hvf[i] - expected) <= 1e-5 * Math.Abs(expected) + 1e-30, $"float (H·v)[{i}] at x = {xf[i]}: {hvf[i]:R}, closed form {expected:R}");
        }
    }

    /// <summary>
    /// <c>ReadOnlySpan&lt;double&gt; t = h.Slice(1);</c> of a Span buffer, and <c>ReadOnlySpan&lt;double&gt; u = g.AsSpan(1, 2);</c> of
    /// an array buffer, reach the slice parser through Span's implicit operator to ReadOnlySpan, a conversion with a method,
    /// which it did not look under: both were SD0004 "The buffer 't' initialized this way", although a slice of a buffer is
    /// supported (and <c>Span&lt;double&gt; t = h.Slice(1);</c> was accepted).
    /// </summary>
    [Fact]
    public void A_ReadOnlySpan_slice_of_a_buffer_is_a_slice()
    {
        var type = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] x)
                {
                    Span<double> h = stackalloc double[x.Length];
                    double[] g = new double[x.Length];
                    for (int i = 0; i < x.Length; i++)
                    {
                        h[i] = x[i] * x[i];
                        g[i] = 2 * x[i];
                    }

                    ReadOnlySpan<double> t = h.Slice(1);
                    ReadOnlySpan<double> u = g.AsSpan(1, 2);
                    return t[0] * u[1] + t[1];
                }
            }
            """).ShouldSucceed().Load().GetType("C")!;

        // x = (1, 2, 3): t = (x1², x2²) = (4, 9), u = (2x1, 2x2) = (4, 6); f = x1²·2x2 + x2² = 33;
        // ∂/∂x = (0, 4x1·x2, 2x1² + 2x2) = (0, 24, 14).
        double[] x = { 1, 2, 3 };
        object gradient = type.GetMethod("FWithGradient", new[] { typeof(double[]) })!.Invoke(null, new object[] { x })!;
        Assert.Equal(33.0, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);
        double[] dX = (double[])gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
        Assert.Equal(new double[] { 0, 24, 14 }, dX);
        const double step = 1e-6;
        for (int j = 0; j < x.Length; j++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[j] += step;
            down[j] -= step;
            double central = ((double)type.GetMethod("F")!.Invoke(null, new object[] { up })! - (double)type.GetMethod("F")!.Invoke(null, new object[] { down })!) / (2 * step);
            Assert.Equal(central, dX[j], 1e-6);
        }
    }
}
