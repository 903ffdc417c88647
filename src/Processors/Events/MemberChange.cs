using Insights.Contracts.Scores;

namespace Insights.Processors.Events;

/// <summary>
/// A member row change reduced to ids and coarse demographics (the audience cell, age band and gender code);
/// the name, email and postcode are dropped at parse time. Deleted drops the member's state and scores.
/// </summary>
public sealed record MemberChange(int MemberId, bool Deleted, byte AudienceCell, MemberDemographics? Demographics, SourcePosition Source);
