using System.Text.Json;
using System.Text.Json.Serialization;

namespace Insights.Propensity.Scoring;

/// <summary>
/// A trained model: settings, the feature list, standardisation and logistic-regression weights.
/// P(member's next attendance is this movie) = sigmoid(Intercept + sum_k Weights[k] * (x_k - Means[k]) / Scales[k]).
/// <see cref="FormatVersion"/> is the file layout; <see cref="ModelVersion"/> identifies the weights, so
/// consumers can tell which model produced a score.
/// </summary>
public sealed record PropensityModel
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string ModelVersion { get; init; }
    public required ModelSettings Settings { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    public required float[] Means { get; init; }
    public required float[] Scales { get; init; }
    public required float[] Weights { get; init; }
    public required float Intercept { get; init; }

    /// <summary>Free-form notes the trainer records (validation figures, chosen hyperparameters).</summary>
    public Dictionary<string, double> Training { get; init; } = [];

    /// <summary>Throws naming the field when the model does not fit this build's features.</summary>
    public PropensityModel Validated()
    {
        if (FormatVersion != CurrentFormatVersion)
            throw new FormatException($"model format version {FormatVersion} is not supported (this build reads {CurrentFormatVersion})");
        if (!Features.SequenceEqual(FeatureNames.All))
            throw new FormatException($"model features [{string.Join(", ", Features)}] differ from this build's [{string.Join(", ", FeatureNames.All)}]");
        var n = FeatureNames.Count;
        if (Means.Length != n) throw new FormatException($"model means has {Means.Length} values, {n} expected");
        if (Scales.Length != n || Scales.Any(s => !(s > 0))) throw new FormatException($"model scales must be {n} positive values");
        if (Weights.Length != n) throw new FormatException($"model weights has {Weights.Length} values, {n} expected");
        if (Weights.Any(float.IsNaN) || float.IsNaN(Intercept)) throw new FormatException("model weights contain NaN");
        Settings.Validated();
        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(this, PropensityModelJson.Default.PropensityModel);

    /// <summary>Parses and validates a model; malformed JSON becomes a <see cref="FormatException"/>.</summary>
    public static PropensityModel FromJson(string json)
    {
        try
        {
            var model = JsonSerializer.Deserialize(json, PropensityModelJson.Default.PropensityModel)
                ?? throw new FormatException("model JSON is null");
            return model.Validated();
        }
        catch (JsonException e)
        {
            throw new FormatException($"model JSON is malformed: {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(PropensityModel))]
internal sealed partial class PropensityModelJson : JsonSerializerContext;
