namespace Insights.DevTool.Demo;

/// <summary>What a dataset says about one member: age in years, gender letter, occupation and zip code (each may be unknown).</summary>
public sealed record MemberProfile(int MemberId, int? Age, string? Gender, string? Occupation, string? Zip);
