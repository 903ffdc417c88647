using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Insights.Contracts;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Snapshots;

/// <summary>The data file format: gzip of JSON lines, one compact ScoreUpdate per line (the topic's own JSON).</summary>
public static class SnapshotFormat
{
    public static byte[] Encode(IEnumerable<ScoreUpdate> updates)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var update in updates)
            {
                JsonSerializer.Serialize(gzip, update, ContractsJsonContext.Default.ScoreUpdate);
                gzip.WriteByte((byte)'\n');
            }
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<ScoreUpdate> Decode(byte[] content, string what)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var updates = new List<ScoreUpdate>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                updates.Add(JsonSerializer.Deserialize(line, ContractsJsonContext.Default.ScoreUpdate)
                    ?? throw new JsonException("null"));
            }
            catch (JsonException e) { throw new InvalidDataException($"{what} line {lineNumber}: not a ScoreUpdate: {e.Message}", e); }
        }
        return updates;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
