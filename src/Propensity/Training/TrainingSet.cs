namespace Insights.Propensity.Training;

/// <summary>Weighted binary examples: feature rows of a fixed width, a label and a weight per row.</summary>
public sealed class TrainingSet(int width)
{
    private readonly List<float> values = [];
    private readonly List<bool> labels = [];
    private readonly List<float> weights = [];

    public int Width { get; } = width;
    public int Count => labels.Count;

    public void Add(ReadOnlySpan<float> row, bool label, float weight)
    {
        if (row.Length != Width) throw new ArgumentException($"row has {row.Length} features, {Width} expected", nameof(row));
        if (!(weight > 0)) throw new ArgumentOutOfRangeException(nameof(weight), "example weight must be positive");
        foreach (var v in row) values.Add(v);
        labels.Add(label);
        weights.Add(weight);
    }

    public ReadOnlySpan<float> Row(int i) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values).Slice(i * Width, Width);
    public bool Label(int i) => labels[i];
    public float Weight(int i) => weights[i];
}
