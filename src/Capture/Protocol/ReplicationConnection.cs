using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Insights.Capture.Protocol;

/// <summary>
/// The replica side of the MariaDB replication protocol on a raw socket: handshake with
/// mysql_native_password, simple statements, COM_REGISTER_SLAVE and COM_BINLOG_DUMP, then binlog events.
/// </summary>
public sealed class ReplicationConnection : IAsyncDisposable
{
    [Flags]
    private enum Capabilities : uint
    {
        LongPassword = 1,
        Protocol41 = 0x200,
        Transactions = 0x2000,
        SecureConnection = 0x8000,
        PluginAuth = 0x80000,
    }

    private const string NativePassword = "mysql_native_password";
    private readonly PacketChannel channel;

    private ReplicationConnection(PacketChannel channel) => this.channel = channel;

    public string ServerVersion { get; private set; } = "";
    public uint ConnectionId { get; private set; }

    /// <summary>Connects and authenticates; every read on the connection (the handshake included) has <paramref name="readDeadline"/>.</summary>
    public static async Task<ReplicationConnection> OpenAsync(string host, int port, string user, string password, TimeSpan readDeadline, CancellationToken ct)
    {
        var connection = new ReplicationConnection(await PacketChannel.ConnectAsync(host, port, readDeadline, ct));
        try { await connection.AuthenticateAsync(user, password, ct); }
        catch { await connection.DisposeAsync(); throw; }
        return connection;
    }

    private async Task AuthenticateAsync(string user, string password, CancellationToken ct)
    {
        var greeting = await channel.ReadAsync(ct);
        if (greeting[0] == 0xFF) ThrowError(greeting);
        var scramble = ParseGreeting(greeting, out var plugin);
        var response = new List<byte>(128);
        var caps = Capabilities.LongPassword | Capabilities.Protocol41 | Capabilities.Transactions | Capabilities.SecureConnection | Capabilities.PluginAuth;
        response.AddRange(BitConverter.GetBytes((uint)caps));
        response.AddRange(BitConverter.GetBytes(1u << 24));
        response.Add(45); // utf8mb4_general_ci
        response.AddRange(new byte[23]);
        response.AddRange(Encoding.UTF8.GetBytes(user)); response.Add(0);
        var auth = plugin == NativePassword ? NativeScramble(password, scramble) : [];
        response.Add((byte)auth.Length); response.AddRange(auth);
        response.AddRange(Encoding.ASCII.GetBytes(NativePassword)); response.Add(0);
        await channel.WriteAsync(response.ToArray(), ct);

        var reply = await channel.ReadAsync(ct);
        if (reply[0] == 0xFE)
        {
            // Auth switch: the account uses another plugin, or the server wants a fresh scramble.
            var reader = new PacketReader(reply) { Offset = 1 };
            var requested = reader.NullTerminatedString();
            if (requested != NativePassword)
                throw new CaptureException($"the capture user authenticates with '{requested}'; the capture supports mysql_native_password only (ALTER USER ... IDENTIFIED VIA mysql_native_password USING PASSWORD('...'))");
            var seed = reader.Rest.ToArray().AsSpan();
            if (seed.Length > 0 && seed[^1] == 0) seed = seed[..^1];
            await channel.WriteAsync(NativeScramble(password, seed.ToArray()), ct);
            reply = await channel.ReadAsync(ct);
        }
        if (reply[0] == 0xFF) ThrowError(reply);
        if (reply[0] != 0x00) throw new CaptureException($"unexpected authentication reply 0x{reply[0]:X2}");
    }

    private byte[] ParseGreeting(byte[] packet, out string plugin)
    {
        var r = new PacketReader(packet);
        var protocol = r.U8();
        if (protocol != 10) throw new CaptureException($"unsupported MariaDB protocol version {protocol}");
        ServerVersion = r.NullTerminatedString();
        ConnectionId = r.U32();
        var part1 = r.Bytes(8).ToArray();
        r.Skip(1);
        r.U16(); r.U8(); r.U16(); r.U16();
        var authLength = r.U8();
        r.Skip(10);
        var part2Length = Math.Max(13, authLength - 8);
        var part2 = r.Bytes(Math.Min(part2Length, r.Remaining)).ToArray();
        plugin = r.Remaining > 0 ? r.NullTerminatedString() : NativePassword;
        var scramble = part1.Concat(part2).ToArray();
        return scramble.Length > 20 ? scramble[..20] : scramble;
    }

    private static byte[] NativeScramble(string password, byte[] scramble)
    {
        if (password.Length == 0) return [];
        var hash1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var hash2 = SHA1.HashData(hash1);
        var hash3 = SHA1.HashData(scramble.Take(20).Concat(hash2).ToArray());
        for (var i = 0; i < hash1.Length; i++) hash1[i] ^= hash3[i];
        return hash1;
    }

    /// <summary>Runs a statement that returns no rows (SET ...).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        channel.ResetSequence();
        var payload = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        payload[0] = 0x03;
        Encoding.UTF8.GetBytes(sql, payload.AsSpan(1));
        await channel.WriteAsync(payload, ct);
        await ExpectOkAsync(ct);
    }

    /// <summary>COM_REGISTER_SLAVE: makes the capture visible in SHOW SLAVE HOSTS under its server id.</summary>
    public async Task RegisterReplicaAsync(uint serverId, CancellationToken ct)
    {
        channel.ResetSequence();
        var payload = new byte[1 + 4 + 3 + 2 + 4 + 4];
        payload[0] = 0x15;
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(1), serverId);
        // empty host, user and password (1-byte lengths 0), port 0, rank 0, master id 0
        await channel.WriteAsync(payload, ct);
        await ExpectOkAsync(ct);
    }

    /// <summary>
    /// COM_BINLOG_DUMP from a file position, or with an empty file after SET @slave_connect_state (GTID).
    /// Non-blocking: the server ends the stream at the end of the binlog instead of waiting for new events.
    /// </summary>
    public async Task StartDumpAsync(uint serverId, string file, uint position, CancellationToken ct, bool nonBlocking = false)
    {
        channel.ResetSequence();
        var name = Encoding.UTF8.GetBytes(file);
        var payload = new byte[1 + 4 + 2 + 4 + name.Length];
        payload[0] = 0x12;
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(1), position);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(5), (ushort)(nonBlocking ? 1 : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(7), serverId);
        name.CopyTo(payload.AsSpan(11));
        await channel.WriteAsync(payload, ct);
    }

    /// <summary>The next binlog event (header, body and checksum), or null when the server ended the stream.</summary>
    public async Task<byte[]?> ReadEventAsync(CancellationToken ct)
    {
        var packet = await channel.ReadAsync(ct);
        switch (packet[0])
        {
            case 0x00: return packet[1..];
            case 0xFE when packet.Length < 9: return null;
            case 0xFF:
                var error = ParseError(packet);
                if (error.Code == 1236) throw new SnapshotNeededException(error.ServerMessage);
                throw error;
            default: throw new CaptureException($"unexpected binlog stream packet 0x{packet[0]:X2}");
        }
    }

    private async Task ExpectOkAsync(CancellationToken ct)
    {
        var reply = await channel.ReadAsync(ct);
        if (reply[0] == 0xFF) ThrowError(reply);
        if (reply[0] != 0x00) throw new CaptureException($"expected OK from MariaDB, got packet 0x{reply[0]:X2}");
    }

    private static void ThrowError(byte[] packet) => throw ParseError(packet);

    private static ServerErrorException ParseError(byte[] packet)
    {
        var r = new PacketReader(packet) { Offset = 1 };
        var code = r.U16();
        var state = "HY000";
        if (r.Remaining > 0 && r.Rest[0] == (byte)'#') { r.Skip(1); state = Encoding.ASCII.GetString(r.Bytes(5)); }
        return new ServerErrorException(code, state, r.RestAsString());
    }

    public ValueTask DisposeAsync() => channel.DisposeAsync();
}
