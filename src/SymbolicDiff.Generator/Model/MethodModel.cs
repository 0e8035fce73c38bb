using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>A parameter of the user's method.</summary>
/// <param name="Name">The parameter's name as written (without a leading <c>@</c>).</param>
/// <param name="TypeName">The fully qualified type, as it is emitted in the generated signature.</param>
/// <param name="IsDifferentiated">Whether the gradient has an entry for this parameter.</param>
/// <param name="DefaultValue">The default value as C# text (<c>= 1.0</c> is kept on the generated method), or null.</param>
internal sealed record ParameterModel(string Name, string TypeName, bool IsDifferentiated, string? DefaultValue = null)
{
    /// <summary>For a vector parameter (<c>ReadOnlySpan&lt;double&gt;</c>, <c>Span&lt;double&gt;</c>, <c>double[]</c>), its element type; else null.</summary>
    public string? ElementType { get; init; }

    public bool IsVector => ElementType is not null;

    /// <summary>
    /// A span (or array) the method writes its results into element by element (<c>r[i] = e;</c>): an output of a
    /// vector-valued method, never differentiated; its elements are the rows of the method's Jacobian.
    /// </summary>
    public bool IsOutput { get; init; }

    /// <summary>The name of its gradient output (<c>dWeights</c>), unique among the method's names (<see cref="GeneratedNames.Outputs"/>).</summary>
    public string Output
    {
        get => _output ?? GeneratedNames.Output(Name);
        init => _output = value;
    }

    private readonly string? _output;
}

/// <summary>One single-assignment definition <c>double Target = Value;</c> (or <c>bool</c>) of a loop-free block, as <see cref="Differentiation.SingleAssignment"/> writes it.</summary>
/// <param name="Target">The defined name: the user's local name for its first assignment, a fresh name for later ones.</param>
/// <param name="SourceName">The user's name for this value (the local or parameter it came from), used in comments.</param>
/// <param name="Value">The expression.</param>
/// <param name="IsBoolean">True for a <c>bool</c> (a condition, recorded so the backward sweep takes the same branch).</param>
/// <param name="IsGradientStruct">True for the gradient struct of a called [Differentiable] method (<c>var</c>).</param>
/// <param name="IntegerType">For an integer local (a count), its C# type (<c>int</c>, <c>long</c>); integers carry no derivative.</param>
/// <param name="HasIntegerValue">For a real local computed from integer arithmetic (<c>double converted = n / 2;</c>): the value is printed as integer code.</param>
internal sealed record Assignment(
    string Target,
    string SourceName,
    Expr Value,
    bool IsBoolean = false,
    bool IsGradientStruct = false,
    string? IntegerType = null,
    bool HasIntegerValue = false)
{
    /// <summary>Whether this defines a double, the only kind of value that has an adjoint.</summary>
    public bool IsDouble => !IsBoolean && !IsGradientStruct && IntegerType is null;

    /// <summary>The C# type the forward sweep declares it with.</summary>
    public string TypeName => IsBoolean ? "bool" : IsGradientStruct ? "var" : IntegerType ?? "double";
}

/// <summary>
/// The user's method after parsing: Roslyn-free, one structured program for every method (a loop-free method is
/// one without a <see cref="ForLoop"/>), ready to be differentiated.
/// </summary>
/// <param name="Type">Where the method lives, to reopen its partial type.</param>
/// <param name="MethodName">The method's name.</param>
/// <param name="Parameters">All parameters, in declaration order.</param>
/// <param name="Statements">The body.</param>
/// <param name="Result">The local holding the returned value (a user's local, or one named after the method).</param>
internal sealed record MethodModel(
    TypeHierarchy Type,
    string MethodName,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<Statement> Statements,
    string Result)
{
    /// <summary>False for an instance method: its gradient is an instance method too, reading the same fields.</summary>
    public bool IsStatic { get; init; } = true;

    /// <summary><c>double</c>, or <c>float</c> for a float method: the type of its values, partials and gradient.</summary>
    public string RealType { get; init; } = "double";

    public bool IsSingle => RealType == "float";

    /// <summary>A vector-valued method that returns nothing: its results are only its outputs (<see cref="ParameterModel.IsOutput"/>).</summary>
    public bool ReturnsVoid { get; init; }

    /// <summary>Whether the method writes results into span parameters (a vector-valued method, which gets a Jacobian).</summary>
    public bool HasOutputs => Parameters.Any(p => p.IsOutput);

    /// <summary>[Differentiable(SecondOrder = true)]: second derivatives are generated too (<see cref="GradientProgram.Hessian"/>).</summary>
    public bool SecondOrder { get; init; }

    /// <summary>
    /// [Differentiable(ThirdOrder = true)] (which implies <see cref="SecondOrder"/>): the Hessian's directional derivative is
    /// generated too (<see cref="GradientProgram.HessianTangent"/>), for callers whose second derivatives read this method's gradient.
    /// </summary>
    public bool ThirdOrder { get; init; }

    /// <summary>
    /// Added to the generated file's name when the type has another [Differentiable] method whose name
    /// differs only in case (F and f): file names are compared ignoring case.
    /// </summary>
    public string HintNameTag { get; init; } = string.Empty;
}

/// <summary>A type that contains the method, from outermost to innermost.</summary>
/// <param name="Keyword">The declaration keyword to reopen it: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="NameWithTypeParameters">The name as written in a declaration, with its type parameter list.</param>
internal sealed record ContainingType(string Keyword, string NameWithTypeParameters);

/// <summary>The namespace (null for the global one) and the containing types, captured once as strings.</summary>
internal sealed record TypeHierarchy(string? Namespace, EquatableArray<ContainingType> Types)
{
    /// <summary>A file-name-safe dotted name such as <c>MyApp.Outer.Inner</c>.</summary>
    public string MetadataLikeName
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            if (Namespace is not null)
            {
                parts.Add(Namespace.Replace("@", string.Empty));
            }

            foreach (var type in Types)
            {
                // Foo<T> and Foo are different types: keep the arity, as metadata names do (Foo`1).
                int angle = type.NameWithTypeParameters.IndexOf('<');
                int arity = type.NameWithTypeParameters.Count(c => c == ',') + 1;
                string name = (angle < 0 ? type.NameWithTypeParameters : type.NameWithTypeParameters.Substring(0, angle)).TrimStart('@');
                parts.Add(angle < 0 ? name : name + "`" + arity.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return string.Join(".", parts);
        }
    }
}
