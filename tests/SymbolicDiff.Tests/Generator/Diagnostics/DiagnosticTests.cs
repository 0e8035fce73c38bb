using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// One test (at least) per diagnostic the generator reports: the offending construct is marked with
/// <c>[|</c> … <c>|]</c> in the source, and each test checks the ID, the exact message, the severity and the
/// location (file and span) of the diagnostic, and that nothing else is reported and nothing generated.
/// The expected messages are written out here, from the descriptors' formats: a change of wording must be
/// a deliberate change of these tests.
/// </summary>
public class DiagnosticTests
{
    // The fixed second halves of the statement and expression messages (SD0004, SD0005, SD0006).
    private const string StatementsSupported =
        " is not supported in a [Differentiable] method; supported statements are declarations of double, float, int, long and bool locals and of buffers (stackalloc double[n], new double[n]), assignments (=, +=, -=, *=, /=, ++, --) to them and to buffer elements, if/else and switch, for/foreach/while/do loops with break and continue, and return and throw anywhere";

    private const string ExpressionsSupported =
        " is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative";

    private const string FunctionsSupported =
        " has no known derivative: call one of Math.Exp, Log, Log10, Log2, Sqrt, Cbrt, Pow, Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh, Abs, Max, Min, Clamp, FusedMultiplyAdd, CopySign, IEEERemainder, Sign, Floor, Ceiling, Round, Truncate, or a static method that declares its derivative with [Derivative]";

    private const string LoopsSupported =
        "; supported loops are any for loop (with an int or long counter, a real one, or none), foreach over a vector, and while and do loops";

    /// <summary>A source with the usual usings and <paramref name="members"/> in <c>public static partial class C</c>.</summary>
    private static string InC(string members) => $$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """;

    // ----- Descriptors ---------------------------------------------------------------------------------

    [Fact]
    public void Every_descriptor_has_an_id_title_message_the_category_and_error_severity()
    {
        var descriptors = DiagnosticDescriptors.All.ToList();
        // SD0019 (a statement in a method with loops) was folded into SD0004 when the two parsers became one.
        // SD0030 to SD0033 are second derivatives' (SecondOrder = true), SD0034 and SD0035 third derivatives' (ThirdOrder = true).
        var expectedIds = Enumerable.Range(1, 24).Where(n => n != 19).Select(n => $"SD{n:0000}").Concat(new[] { "SD0030", "SD0031", "SD0032", "SD0033", "SD0034", "SD0035" }).Append("SD9999");
        Assert.Equal(expectedIds, descriptors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));

        foreach (var descriptor in descriptors)
        {
            Assert.Matches(new Regex("^SD[0-9]{4}$"), descriptor.Id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)), descriptor.Id + " has no title");
            string format = descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(string.IsNullOrWhiteSpace(format), descriptor.Id + " has no message format");
            Assert.Contains("{0}", format);
            Assert.Equal("SymbolicDiff", descriptor.Category);
            // SD0017 (a differentiated parameter the result ignores) is the analyzer's warning: the code is valid.
            Assert.Equal(descriptor.Id == "SD0017" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id + " is disabled by default");
            Assert.Same(descriptor, DiagnosticDescriptors.Get(descriptor.Id));
        }
    }

    [Fact]
    public void SD9999_the_internal_error_fallback_exists_and_is_an_error()
    {
        var descriptor = DiagnosticDescriptors.Get("SD9999");
        Assert.Same(DiagnosticDescriptors.InternalError, descriptor);
        Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        Assert.Equal("SymbolicDiff", descriptor.Category);
        // Every test in this class runs through DiagnosticAssert, which fails on SD9999 and on CS8785.
    }

    // ----- SD0001 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0001_virtual_method()
    {
        DiagnosticAssert.Single(
            """
            using SymbolicDiff;

            public partial class C
            {
                [Differentiable]
                public virtual double [|Square|](double x) => x * x;
            }
            """,
            "SD0001",
            "'Square' is virtual: its generated gradient could not follow overrides; [Differentiable] supports static methods and non-virtual instance methods");
    }

    // ----- SD0002 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0002_type_not_partial()
    {
        DiagnosticAssert.Single(
            """
            using SymbolicDiff;

            public static class [|Model|]
            {
                [Differentiable]
                public static double Square(double x) => x * x;
            }
            """,
            "SD0002",
            "Type 'Model' must be declared partial so that the gradient of 'Square' can be generated into it");
    }

    [Fact]
    public void SD0002_nested_type_not_partial()
    {
        DiagnosticAssert.Single(
            """
            using SymbolicDiff;

            public static partial class Outer
            {
                public static class [|Inner|]
                {
                    [Differentiable]
                    public static double Square(double x) => x * x;
                }
            }
            """,
            "SD0002",
            "Type 'Inner' must be declared partial so that the gradient of 'Square' can be generated into it");
    }

    [Fact]
    public void SD0002_containing_type_of_a_partial_nested_type_not_partial()
    {
        DiagnosticAssert.Single(
            """
            using SymbolicDiff;

            public static class [|Outer|]
            {
                public static partial class Inner
                {
                    [Differentiable]
                    public static double Square(double x) => x * x;
                }
            }
            """,
            "SD0002",
            "Type 'Outer' must be declared partial so that the gradient of 'Square' can be generated into it");
    }

    [Fact]
    public void SD0002_every_non_partial_containing_type_is_reported()
    {
        DiagnosticAssert.Reports(
            """
            using SymbolicDiff;

            namespace App
            {
                public class [|Outer|]
                {
                    public struct [|Inner|]
                    {
                        [Differentiable]
                        public static double Square(double x) => x * x;
                    }
                }
            }
            """,
            new ExpectedDiagnostic("SD0002", "Type 'Outer' must be declared partial so that the gradient of 'Square' can be generated into it"),
            new ExpectedDiagnostic("SD0002", "Type 'Inner' must be declared partial so that the gradient of 'Square' can be generated into it"));
    }

    // ----- SD0003 ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("foreach", "[|foreach|] (double v in new[] { 1.0, 2.0 }) { y = y * v; }", "foreach is supported over a vector parameter or local buffer of double, with a double loop variable")]
    public void SD0003_loop(string keyword, string loop, string reason)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable(nameof(x))]
                public static double Power(double x, ReadOnlySpan<double> w)
                {
                    double y = x;
                    {{loop}}
                    return y;
                }
            """),
            "SD0003",
            $"The '{keyword}' loop cannot be differentiated: " + reason + LoopsSupported);
    }

    [Fact]
    public void SD0013_a_dynamic_parameter_is_reported_at_its_type()
    {
        // Found by fuzzing: the generated overloads passed it on to each other through dynamic dispatch (CS1978).
        DiagnosticAssert.Single(
            InC("""
                [Differentiable(nameof(x))]
                public static double F(double x, [|dynamic|] scale) => x * x;
            """),
            "SD0013",
            "'F' cannot be differentiated: its parameter 'scale' is dynamic; give it a static type");
    }

    // ----- SD0004 in loops ----------------------------------------------------------------------------------

    public static TheoryData<string, string> UnsupportedLoopStatements => new()
    {
        { "if (x[i] > 0) { Span<double> h = stackalloc double[[|i|]]; h[0] = s; }", "Declaring the buffer 'h' inside a loop with a length that changes from one iteration to the next (it reads 'i'; declare the buffer before the loop with the largest length)" },
        // x is named in [Differentiable], so it is an input, not an output of a vector-valued method.
        { "[|x|][i] = 0;", "Writing into 'x', which is not a local buffer of this method (inputs are read-only, so that no output can alias them)" },
        { "int m = i + 1; double[] h = new double[[|m|]]; h[0] = s;", "Declaring the buffer 'h' inside a loop with a length that changes from one iteration to the next (it reads 'm'; declare the buffer before the loop with the largest length)" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedLoopStatements))]
    public void SD0004_statement_in_a_loop(string statement, string description)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable(nameof(x))]
                public static double F(Span<double> x)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        {{statement}}
                    }

                    return s;
                }
            """),
            "SD0004",
            description + StatementsSupported);
    }

    // ----- SD0004 ----------------------------------------------------------------------------------------

    public static TheoryData<string, string> UnsupportedStatements => new()
    {
        {
            "switch (n) { case 0: x = 2 * x; break; case [|int m|] when m > 2: x = 3 * x; break; }",
            "The pattern 'int m' (supported in a switch: constant labels (case 2:), relational patterns (case < 0:), and, or, not, _ and default, with when guards)"
        },
        {
            "[|try|] { x = x * x; } finally { }",
            "A 'try' statement"
        },
        {
            "[|try|] { x = x * x; } catch (InvalidOperationException) { x = 0; }",
            "A 'try' statement"
        },
        {
            "[|throw|] new InvalidOperationException();",
            "A 'throw' that every call reaches (the method never returns a value to differentiate; put it inside the 'if' that checks what it rejects)"
        },
        {
            "double y = x * 2; if (y > 1) { throw new ArgumentException(\"y is \" + [|y|]); }",
            "Reading the local 'y' in the exception (the generated methods compute real locals differently: build the message from parameters, integer locals and constants)"
        },
        {
            "[|lock|] (typeof(C)) { x = 2 * x; }",
            "A 'lock' statement"
        },
        {
            "[|using|] (var stream = new System.IO.MemoryStream()) { x = 2 * x; }",
            "A 'using' statement"
        },
        {
            "[|Math.Exp(x)|];",
            "A call whose result is discarded ('Exp')"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedStatements))]
    public void SD0004_statement(string statement, string description)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable]
                public static double F(double x, int n)
                {
                    {{statement}}
                    return x;
                }
            """),
            "SD0004",
            description + StatementsSupported);
    }

    [Fact]
    public void SD0004_goto_and_its_label_are_both_reported()
    {
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double F(double x)
                {
                    [|goto|] done;
                    [|done|]: return x;
                }
            """),
            new ExpectedDiagnostic("SD0004", "A 'goto' statement" + StatementsSupported),
            new ExpectedDiagnostic("SD0004", "A labelled statement" + StatementsSupported));
    }

    // The two tests below expect a proposed wording: the current one embeds a capitalised description.
    [Fact]
    public void SD0004_assignment_to_a_field()
    {
        DiagnosticAssert.Single(
            InC("""
                private static double s_total;

                [Differentiable]
                public static double F(double x)
                {
                    [|s_total|] = x;
                    return x;
                }
            """),
            "SD0004",
            "An assignment to the field 's_total' ('s_total') (only double, int, long and bool locals, double, int and long parameters, and elements of local buffers can be assigned)" + StatementsSupported);
    }

    [Fact]
    public void SD0004_assignment_to_a_float_parameter()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, float f)
                {
                    [|f|] = 5;
                    return x;
                }
            """),
            "SD0004",
            "An assignment to the parameter 'f' of type 'float' ('f') (only double, int, long and bool locals, double, int and long parameters, and elements of local buffers can be assigned)" + StatementsSupported);
    }

    // ----- SD0005 ----------------------------------------------------------------------------------------

    public static TheoryData<string, string> UnsupportedExpressions => new()
    {
        {
            "return [|x % 2.0|];",
            "The '%' operator ('x % 2.0')"
        },
        {
            // ?: on doubles and on integers is supported; on floats, not.
            "return [|x > 0 ? 1f : 0f|];",
            "The conditional operator '?:' on values that are not double ('x > 0 ? 1f : 0f')"
        },
        {
            // Integer arithmetic, bit operations and shifts are supported (as C# does them); ^ of two bools is not.
            "return ([|x > 0 ^ n > 1|]) ? x : 0;",
            "The '^' operator on bools ('x > 0 ^ n > 1') (write it as two conditions: (a && !b) || (!a && b))"
        },
        {
            // Fields and properties of this object or of a type are read as constants; of another object, not.
            "return x * [|weights.Rank|];",
            "Reading the property 'Rank' ('weights.Rank')"
        },
        {
            "return x * [|DateTime.Now.Second|];",
            "Reading the property 'Second' ('DateTime.Now.Second')"
        },
        {
            "return x * [|(float)x|];",
            "A conversion to 'float' ('(float)x')"
        },
        {
            "[|x %= 2|]; return x;",
            "The compound assignment '%=' ('x %= 2')"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedExpressions))]
    public void SD0005_expression(string statements, string description)
    {
        DiagnosticAssert.Single(
            InC($$"""
                private static double s_scale = 2.0;

                [Differentiable(nameof(x))]
                public static double F(double x, int n, double[] weights)
                {
                    {{statements}}
                }
            """),
            "SD0005",
            description + ExpressionsSupported);
    }

    [Fact]
    public void SD0005_comparison_in_an_expression()
    {
        // A comparison is a bool: outside a condition it can reach the generator through an assignment to a
        // discard, which is itself an unsupported assignment (SD0004, whose message is checked elsewhere).
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double F(double x)
                {
                    [|_|] = [|x > 0|];
                    return x;
                }
            """),
            new ExpectedDiagnostic("SD0004", null),
            new ExpectedDiagnostic("SD0005", "The comparison '>' used as a number (comparisons belong in the conditions of 'if' and '?:') ('x > 0')" + ExpressionsSupported));
    }

    [Fact]
    public void SD0005_lambda()
    {
        // A lambda can only be stored in a delegate-typed local (SD0015) and called through it: the call is
        // of the delegate's Invoke method, which has no known derivative (SD0006).
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double F(double x)
                {
                    Func<double, double> [|square|] = v => v * v;
                    return [|square|](x);
                }
            """),
            new ExpectedDiagnostic("SD0015", "Local 'square' is of type 'System.Func<double, double>'; locals of a [Differentiable] method are double (float in a float method), bool, int or long, and Span<double> or double[] buffers (stackalloc double[n], new double[n])"),
            new ExpectedDiagnostic("SD0006", "'Func.Invoke'" + FunctionsSupported));
    }

    [Fact]
    public void SD0005_float_local_used_in_arithmetic_is_reported_at_declaration_and_use()
    {
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double F(double x)
                {
                    float [|n|] = 2;
                    return x * [|n|];
                }
            """),
            new ExpectedDiagnostic("SD0015", "Local 'n' is of type 'float'; locals of a [Differentiable] method are double (float in a float method), bool, int or long, and Span<double> or double[] buffers (stackalloc double[n], new double[n])"),
            new ExpectedDiagnostic("SD0005", "The local 'n' of type 'float' ('n')" + ExpressionsSupported));
    }

    // ----- SD0006 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0006_Math_function_without_a_derivative_rule()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, double y) => [|Math.BitIncrement|](x) * y;
            """),
            "SD0006",
            "'Math.BitIncrement'" + FunctionsSupported);
    }

    [Fact]
    public void SD0006_user_helper_without_Derivative()
    {
        DiagnosticAssert.Single(
            InC("""
                public static double Cube(double v) => v * v * v;

                [Differentiable]
                public static double F(double x) => 2 * [|Cube|](x);
            """),
            "SD0006",
            "'C.Cube'" + FunctionsSupported);
    }

    [Fact]
    public void SD0006_instance_method()
    {
        DiagnosticAssert.Single(
            InC("""
                public sealed class Scaler
                {
                    public double Scale(double v) => 2 * v;
                }

                [Differentiable]
                public static double F(double x, Scaler scaler) => [|scaler.Scale|](x);
            """),
            "SD0006",
            "'Scaler.Scale'" + FunctionsSupported);
    }

    [Fact]
    public void SD0006_is_reported_where_the_call_is_even_when_the_helper_is_in_another_file()
    {
        DiagnosticAssert.Reports(
            new[]
            {
                """
                public static class Helpers
                {
                    public static double Cube(double v) => v * v * v;
                }
                """,
                InC("""
                    [Differentiable]
                    public static double F(double x) => [|Helpers.Cube|](x) + 1;
                """),
            },
            new ExpectedDiagnostic("SD0006", "'Helpers.Cube'" + FunctionsSupported));
    }

    // ----- SD0007 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0007_named_parameter_is_not_double()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable([|nameof(n)|])]
                public static double F(double x, int n) => x * n;
            """),
            "SD0007",
            "Parameter 'n' is of type 'int' and cannot be differentiated; only parameters of the method's return type (double or float) can");
    }

    [Fact]
    public void SD0007_is_at_the_offending_argument_among_several()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable(nameof(w), [|nameof(samples)|], nameof(b))]
                public static double F(double w, double b, float[] samples) => w * b;
            """),
            "SD0007",
            "Parameter 'samples' is of type 'float[]' and cannot be differentiated; only parameters of the method's return type (double or float) can");
    }

    // ----- SD0008 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0008_name_is_not_a_parameter()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable([|"nope"|])]
                public static double F(double x, double y) => x * y;
            """),
            "SD0008",
            "'nope' is not a parameter of 'F'; its parameters are: x, y");
    }

    [Fact]
    public void SD0008_method_without_parameters()
    {
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable([|nameof(F)|], [|"x"|])]
                public static double F() => 1.0;
            """),
            new ExpectedDiagnostic("SD0008", "'F' is not a parameter of 'F'; its parameters are: (none)"),
            new ExpectedDiagnostic("SD0008", "'x' is not a parameter of 'F'; its parameters are: (none)"));
    }

    // ----- SD0009 ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("void", "[|void|] F(double x) { }")]
    [InlineData("decimal", "[|decimal|] F(double x) => 1m;")]
    public void SD0009_return_type_not_double_or_float(string type, string declaration)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable]
                public static {{declaration}}
            """),
            "SD0009",
            $"'F' returns '{type}'; a [Differentiable] method must return double (or float, computing in float with MathF), or be a vector-valued method that writes its results element by element into Span<double> parameters (r[i] = ...) and returns void or double");
    }

    // ----- SD0010 ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("ref", "F([|ref|] double x, double y) => x * y;")]
    [InlineData("out", "F([|out|] double x, double y) { x = y; return y * y; }")]
    [InlineData("in", "F([|in|] double x, double y) => x * y;")]
    public void SD0010_parameter_by_reference(string modifier, string declaration)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable]
                public static double {{declaration}}
            """),
            "SD0010",
            $"Parameter 'x' is declared '{modifier}'; the parameters of a [Differentiable] method must be passed by value");
    }

    [Fact]
    public void SD0010_ref_readonly_parameter()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F([|ref|] readonly double x, double y) => x * y;
            """),
            "SD0010",
            "Parameter 'x' is declared 'ref readonly'; the parameters of a [Differentiable] method must be passed by value");
    }

    // ----- SD0011 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0011_derivative_method_missing()
    {
        DiagnosticAssert.Single(
            InC("""
                [Derivative("CubeDerivative")]
                public static double Cube(double v) => v * v * v;

                [Differentiable]
                public static double F(double x) => [|Cube|](x);
            """),
            "SD0011",
            "The [Derivative] declaration on 'C.Cube' is invalid: 'C' has no method named 'CubeDerivative'");
    }

    [Theory]
    [InlineData("public static float CubeDerivative(double v) => 3f;")]             // returns float
    [InlineData("public static double CubeDerivative(int v) => 3.0;")]              // wrong parameter type
    [InlineData("public static double CubeDerivative() => 3.0;")]                   // no parameter
    [InlineData("public double CubeDerivative(double v) => 3 * v * v;")]           // not static (C is not static here)
    [InlineData("private static double CubeDerivative(double v) => 3 * v * v;")]   // private
    [InlineData("public static double CubeDerivative(double v, int value) => 3 * v * v;")] // extra parameter is not the value
    public void SD0011_derivative_method_with_the_wrong_signature(string derivative)
    {
        DiagnosticAssert.Single(
            $$"""
            using SymbolicDiff;

            public partial class C
            {
                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double v) => v * v * v;

                {{derivative}}

                [Differentiable]
                public static double F(double x) => [|Cube|](x);
            }
            """,
            "SD0011",
            "The [Derivative] declaration on 'C.Cube' is invalid: 'CubeDerivative' must be a static, non-private method returning double that takes (double), optionally followed by a double receiving the function's value");
    }

    [Fact]
    public void SD0011_one_argument_form_on_a_function_of_two_parameters()
    {
        DiagnosticAssert.Single(
            InC("""
                [Derivative(nameof(ProductDerivative))]
                public static double Product(double a, double b) => a * b;

                public static double ProductDerivative(double a, double b) => b;

                [Differentiable]
                public static double F(double x, double y) => [|Product|](x, y);
            """),
            "SD0011",
            "The [Derivative] declaration on 'C.Product' is invalid: it has 2 parameters, so each partial derivative must name its parameter: [Derivative(nameof(parameter), nameof(derivativeMethod))]");
    }

    [Fact]
    public void SD0011_unknown_parameter_name()
    {
        DiagnosticAssert.Single(
            InC("""
                [Derivative("c", nameof(ProductDerivative))]
                public static double Product(double a, double b) => a * b;

                public static double ProductDerivative(double a, double b) => b;

                [Differentiable]
                public static double F(double x) => [|Product|](x, 2.0);
            """),
            "SD0011",
            "The [Derivative] declaration on 'C.Product' is invalid: 'c' is not one of its parameters");
    }

    [Fact]
    public void SD0011_partial_declared_twice()
    {
        DiagnosticAssert.Single(
            InC("""
                [Derivative(nameof(CubeDerivative))]
                [Derivative(nameof(v), nameof(CubeDerivative))]
                public static double Cube(double v) => v * v * v;

                public static double CubeDerivative(double v) => 3 * v * v;

                [Differentiable]
                public static double F(double x) => [|Cube|](x);
            """),
            "SD0011",
            "The [Derivative] declaration on 'C.Cube' is invalid: the derivative with respect to 'v' is declared twice");
    }

    [Fact]
    public void SD0011_instance_function_with_Derivative()
    {
        DiagnosticAssert.Single(
            InC("""
                public sealed class Scaler
                {
                    [Derivative(nameof(ScaleDerivative))]
                    public double Scale(double v) => 2 * v;

                    public static double ScaleDerivative(double v) => 2;
                }

                [Differentiable]
                public static double F(double x, Scaler scaler) => [|scaler.Scale|](x);
            """),
            "SD0011",
            "The [Derivative] declaration on 'Scaler.Scale' is invalid: only static methods can be differentiated through");
    }

    [Fact]
    public void SD0011_function_that_does_not_take_doubles()
    {
        DiagnosticAssert.Single(
            InC("""
                [Derivative(nameof(ScaleDerivative))]
                public static double Scale(float v) => 2 * v;

                public static double ScaleDerivative(float v) => 2;

                [Differentiable]
                public static double F(double x) => x * [|Scale|](1f);
            """),
            "SD0011",
            "The [Derivative] declaration on 'C.Scale' is invalid: only methods that take and return double can be differentiated through here");
    }

    // ----- SD0012 ----------------------------------------------------------------------------------------

    private const string ProductWithOnePartial = """
            [Derivative(nameof(a), nameof(ProductByA))]
            public static double Product(double a, double b) => a * b;

            public static double ProductByA(double a, double b) => b;
        """;

    [Fact]
    public void SD0012_active_argument_for_a_parameter_without_a_declared_partial()
    {
        DiagnosticAssert.Single(
            InC($$"""
                {{ProductWithOnePartial}}

                [Differentiable]
                public static double F(double x, double y) => [|Product(x, y)|];
            """),
            "SD0012",
            "'Product' declares no derivative with respect to its parameter 'b', but the argument passed for it depends on a differentiated parameter; declare one with [Derivative(nameof(b), ...)]");
    }

    [Fact]
    public void SD0012_active_argument_through_a_local_inside_a_larger_expression()
    {
        DiagnosticAssert.Single(
            InC($$"""
                {{ProductWithOnePartial}}

                [Differentiable]
                public static double F(double x, double y)
                {
                    double z = x * y;
                    return 1 + 2 * [|Product(x, z)|];
                }
            """),
            "SD0012",
            "'Product' declares no derivative with respect to its parameter 'b', but the argument passed for it depends on a differentiated parameter; declare one with [Derivative(nameof(b), ...)]");
    }

    [Fact]
    public void SD0012_not_reported_for_a_constant_argument()
    {
        var run = GeneratorHarness.Run(InC($$"""
                {{ProductWithOnePartial}}

                [Differentiable]
                public static double F(double x) => Product(x, 2.0);
            """)).ShouldSucceed();
        var gradient = run.Load().GetType("C")!.GetMethod("FWithGradient")!.Invoke(null, new object[] { 3.0 })!;
        Assert.Equal(6.0, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);
        Assert.Equal(2.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }

    [Fact]
    public void SD0012_not_reported_for_an_argument_that_is_not_differentiated()
    {
        var run = GeneratorHarness.Run(InC($$"""
                {{ProductWithOnePartial}}

                [Differentiable(nameof(x))]
                public static double F(double x, double y) => Product(x, y);
            """)).ShouldSucceed();
        var gradient = run.Load().GetType("C")!.GetMethod("FWithGradient")!.Invoke(null, new object[] { 3.0, 5.0 })!;
        Assert.Equal(15.0, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);
        Assert.Equal(5.0, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);
    }

    // ----- SD0013 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0013_generic_method()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F[|<T>|](double x) => x * x;
            """),
            "SD0013",
            "'F' cannot be differentiated: generic methods are not supported; give it double parameters");
    }

    [Fact]
    public void SD0013_overloaded_Differentiable_methods_are_both_reported()
    {
        const string message = "'F' cannot be differentiated: it has [Differentiable] overloads, which would all generate 'FGradient'; give them different names";
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double [|F|](double x) => x * x;

                [Differentiable]
                public static double [|F|](double x, double y) => x * y;
            """),
            new ExpectedDiagnostic("SD0013", message),
            new ExpectedDiagnostic("SD0013", message));
    }

    [Fact]
    public void SD0013_an_overload_without_the_attribute_is_fine()
    {
        GeneratorHarness.Run(InC("""
                [Differentiable]
                public static double F(double x) => x * x;

                public static double F(double x, double y) => x * y;
            """)).ShouldSucceed();
    }

    [Fact]
    public void SD0013_method_without_a_body()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static extern double [|F|](double x);
            """),
            "SD0013",
            "'F' cannot be differentiated: it has no body to differentiate");
    }

    [Fact]
    public void SD0013_local_function()
    {
        DiagnosticAssert.Single(
            InC("""
                public static double G(double x)
                {
                    [Differentiable]
                    static double [|Square|](double v) => v * v;

                    return Square(x);
                }
            """),
            "SD0013",
            "'Square' cannot be differentiated: local functions cannot be [Differentiable]; make it a static method of a partial type");
    }

    [Fact]
    public void SD0013_not_reported_for_a_partial_method_whose_implementation_has_a_body()
    {
        var run = GeneratorHarness.Run(InC("""
                [Differentiable]
                public static partial double F(double x);

                public static partial double F(double x) => x * x;
            """));
        DiagnosticAssert.NoGeneratorFailure(run);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("no body", StringComparison.Ordinal));
    }

    // ----- SD0014 ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("[|F|](int n) => n;")]
    [InlineData("[|F|]() => 1.0;")]
    [InlineData("[|F|](float x, int[] ys) => x;")]
    public void SD0014_nothing_to_differentiate(string declaration)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable]
                public static double {{declaration}}
            """),
            "SD0014",
            "'F' has no double parameter to differentiate with respect to");
    }

    // ----- SD0015 ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("half", "float", "float [|half|] = 0.5f;")]
    [InlineData("maybe", "double?", "double? [|maybe|] = null;")]
    [InlineData("text", "string", "string [|text|] = $\"{x}\";")]
    public void SD0015_local_not_double(string name, string type, string declaration)
    {
        DiagnosticAssert.Single(
            InC($$"""
                [Differentiable]
                public static double F(double x)
                {
                    {{declaration}}
                    return x * x;
                }
            """),
            "SD0015",
            $"Local '{name}' is of type '{type}'; locals of a [Differentiable] method are double (float in a float method), bool, int or long, and Span<double> or double[] buffers (stackalloc double[n], new double[n])");
    }

    // ----- SD0016 ----------------------------------------------------------------------------------------

    [Fact]
    public void SD0016_parameter_named_value()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, double [|value|]) => x * value;
            """),
            "SD0016",
            "Parameter 'value' would be reported as gradient property 'Value', which is already taken by the value itself; rename the parameter");
    }

    [Fact]
    public void SD0016_two_parameters_with_the_same_property_name()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double _w, double [|w|]) => _w * w;
            """),
            "SD0016",
            "Parameter 'w' would be reported as gradient property 'W', which is already taken by the gradient of '_w'; rename the parameter");
    }

    [Fact]
    public void SD0016_not_reported_for_a_parameter_named_value_that_is_not_differentiated()
    {
        GeneratorHarness.Run(InC("""
                [Differentiable(nameof(x))]
                public static double F(double x, double value) => x * value;
            """)).ShouldSucceed();
    }

    // ----- Several problems ------------------------------------------------------------------------------

    [Fact]
    public void Every_problem_of_a_method_is_reported_in_one_run()
    {
        DiagnosticAssert.Reports(
            """
            using System;
            using SymbolicDiff;

            public partial class C
            {
                [Differentiable]
                public virtual double [|F|](double x)
                {
                    double y = x;
                    [|foreach|] (double v in new[] { 1.0, 2.0 }) { y = y * v; }
                    float [|steps|] = 3;
                    y = y * ([|x % 2|]);
                    return [|Math.BitIncrement|](y);
                }
            }
            """,
            new ExpectedDiagnostic("SD0001", "'F' is virtual: its generated gradient could not follow overrides; [Differentiable] supports static methods and non-virtual instance methods"),
            new ExpectedDiagnostic("SD0003", "The 'foreach' loop cannot be differentiated: foreach is supported over a vector parameter or local buffer of double, with a double loop variable" + LoopsSupported),
            new ExpectedDiagnostic("SD0015", "Local 'steps' is of type 'float'; locals of a [Differentiable] method are double (float in a float method), bool, int or long, and Span<double> or double[] buffers (stackalloc double[n], new double[n])"),
            new ExpectedDiagnostic("SD0005", "The '%' operator ('x % 2')" + ExpressionsSupported),
            new ExpectedDiagnostic("SD0006", "'Math.BitIncrement'" + FunctionsSupported));
    }

    [Fact]
    public void Declaration_problems_are_all_reported_together()
    {
        DiagnosticAssert.Reports(
            """
            using SymbolicDiff;

            public class [|C|]
            {
                [Differentiable]
                public virtual [|decimal|] [|F|][|<T>|]([|ref|] double x, double y) => 1m;
            }
            """,
            new ExpectedDiagnostic("SD0002", "Type 'C' must be declared partial so that the gradient of 'F' can be generated into it"),
            new ExpectedDiagnostic("SD0009", "'F' returns 'decimal'; a [Differentiable] method must return double (or float, computing in float with MathF), or be a vector-valued method that writes its results element by element into Span<double> parameters (r[i] = ...) and returns void or double"),
            new ExpectedDiagnostic("SD0001", "'F' is virtual: its generated gradient could not follow overrides; [Differentiable] supports static methods and non-virtual instance methods"),
            new ExpectedDiagnostic("SD0013", "'F' cannot be differentiated: generic methods are not supported; give it double parameters"),
            new ExpectedDiagnostic("SD0010", "Parameter 'x' is declared 'ref'; the parameters of a [Differentiable] method must be passed by value"));
    }

    [Fact]
    public void SD0016_is_reported_together_with_other_declaration_problems()
    {
        DiagnosticAssert.Reports(
            InC("""
                [Differentiable]
                public static double F([|ref|] double x, double [|value|]) => x * value;
            """),
            new ExpectedDiagnostic("SD0010", "Parameter 'x' is declared 'ref'; the parameters of a [Differentiable] method must be passed by value"),
            new ExpectedDiagnostic("SD0016", "Parameter 'value' would be reported as gradient property 'Value', which is already taken by the value itself; rename the parameter"));
    }

    [Fact]
    public void Diagnostics_of_one_method_do_not_stop_the_generation_of_another()
    {
        var (run, spans) = DiagnosticAssert.Run(InC("""
                [Differentiable]
                public static double Good(double x) => x * x;

                [Differentiable]
                public static double Bad(double x) => [|Math.BitIncrement|](x);
            """));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0006", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, spans[0]);
        var generated = Assert.Single(run.GradientSources);
        Assert.Contains("GoodWithGradient", generated.SourceText.ToString(), StringComparison.Ordinal);
    }

    // ----- Missing diagnostics (generator bugs) ----------------------------------------------------------

    [Fact]
    public void Generated_member_names_that_clash_are_diagnosed()
    {
        var run = GeneratorHarness.Run(InC("""
                [Differentiable]
                public static double F(double x) => x * x;

                [Differentiable]
                public static double FWith(double x) => x * x;
            """));
        DiagnosticAssert.NoGeneratorFailure(run);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id.StartsWith("SD", StringComparison.Ordinal));
    }

    [Fact]
    public void File_local_type_is_diagnosed_or_gets_a_usable_gradient()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            file static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;

                public static double Use() => FWithGradient(2.0).X;
            }
            """);
        DiagnosticAssert.NoGeneratorFailure(run);
        if (run.GeneratorDiagnostics.IsEmpty)
        {
            run.ShouldSucceed();
        }
    }

    [Theory]
    [InlineData("public static double G(double x) { Func<double, double> f = [Differentiable] (double v) => v * v; return f(x); }")]
    [InlineData("public static double P { [Differentiable] get => 1.0; }")]
    [InlineData("public sealed partial class K { [Differentiable] public static double operator +(K a, double b) => b; }")]
    public void Differentiable_on_something_other_than_a_method_is_diagnosed(string member)
    {
        var run = GeneratorHarness.Run(InC(member));
        DiagnosticAssert.NoGeneratorFailure(run);
        DiagnosticAssert.InputIsValidCSharp(run);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id.StartsWith("SD", StringComparison.Ordinal));
    }
}
