/// <summary>
/// A problem with the penguin data file that the user can fix (missing file, bad header, malformed value).
/// The message is a complete one-line sentence meant for stderr, so no stack trace is ever needed.
/// </summary>
internal sealed class PenguinDataException : Exception
{
    public PenguinDataException(string message)
        : base(message)
    {
    }

    public PenguinDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
