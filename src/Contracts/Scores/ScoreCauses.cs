namespace Insights.Contracts.Scores;

/// <summary>
/// Why a worker sent a score update (<see cref="ScoreUpdate.Cause"/>). Only <see cref="MemberEvent"/> answers a change
/// of the member's own: every other cause rescores the member as they were, and its update keeps the source position
/// of the member's last event, so "now minus <c>Source.TsMs</c>" measures how old that event is, not how fast the
/// pipeline is. Text, not an enum: a reader meeting a cause added later takes it for a rescore instead of failing.
/// </summary>
public static class ScoreCauses
{
    /// <summary>A ticket or member-row change of this member: the update's source position is that event.</summary>
    public const string MemberEvent = "member_event";

    /// <summary>The candidate movies changed (a movie came into or left the catalog).</summary>
    public const string Catalog = "catalog";

    /// <summary>The movie profiles were republished (other members' attendances moved the scores).</summary>
    public const string Profiles = "profiles";

    /// <summary>A worker with a different model took the member over.</summary>
    public const string Model = "model";

    /// <summary>A rescore command asked for every member's scores again.</summary>
    public const string Command = "command";

    /// <summary>Whether the update answers the member's own event: false for every rescore, and for an update without a cause (written before causes were).</summary>
    public static bool IsMemberEvent(string? cause) => cause == MemberEvent;
}
