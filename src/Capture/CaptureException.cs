namespace Insights.Capture;

/// <summary>A capture failure an operator can act on; the message says what is wrong and what to do.</summary>
public class CaptureException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The server no longer has the binlog the position needs (error 1236): only a new snapshot helps.</summary>
public sealed class SnapshotNeededException(string detail)
    : CaptureException($"the binlog position cannot be resumed ({detail}); a new snapshot is needed: run `insights capture --snapshot`");

/// <summary>An error packet from the server.</summary>
public sealed class ServerErrorException(int code, string sqlState, string message)
    : CaptureException($"MariaDB error {code} ({sqlState}): {message}")
{
    public int Code { get; } = code;
    public string ServerMessage { get; } = message;

    /// <summary>
    /// The server refused or dropped the connection for a passing reason (too many connections, the account's connection
    /// limit, a shutdown in progress, the connection killed): connecting again later can succeed, unlike an error about
    /// the binlog position or the account's rights.
    /// </summary>
    public bool IsTransient => Code is TooManyConnections or UserConnectionLimit or UserResourceLimit or ServerShutdown or ConnectionKilled;

    private const int TooManyConnections = 1040, UserConnectionLimit = 1203, UserResourceLimit = 1226, ServerShutdown = 1053, ConnectionKilled = 1927;
}
