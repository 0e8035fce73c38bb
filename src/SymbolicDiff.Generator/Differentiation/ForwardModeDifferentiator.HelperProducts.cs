using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

// Forward mode over a gradient program that calls a vector-valued helper's product, P(x, k, r, c, gX, out gK), which
// writes g = Jᵀc (J: the helper's Jacobian at its arguments, c: the cotangent of its outputs r). Along (dx, dk, dc):
//     dg = Σᵢ cᵢ ∇²rᵢ · (dx, dk) + Jᵀ dc,
// the helper's weighted Hessian-vector product (which writes g again beside it, so it takes the product's place) plus
// its vector-Jacobian product seeded with dc, into scratch, added in. One sweep over the helper's product, and a second
// only where the cotangent varies. A caller that reads the value f the helper returns passes its adjoint c₀ as one more
// cotangent (a real after the spans): the product is then the gradient of Σᵢ cᵢ rᵢ + c₀ f, linear in (c, c₀) as before, so
// the same rule gives (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f) · d(args) + Jᵀ dc + dc₀ ∇f, through the overloads with c₀.
internal sealed partial class ForwardModeDifferentiator
{
    // Per vector: its zero direction (an argument that does not vary), per gradient scratch: where an unread tangent goes,
    // and where Jᵀ·dc goes before it is added in. Declared beside the scratch (its length), released at the end.
    private readonly Dictionary<string, string> _helperZeroDirections = new();
    private readonly Dictionary<string, string> _helperDiscarded = new();
    private readonly Dictionary<string, string> _helperCotangentParts = new();
    private HelperProductPlan? _helperPlan;

    private sealed class HelperProductPlan
    {
        public HashSet<string> ZeroDirections { get; } = new();
        public HashSet<string> ZeroCotangents { get; } = new();
        public HashSet<string> Discarded { get; } = new();
        public HashSet<string> CotangentParts { get; } = new();
    }

    /// <summary>The helpers' product calls in the program: <c>P(args, cotangents, gradient outputs)</c>.</summary>
    private IEnumerable<VectorCall> HelperProductCalls() =>
        StatementFacts.Flatten(_method.Statements)
            .OfType<CallStatement>()
            .Select(statement => statement.Call)
            .OfType<VectorCall>()
            .Where(call => call.Function.IsHelperProductCall && call.Function.HessianVectorProductMethod is not null);

    /// <summary>What a helper's product writes (each gradient output) from what it reads (its arguments and cotangents), for the activity analysis.</summary>
    private IEnumerable<Analysis.DataFlow> HelperProductCallFlows() => HelperProductCalls().SelectMany(call =>
    {
        var (arguments, cotangents, gradients) = Split(call);
        var reads = arguments.Where((_, i) => !call.Function.IsOutput(i)).Concat(cotangents).SelectMany(DataReads).Distinct().ToList();
        return gradients.Select(GradientTarget).Where(target => target is not null).Select(target => new Analysis.DataFlow(target!, reads));
    });

    /// <summary>The helper's arguments, the cotangents of its outputs (and of its value, last, where the call weighs it), and its gradient outputs (one per differentiated parameter).</summary>
    private static (List<Expr> Arguments, List<Expr> Cotangents, List<Expr> Gradients) Split(VectorCall call)
    {
        int count = call.Function.ParameterNames.Count;
        int outputs = call.Function.Outputs.Count(o => o) + (call.Function.WeighsValue ? 1 : 0);
        return (call.Arguments.Take(count).ToList(), call.Arguments.Skip(count).Take(outputs).ToList(), call.Arguments.Skip(count + outputs).ToList());
    }

    private static string? GradientTarget(Expr gradient) => gradient switch
    {
        VectorArgument vector => vector.Vector,
        OutArgument { Declares: true } declared => declared.Target.Name,
        _ => null,
    };

    /// <summary>Which scratch spans the calls need, decided once the activity is known.</summary>
    private HelperProductPlan PlanHelperProducts()
    {
        if (_helperPlan is not null)
        {
            return _helperPlan;
        }

        var plan = new HelperProductPlan();
        foreach (var call in HelperProductCalls())
        {
            var (arguments, cotangents, gradients) = Split(call);
            var differentiated = arguments.Where((_, i) => i < call.Function.Differentiated.Count && call.Function.Differentiated[i]).ToList();
            bool cotangentVaries = cotangents.Any(c => c is VectorArgument v ? _active.Contains(v.Vector) : DataReads(c).Any(_active.Contains));
            for (int j = 0; j < differentiated.Count && j < gradients.Count; j++)
            {
                if (differentiated[j] is VectorArgument vector && !_active.Contains(vector.Vector))
                {
                    plan.ZeroDirections.Add(vector.Vector);
                }

                if (gradients[j] is VectorArgument scratch)
                {
                    if (!_active.Contains(scratch.Vector))
                    {
                        plan.Discarded.Add(scratch.Vector);
                    }
                    else if (cotangentVaries)
                    {
                        plan.CotangentParts.Add(scratch.Vector);
                    }
                }
            }

            if (cotangentVaries)
            {
                plan.ZeroCotangents.UnionWith(cotangents.OfType<VectorArgument>().Select(c => c.Vector).Where(c => !_active.Contains(c)));
            }
        }

        return _helperPlan = plan;
    }

    /// <summary>Beside an adjoint buffer or a helper's gradient scratch (<paramref name="buffer"/>, as long as <paramref name="shapedLike"/>): the spans the helpers' product calls need of its length.</summary>
    private IEnumerable<Statement> DeclareHelperProductScratch(string buffer, string shapedLike)
    {
        var plan = PlanHelperProducts();
        if (plan.ZeroDirections.Contains(shapedLike) && !_helperZeroDirections.ContainsKey(shapedLike))
        {
            yield return HelperBuffer(_helperZeroDirections, shapedLike, GeneratedNames.Tangent(shapedLike.TrimStart('@')) + "Zero", shapedLike, $"the tangent of {shapedLike}, which does not vary: 0, the direction a helper's second derivatives take for it");
        }

        if (plan.ZeroCotangents.Contains(buffer) && !_helperZeroDirections.ContainsKey(buffer))
        {
            yield return HelperBuffer(_helperZeroDirections, buffer, GeneratedNames.Tangent(buffer.TrimStart('@')) + "Zero", shapedLike, $"the tangent of {buffer}, which does not vary: 0");
        }

        if (plan.Discarded.Contains(buffer))
        {
            yield return HelperBuffer(_helperDiscarded, buffer, GeneratedNames.Tangent(buffer.TrimStart('@')) + "Unused", shapedLike, $"where a helper's second derivatives write the tangent of {buffer}, which nothing reads");
        }

        if (plan.CotangentParts.Contains(buffer))
        {
            yield return HelperBuffer(_helperCotangentParts, buffer, buffer.TrimStart('@') + "FromCotangent", shapedLike, $"the part of the tangent of {buffer} that the cotangent's tangent makes: Jᵀ·dc");
        }
    }

    private Statement HelperBuffer(Dictionary<string, string> names, string key, string wanted, string shapedLike, string comment)
    {
        string name = FreshBufferName(wanted);
        names[key] = name;
        _releases.Add(new Release(GeneratedNames.AdjointStorage(name), IsAdjointBuffer: true));
        return new DeclareAdjointBuffer(name, GeneratedNames.AdjointStorage(name), shapedLike, StackBound)
        {
            Comment = Comment.Of($"{comment}: on the stack up to {StackBound} elements, pooled above"),
        };
    }

    /// <summary>
    /// <c>P(args, c, gX, out gK)</c>, a helper's vector-Jacobian product: in its place, the helper's weighted Hessian-vector
    /// product along the arguments' tangents, which writes the same gradient outputs and their tangents Σᵢ cᵢ ∇²rᵢ · d(args);
    /// then, where the cotangent varies, the product again with dc, whose Jᵀ·dc is added into those tangents.
    /// </summary>
    private void DifferentiateHelperProductCall(CallStatement statement, VectorCall call, List<Statement> output)
    {
        var function = call.Function;
        var (arguments, cotangents, gradients) = Split(call);
        var differentiated = arguments.Where((_, i) => i < function.Differentiated.Count && function.Differentiated[i]).ToList();
        var names = function.ParameterNames.Where((_, i) => i < function.Differentiated.Count && function.Differentiated[i]).ToList();
        if (!gradients.Select(GradientTarget).Any(target => target is not null && _active.Contains(target)))
        {
            output.Add(statement);
            return;
        }

        // Σᵢ cᵢ ∇²rᵢ · d(args): the helper's weighted product, in the product's place.
        var directions = new List<Expr>();
        var along = new List<object>();
        for (int j = 0; j < differentiated.Count; j++)
        {
            if (differentiated[j] is VectorArgument vector)
            {
                bool varies = IsActiveVector(vector.Vector);
                directions.Add(new VectorArgument(varies ? _tangents[vector.Vector] : _helperZeroDirections[vector.Vector]));
                if (varies)
                {
                    along.Add(along.Count == 0 ? _tangents[vector.Vector] : ", " + _tangents[vector.Vector]);
                }
            }
            else
            {
                var tangent = Tangent(differentiated[j], isRoot: false);
                directions.Add(tangent);
                if (!IsZero(tangent))
                {
                    along.Add(along.Count == 0 ? string.Empty : ", ");
                    along.Add(tangent);
                }
            }
        }

        var products = new List<Expr>();
        var tangentsOf = new List<Expr?>();
        foreach (var gradient in gradients)
        {
            switch (gradient)
            {
                case VectorArgument scratch:
                    string target = IsActiveVector(scratch.Vector) ? _tangents[scratch.Vector] : _helperDiscarded[scratch.Vector];
                    products.Add(new VectorArgument(target));
                    tangentsOf.Add(IsActiveVector(scratch.Vector) ? new VectorArgument(target) : null);
                    break;
                case OutArgument { Declares: true } declared when _active.Contains(declared.Target.Name):
                    var tangentName = new Variable(NewTangent(declared.Target.Name));
                    products.Add(new OutArgument(tangentName, Declares: true));
                    tangentsOf.Add(tangentName);
                    break;
                default:
                    products.Add(new OutArgument(new Variable("_"), Declares: false));
                    tangentsOf.Add(null);
                    break;
            }
        }

        if (_unsupported)
        {
            return;
        }

        string written = string.Join(", ", gradients.Select(GradientTarget).Where(t => t is not null));
        string weights = string.Join(", ", cotangents.OfType<VectorArgument>().Select(c => c.Vector));
        string tangentsWritten = string.Join(", ", tangentsOf.Where(t => t is not null).Select(t => t is VectorArgument v ? v.Vector : ((Variable)t!).Name));
        var comment = new List<object> { $"{written} = {function.DisplayName}'s vector-Jacobian product with cotangent c = {weights}" };
        if (function.WeighsValue)
        {
            comment.AddRange(new object[] { " and c₀ = ", cotangents[cotangents.Count - 1], $" for its value, and {tangentsWritten} = (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²{function.DisplayName}) · (" });
        }
        else
        {
            comment.Add($", and {tangentsWritten} = Σᵢ cᵢ ∇²rᵢ · (");
        }

        comment.AddRange(along.Count == 0 ? new object[] { "0" } : along);
        comment.Add($"): its weighted Hessian-vector product");
        var hessianCall = new VectorCall(function with { QualifiedName = function.HessianVectorProductMethod! }, arguments.Concat(cotangents).Concat(directions).Concat(gradients).Concat(products).ToEquatableArray());
        output.Add(new CallStatement(hessianCall) { Comment = Comment.Of(comment.ToArray()) });

        // + Jᵀ·dc (+ dc₀ ∇f), where a cotangent varies: the product seeded with (dc, dc₀), into scratch, added in.
        var cotangentTangents = cotangents.Select(c => c is VectorArgument v && IsActiveVector(v.Vector) ? _tangents[v.Vector] : null).ToList();
        var valueTangent = function.WeighsValue ? Tangent(cotangents[cotangents.Count - 1], isRoot: false) : Constant.Zero;
        if (cotangentTangents.All(t => t is null) && IsZero(valueTangent))
        {
            return;
        }

        // What the seeded product gives: "Jᵀ · dc", "dc₀ · ∇f", or both.
        var seededWith = new List<object>();
        if (cotangentTangents.Any(t => t is not null))
        {
            seededWith.Add("Jᵀ · " + string.Join(", ", cotangentTangents.Where(t => t is not null)));
        }

        if (!IsZero(valueTangent))
        {
            seededWith.AddRange(new object[] { seededWith.Count == 0 ? string.Empty : " + ", valueTangent, $" · ∇{function.DisplayName}" });
        }

        var seeds = cotangents.Select((c, k) => c is VectorArgument vector ? (Expr)new VectorArgument(cotangentTangents[k] ?? _helperZeroDirections[vector.Vector]) : valueTangent).ToList();
        var parts = new List<Expr>();
        var additions = new List<Statement>();
        for (int j = 0; j < gradients.Count; j++)
        {
            switch (gradients[j])
            {
                case VectorArgument scratch when tangentsOf[j] is VectorArgument tangent:
                    string part = _helperCotangentParts[scratch.Vector];
                    parts.Add(new VectorArgument(part));
                    string counter = _names.Fresh("j");
                    var add = new UpdateReal(new Element(tangent.Vector, new Variable(counter)), UpdateOperator.Add, new Element(part, new Variable(counter)));
                    additions.Add(new ForLoop(counter, "int", Constant.Zero, new Member(new Variable(scratch.Vector), "Length"), new Statement[] { add }.ToEquatableArray())
                    {
                        Comment = Comment.Of(new object[] { $"{tangent.Vector} += " }.Concat(seededWith).Concat(new object[] { $": the cotangent's part, for {names[j]}" }).ToArray()),
                    });
                    break;
                case VectorArgument scratch:
                    parts.Add(new VectorArgument(_helperDiscarded[scratch.Vector]));
                    break;
                case OutArgument when tangentsOf[j] is Variable tangent:
                    var partName = new Variable(_names.Fresh(tangent.Name + "FromCotangent"));
                    parts.Add(new OutArgument(partName, Declares: true));
                    additions.Add(new UpdateReal(tangent, UpdateOperator.Add, partName) { Comment = Comment.Of(new object[] { $"{tangent.Name} += " }.Concat(seededWith).Concat(new object[] { $": the cotangent's part, for {names[j]}" }).ToArray()) });
                    break;
                default:
                    parts.Add(new OutArgument(new Variable("_"), Declares: false));
                    break;
            }
        }

        var seeded = new VectorCall(function, arguments.Concat(seeds).Concat(parts).ToEquatableArray());
        output.Add(new CallStatement(seeded)
        {
            Comment = Comment.Of(new object[] { $"{string.Join(", ", parts.Select(GradientTarget).Where(t => t is not null))} = " }.Concat(seededWith).Concat(new object[] { $": {function.DisplayName}'s vector-Jacobian product with the cotangent's tangent" }).ToArray()),
        });
        output.AddRange(additions);
    }
}
