using System;
using System.Text;

namespace SymbolicDiff.Generator.Emit;

/// <summary>A minimal indented text writer: generated code is built as text, not with SyntaxFactory.</summary>
internal sealed class IndentedWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _depth;

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
