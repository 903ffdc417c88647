using System.Text;
using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>
/// Inserts rows with one parameterised multi-row INSERT per chunk, inside the caller's transaction:
/// one round trip per thousand rows instead of one per row.
/// </summary>
public sealed class MultiRowInsert<T>(string table, IReadOnlyList<string> columns, Func<T, object?[]> values)
{
    public const int RowsPerStatement = 1000;

    public async Task InsertAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<T> rows, CancellationToken ct)
    {
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                var row = values(rows[start + r]);
                if (row.Length != columns.Count) throw new InvalidOperationException($"{table}: {row.Length} values for {columns.Count} columns");
                sql.Append(r == 0 ? "(" : ",(");
                for (var c = 0; c < row.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : "," + name);
                    command.Parameters.AddWithValue(name, row[c] ?? DBNull.Value);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
