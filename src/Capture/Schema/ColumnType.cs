namespace Insights.Capture.Schema;

/// <summary>The column types the capture decodes and encodes the Debezium way.</summary>
public enum ColumnType
{
    TinyInt, SmallInt, MediumInt, Int, BigInt, Float, Double, Decimal, Year,
    VarChar, Char, Text, Enum, Set,
    Date, DateTime, Timestamp, Time,
    /// <summary>BIT(n): a boolean for BIT(1), otherwise bytes.</summary>
    Bit,
    /// <summary>BINARY(n): bytes, right-padded with zero bytes to n (the binlog drops trailing zeros).</summary>
    Binary,
    /// <summary>VARBINARY and the BLOB types: bytes as stored.</summary>
    VarBinary,
    /// <summary>GEOMETRY, LINESTRING, POLYGON, MULTI* and GEOMETRYCOLLECTION: Debezium's Geometry struct.</summary>
    Geometry,
    /// <summary>POINT: Debezium's Point struct (x, y, wkb, srid).</summary>
    Point,
}
