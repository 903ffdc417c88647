namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// A compiled query: whether a document matches and the score it contributes. Scores are simple stand-ins
/// (1 per matching leaf clause times boost; rank_feature functions computed as ES defines them), not BM25.
/// </summary>
internal abstract class DocumentQuery
{
    public abstract bool TryScore(StoredDocument document, out double score);
}

internal sealed class AllDocuments(double boost, bool matches) : DocumentQuery
{
    public override bool TryScore(StoredDocument document, out double score)
    {
        score = boost;
        return matches;
    }
}

/// <summary>A leaf query over one field's values (term, terms, range, exists, ids): matches when any value passes.</summary>
internal sealed class FieldPredicate(Func<StoredDocument, bool> predicate, double boost) : DocumentQuery
{
    public override bool TryScore(StoredDocument document, out double score)
    {
        score = boost;
        return predicate(document);
    }
}

internal sealed class ConstantScore(DocumentQuery filter, double boost) : DocumentQuery
{
    public override bool TryScore(StoredDocument document, out double score)
    {
        score = boost;
        return filter.TryScore(document, out _);
    }
}

/// <summary>ES `bool`: must and should clauses add their scores; filter and must_not only select.</summary>
internal sealed class BooleanCombination(
    IReadOnlyList<DocumentQuery> must, IReadOnlyList<DocumentQuery> filter, IReadOnlyList<DocumentQuery> should,
    IReadOnlyList<DocumentQuery> mustNot, int minimumShouldMatch, double boost) : DocumentQuery
{
    public override bool TryScore(StoredDocument document, out double score)
    {
        score = 0;
        foreach (var clause in must)
        {
            if (!clause.TryScore(document, out var s)) return false;
            score += s;
        }
        foreach (var clause in filter)
            if (!clause.TryScore(document, out _)) return false;
        foreach (var clause in mustNot)
            if (clause.TryScore(document, out _)) return false;
        var matched = 0;
        foreach (var clause in should)
        {
            if (!clause.TryScore(document, out var s)) continue;
            matched++;
            score += s;
        }
        if (matched < minimumShouldMatch) return false;
        score *= boost;
        return true;
    }
}

/// <summary>
/// ES `rank_feature`: matches documents that have the feature; scores it with saturation S/(S+pivot),
/// log(scaling_factor+S), sigmoid S^e/(S^e+pivot^e) or linear S, times boost.
/// </summary>
internal sealed class RankFeatureScore(string field, Func<double, double> function, double boost) : DocumentQuery
{
    public override bool TryScore(StoredDocument document, out double score)
    {
        score = 0;
        var values = document.ValuesOf(field);
        if (values.Count == 0) return false;
        score = boost * function(IndexedValue.AsNumber(values[0], field));
        return true;
    }
}
