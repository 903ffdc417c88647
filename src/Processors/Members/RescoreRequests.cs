using Insights.Contracts.Commands;

namespace Insights.Processors.Members;

/// <summary>
/// The newest rescore command this worker read from the commands topic (its global store's updater writes it, the
/// member tasks read it at every flush). Each member task keeps which command it handled last (<see cref="RescoreWalk"/>).
/// </summary>
public sealed class RescoreRequests
{
    private volatile RescoreCommand? latest;

    /// <summary>The command to honour, or null when none was asked for (or the last one was withdrawn by a tombstone).</summary>
    public RescoreCommand? Latest => latest;

    /// <summary>Applies one record of the commands topic: a command, or null (a tombstone) to withdraw it. Throws <see cref="FormatException"/> on a malformed record.</summary>
    public void Apply(string? key, byte[]? value) => latest = value is null ? RescoreCommand.Withdrawn(key) : RescoreCommand.Decode(key, value);
}
