using System.Text;

namespace Insights.Capture.Schema;

/// <summary>
/// One column as the capture needs it, whether it came from a binlog table-map event (streaming) or from
/// information_schema (snapshot): Precision is the fractional-second digits for temporal types, the digits for
/// DECIMAL, the bits of a BIT and the bytes of a BINARY; Members are ENUM/SET values in definition order.
/// Nullable decides what an unrepresentable date becomes (null, or the epoch for a NOT NULL column).
/// TextEncoding is the column's character set for decoding binlog bytes (the snapshot's driver decodes itself).
/// </summary>
public sealed record ColumnDefinition(
    string Name,
    ColumnType Type,
    int Precision = 0,
    int Scale = 0,
    bool Unsigned = false,
    IReadOnlyList<string>? Members = null,
    bool IsPrimaryKey = false,
    bool Nullable = true,
    Encoding? TextEncoding = null);

/// <summary>A captured table's columns in table order, as of one moment (a table map or the snapshot).</summary>
public sealed record TableDefinition(string Database, string Table, IReadOnlyList<ColumnDefinition> Columns)
{
    public IEnumerable<int> KeyIndexes => Columns.Select((c, i) => (c, i)).Where(x => x.c.IsPrimaryKey).Select(x => x.i);
}
