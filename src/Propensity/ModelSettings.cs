namespace Insights.Propensity;

/// <summary>
/// The model's structural hyperparameters. They travel in the model file with the weights, because state
/// built with one set of settings must be scored with the same set.
/// </summary>
public sealed record ModelSettings
{
    /// <summary>Time constant (days) of the exponential decay of a member's genre affinity.</summary>
    public double GenreAffinityDecayDays { get; init; } = 60;

    /// <summary>How many of the member's newest attendances feed the neighbour features.</summary>
    public int RecentItems { get; init; } = 10;

    /// <summary>Weight of an attendance a events back from the newest is exp(-a / RecencyDecayEvents).</summary>
    public double RecencyDecayEvents { get; init; } = 5;

    /// <summary>Neighbours kept per movie in each neighbour list the scorer reads.</summary>
    public int NeighbourCount { get; init; } = 100;

    /// <summary>How many events back a "j follows i" pair is still counted.</summary>
    public int FollowWindow { get; init; } = 8;

    /// <summary>A pair g events apart adds exp(-(g - 1) / FollowGapDecay) to the follow count.</summary>
    public double FollowGapDecay { get; init; } = 3;

    /// <summary>The short popularity window (days): what is hot now.</summary>
    public int ShortWindowDays { get; init; } = 7;

    /// <summary>The long popularity window (days); short against long is momentum.</summary>
    public int LongWindowDays { get; init; } = 30;

    /// <summary>
    /// The most attendances a member holds; beyond it the oldest is forgotten (<see cref="Members.MemberState.ForgetBeyondLimit"/>).
    /// A shared or guest account can gather a hundred thousand tickets, and a member's state, the records it is stored in
    /// and every collective update it sends grow with its history; no person sees this many movies.
    /// </summary>
    // Settable, not init: the JSON source generator sets every init-only property, a missing one to 0, and a model file
    // written before this setting existed must load with the default.
    public int MaxAttendances { get; set; } = 2_000;

    public static ModelSettings Default { get; } = new();

    /// <summary>Throws with the setting's name when a value cannot work.</summary>
    public ModelSettings Validated()
    {
        Require(GenreAffinityDecayDays > 0, nameof(GenreAffinityDecayDays));
        Require(RecentItems is > 0 and <= 1000, nameof(RecentItems));
        Require(RecencyDecayEvents > 0, nameof(RecencyDecayEvents));
        Require(NeighbourCount is > 0 and <= 10_000, nameof(NeighbourCount));
        Require(FollowWindow is > 0 and <= 100, nameof(FollowWindow));
        Require(FollowGapDecay > 0, nameof(FollowGapDecay));
        Require(ShortWindowDays > 0, nameof(ShortWindowDays));
        Require(LongWindowDays > ShortWindowDays, nameof(LongWindowDays));
        // Each collective update lists the member's other movies: 10,000 keeps one under about 50 KB.
        Require(MaxAttendances is >= 10 and <= 10_000, nameof(MaxAttendances));
        return this;
    }

    private static void Require(bool ok, string name)
    {
        if (!ok) throw new ArgumentException($"model setting {name} is out of range");
    }
}
