namespace Insights.Evaluation.Data;

/// <summary>One rating of a MovieLens dataset, read as an attendance. Time is seconds since 1970-01-01 UTC.</summary>
public readonly record struct Attendance(int MemberId, int MovieId, long AtSeconds);
