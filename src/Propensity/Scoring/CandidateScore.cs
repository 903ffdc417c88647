namespace Insights.Propensity.Scoring;

/// <summary>
/// A member's propensity for one movie. Movies already seen keep their probability but are flagged, so
/// recommendation lists can drop them while audience queries still see the number.
/// </summary>
public readonly record struct CandidateScore(int MovieId, float Probability, bool AlreadySeen);
