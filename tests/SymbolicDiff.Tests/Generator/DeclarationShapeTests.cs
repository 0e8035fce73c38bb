namespace SymbolicDiff.Tests.Generator;

/// <summary>Declarations the generated code must reproduce faithfully: nesting, generics, defaults, keyword names.</summary>
public class DeclarationShapeTests
{
    [Fact]
    public void Generic_containing_types_defaults_and_keyword_names_are_carried_over()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using SymbolicDiff;

            namespace Shapes
            {
                public partial class Box<T>
                {
                    public partial record struct Inner
                    {
                        /// <summary>Has a default and a generic parameter type.</summary>
                        [Differentiable(nameof(@double))]
                        public static double F(double @double, List<T>? unused = null, double scale = 2.5) => scale * @double * @double;
                    }
                }

                public partial class Box
                {
                    public partial record struct Inner
                    {
                        [Differentiable]
                        public static double F(double x) => x;
                    }
                }
            }
            """).ShouldSucceed();

        Assert.Equal(2, run.GeneratedSources.Count); // one file per method, its derivation included
        var type = run.Load().GetType("Shapes.Box`1+Inner")!.MakeGenericType(typeof(int));
        var method = type.GetMethod("FWithGradient")!;
        object result = method.Invoke(null, new object?[] { 3.0, null, Type.Missing })!;
        Assert.Equal(2.5 * 9, (double)result.GetType().GetProperty("Value")!.GetValue(result)!);
        Assert.Equal(2 * 2.5 * 3, (double)result.GetType().GetProperty("Double")!.GetValue(result)!);
    }
}
