using Insights.Contracts.Debezium;

namespace Insights.Api.Tests;

/// <summary>Debezium change events of cinema.movies, written by the Contracts' <see cref="ChangeEventWriter"/> (the bytes the capture produces).</summary>
public sealed class MovieChanges
{
    private long position = 4;

    public (byte[] Key, byte[] Value) Movie(int movieId, string title, string status, ChangeOperation op = ChangeOperation.Create)
    {
        var at = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).AddSeconds(position);
        ColumnValue[] row =
        [
            new("movie_id", (long)movieId), new("title", title), new("genres", "Drama"),
            new("release_date", (long)DebeziumEncoding.Date(new DateOnly(2025, 6, 1))), new("certificate", "PG"),
            new("runtime_minutes", 120L), new("status", status), new("updated_at", DebeziumEncoding.Timestamp(at)),
        ];
        var source = new SourceInfo
        {
            Version = "3.0.0.Final", Connector = "mariadb", Name = "cdc", Db = "cinema", Table = "movies",
            TsMs = at.ToUnixTimeMilliseconds(), ServerId = 1, File = "binlog.000001", Pos = position++, Row = 0,
        };
        var isDelete = op == ChangeOperation.Delete;
        return (ChangeEventWriter.Key([new("movie_id", (long)movieId)]),
            ChangeEventWriter.Value(op, isDelete ? row : null, isDelete ? null : row, source, at.ToUnixTimeMilliseconds() * 1000));
    }
}
