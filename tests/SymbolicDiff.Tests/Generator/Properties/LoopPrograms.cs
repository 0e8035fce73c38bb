using System.Globalization;
using System.Text;
using CsCheck;

namespace SymbolicDiff.Tests.Generator.Properties;

// Random [Differentiable] methods with loops and vectors for LoopGradientPropertyTests: a small syntax tree of the
// language the structured parser supports (see BodyParser), CsCheck generators for it (so that failures shrink), and
// rendering to C#.
//
// As in RandomPrograms, the tree is context-free: a variable, an element read, a write target, a loop bound or a
// counter is an index, resolved when rendering modulo what is in scope at that point, so that every tree renders to
// valid C# whatever shrinking does to it. What is in scope: the parameters (double scalars and double[] vectors of
// two lengths n and m, and an n·m matrix read row by row), int locals holding lengths, local buffers
// (new double[k] or stackalloc double[k]), accumulators declared at the top, locals declared in loop bodies, foreach
// variables, loop counters, and int locals computed from counters (a row offset i·m, a reversed index). Element reads
// are only rendered with indices that are in range by construction: x[i] for a counter over x's length, x[n − 1 − i],
// x[(i + 1) % n], x[i − 1] in a loop from 1, mat[i·m + j] for counters over n and m, x[0], x[n − 1].
//
// Values must stay moderate for finite differences to mean something: the points are in [−1.5, 1.5], the functions
// are bounded or grow slowly (sin, cos, tanh, atan, sigmoid, exp(sin u), log(1 + u²), sqrt(1 + u²), u², products),
// divisions are by 1.5 + cos u or 2 + cos u, and loop-carried products multiply by factors in [0.5, 1.5] or by tanh.
// The few points where a value still grows past 1e4 are skipped by the checker, and counted.
//
// What the generator is known to get wrong (LoopGeneratorBugTests has a minimal repro of each) is kept out:
// see AvoidKnownBugs.

/// <summary>A loop-program expression: a real value.</summary>
internal abstract record LoopExpr
{
    /// <summary>Whether C# sees this as a constant expression (literals and operators on them only).</summary>
    public abstract bool IsConstant { get; }
}

/// <summary>A real scalar in scope (parameter, local, foreach variable): the Index-th, modulo their number.</summary>
internal sealed record LoopScalar(int Index) : LoopExpr
{
    public override bool IsConstant => false;
}

/// <summary>An element read: the Index-th of the element reads that are in range at this point, modulo their number.</summary>
internal sealed record LoopElement(int Index) : LoopExpr
{
    public override bool IsConstant => false;
}

/// <summary><see cref="LoopPrograms.Literals"/>[Index].</summary>
internal sealed record LoopLiteral(int Index) : LoopExpr
{
    public override bool IsConstant => true;
}

/// <summary>A loop counter as a real (0.25·i or 0.5·(i + 1)), or an element read outside loops.</summary>
internal sealed record LoopCounterValue(int Index, bool Shifted) : LoopExpr
{
    public override bool IsConstant => false;
}

/// <summary>A length as a real: <c>(double)n</c>, <c>0.25 * n</c> or <c>1.0 / n</c> (Form 0 to 2), n the Index-th way to write a length in scope.</summary>
internal sealed record LoopLengthValue(int Form, int Index) : LoopExpr
{
    public override bool IsConstant => false;
}

internal sealed record LoopApply(Op Op, LoopExpr[] Args) : LoopExpr
{
    public override bool IsConstant => Op.IsOperator && Args.Take(Op.Arity).All(a => a.IsConstant);
}

internal sealed record LoopChoice(LoopCond Condition, LoopExpr WhenTrue, LoopExpr WhenFalse) : LoopExpr
{
    public override bool IsConstant => false;
}

internal abstract record LoopCond;

/// <summary>A comparison of reals: <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&gt;=</c>.</summary>
internal sealed record LoopCompare(string Operator, LoopExpr Left, LoopExpr Right) : LoopCond;

/// <summary>
/// A condition on counters: i &lt; j, i == 0, i % 2 == 0 or i &gt;= 1 (Form 0 to 3, counters A and B modulo those in
/// scope); outside loops, <see cref="Fallback"/> &gt; 0.
/// </summary>
internal sealed record LoopCounterCondition(int Form, int A, int B, LoopExpr Fallback) : LoopCond;

/// <summary><c>a &amp;&amp; b</c> or <c>a || b</c>.</summary>
internal sealed record LoopLogic(string Operator, LoopCond Left, LoopCond Right) : LoopCond;

internal sealed record LoopNot(LoopCond Operand) : LoopCond;

internal abstract record LoopStmt;

/// <summary><c>double t = value;</c>, or <c>var t = value;</c></summary>
internal sealed record LoopDeclare(LoopExpr Value, bool Var) : LoopStmt;

/// <summary>An update of a real local in scope (the Target-th): one of <see cref="LoopPrograms.UpdateForms"/>.</summary>
internal sealed record LoopUpdate(int Form, int Target, LoopExpr Value, LoopExpr Other) : LoopStmt;

/// <summary>A write to a buffer element in range (the Target-th such element): one of <see cref="LoopPrograms.WriteForms"/>.</summary>
internal sealed record LoopWrite(int Form, int Target, LoopExpr Value) : LoopStmt;

/// <summary>
/// An int local computed from a counter: a row offset <c>i * m</c> (Form 0), an index <c>n − 1 − i</c> (1) or
/// <c>(i + 1) % n</c> (2), or a count <c>i + 1</c> that a nested loop can run to (3).
/// </summary>
internal sealed record LoopIndexLocal(int Form, int Counter) : LoopStmt;

/// <summary>
/// A loop over a length of dimension Dim (0: the first of n, m, n·m that no enclosing loop runs over; 1 to 3: n, m or
/// n·m, modulo those the parameters have), written as one of
/// <see cref="LoopPrograms.Headers"/>; Bound picks how the length is written (x.Length, an int local, ...) or, for
/// foreach, the vector; Step picks i++, ++i or i += 1.
/// </summary>
internal sealed record LoopFor(int Header, int Dim, int Bound, int Step, LoopStmt[] Body) : LoopStmt;

/// <summary>A local buffer declared at the top: its dimension, <c>stackalloc</c> or <c>new</c>, and how its length is written.</summary>
internal sealed record LoopBuffer(int Dim, bool OnStack, int Length);

/// <summary>
/// A method body: int locals for the lengths (one flag per dimension), buffers, accumulators <c>s0, s1, …</c>
/// (declared with their initial values), the statements, and the result: <c>return c0·s0 + c1·s1 + … + extra</c>,
/// or, with <see cref="ReturnFirst"/>, <c>s0 += c1·s1 + … + extra; return s0;</c>; with <see cref="Mean"/>, the
/// returned expression is divided by x.Length. With <see cref="ExpressionBodied"/>, the method is <c>=&gt; extra</c> alone
/// (vectors read at constant indices, no loop).
/// </summary>
internal sealed record LoopBody(bool[] LengthLocals, LoopBuffer[] Buffers, LoopExpr[] Accumulators, LoopStmt[] Statements, bool ReturnFirst, bool Mean, int[] Coefficients, LoopExpr Extra, bool ExpressionBodied);

/// <summary>The shape of a parameter: a double, a vector of length n or m, or an n·m matrix stored by rows.</summary>
internal enum LoopShape
{
    Scalar,
    VectorN,
    VectorM,
    Matrix,
}

internal sealed record LoopParameter(string Name, LoopShape Shape);

/// <summary>
/// One generated case: a method M(…) with the <see cref="Parameters"/> (n and m are the vector lengths),
/// differentiated for those in <see cref="DifferentiatedMask"/> (the attribute written with nameof, or with strings
/// when <see cref="StringNames"/>), and the points to check it at: for each point, each parameter's value(s).
/// </summary>
internal sealed record LoopCase(int N, int M, LoopParameter[] Parameters, int DifferentiatedMask, bool StringNames, LoopBody Body, double[][][] Points)
{
    public IReadOnlyList<string> ParameterNames => Parameters.Select(p => p.Name).ToList();

    public IReadOnlyList<string> Differentiated =>
        Parameters.Where((_, i) => (DifferentiatedMask & (1 << i)) != 0).Select(p => p.Name).ToList();

    public bool DifferentiatesAll => Differentiated.Count == Parameters.Length;

    public int Length(LoopShape shape) => shape switch
    {
        LoopShape.Scalar => 1,
        LoopShape.VectorN => N,
        LoopShape.VectorM => M,
        _ => N * M,
    };

    /// <summary>The arguments of point <paramref name="point"/>: a double per scalar parameter, a fresh double[] per vector.</summary>
    public object[] Arguments(int point) =>
        Parameters.Select((p, i) => p.Shape == LoopShape.Scalar ? Points[point][i][0] : (object)Points[point][i].ToArray()).ToArray();
}

internal static class LoopPrograms
{
    /// <summary>
    /// Whether the rules that keep known generator bugs out of the programs apply. Each rule names the test of
    /// LoopGeneratorBugTests that reproduces the bug; turn this off to see the property test find them again.
    /// <list type="bullet">
    /// <item>A buffer element written with a value that reads the same buffer at an index that can be the written one
    /// (<c>h[j] = h[0] + x[j]</c>): wrong gradient when the indices meet. Such a value reads the buffer only at
    /// indices that differ from the written one for sure, h[i − 1] or h[i + 1] for a write to h[i], or at the written
    /// index itself (An_element_write_that_reads_its_own_buffer_where_the_indices_can_meet).</item>
    /// <item>Two loops declaring locals of the same name (<c>foreach (double v in x)</c> twice, or <c>double t</c> in
    /// each): the generated code does not compile. Loop-local doubles and foreach variables get names of their own
    /// (Sibling_loops_may_declare_locals_of_the_same_name).</item>
    /// <item>A real that depends on the parameters only through conditions (<c>s += v &gt; 0 ? 1.0 : 0.0</c>) gets an
    /// adjoint that the generated code declares and never uses: warning CS0219 in generated code, which no
    /// rendering rule can avoid in general, so the check tolerates exactly that warning (<see cref="IsKnownBug"/>;
    /// A_real_that_depends_on_the_parameters_only_through_conditions_compiles_without_warnings).</item>
    /// <item>Loop counters, on the other hand, are named i, j, k by depth and reused by sibling loops, as people write them.</item>
    /// </list>
    /// Those bugs are fixed (LoopGeneratorBugTests keeps their repros), so the rules are off by default and the
    /// random programs include every one of these constructs; SYMBOLICDIFF_PROPERTY_KNOWN_BUGS=0 turns them on
    /// again, to generate only what was safe before the fixes.
    /// </summary>
    public static bool AvoidKnownBugs { get; } = Environment.GetEnvironmentVariable("SYMBOLICDIFF_PROPERTY_KNOWN_BUGS") == "0";

    /// <summary>Whether a warning in generated code is a known bug the check tolerates (see <see cref="AvoidKnownBugs"/>): CS0219 on an adjoint dName_dLocal.</summary>
    public static bool IsKnownBug(Microsoft.CodeAnalysis.Diagnostic diagnostic) =>
        AvoidKnownBugs && diagnostic.Id == "CS0219" &&
        System.Text.RegularExpressions.Regex.IsMatch(diagnostic.GetMessage(CultureInfo.InvariantCulture), "^The variable 'd[A-Z]\\w*_d\\w+' is assigned but its value is never used$");

    // ----- The vocabulary ----------------------------------------------------------------------------------

    public static readonly string[] Literals = { "0.5", "2.0", "1.5", "-0.75", "0.25", "0.1", "3.0", "Math.PI" };

    private static Op O(string template, int arity, bool isOperator = false) => new(template, arity, isOperator);

    /// <summary>One-argument functions and operators, with weights: bounded, or slowly growing.</summary>
    private static readonly (int Weight, Op Op)[] Unary =
    {
        (5, O("-({0})", 1, isOperator: true)),
        (3, O("Math.Sin({0})", 1)),
        (3, O("Math.Cos({0})", 1)),
        (3, O("Math.Tanh({0})", 1)),
        (1, O("Math.Atan({0})", 1)),
        (1, O("Math.Exp(Math.Sin({0}))", 1)),
        (1, O("Math.Log(1 + Math.Pow({0}, 2))", 1)),
        (1, O("Math.Sqrt(1 + Math.Pow({0}, 2))", 1)),
        (2, O("Math.Pow({0}, 2)", 1)),
        (1, O("Math.Abs({0})", 1)),
        (1, O("Activations.Sigmoid({0})", 1)),
    };

    /// <summary>Two-argument functions and operators, with weights.</summary>
    private static readonly (int Weight, Op Op)[] Binary =
    {
        (8, O("({0} + {1})", 2, isOperator: true)),
        (5, O("({0} - {1})", 2, isOperator: true)),
        (8, O("({0} * {1})", 2, isOperator: true)),
        (2, O("({0} / (1.5 + Math.Cos({1})))", 2)),
        (1, O("Math.Max({0}, {1})", 2)),
        (1, O("Math.Min({0}, {1})", 2)),
    };

    /// <summary>
    /// Updates of a real local t with a value e (and a second value o): reductions, loop-carried non-linear
    /// updates that force the backward sweep to restore earlier values, and plain overwrites.
    /// </summary>
    /// <remarks>
    /// The values e and o never read t itself (see Scope.Render): t is read only where the form says, in ways that
    /// keep it bounded and its derivative from growing geometrically over the iterations (a loop-carried
    /// t += t·e multiplies both by up to 2.5 each time, and a few dozen iterations of that make intermediates so
    /// small that the forward sweep absorbs them, so that finite differences see nothing where the derivative,
    /// amplified afterwards, is large). Factors stay within [0.75, 1.5].
    /// </remarks>
    public static readonly (int Weight, string Template)[] UpdateForms =
    {
        (6, "{t} += {e};"),
        (2, "{t} -= {e};"),
        (2, "{t} *= 1 + 0.25 * Math.Sin({e});"),
        (1, "{t} *= Math.Exp(0.25 * Math.Tanh({e}));"),
        (1, "{t} /= 1.25 + 0.25 * Math.Cos({e});"),
        (2, "{t} = Math.Tanh({t} * {e} + {o});"),
        (2, "{t} += 0.5 * Math.Tanh({t} * {e});"),
        (2, "{t} = Math.Max({t}, {e});"),
        (1, "{t} = Math.Min({e}, {t});"),
        (2, "{t} = {e};"),
        (1, "{t} = {t} * Math.Sin({e}) + {o};"),
        (1, "{t}++;"),
        (1, "--{t};"),
    };

    /// <summary>
    /// Writes to a buffer element h[k] with a value e; {p} is the element before it when that was written by the
    /// same loop (h[i − 1] for a write to h[i] in a loop from 1, h[i] for a write to h[i + 1]), else h[k] itself.
    /// </summary>
    public static readonly (int Weight, string Template)[] WriteForms =
    {
        (4, "{t} = {e};"),
        (3, "{t} = 0.5 * {p} + {e};"),
        (3, "{t} += {e};"),
        (1, "{t} -= {e};"),
        (1, "{t} *= 1 + 0.25 * Math.Cos({e});"),
        (1, "{t} = Math.Tanh({t} + {e});"),
    };

    /// <summary>
    /// Loop headers, with weights: 0 <c>for (int i = 0; i &lt; n; i++)</c>, 1 <c>i &lt;= n - 1</c>, 2 <c>n &gt; i</c>,
    /// 3 from 1, 4 <c>foreach (double e in x)</c>, 5 <c>int i = 0; while (i &lt; n) { …; i++; }</c>, 6 a triangle
    /// <c>for (int j = 0; j &lt;= i; j++)</c> under a counter i of the same length, 7 <c>for (int j = i; j &lt; n; j++)</c>,
    /// 8 <c>for (int i = 0; i &lt; n - 1; i++)</c> (which reads x[i + 1]), 9 <c>int len = i + 1; for (int j = 0; j &lt; len; j++)</c>
    /// under a counter i (another triangle, to a count in an int local that the backward sweep must compute again).
    /// </summary>
    public static readonly (int Weight, int Header)[] Headers = { (4, 0), (1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (1, 6), (1, 7), (1, 8), (1, 9) };

    private static readonly string[] RealComparisons = { "<", "<=", ">", ">=" };

    // ----- Generators --------------------------------------------------------------------------------------

    private static readonly Gen<int> Pick = Gen.Int[0, 63];

    private static Gen<T> Weighted<T>(params (int Weight, Gen<T> Gen)[] choices) =>
        Gen.Frequency(choices.Where(c => c.Weight > 0).Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());

    private static Gen<Op> OpGen((int Weight, Op Op)[] ops) => Gen.Frequency(ops.Select(o => (o.Weight, o.Op)).ToArray());

    private static Gen<int> FormGen((int Weight, string Template)[] forms) =>
        Gen.Frequency(forms.Select((f, i) => (f.Weight, i)).ToArray());

    private static readonly Gen<LoopExpr> Leaf = Weighted(
        (4, Pick.Select(i => (LoopExpr)new LoopScalar(i))),
        (6, Pick.Select(i => (LoopExpr)new LoopElement(i))),
        (2, Gen.Int[0, Literals.Length - 1].Select(i => (LoopExpr)new LoopLiteral(i))),
        (1, Gen.Select(Pick, Gen.Bool, (i, shifted) => (LoopExpr)new LoopCounterValue(i, shifted))),
        (1, Gen.Select(Gen.Int[0, 2], Pick, (form, i) => (LoopExpr)new LoopLengthValue(form, i))));

    private static readonly Gen<LoopExpr>[] Expressions = BuildExpressions(maxDepth: 3);

    private static Gen<LoopExpr>[] BuildExpressions(int maxDepth)
    {
        var expressions = new Gen<LoopExpr>[maxDepth + 1];
        expressions[0] = Leaf;
        for (int depth = 1; depth <= maxDepth; depth++)
        {
            var sub = expressions[depth - 1];
            var comparison = Weighted(
                (3, Gen.Select(Gen.OneOf(RealComparisons), sub, sub, (op, l, r) => (LoopCond)new LoopCompare(op, l, r))),
                (2, Gen.Select(Gen.Int[0, 3], Pick, Pick, Leaf, (form, a, b, fallback) => (LoopCond)new LoopCounterCondition(form, a, b, fallback))));
            var condition = Weighted(
                (6, comparison),
                (1, Gen.Select(Gen.OneOf("&&", "||"), comparison, comparison, (op, l, r) => (LoopCond)new LoopLogic(op, l, r))),
                (1, comparison.Select(c => (LoopCond)new LoopNot(c))));
            expressions[depth] = Weighted(
                (3, Leaf),
                (4, Gen.Select(OpGen(Unary), sub, (op, a) => (LoopExpr)new LoopApply(op, new[] { a }))),
                (7, Gen.Select(OpGen(Binary), sub, sub, (op, a, b) => (LoopExpr)new LoopApply(op, new[] { a, b }))),
                (1, Gen.Select(condition, sub, sub, (c, a, b) => (LoopExpr)new LoopChoice(c, a, b))));
        }

        return expressions;
    }

    /// <summary>Statements of a loop body (<paramref name="inLoop"/>) or of the method's top level, with loops nested at most <paramref name="loops"/> deep.</summary>
    private static Gen<LoopStmt> Statement(int loops, bool inLoop)
    {
        var choices = new List<(int, Gen<LoopStmt>)>
        {
            (inLoop ? 6 : 1, Gen.Select(FormGen(UpdateForms), Pick, Expressions[2], Expressions[1], (form, t, e, o) => (LoopStmt)new LoopUpdate(form, t, e, o))),
            (inLoop ? 2 : 1, Gen.Select(Expressions[2], Gen.Int[0, 3], (e, var) => (LoopStmt)new LoopDeclare(e, var == 0))),
            (inLoop ? 3 : 1, Gen.Select(FormGen(WriteForms), Pick, Expressions[2], (form, t, e) => (LoopStmt)new LoopWrite(form, t, e))),
        };
        if (inLoop)
        {
            choices.Add((2, Gen.Select(Gen.Int[0, 3], Pick, (form, counter) => (LoopStmt)new LoopIndexLocal(form, counter))));
        }

        if (loops > 0)
        {
            var body = Statement(loops - 1, inLoop: true).Array[1, 4];
            var header = Gen.Frequency(Headers.Select(h => (h.Weight, h.Header)).ToArray());
            var dim = Weighted((3, Gen.Const(0)), (1, Gen.Int[1, 3]));
            // A third level of nesting is rarer: up to 125 iterations in all.
            choices.Add((!inLoop ? 8 : loops > 1 ? 3 : 1, Gen.Select(header, dim, Pick, Gen.Int[0, 2], body,
                (h, dim, bound, step, statements) => (LoopStmt)new LoopFor(h, dim, bound, step, statements))));
        }

        return Weighted(choices.ToArray());
    }

    private static readonly Gen<LoopStmt> TopStatement = Statement(loops: 3, inLoop: false);

    private static readonly Gen<LoopBody> BodyGen =
        from lengthLocals in Gen.Bool.Array[3]
        from buffers in Gen.Select(Gen.Int[0, 2], Gen.Bool, Pick, (dim, onStack, length) => new LoopBuffer(dim, onStack, length)).Array[0, 2]
        from accumulators in Weighted((2, Leaf), (1, Expressions[1])).Array[1, 3]
        from statements in TopStatement.Array[1, 4]
        from returnFirst in Gen.Bool
        from mean in Gen.Int[0, 3]
        from coefficients in Gen.Int[0, Literals.Length - 1].Array[3]
        from extra in Weighted((1, Gen.Int[0, Literals.Length - 1].Select(i => (LoopExpr)new LoopLiteral(i))), (2, Expressions[2]))
        from expressionBodied in Gen.Int[0, 19]
        select new LoopBody(lengthLocals, buffers, accumulators, statements, returnFirst, mean == 0, coefficients, extra, expressionBodied == 0);

    /// <summary>
    /// Parameters: one or two vectors of length n (x, w), often one of length m (v) and then often an n·m matrix
    /// (mat), zero to two scalars (a, b), in a random order; n and m from 1 to 5.
    /// </summary>
    private static readonly Gen<(int N, int M, LoopParameter[] Parameters)> Signature =
        from n in Gen.Int[1, 5]
        from m in Gen.Int[1, 5]
        from vectorsN in Gen.Int[1, 2]
        from vectorM in Gen.Int[0, 2]
        from matrix in Gen.Int[0, 2]
        from scalars in Gen.Int[0, 2]
        from keys in Gen.Int[0, 99].Array[6]
        select (n, m, Order(new[]
            {
                new LoopParameter("x", LoopShape.VectorN),
                vectorsN > 1 ? new LoopParameter("w", LoopShape.VectorN) : null,
                vectorM > 0 ? new LoopParameter("v", LoopShape.VectorM) : null,
                vectorM > 0 && matrix > 0 ? new LoopParameter("mat", LoopShape.Matrix) : null,
                scalars > 0 ? new LoopParameter("a", LoopShape.Scalar) : null,
                scalars > 1 ? new LoopParameter("b", LoopShape.Scalar) : null,
            }, keys));

    private static LoopParameter[] Order(LoopParameter?[] parameters, int[] keys) =>
        parameters.Select((p, i) => (p, Key: keys[i] * 8 + i)).Where(x => x.p is not null).OrderBy(x => x.Key).Select(x => x.p!).ToArray();

    /// <summary>
    /// Three points: every coordinate uniform in [−1.5, 1.5] on a grid of 10⁻⁶, shifted by a small irrational-looking
    /// offset of its own, so that coordinates differ from each other and from the literals even when shrunk to the
    /// bottom of the range.
    /// </summary>
    private static Gen<double[][][]> Points(int n, int m, LoopParameter[] parameters)
    {
        var lengths = parameters.Select(p => p.Shape switch { LoopShape.Scalar => 1, LoopShape.VectorN => n, LoopShape.VectorM => m, _ => n * m }).ToArray();
        int total = lengths.Sum();
        return Gen.Int[0, 3_000_000].Array[total].Select(u =>
        {
            var values = u.Select((k, i) => -1.5 + k / 1e6 + 1e-4 * Math.Sqrt(2 + i)).ToArray();
            var point = new double[parameters.Length][];
            int offset = 0;
            for (int p = 0; p < parameters.Length; p++)
            {
                point[p] = values.AsSpan(offset, lengths[p]).ToArray();
                offset += lengths[p];
            }

            return point;
        }).Array[3];
    }

    public static readonly Gen<LoopCase> Cases =
        from signature in Signature
        from all in Gen.Bool
        from mask in Gen.Int[0, 62]
        from stringNames in Gen.Bool
        from body in BodyGen
        from points in Points(signature.N, signature.M, signature.Parameters)
        let full = (1 << signature.Parameters.Length) - 1
        select new LoopCase(signature.N, signature.M, signature.Parameters, all ? full : mask % full + 1, stringNames, body, points);

    // ----- Rendering ---------------------------------------------------------------------------------------

    /// <summary>The source of a file holding the <paramref name="cases"/> as M0, M1, … (and their M0Outputs, …) in one partial class P.</summary>
    public static string RenderFile(IReadOnlyList<LoopCase> cases) => RenderFile(cases, (c, i, indent) => RenderCase(c, i, indent));

    /// <summary>
    /// The source of a file holding what <paramref name="renderCase"/> renders of each case (given the case, its
    /// index and the indent) in one partial class P, with usings System, System.Collections.Generic and SymbolicDiff.
    /// </summary>
    public static string RenderFile(IReadOnlyList<LoopCase> cases, Func<LoopCase, int, string, string> renderCase)
    {
        var builder = new StringBuilder();
        builder.Append("using System;\nusing System.Collections.Generic;\nusing SymbolicDiff;\n\npublic static partial class P\n{\n");
        for (int i = 0; i < cases.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            builder.Append(renderCase(cases[i], i, "    "));
        }

        builder.Append("}\n");
        return builder.ToString();
    }

    /// <summary>The property of a parameter in the gradient struct, and the suffix of its names in the span overloads: X for x, Mat for mat.</summary>
    public static string PropertyName(string parameter) => char.ToUpperInvariant(parameter[0]) + parameter.Substring(1);

    /// <summary>The gradient output of a parameter in the span overload: dX for x, dMat for mat.</summary>
    public static string OutputName(string parameter) => "d" + PropertyName(parameter);

    /// <summary>The parameter list of the case's method: <c>double[] x, double a, …</c>.</summary>
    public static string RenderParameters(LoopCase c) =>
        string.Join(", ", c.Parameters.Select(p => (p.Shape == LoopShape.Scalar ? "double " : "double[] ") + p.Name));

    /// <summary>
    /// The method M{index} alone, with its attribute; with <paramref name="secondOrder"/>, the attribute asks for
    /// second derivatives too (<c>SecondOrder = true</c>).
    /// </summary>
    public static string RenderMethod(LoopCase c, int index, string indent = "", bool secondOrder = false)
    {
        var builder = new StringBuilder();
        var arguments = c.DifferentiatesAll && !c.StringNames
            ? new List<string>()
            : c.Differentiated.Select(p => c.StringNames ? $"\"{p}\"" : $"nameof({p})").ToList();
        if (secondOrder)
        {
            arguments.Add("SecondOrder = true");
        }

        string attribute = arguments.Count == 0 ? "[Differentiable]" : "[Differentiable(" + string.Join(", ", arguments) + ")]";
        builder.Append(indent).Append(attribute).Append('\n');
        builder.Append(indent).Append($"public static double M{index}({RenderParameters(c)})");
        if (c.Body.ExpressionBodied)
        {
            builder.Append(" =>\n").Append(indent).Append("    ").Append(new Scope(c).Render(c.Body.Extra)).Append(";\n\n");
        }
        else
        {
            builder.Append('\n').Append(indent).Append("{\n");
            new Scope(c).RenderBody(builder, indent + "    ");
            builder.Append(indent).Append("}\n\n");
        }

        return builder.ToString();
    }

    /// <summary>The method M{index}, and M{index}Outputs, which calls its span overload with outputs full of garbage.</summary>
    public static string RenderCase(LoopCase c, int index, string indent = "")
    {
        var builder = new StringBuilder(RenderMethod(c, index, indent));
        string parameters = RenderParameters(c);

        // The span overload, called the way a training loop would, with outputs that hold garbage; a method
        // differentiated only for scalars has the struct overload alone (the API follows the signature).
        builder.Append(indent).Append($"public static double[] M{index}Outputs({parameters})\n");
        builder.Append(indent).Append("{\n");
        if (!c.Parameters.Any(p => p.Shape != LoopShape.Scalar && c.Differentiated.Contains(p.Name)))
        {
            var properties = c.Parameters.Where(p => c.Differentiated.Contains(p.Name)).Select(p => "gradient." + PropertyName(p.Name));
            builder.Append(indent).Append($"    var gradient = M{index}WithGradient({string.Join(", ", c.Parameters.Select(p => p.Name))});\n");
            builder.Append(indent).Append($"    return [{string.Join(", ", new[] { "gradient.Value" }.Concat(properties))}];\n");
            builder.Append(indent).Append("}\n");
            return builder.ToString();
        }

        var arguments = c.Parameters.Select(p => p.Name).ToList();
        foreach (var p in c.Parameters.Where(p => c.Differentiated.Contains(p.Name)))
        {
            string output = OutputName(p.Name);
            if (p.Shape == LoopShape.Scalar)
            {
                arguments.Add("out double " + output);
            }
            else
            {
                builder.Append(indent).Append($"    var {output} = new double[{p.Name}.Length];\n");
                builder.Append(indent).Append($"    Array.Fill({output}, -7.25e200);\n");
                arguments.Add(output);
            }
        }

        builder.Append(indent).Append($"    double value = M{index}WithGradient({string.Join(", ", arguments)});\n");
        var flattened = new[] { "value" }.Concat(c.Parameters.Where(p => c.Differentiated.Contains(p.Name))
            .Select(p => p.Shape == LoopShape.Scalar ? OutputName(p.Name) : ".. " + OutputName(p.Name)));
        builder.Append(indent).Append($"    return [{string.Join(", ", flattened)}];\n");
        builder.Append(indent).Append("}\n");
        return builder.ToString();
    }

    /// <summary>The source of one case alone, with its points, for failure messages.</summary>
    public static string Describe(LoopCase c, int index)
    {
        var builder = new StringBuilder();
        builder.Append($"// in `public static partial class P` (usings System and SymbolicDiff); n = {c.N}, m = {c.M}\n");
        builder.Append(RenderCase(c, index));
        builder.Append("points: ");
        builder.Append(string.Join("; ", c.Points.Select(point =>
            "(" + string.Join(", ", point.Select((values, i) => c.Parameters[i].Shape == LoopShape.Scalar
                ? RandomPrograms.Format(values[0])
                : "[" + string.Join(", ", values.Select(RandomPrograms.Format)) + "]")) + ")")));
        return builder.ToString();
    }

    /// <summary>What is in scope while rendering a body; loop bodies push and pop.</summary>
    private sealed class Scope
    {
        private sealed record Scalar(string Name, bool Writable);

        private sealed record Vector(string Name, int Dim, bool IsBuffer);

        /// <summary>A loop counter over dimension Dim, from Start; Short when it stops one before the end (so i + 1 is in range).</summary>
        private sealed record Counter(string Name, int Dim, int Start, bool Short = false);

        private readonly LoopCase _case;
        private readonly List<int> _dims = new();
        private readonly List<Scalar> _scalars = new();
        private readonly List<Vector> _vectors = new();
        private readonly List<Counter> _counters = new();
        private readonly List<(string Name, int Dim)> _lengthLocals = new();
        private readonly List<(string Name, int Dim)> _indexLocals = new();
        private readonly List<(string Name, string Counter)> _rows = new();
        private readonly List<(string Name, int Dim)> _counts = new();

        // Loop-local doubles declared so far in each enclosing loop body (for names reused across sibling loops).
        private readonly List<int> _declaredInBody = new();
        private int _next;

        // While rendering the value of a write to a buffer element: that buffer and index.
        private (string Buffer, string Index)? _writing;

        // While rendering the values of an update of a real local: that local, which they do not read (see UpdateForms).
        private string? _updating;

        // How many foreach loops enclose this point (they have no counter).
        private int _foreachDepth;

        public Scope(LoopCase c)
        {
            _case = c;
            foreach (var p in c.Parameters)
            {
                if (p.Shape == LoopShape.Scalar)
                {
                    _scalars.Add(new Scalar(p.Name, Writable: false));
                }
                else
                {
                    int dim = Dim(p.Shape);
                    _vectors.Add(new Vector(p.Name, dim, IsBuffer: false));
                    if (!_dims.Contains(dim))
                    {
                        _dims.Add(dim);
                    }
                }
            }

            _dims.Sort();
        }

        private static int Dim(LoopShape shape) => shape switch
        {
            LoopShape.VectorN => 0,
            LoopShape.VectorM => 1,
            _ => 2,
        };

        private string Fresh(string prefix) => prefix + _next++;

        private int Depth => _declaredInBody.Count;

        /// <summary>
        /// The name of a local declared here: unique in the method, or, with the known bugs let in (see
        /// AvoidKnownBugs), the same in sibling loops (t1x0 is the first local of any loop body at depth 1).
        /// </summary>
        private string LocalName(string prefix)
        {
            if (AvoidKnownBugs || Depth == 0)
            {
                return Fresh(prefix);
            }

            return $"{prefix}{Depth}x{_declaredInBody[Depth - 1]++}";
        }

        /// <summary>Counters of for loops are named by depth, i, j, k, l, and so reused by sibling loops.</summary>
        private string CounterName() => Depth < 4 ? "ijkl"[Depth].ToString() : Fresh("i");

        /// <summary>The ways to write the length of dimension <paramref name="dim"/>: x.Length, an int local, a buffer's length, n·m.</summary>
        private List<string> Lengths(int dim)
        {
            var lengths = _lengthLocals.Where(l => l.Dim == dim).Select(l => l.Name)
                .Concat(_vectors.Where(v => v.Dim == dim).Select(v => v.Name + ".Length"))
                .ToList();
            if (dim == 2 && _dims.Contains(0) && _dims.Contains(1))
            {
                lengths.Add($"{Lengths(0)[0]} * {Lengths(1)[0]}");
            }

            // The rows of the matrix, as its length over the columns'.
            if (dim == 0 && _dims.Contains(2))
            {
                lengths.Add($"{_vectors.First(v => v.Dim == 2).Name}.Length / {Lengths(1)[0]}");
            }

            return lengths;
        }

        private string Length(int dim, int pick)
        {
            var lengths = Lengths(dim);
            return lengths[pick % lengths.Count];
        }

        /// <summary>The stride of a matrix row: the length m.</summary>
        private string Stride => Lengths(1)[0];

        /// <summary>The indices into vector <paramref name="v"/> that are in range here, counters first.</summary>
        private IEnumerable<string> Indices(Vector v, bool forWriting)
        {
            foreach (var c in _counters.Where(c => c.Dim == v.Dim))
            {
                yield return c.Name;
                if (c.Start >= 1)
                {
                    yield return $"{c.Name} - 1";
                }

                if (c.Short)
                {
                    yield return $"{c.Name} + 1";
                }

                if (!forWriting)
                {
                    yield return $"{v.Name}.Length - 1 - {c.Name}";
                    yield return $"({c.Name} + 1) % {v.Name}.Length";
                }
            }

            foreach (var (name, _) in _indexLocals.Where(l => l.Dim == v.Dim))
            {
                yield return name;
            }

            if (v.Dim == 2)
            {
                foreach (var row in _counters.Where(c => c.Dim == 0))
                {
                    foreach (var column in _counters.Where(c => c.Dim == 1))
                    {
                        yield return $"{row.Name} * {Stride} + {column.Name}";
                        foreach (var (offset, _) in _rows.Where(r => r.Counter == row.Name))
                        {
                            yield return $"{offset} + {column.Name}";
                        }
                    }
                }
            }

            yield return "0";
            if (!forWriting)
            {
                yield return $"{v.Name}.Length - 1";
            }
        }

        /// <summary>Whether two indices are the same counter plus different constants (i − 1, i, i + 1), so never equal.</summary>
        private static bool CannotMeet(string a, string b)
        {
            static (string Counter, int Offset)? Parse(string index)
            {
                var parts = index.Split(' ');
                return parts.Length switch
                {
                    1 when char.IsLetter(index[0]) => (index, 0),
                    3 when parts[1] is "+" or "-" && parts[2] == "1" => (parts[0], parts[1] == "+" ? 1 : -1),
                    _ => null,
                };
            }

            return Parse(a) is { } x && Parse(b) is { } y && x.Counter == y.Counter && x.Offset != y.Offset;
        }

        private List<string> ElementReads()
        {
            var reads = new List<string>();
            foreach (var v in _vectors)
            {
                foreach (string index in Indices(v, forWriting: false))
                {
                    // A write's value reads its own buffer only where the indices cannot meet (see AvoidKnownBugs).
                    if (AvoidKnownBugs && _writing is { } w && w.Buffer == v.Name && w.Index != index && !CannotMeet(w.Index, index))
                    {
                        continue;
                    }

                    reads.Add($"{v.Name}[{index}]");
                }
            }

            return reads;
        }

        /// <summary>
        /// An element read: picks below 40 (of 0 to 63, and where shrinking goes) prefer the natural reads of the
        /// loops in scope, x[i] for a counter over x's length (x[i − 1] in a loop from 1, x[i + 1] in a loop to
        /// n − 1) and mat[i * m + j] for counters over n and m; the others pick among all reads in range.
        /// </summary>
        private string Element(int pick)
        {
            var reads = ElementReads();
            var natural = reads.Where(IsNatural).ToList();
            if (pick < 40 && natural.Count > 0)
            {
                return natural[pick % natural.Count];
            }

            return reads.Count > 0 ? reads[pick % reads.Count] : "x[0]";
        }

        private bool IsNatural(string read)
        {
            string index = read.Substring(read.IndexOf('[') + 1).TrimEnd(']');
            return _counters.Any(c => c.Name == index || index == c.Name + " - 1" || index == c.Name + " + 1") ||
                   (index.Contains(" + ", StringComparison.Ordinal) && _counters.Any(c => index.EndsWith(" + " + c.Name, StringComparison.Ordinal)));
        }

        private string PickScalar(int pick)
        {
            var scalars = _scalars.Where(s => s.Name != _updating).ToList();
            return scalars.Count > 0 ? scalars[pick % scalars.Count].Name : Element(pick);
        }

        private string RenderLength(LoopLengthValue l)
        {
            var lengths = _dims.SelectMany(Lengths).ToList();
            string length = lengths[l.Index % lengths.Count];
            length = length.Contains(' ', StringComparison.Ordinal) ? $"({length})" : length;
            return l.Form switch
            {
                0 => $"(double){length}",
                1 => $"0.25 * {length}",
                _ => $"1.0 / {length}",
            };
        }

        public string Render(LoopExpr expression) => expression switch
        {
            LoopScalar s => PickScalar(s.Index),
            LoopElement e => Element(e.Index),
            LoopLiteral l => Literals[l.Index],
            // Outside loops, an element (a literal would make a declaration constant: see NonConstant).
            LoopCounterValue c when _counters.Count == 0 => Element(c.Index),
            LoopCounterValue c => c.Shifted
                ? $"0.5 * ({_counters[c.Index % _counters.Count].Name} + 1)"
                : $"0.25 * {_counters[c.Index % _counters.Count].Name}",
            LoopLengthValue l => RenderLength(l),
            LoopApply a => a.Op.Render(a.Args.Take(a.Op.Arity).Select(Render).ToArray()),
            LoopChoice c => $"({Render(c.Condition)} ? {Render(c.WhenTrue)} : {Render(c.WhenFalse)})",
            _ => throw new InvalidOperationException(expression.ToString()),
        };

        private string Render(LoopCond condition)
        {
            switch (condition)
            {
                case LoopCompare c:
                {
                    // A comparison of constants would be a constant condition: compare an element instead. A
                    // comparison of a variable with itself is warning CS1718: shift one side.
                    string left = c.Left.IsConstant && c.Right.IsConstant ? Element(0) : Render(c.Left);
                    string right = Render(c.Right);
                    return left == right ? $"{left} {c.Operator} {right} + 0.5" : $"{left} {c.Operator} {right}";
                }

                case LoopCounterCondition c when _counters.Count == 0:
                    return $"{Render(c.Fallback)} > 0";

                case LoopCounterCondition c:
                {
                    string a = _counters[c.A % _counters.Count].Name;
                    string b = _counters[c.B % _counters.Count].Name;
                    return c.Form switch
                    {
                        0 => a == b ? $"{a} < 2" : $"{a} < {b}",
                        1 => $"{a} == 0",
                        2 => $"{a} % 2 == 0",
                        _ => $"{a} >= 1",
                    };
                }

                case LoopLogic l:
                    return $"({Render(l.Left)} {l.Operator} {Render(l.Right)})";

                case LoopNot n:
                    return $"!({Render(n.Operand)})";

                default:
                    throw new InvalidOperationException(condition.ToString());
            }
        }

        /// <summary>The expression as rendered, made non-constant if it is constant (a local set to a constant and never read is warning CS0219).</summary>
        private string NonConstant(LoopExpr expression) =>
            expression.IsConstant ? $"{Render(expression)} * {Element(0)}" : Render(expression);

        public void RenderBody(StringBuilder builder, string indent)
        {
            var body = _case.Body;
            for (int dim = 0; dim < 3; dim++)
            {
                if (body.LengthLocals[dim] && _dims.Contains(dim))
                {
                    string name = Fresh("n");
                    builder.Append(indent).Append($"int {name} = {Length(dim, 0)};\n");
                    _lengthLocals.Add((name, dim));
                }
            }

            foreach (var buffer in body.Buffers)
            {
                int dim = _dims[buffer.Dim % _dims.Count];
                string name = Fresh("h");
                string length = Length(dim, buffer.Length);
                builder.Append(indent).Append(buffer.OnStack
                    ? $"Span<double> {name} = stackalloc double[{length}];\n"
                    : $"double[] {name} = new double[{length}];\n");
                _vectors.Add(new Vector(name, dim, IsBuffer: true));
            }

            var accumulators = new List<string>();
            foreach (var initial in body.Accumulators)
            {
                string value = Render(initial);
                string name = Fresh("s");
                builder.Append(indent).Append($"double {name} = {value};\n");
                _scalars.Add(new Scalar(name, Writable: true));
                accumulators.Add(name);
            }

            foreach (var statement in body.Statements)
            {
                RenderStatement(builder, statement, indent);
            }

            string extra = Render(body.Extra);
            string mean = body.Mean ? $" / {_vectors[0].Name}.Length" : string.Empty;
            if (body.ReturnFirst)
            {
                var terms = accumulators.Skip(1).Select((s, i) => $"{Literals[body.Coefficients[(i + 1) % 3]]} * {s}").Append(extra);
                builder.Append(indent).Append($"{accumulators[0]} += {string.Join(" + ", terms)};\n");
                builder.Append(indent).Append($"return {accumulators[0]}{mean};\n");
            }
            else
            {
                var terms = accumulators.Select((s, i) => $"{Literals[body.Coefficients[i % 3]]} * {s}").Append(extra);
                builder.Append(indent).Append(body.Mean ? $"return ({string.Join(" + ", terms)}){mean};\n" : $"return {string.Join(" + ", terms)};\n");
            }
        }

        private static string Fill(string template, string target, string e, string o) =>
            template.Replace("{t}", target).Replace("{e}", e).Replace("{o}", o);

        private void RenderStatement(StringBuilder builder, LoopStmt statement, string indent)
        {
            switch (statement)
            {
                case LoopDeclare d:
                {
                    string value = NonConstant(d.Value);
                    string name = LocalName("t");
                    builder.Append(indent).Append($"{(d.Var ? "var" : "double")} {name} = {value};\n");
                    _scalars.Add(new Scalar(name, Writable: true));
                    break;
                }

                case LoopUpdate u:
                {
                    var targets = _scalars.Where(s => s.Writable).ToList();
                    if (targets.Count == 0)
                    {
                        break;
                    }

                    string target = targets[u.Target % targets.Count].Name;
                    _updating = target;
                    string e = Render(u.Value), o = Render(u.Other);
                    _updating = null;
                    string text = Fill(UpdateForms[u.Form].Template, target, e, o);
                    builder.Append(indent).Append(text).Append('\n');
                    break;
                }

                case LoopWrite w:
                {
                    var targets = _vectors.Where(v => v.IsBuffer).SelectMany(v => Indices(v, forWriting: true).Select(index => (v.Name, Index: index))).ToList();
                    if (targets.Count == 0)
                    {
                        break;
                    }

                    // The form that reads the element before prefers a target that has one: h[i] in a loop from 1.
                    if (WriteForms[w.Form].Template.Contains("{p}", StringComparison.Ordinal) &&
                        targets.Where(t => _counters.Any(c => c.Start >= 1 && t.Index == c.Name)).ToList() is { Count: > 0 } recurrences)
                    {
                        targets = recurrences;
                    }

                    var (buffer, index) = targets[w.Target % targets.Count];
                    _writing = (buffer, index);
                    string e = Render(w.Value);
                    _writing = null;
                    var counter = _counters.FirstOrDefault(c => c.Name == index || index == c.Name + " + 1");
                    string previous = counter is null ? index
                        : index == counter.Name + " + 1" ? counter.Name
                        : counter.Start >= 1 ? counter.Name + " - 1"
                        : index;
                    string text = Fill(WriteForms[w.Form].Template, $"{buffer}[{index}]", e, string.Empty).Replace("{p}", $"{buffer}[{previous}]");
                    builder.Append(indent).Append(text).Append('\n');
                    break;
                }

                case LoopIndexLocal l:
                {
                    if (_counters.Count == 0)
                    {
                        break;
                    }

                    var counter = _counters[l.Counter % _counters.Count];
                    var rowCounter = _counters.LastOrDefault(c => c.Dim == 0);
                    if (l.Form == 3)
                    {
                        string name = Fresh("len");
                        builder.Append(indent).Append($"int {name} = {counter.Name} + 1;\n");
                        _counts.Add((name, counter.Dim));
                    }
                    else if (l.Form == 0 && rowCounter is not null && _dims.Contains(1))
                    {
                        string name = Fresh("r");
                        builder.Append(indent).Append($"int {name} = {rowCounter.Name} * {Stride};\n");
                        _rows.Add((name, rowCounter.Name));
                    }
                    else
                    {
                        string name = Fresh("k");
                        string length = Length(counter.Dim, l.Counter);
                        builder.Append(indent).Append(l.Form == 2
                            ? $"int {name} = ({counter.Name} + 1) % {(length.Contains(' ', StringComparison.Ordinal) ? $"({length})" : length)};\n"
                            : $"int {name} = {length} - 1 - {counter.Name};\n");
                        _indexLocals.Add((name, counter.Dim));
                    }

                    break;
                }

                case LoopFor loop:
                    RenderLoop(builder, loop, indent);
                    break;

                default:
                    throw new InvalidOperationException(statement.ToString());
            }
        }

        private void RenderLoop(StringBuilder builder, LoopFor loop, string indent)
        {
            // Dim 0 is the first dimension no enclosing loop runs over (n, then m in a loop over n: a matrix by
            // rows); 1 to 3 pick a dimension regardless.
            // A loop over n·m (up to 25 iterations) only at the top level, so that no nest runs more than 25 times.
            int dim = loop.Dim == 0
                ? _dims.Where(d => _counters.All(c => c.Dim != d)).DefaultIfEmpty(_dims[0]).First()
                : _dims[(loop.Dim - 1) % _dims.Count];
            if (dim == 2 && _counters.Count + _foreachDepth > 0)
            {
                dim = _dims.FirstOrDefault(d => d != 2 && _counters.All(c => c.Dim != d));
            }

            int header = loop.Header;
            // A triangle runs under the innermost enclosing counter, over its length.
            var outer = _counters.LastOrDefault();
            if (header is 6 or 7 or 9)
            {
                if (outer is null || outer.Dim == 2)
                {
                    header = 0;
                }
                else
                {
                    dim = outer.Dim;
                }
            }

            // The length the loop runs to: as the parameters and top-level locals give it, or (every other loop where
            // there is one) a count i + 1 in scope, over its dimension.
            string length;
            if (header == 9)
            {
                length = Fresh("len");
                builder.Append(indent).Append($"int {length} = {outer!.Name} + 1;\n");
            }
            else if (_counts.Count > 0 && loop.Bound % 2 == 0 && header is not (4 or 6 or 7))
            {
                var count = _counts[loop.Bound / 2 % _counts.Count];
                dim = count.Dim;
                length = count.Name;
            }
            else
            {
                var lengths = Lengths(dim);
                length = lengths[loop.Bound % lengths.Count];
            }

            // Block scope: what the body declares goes out of scope at its end.
            int scalars = _scalars.Count, counters = _counters.Count, indexLocals = _indexLocals.Count, rows = _rows.Count, counts = _counts.Count;
            string step(string counter) => loop.Step switch
            {
                0 => counter + "++",
                1 => "++" + counter,
                _ => counter + " += 1",
            };

            string? whileCounter = null;
            if (header == 4)
            {
                var vectors = _vectors.Where(v => v.Dim == dim).ToList();
                var vector = vectors[loop.Bound % vectors.Count];
                // With the known bugs let in, foreach variables are named by depth, as a person would reuse v.
                string name = AvoidKnownBugs ? Fresh("e") : $"e{Depth}";
                builder.Append(indent).Append($"foreach ({(loop.Step == 2 ? "var" : "double")} {name} in {vector.Name})\n");
                _scalars.Add(new Scalar(name, Writable: false));
                _foreachDepth++;
            }
            else if (header == 5)
            {
                whileCounter = Fresh("i");
                builder.Append(indent).Append($"int {whileCounter} = 0;\n");
                builder.Append(indent).Append($"while ({whileCounter} < {length})\n");
                _counters.Add(new Counter(whileCounter, dim, 0));
            }
            else
            {
                string i = CounterName();
                var (start, condition) = header switch
                {
                    1 => ("0", $"{i} <= {length} - 1"),
                    2 => ("0", $"{length} > {i}"),
                    3 => ("1", $"{i} < {length}"),
                    6 => ("0", $"{i} <= {outer!.Name}"),
                    7 => (outer!.Name, $"{i} < {length}"),
                    8 => ("0", $"{i} < {length} - 1"),
                    _ => ("0", $"{i} < {length}"),
                };
                builder.Append(indent).Append($"for (int {i} = {start}; {condition}; {step(i)})\n");
                _counters.Add(new Counter(i, dim, header == 3 ? 1 : header == 7 ? outer!.Start : 0, Short: header == 8));
            }

            builder.Append(indent).Append("{\n");
            _declaredInBody.Add(0);
            foreach (var statement in loop.Body)
            {
                RenderStatement(builder, statement, indent + "    ");
            }

            _declaredInBody.RemoveAt(_declaredInBody.Count - 1);

            if (whileCounter is not null)
            {
                builder.Append(indent).Append("    ").Append(step(whileCounter)).Append(";\n");
            }

            builder.Append(indent).Append("}\n");
            if (header == 4)
            {
                _foreachDepth--;
            }

            _scalars.RemoveRange(scalars, _scalars.Count - scalars);
            _counters.RemoveRange(counters, _counters.Count - counters);
            _indexLocals.RemoveRange(indexLocals, _indexLocals.Count - indexLocals);
            _rows.RemoveRange(rows, _rows.Count - rows);
            _counts.RemoveRange(counts, _counts.Count - counts);
        }
    }
}
