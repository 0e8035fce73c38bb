using System.Reflection;
using System.Runtime.CompilerServices;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Analysis;

/// <summary>
/// Every IR node lists each subexpression it holds, through <see cref="ExpressionFacts.ChildCount"/> and
/// <see cref="ExpressionFacts.Child"/> (which the analyses walk) and <see cref="ExpressionFacts.WithChildren"/> (which
/// the rewrites rebuild with). A node added to the IR and forgotten there would hide its variables from the
/// activity analysis and the renamings, silently: this test finds it by reflection over the generator's node types.
/// </summary>
public class ExpressionChildrenTests
{
    public static TheoryData<string> NodeTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(Expr).Assembly.GetTypes().Where(t => typeof(Expr).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.Name))
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NodeTypes))]
    public void A_node_lists_every_subexpression_it_holds_in_order(string typeName)
    {
        var type = typeof(Expr).Assembly.GetType(typeName)!;
        var node = (Expr)RuntimeHelpers.GetUninitializedObject(type);
        var expected = new List<Expr>();
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken))
        {
            if (field.FieldType == typeof(EquatableArray<Expr>))
            {
                Expr[] items = [new Variable("item" + expected.Count), new Variable("item" + (expected.Count + 1))];
                field.SetValue(node, items.ToEquatableArray());
                expected.AddRange(items);
            }
            else if (typeof(Expr).IsAssignableFrom(field.FieldType))
            {
                Expr child = field.FieldType == typeof(Call)
                    ? new Call(Function.Plain("F", "F"), EquatableArray<Expr>.Empty)
                    : field.FieldType.IsAssignableFrom(typeof(Variable))
                    ? new Variable("child" + expected.Count)
                    : throw new InvalidOperationException($"{type.Name}.{field.Name} is a {field.FieldType.Name}: teach this test to make one");
                field.SetValue(node, child);
                expected.Add(child);
            }
            else if (field.FieldType == typeof(string))
            {
                field.SetValue(node, "name");
            }
        }

        int count = ExpressionFacts.ChildCount(node);
        Assert.Equal(expected, Enumerable.Range(0, count).Select(i => ExpressionFacts.Child(node, i)));
        Assert.Equal(expected, ExpressionFacts.Children(node));
        var rebuilt = ExpressionFacts.WithChildren(node, expected);
        Assert.IsType(type, rebuilt);
        Assert.Equal(expected, ExpressionFacts.Children(rebuilt));
    }
}
