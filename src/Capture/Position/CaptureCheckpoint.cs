using System.Text.Json;
using System.Text.Json.Serialization;

namespace Insights.Capture.Position;

/// <summary>
/// The durable resume point: every change up to and including GTID position <see cref="Gtid"/> was
/// acknowledged by Kafka. File/Pos are informational (the binlog coordinates of that commit).
/// </summary>
public sealed record CaptureCheckpoint(string Gtid, string File, long Pos, DateTimeOffset WrittenAt)
{
    /// <summary>Reads the checkpoint, or null when none was written yet; a damaged file is an error naming it.</summary>
    public static CaptureCheckpoint? Load(string path)
    {
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(System.IO.File.ReadAllBytes(path), CaptureJsonContext.Default.CaptureCheckpoint)
                   ?? throw new CaptureException($"checkpoint {path} is empty; remove it and run `insights capture --snapshot`");
        }
        catch (JsonException e)
        {
            throw new CaptureException($"checkpoint {path} is not valid JSON ({e.Message}); remove it and run `insights capture --snapshot`");
        }
    }

    /// <summary>Writes to a temporary file, flushes it to disk, then renames it over the old one (atomic on POSIX).</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, CaptureJsonContext.Default.CaptureCheckpoint);
            stream.Flush(flushToDisk: true);
        }
        System.IO.File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CaptureCheckpoint))]
internal sealed partial class CaptureJsonContext : JsonSerializerContext;
