namespace Insights.Contracts.Debezium;

/// <summary>
/// The <c>source</c> block of a Debezium MariaDB change event: where in the binlog the change was read.
/// (file, pos, row) orders events within a server; a repeated event carries the same triple.
/// </summary>
public sealed record SourceInfo
{
    public required string Version { get; init; }
    public required string Connector { get; init; }
    /// <summary>The connector's topic.prefix.</summary>
    public required string Name { get; init; }
    /// <summary>When the change was made in the database (binlog event time), or the snapshot read time.</summary>
    public long TsMs { get; init; }
    /// <summary>"true", "first", "first_in_data_collection", "last_in_data_collection", "last" or "false".</summary>
    public string? Snapshot { get; init; } = "false";
    public required string Db { get; init; }
    public string? Sequence { get; init; }
    public long? TsUs { get; init; }
    public long? TsNs { get; init; }
    public string? Table { get; init; }
    public long ServerId { get; init; }
    /// <summary>The MariaDB GTID (domain-server-sequence) of the transaction; null in snapshot events.</summary>
    public string? Gtid { get; init; }
    public required string File { get; init; }
    public long Pos { get; init; }
    /// <summary>The row's index within its binlog rows event.</summary>
    public int Row { get; init; }
    public long? Thread { get; init; }
    public string? Query { get; init; }

    /// <summary>The position a consumer compares to drop repeats: binlog file, event position, row.</summary>
    public (string File, long Pos, int Row) Position => (File, Pos, Row);
}
