using Insights.Propensity.Scoring;

namespace Insights.Propensity.Tests.Scoring;

public class PropensityModelTests
{
    private static PropensityModel Model() => new()
    {
        ModelVersion = "lr-abc",
        Settings = ModelSettings.Default with { RecencyDecayEvents = 3 },
        Features = FeatureNames.All,
        Means = Enumerable.Range(0, FeatureNames.Count).Select(k => k * 0.5f).ToArray(),
        Scales = Enumerable.Range(0, FeatureNames.Count).Select(k => 1f + k).ToArray(),
        Weights = Enumerable.Range(0, FeatureNames.Count).Select(k => k - 4.25f).ToArray(),
        Intercept = -7.5f,
        Training = new() { ["validation_hr@10"] = 0.2 },
    };

    [Fact]
    public void The_model_file_round_trips_with_its_version_and_feature_list()
    {
        var json = Model().ToJson();

        var read = PropensityModel.FromJson(json);

        Assert.Contains("\"format_version\": 1", json);
        Assert.Contains("\"sequence\"", json);
        Assert.Equal("lr-abc", read.ModelVersion);
        Assert.Equal(3, read.Settings.RecencyDecayEvents);
        Assert.Equal(Model().Weights, read.Weights);
        Assert.Equal(Model().Features, read.Features);
        Assert.Equal(0.2, read.Training["validation_hr@10"]);
    }

    [Fact]
    public void An_unknown_format_version_is_rejected()
    {
        var json = Model().ToJson().Replace("\"format_version\": 1", "\"format_version\": 2");

        var error = Assert.Throws<FormatException>(() => PropensityModel.FromJson(json));

        Assert.Contains("format version 2", error.Message);
    }

    [Fact]
    public void A_model_with_other_features_is_rejected()
    {
        var json = Model().ToJson().Replace("\"sequence\"", "\"sequel\"");

        var error = Assert.Throws<FormatException>(() => PropensityModel.FromJson(json));

        Assert.Contains("sequel", error.Message);
    }

    [Fact]
    public void Malformed_json_is_a_format_error()
    {
        var error = Assert.Throws<FormatException>(() => PropensityModel.FromJson("{ \"format_version\": "));
        Assert.Contains("malformed", error.Message);
    }

    [Fact]
    public void A_model_file_written_before_the_attendance_limit_existed_loads_with_the_default_limit()
    {
        var json = Model().ToJson().Replace("\"max_attendances\": 2000,", "").Replace(",\n    \"max_attendances\": 2000", "");
        Assert.DoesNotContain("max_attendances", json);

        var read = PropensityModel.FromJson(json);

        Assert.Equal(ModelSettings.Default.MaxAttendances, read.Settings.MaxAttendances);
        Assert.Equal(2_000, read.Settings.MaxAttendances);
    }
}
