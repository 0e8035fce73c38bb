using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A pass before both transforms, for loop-free methods: a long expression in a statement outside branches is cut into named
/// terms of at most <see cref="MaxTermSize"/> nodes (<c>double term = ...;</c> before it). The partial of a product of
/// n factors with respect to each is the product of the others, n² factors written out in all, in the gradient and
/// in the directional derivative alike; with the running product named every few factors, each partial is short
/// and the code grows linearly. Nothing inside a conditional is named: it must not be evaluated where its branch
/// is not taken. Ordinary expressions are far below the bound and come out as written.
/// </summary>
internal sealed class LongExpressions
{
    /// <summary>The most nodes an expression keeps before a part of it is named (the worked example's z = x·w + b has 5).</summary>
    public const int MaxTermSize = 40;

    private readonly NameAllocator _names;
    private readonly List<Statement> _output = new();

    private LongExpressions(NameAllocator names) => _names = names;

    public static MethodModel Split(MethodModel method)
    {
        // Only where the straight-line transform takes the method: the loop transform would give a named term
        // whose value no partial reads an adjoint nothing uses (CS0219), and there a long expression stays as it is.
        if (!method.Statements.Any(IsLong) || SingleAssignment.TryLower(method) is null)
        {
            return method;
        }

        var names = new NameAllocator(method.Parameters.Select(p => p.Name)
            .Concat(StatementFacts.DeclaredNames(method.Statements))
            .Concat(method.Statements.SelectMany(StatementFacts.Expressions).SelectMany(ExpressionFacts.Variables)));
        var pass = new LongExpressions(names);
        foreach (var statement in method.Statements)
        {
            pass._output.Add(statement switch
            {
                DeclareReal { IntegerCode: false } real when IsLong(real) => real with { Value = pass.Cut(real.Value) },
                AssignReal { Target: Variable } assign when IsLong(assign) => assign with { Value = pass.Cut(assign.Value) },
                _ => statement,
            });
        }

        return method with { Statements = pass._output.ToEquatableArray() };
    }

    private static bool IsLong(Statement statement) => statement switch
    {
        DeclareReal { IntegerCode: false } real => ExpressionFacts.Size(real.Value) > MaxTermSize,
        AssignReal { Target: Variable } assign => ExpressionFacts.Size(assign.Value) > MaxTermSize,
        _ => false,
    };

    private Expr Cut(Expr expression)
    {
        switch (expression)
        {
            case Binary binary:
            {
                var left = Cut(binary.Left);
                var right = Cut(binary.Right);
                if (ExpressionFacts.Size(left) + ExpressionFacts.Size(right) + 1 > MaxTermSize)
                {
                    if (!ExpressionFacts.IsAtom(left) && ExpressionFacts.Size(left) >= ExpressionFacts.Size(right))
                    {
                        left = Term(left);
                    }
                    else if (!ExpressionFacts.IsAtom(right))
                    {
                        right = Term(right);
                    }
                }

                return new Binary(binary.Operator, left, right);
            }

            case Negate negate:
                return new Negate(Cut(negate.Operand));

            case Call call:
                return call with { Arguments = call.Arguments.Select(Cut).ToEquatableArray() };

            default:
                return expression;
        }
    }

    private Variable Term(Expr value)
    {
        string name = _names.Fresh("term");
        _output.Add(new DeclareReal(name, value));
        return new Variable(name);
    }
}
