namespace Insights.Capture.Binlog;

/// <summary>
/// Binlog event type codes. The capture decodes the row events, follows transactions (GTID, XID, COMMIT queries)
/// and the file (ROTATE), skips the events listed in <see cref="CarriesNoRowChanges"/>, and stops on any other type:
/// an event it does not know may hold row changes, and skipping it while the checkpoint moves on would lose them.
/// </summary>
public static class BinlogEventType
{
    public const byte Query = 2;
    public const byte Stop = 3;
    public const byte Rotate = 4;
    public const byte FormatDescription = 15;
    public const byte Xid = 16;
    public const byte TableMap = 19;
    public const byte WriteRowsV1 = 23;
    public const byte UpdateRowsV1 = 24;
    public const byte DeleteRowsV1 = 25;
    public const byte Incident = 26;
    public const byte Heartbeat = 27;
    public const byte WriteRowsV2 = 30;
    public const byte UpdateRowsV2 = 31;
    public const byte DeleteRowsV2 = 32;
    public const byte AnnotateRows = 160;
    public const byte BinlogCheckpoint = 161;
    public const byte MariaGtid = 162;
    public const byte MariaGtidList = 163;
    /// <summary>With log_bin_compress=ON, statements and row events longer than log_bin_compress_min_len are zlib-compressed.</summary>
    public const byte QueryCompressed = 165;
    public const byte WriteRowsCompressedV1 = 166;
    public const byte UpdateRowsCompressedV1 = 167;
    public const byte DeleteRowsCompressedV1 = 168;
    public const byte WriteRowsCompressedV2 = 169;
    public const byte UpdateRowsCompressedV2 = 170;
    public const byte DeleteRowsCompressedV2 = 171;

    public enum RowChange { Write, Update, Delete }

    /// <summary>What a row event does, or null for events that are not row events the capture decodes.</summary>
    public static RowChange? RowsKind(byte type) => type switch
    {
        WriteRowsV1 or WriteRowsV2 or WriteRowsCompressedV1 or WriteRowsCompressedV2 => RowChange.Write,
        UpdateRowsV1 or UpdateRowsV2 or UpdateRowsCompressedV1 or UpdateRowsCompressedV2 => RowChange.Update,
        DeleteRowsV1 or DeleteRowsV2 or DeleteRowsCompressedV1 or DeleteRowsCompressedV2 => RowChange.Delete,
        _ => null,
    };

    /// <summary>v2 row events carry a variable-length extra header after the table id and flags.</summary>
    public static bool HasExtraRowsHeader(byte type) => type is >= WriteRowsV2 and <= DeleteRowsV2 or >= WriteRowsCompressedV2 and <= DeleteRowsCompressedV2;

    public static bool IsCompressedRows(byte type) => type is >= WriteRowsCompressedV1 and <= DeleteRowsCompressedV2;

    /// <summary>
    /// Events known to hold no row change of a ROW-format binlog: the start and stop of files, statement-format
    /// helpers (intvar, rand, user variables, LOAD DATA blocks), heartbeats, annotations, checkpoints, GTID lists,
    /// the encryption marker (the server decrypts before sending) and MySQL's own GTID and heartbeat events (not its
    /// compressed transaction payload, which holds rows).
    /// </summary>
    public static bool CarriesNoRowChanges(byte type) => type is
        1 or Stop or 5 or 6 or 7 or 8 or 9 or 10 or 11 or 12 or 13 or 14 or FormatDescription or 17 or 18
        or Heartbeat or 28 or 29 or 33 or 34 or 35 or 36 or 37 or 38 or 41
        or AnnotateRows or BinlogCheckpoint or MariaGtidList or 164;
}
