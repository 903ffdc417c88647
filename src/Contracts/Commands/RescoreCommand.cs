using System.Text.Json;

namespace Insights.Contracts.Commands;

/// <summary>
/// The value on `insights.processors.commands` (compacted, one partition) under the key <see cref="Key"/>: asks every
/// worker to send every member's current scores again, even where nothing changed since the last update it sent (after
/// a snapshot restore put older scores in the sinks). Each worker's member tasks do it once per <see cref="Id"/>; a
/// newer command replaces an older one, which compaction then drops. A null value (tombstone) asks for nothing.
/// </summary>
public sealed record RescoreCommand
{
    /// <summary>Version of this contract; readers reject versions they do not know.</summary>
    public const int CurrentSchema = 1;

    /// <summary>The one key rescore commands are written under: the topic keeps only the newest.</summary>
    public const string Key = "rescore";

    public int Schema { get; init; } = CurrentSchema;

    /// <summary>Unique per request: a task that handled this id does not handle it again.</summary>
    public required string Id { get; init; }

    /// <summary>Why it was asked for, for the operator (e.g. "snapshot 20260110T180000Z restored to topic").</summary>
    public required string Reason { get; init; }

    /// <summary>When it was asked for (epoch milliseconds, UTC).</summary>
    public required long RequestedAtMs { get; init; }

    public static RescoreCommand New(string reason, TimeProvider? clock = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Reason = reason,
        RequestedAtMs = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds(),
    };

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, ContractsJsonContext.Default.RescoreCommand);

    /// <summary>Reads a record of the commands topic; throws <see cref="FormatException"/> naming what is wrong with it.</summary>
    public static RescoreCommand Decode(string? key, byte[] value)
    {
        CheckKey(key);
        RescoreCommand? command;
        try { command = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.RescoreCommand); }
        catch (JsonException e) { throw new FormatException($"value is not a RescoreCommand: {e.Message}", e); }
        if (command is null) throw new FormatException("value is JSON null, expected a RescoreCommand or a tombstone");
        if (command.Schema != CurrentSchema)
            throw new FormatException($"RescoreCommand schema {command.Schema} is unknown (this reader knows {CurrentSchema})");
        if (string.IsNullOrWhiteSpace(command.Id)) throw new FormatException("RescoreCommand id is empty");
        if (command.Id.Length > MaxIdLength) throw new FormatException($"RescoreCommand id has {command.Id.Length} characters, at most {MaxIdLength}");
        if (command.Reason is null) throw new FormatException("RescoreCommand reason is null");
        return command;
    }

    /// <summary>A tombstone: no command is asked for any more. Returns null; throws <see cref="FormatException"/> when the key is not a command's.</summary>
    public static RescoreCommand? Withdrawn(string? key)
    {
        CheckKey(key);
        return null;
    }

    private static void CheckKey(string? key)
    {
        if (key != Key) throw new FormatException($"command key '{Shortened(key)}' is unknown, expected '{Key}'");
    }

    // Each member task stores the id it handled; an id is an identifier, not a payload.
    private const int MaxIdLength = 200;

    private static string? Shortened(string? text) => text is { Length: > 64 } ? text[..64] + "..." : text;
}
