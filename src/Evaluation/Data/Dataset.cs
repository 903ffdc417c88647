using Insights.Propensity.Catalog;
using Insights.Propensity.Members;

namespace Insights.Evaluation.Data;

/// <summary>
/// A loaded dataset: the movie catalog, each member's audience cell (when the layout has demographics)
/// and every attendance.
/// </summary>
public sealed record Dataset(string Name, MovieCatalog Catalog, IReadOnlyDictionary<int, byte> AudienceCells, IReadOnlyList<Attendance> Attendances)
{
    public byte AudienceCellOf(int memberId) => AudienceCells.TryGetValue(memberId, out var cell) ? cell : (byte)AudienceCell.Unknown;
}
