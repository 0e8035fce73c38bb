using System;
using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// A comment in generated code, kept as IR until Emit prints it: text, expressions in ∂ notation, and quoted
/// statements, so that no stage before Emit needs to know how C# is written.
/// </summary>
internal sealed record Comment(EquatableArray<CommentPart> Parts)
{
    /// <summary>A comment from parts: a <see cref="string"/> is text, an <see cref="Expr"/> is written in notation, a <see cref="CommentPart"/> is kept.</summary>
    public static Comment Of(params object[] parts) => new(parts.Select(ToPart).ToEquatableArray());

    /// <summary>This comment followed by more parts.</summary>
    public Comment Append(params object[] parts) => new(Parts.Concat(parts.Select(ToPart)).ToEquatableArray());

    private static CommentPart ToPart(object part) => part switch
    {
        string text => new CommentText(text),
        Expr expression => new CommentExpression(expression),
        Statement statement => new QuotedStatement(statement),
        CommentPart commentPart => commentPart,
        _ => throw new ArgumentException("A comment part is text, an expression or a statement, not " + part.GetType().Name + ".", nameof(part)),
    };
}

/// <summary>One piece of a <see cref="Comment"/>.</summary>
internal abstract record CommentPart;

/// <summary>Literal text.</summary>
internal sealed record CommentText(string Text) : CommentPart;

/// <summary>
/// An expression: in plain notation (<c>h[i]</c>, <c>1 - a</c>), or with <paramref name="AsCode"/> exactly as the
/// method's code prints it (float literals in a float method).
/// </summary>
internal sealed record CommentExpression(Expr Expression, bool AsCode = false) : CommentPart;

/// <summary>A forward statement quoted in the backward sweep (<c>// s += w[i] * x[i];</c>), printed as the forward sweep prints it.</summary>
internal sealed record QuotedStatement(Statement Statement) : CommentPart;
