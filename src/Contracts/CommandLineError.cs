namespace Insights.Contracts;

/// <summary>
/// A failure the user can act on (a wrong setting, a server not answering): the program prints it as one line, without
/// a stack trace, and exits 1. Thrown by the commands and by the roles' services alike, so it lives below both.
/// </summary>
public sealed class CommandLineError(string message) : Exception(message);
