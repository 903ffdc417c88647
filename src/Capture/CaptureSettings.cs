using Insights.Contracts.Cinema;
using Insights.Contracts.Configuration;
using Insights.Contracts.Debezium;
using MySqlConnector;

namespace Insights.Capture;

/// <summary>
/// The built-in capture's settings, bound from configuration section `Capture` (env: Capture__TopicPrefix ...); it
/// connects with MariaDb:CaptureConnectionString. Each setting keeps the name of the Debezium connector property it
/// stands for in its description, so moving to Kafka Connect (connect/) is a matter of copying values.
/// </summary>
public sealed record CaptureSettings
{
    public const string Section = "Capture";

    /// <summary>Every setting at its default: what <see cref="CaptureOptions"/> starts from.</summary>
    public static CaptureSettings Defaults { get; } = new();

    /// <summary>The file holding the last binlog position sent (Debezium keeps it in the offsets topic); a restart resumes from it.</summary>
    public string CheckpointPath { get; init; } = Path.Combine(".insights", "capture-checkpoint.json");

    /// <summary>Prefix of the change topics (`cdc` writes `cdc.cinema.tickets` ...): Debezium's topic.prefix.</summary>
    public string TopicPrefix { get; init; } = CinemaTables.DefaultTopicPrefix;

    /// <summary>The replica server id the capture registers with; must differ from every server and replica (Debezium's database.server.id).</summary>
    public uint ServerId { get; init; } = 184101;

    /// <summary>How DECIMAL columns are written: precise (Debezium's default, base64 of the unscaled value), string or double (decimal.handling.mode).</summary>
    public string DecimalHandlingMode { get; init; } = "precise";

    /// <summary>Which columns key each table's events, `db.table:col[,col]` separated by `;` (Debezium's message.key.columns); empty keys by primary key.</summary>
    public string MessageKeyColumns { get; init; } = Capture.MessageKeyColumns.Default;

    /// <summary>Seconds between heartbeats MariaDB sends on an idle binlog (0.1 to 4294967); three missed in a row mark the connection dead.</summary>
    public double HeartbeatPeriodSeconds { get; init; } = HeartbeatPeriod.Default.Period.TotalSeconds;

    /// <summary>Every wrong setting, one line each naming the key; the capture's connection string comes from <paramref name="mariaDb"/>.</summary>
    public IEnumerable<string> Problems(MariaDbSettings mariaDb)
    {
        const string connectionKey = $"{MariaDbSettings.Section}:{nameof(MariaDbSettings.CaptureConnectionString)}";
        if (ConnectionProblem(mariaDb.CaptureConnectionString) is { } connection) yield return $"configuration key {connectionKey} {connection}";
        if (CheckpointPath.Length == 0 || CheckpointPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            yield return $"configuration key {Section}:CheckpointPath is not a valid path: '{CheckpointPath}'";
        if (TopicPrefix.Length == 0 || TopicPrefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
            yield return $"configuration key {Section}:TopicPrefix must be letters, digits, '.', '_' or '-', got '{TopicPrefix}'";
        if (ServerId == 0) yield return $"configuration key {Section}:ServerId must be a positive integer, got 0";
        if (!Enum.TryParse<DecimalHandling>(DecimalHandlingMode, ignoreCase: true, out _))
            yield return $"configuration key {Section}:DecimalHandlingMode must be precise, string or double, got '{DecimalHandlingMode}'";
        string? keys = null;
        try { Capture.MessageKeyColumns.Parse(MessageKeyColumns); }
        catch (FormatException e) { keys = $"configuration key {Capture.MessageKeyColumns.Setting}: {e.Message}"; }
        if (keys is not null) yield return keys;
        string? heartbeat = null;
        try { HeartbeatPeriod.FromSeconds(HeartbeatPeriodSeconds); }
        catch (ArgumentOutOfRangeException) { heartbeat = $"configuration key {HeartbeatPeriod.Setting} must be {HeartbeatPeriod.MinimumSeconds} to {HeartbeatPeriod.MaximumSeconds} seconds, got {HeartbeatPeriodSeconds}"; }
        if (heartbeat is not null) yield return heartbeat;
    }

    /// <summary>The options of a capture run; throws <see cref="ArgumentException"/> with the first problem when a setting is wrong.</summary>
    public CaptureOptions ToOptions(MariaDbSettings mariaDb, bool forceSnapshot) =>
        Problems(mariaDb).FirstOrDefault() is { } problem ? throw new ArgumentException(problem) : new CaptureOptions
        {
            ConnectionString = mariaDb.CaptureConnectionString,
            CheckpointPath = CheckpointPath,
            TopicPrefix = TopicPrefix,
            ServerId = ServerId,
            Decimals = Enum.Parse<DecimalHandling>(DecimalHandlingMode, ignoreCase: true),
            MessageKeyColumns = Capture.MessageKeyColumns.Parse(MessageKeyColumns),
            Heartbeat = HeartbeatPeriod.FromSeconds(HeartbeatPeriodSeconds),
            ForceSnapshot = forceSnapshot,
        };

    private static string? ConnectionProblem(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return "is missing";
        try
        {
            var builder = new MySqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Server) || string.IsNullOrEmpty(builder.UserID)) return "needs Server and User ID";
            // The replication client speaks the protocol over TCP itself.
            if (builder.ConnectionProtocol != MySqlConnectionProtocol.Tcp) return "must use TCP (the replication client does not speak unix sockets)";
        }
        catch (ArgumentException e) { return $"is not a valid connection string: {e.Message}"; }
        return null;
    }
}
