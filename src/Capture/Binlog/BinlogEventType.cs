namespace Insights.Capture.Binlog;

/// <summary>The binlog event type codes the capture acts on (MariaDB uses the v1 row event codes 23-25).</summary>
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
    public const byte Heartbeat = 27;
    public const byte AnnotateRows = 160;
    public const byte BinlogCheckpoint = 161;
    public const byte MariaGtid = 162;
    public const byte MariaGtidList = 163;
}
