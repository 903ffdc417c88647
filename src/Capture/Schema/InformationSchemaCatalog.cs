using System.Text.RegularExpressions;
using MySqlConnector;

namespace Insights.Capture.Schema;

/// <summary>Reads captured tables' columns from information_schema, for the snapshot (the binlog brings its own).</summary>
public static partial class InformationSchemaCatalog
{
    public static async Task<TableDefinition> ReadAsync(MySqlConnection connection, string database, string table, CancellationToken ct)
    {
        const string sql = """
            SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, DATETIME_PRECISION, NUMERIC_PRECISION, NUMERIC_SCALE, COLUMN_KEY,
                   IS_NULLABLE, CHARACTER_OCTET_LENGTH
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db AND TABLE_NAME = @table ORDER BY ORDINAL_POSITION
            """;
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@db", database);
        command.Parameters.AddWithValue("@table", table);
        var columns = new List<ColumnDefinition>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            var dataType = reader.GetString(1).ToLowerInvariant();
            var columnType = reader.GetString(2);
            var type = dataType switch
            {
                "tinyint" => ColumnType.TinyInt,
                "smallint" => ColumnType.SmallInt,
                "mediumint" => ColumnType.MediumInt,
                "int" => ColumnType.Int,
                "bigint" => ColumnType.BigInt,
                "float" => ColumnType.Float,
                "double" => ColumnType.Double,
                "decimal" => ColumnType.Decimal,
                "year" => ColumnType.Year,
                "varchar" => ColumnType.VarChar,
                "char" => ColumnType.Char,
                "tinytext" or "text" or "mediumtext" or "longtext" => ColumnType.Text,
                "enum" => ColumnType.Enum,
                "set" => ColumnType.Set,
                "date" => ColumnType.Date,
                "datetime" => ColumnType.DateTime,
                "timestamp" => ColumnType.Timestamp,
                "time" => ColumnType.Time,
                "bit" => ColumnType.Bit,
                "binary" => ColumnType.Binary,
                "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ColumnType.VarBinary,
                "point" => ColumnType.Point,
                "geometry" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon" or "geometrycollection" => ColumnType.Geometry,
                // MariaDB's JSON is LONGTEXT with a json_valid check; a MySQL-style json type name is text all the same.
                "json" => ColumnType.Text,
                _ => throw new CaptureException($"{database}.{table}.{name}: column type {dataType} is not supported by the capture"),
            };
            var precision = type switch
            {
                ColumnType.DateTime or ColumnType.Timestamp or ColumnType.Time => reader.IsDBNull(3) ? 0 : Convert.ToInt32(reader.GetValue(3)),
                ColumnType.Binary => reader.IsDBNull(8) ? 0 : Convert.ToInt32(reader.GetValue(8)),
                _ => reader.IsDBNull(4) ? 0 : Convert.ToInt32(reader.GetValue(4)),
            };
            var scale = reader.IsDBNull(5) ? 0 : Convert.ToInt32(reader.GetValue(5));
            IReadOnlyList<string>? members = type is ColumnType.Enum or ColumnType.Set
                ? QuotedValue().Matches(columnType).Select(m => m.Groups[1].Value.Replace("''", "'")).ToList()
                : null;
            columns.Add(new ColumnDefinition(name, type, precision, scale,
                columnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase), members, reader.GetString(6) == "PRI",
                Nullable: reader.GetString(7) == "YES"));
        }
        if (columns.Count == 0) throw new CaptureException($"table {database}.{table} does not exist or the capture user cannot see it");
        return new TableDefinition(database, table, columns);
    }

    [GeneratedRegex("'((?:[^']|'')*)'")]
    private static partial Regex QuotedValue();
}
