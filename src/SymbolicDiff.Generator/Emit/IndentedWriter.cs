using System;
using System.Text;

namespace SymbolicDiff.Generator.Emit;

/// <summary>A minimal indented text writer: generated code is built as text, not with SyntaxFactory.</summary>
internal sealed class IndentedWriter
{
    private const string IndentUnit = "    ";
    private StringBuilder _builder;
    private int _depth;

    public IndentedWriter() => _builder = new StringBuilder();

    private IndentedWriter(StringBuilder builder) => _builder = builder;

    /// <summary>
    /// A writer for a whole generated file, on a builder kept from the last file this thread wrote: files of a run are
    /// of similar size, so after the first the text is built without growing a builder chunk by chunk again.
    /// <see cref="Finish"/> returns the text and the builder.
    /// </summary>
    public static IndentedWriter ForFile() => new(Builders.AcquireFile());

    /// <summary>The text written, with the file's builder handed back; the writer is not to be used afterwards.</summary>
    public string Finish()
    {
        string text = _builder.ToString();
        Builders.ReleaseFile(_builder);
        _builder = null!;
        return text;
    }

    /// <summary>Appends <paramref name="text"/> as it is: no indentation, no line end.</summary>
    public IndentedWriter Raw(string text)
    {
        _builder.Append(text);
        return this;
    }

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (int i = 0; i < _depth; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>
    /// Writes <paramref name="text"/> <paramref name="depth"/> levels deeper than the current indentation, followed by
    /// <c> // </c> and <paramref name="comment"/> when there is one: the same line as <c>Line(indent + text + " // " +
    /// comment)</c>, without building it first.
    /// </summary>
    public IndentedWriter Line(int depth, string text, string? comment)
    {
        if (text.Length == 0 && comment is null)
        {
            return Line();
        }

        for (int i = 0; i < _depth + depth; i++)
        {
            _builder.Append(IndentUnit);
        }

        _builder.Append(text);
        if (comment is not null)
        {
            _builder.Append(" // ").Append(comment);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>
    /// Starts a line <paramref name="depth"/> levels deeper than the current indentation and returns the builder its text
    /// is appended to, so that a long line (a statement and its comment) is written in place rather than built as a
    /// string first; <see cref="EndLine"/> ends it.
    /// </summary>
    public StringBuilder BeginLine(int depth)
    {
        for (int i = 0; i < _depth + depth; i++)
        {
            _builder.Append(IndentUnit);
        }

        return _builder;
    }

    /// <summary>Ends the line <see cref="BeginLine"/> started.</summary>
    public IndentedWriter EndLine()
    {
        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c>, indents, and returns a scope that closes the block when disposed.</summary>
    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return new BlockScope(this);
    }

    public override string ToString() => _builder.ToString();

    private sealed class BlockScope : IDisposable
    {
        private readonly IndentedWriter _writer;
        private bool _closed;

        public BlockScope(IndentedWriter writer) => _writer = writer;

        public void Dispose()
        {
            if (!_closed)
            {
                _closed = true;
                _writer._depth--;
                _writer.Line("}");
            }
        }
    }
}
