using System.Text;
using MySqlConnector;

namespace Insights.Capture.Schema;

/// <summary>
/// The character set of each collation id the server knows, read from information_schema when the binlog connection
/// opens: table maps name a column's collation by id (binlog_row_metadata=FULL), and its bytes must be decoded in
/// that character set (latin1 is not UTF-8). Binary columns have collation 63 and stay bytes.
/// </summary>
public sealed class CollationCharsets(IReadOnlyDictionary<int, string> charsetById)
{
    public const int BinaryCollation = 63;

    /// <summary>
    /// Collation ids of the server: COLLATION_CHARACTER_SET_APPLICABILITY lists every id from MariaDB 10.10 on (the
    /// uca1400 collations have ids only there); older servers list them all in COLLATIONS.
    /// </summary>
    public static async Task<CollationCharsets> LoadAsync(MySqlConnection connection, CancellationToken ct)
    {
        try { return await ReadAsync(connection, "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL", ct); }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.BadFieldError)
        {
            return await ReadAsync(connection, "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL", ct);
        }
    }

    private static async Task<CollationCharsets> ReadAsync(MySqlConnection connection, string sql, CancellationToken ct)
    {
        var map = new Dictionary<int, string>();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) map[Convert.ToInt32(reader.GetValue(0))] = reader.GetString(1);
        return new CollationCharsets(map);
    }

    /// <summary>
    /// The encoding of a column with this collation, or null for binary (the value stays bytes).
    /// </summary>
    /// <exception cref="CaptureException">The collation is unknown, or its character set has no .NET decoder.</exception>
    public Encoding? EncodingOf(int collationId, string column)
    {
        if (collationId == BinaryCollation) return null;
        if (!charsetById.TryGetValue(collationId, out var charset))
            throw new CaptureException($"column {column} has collation id {collationId}, which the server's information_schema does not list");
        return Charsets.TryGetValue(charset, out var encoding)
            ? encoding()
            : throw new CaptureException($"column {column} is in character set {charset}, which the capture cannot decode " +
                                         $"(it decodes {string.Join(", ", Charsets.Keys.Order(StringComparer.Ordinal))})");
    }

    private static Encoding CodePage(int codePage) =>
        CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? throw new InvalidOperationException($"code page {codePage} is not available");

    // MariaDB character sets by the code page Java's (so Debezium's) decoder uses for them. MariaDB's latin1 is
    // Windows-1252, not ISO-8859-1; utf16, ucs2 and utf32 are big-endian; ASCII bytes above 127 become U+FFFD as in Java.
    private static readonly Dictionary<string, Func<Encoding>> Charsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utf8mb4"] = () => Encoding.UTF8,
        ["utf8mb3"] = () => Encoding.UTF8,
        ["utf8"] = () => Encoding.UTF8,
        ["latin1"] = () => CodePage(1252),
        ["ascii"] = () => Encoding.GetEncoding("us-ascii", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD")),
        ["latin2"] = () => CodePage(28592),
        ["latin5"] = () => CodePage(28599),
        ["latin7"] = () => CodePage(28603),
        ["greek"] = () => CodePage(28597),
        ["hebrew"] = () => CodePage(28598),
        ["cp1250"] = () => CodePage(1250),
        ["cp1251"] = () => CodePage(1251),
        ["cp1256"] = () => CodePage(1256),
        ["cp1257"] = () => CodePage(1257),
        ["cp850"] = () => CodePage(850),
        ["cp852"] = () => CodePage(852),
        ["cp866"] = () => CodePage(866),
        ["koi8r"] = () => CodePage(20866),
        ["koi8u"] = () => CodePage(21866),
        ["macroman"] = () => CodePage(10000),
        ["macce"] = () => CodePage(10029),
        ["tis620"] = () => CodePage(874),
        ["sjis"] = () => CodePage(932),
        ["cp932"] = () => CodePage(932),
        ["ujis"] = () => CodePage(20932),
        ["eucjpms"] = () => CodePage(20932),
        ["gbk"] = () => CodePage(936),
        ["gb2312"] = () => CodePage(936),
        ["big5"] = () => CodePage(950),
        ["euckr"] = () => CodePage(51949),
        ["ucs2"] = () => Encoding.BigEndianUnicode,
        ["utf16"] = () => Encoding.BigEndianUnicode,
        ["utf16le"] = () => Encoding.Unicode,
        ["utf32"] = () => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
    };
}
