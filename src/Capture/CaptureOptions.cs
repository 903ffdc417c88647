using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;

namespace Insights.Capture;

/// <summary>What a capture run needs, made from <see cref="CaptureSettings"/> (which declares the settings and their defaults) or directly by tests.</summary>
public sealed record CaptureOptions
{
    /// <summary>MySqlConnector connection string of the replication user (TCP host and port).</summary>
    public required string ConnectionString { get; init; }
    public required string CheckpointPath { get; init; }
    public string TopicPrefix { get; init; } = CaptureSettings.Defaults.TopicPrefix;
    public string Database { get; init; } = CinemaTables.Database;
    public IReadOnlyList<string> Tables { get; init; } = CinemaTables.All;
    /// <summary>The replica server id the capture registers with; must differ from every server and replica.</summary>
    public uint ServerId { get; init; } = CaptureSettings.Defaults.ServerId;
    public DecimalHandling Decimals { get; init; } = DecimalHandling.Precise;
    /// <summary>Which columns key each table's events (Debezium's message.key.columns); by default tickets by member.</summary>
    public MessageKeyColumns MessageKeyColumns { get; init; } = MessageKeyColumns.Parse(CaptureSettings.Defaults.MessageKeyColumns);
    /// <summary>Take a new snapshot even if a checkpoint exists (after error 1236).</summary>
    public bool ForceSnapshot { get; init; }
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>The heartbeat period asked of MariaDB; three periods without a byte mark the connection dead.</summary>
    public HeartbeatPeriod Heartbeat { get; init; } = HeartbeatPeriod.FromSeconds(CaptureSettings.Defaults.HeartbeatPeriodSeconds);
    /// <summary>How long to keep reconnecting when MariaDB goes away (a restart) before giving up.</summary>
    public TimeSpan ReconnectFor { get; init; } = TimeSpan.FromMinutes(2);

    public bool Captures(string database, string table) =>
        database == Database && Tables.Contains(table, StringComparer.Ordinal);
}
