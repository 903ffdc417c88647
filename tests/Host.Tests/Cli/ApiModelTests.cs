using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api.Access;
using Insights.Fixtures;
using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.Host.Tests.Cli;

/// <summary>
/// `insights api` reads the workers' model file (Processors:ModelPath) to state its version and calibration at
/// `GET /model`; a path that names no model fails start-up in one line naming the key.
/// </summary>
public sealed class ApiModelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Model = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json");

    [Fact]
    public async Task The_api_serves_the_model_files_version_and_calibration()
    {
        var (key, hash) = ApiKeyHash.New();
        var apiUrl = $"http://127.0.0.1:{LoopbackPort.Next()}";
        using var api = InsightsProcess.Start("api", new Dictionary<string, string>
        {
            ["Elasticsearch__Url"] = $"http://127.0.0.1:{LoopbackPort.Next()}",
            ["Api__Auth__Keys__ops__Hash"] = hash,
            ["Api__Auth__Keys__ops__Scopes"] = ApiScopes.AudienceRead,
            ["Processors__ModelPath"] = Model,
        }, "api", "--urls", apiUrl);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);

        var answer = await api.FirstAnswerAsync(http, $"{apiUrl}/model", Ct);
        var served = await answer.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Model, Ct));
        Assert.Equal(file.RootElement.GetProperty("model_version").GetString(), served.GetProperty("model_version").GetString());
        var training = file.RootElement.GetProperty("training");
        Assert.Equal(training.GetProperty("validation_ece").GetDouble(), served.GetProperty("training").GetProperty("validation_ece").GetDouble());
        Assert.Equal(training.GetProperty("validation_base_rate").GetDouble(), served.GetProperty("training").GetProperty("validation_base_rate").GetDouble());
    }

    [Fact]
    public async Task A_model_path_that_names_no_file_stops_the_api_in_one_line_naming_the_key()
    {
        var run = await InsightsRun.StartAsync(["api", "--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Elasticsearch__Url"] = $"http://127.0.0.1:{LoopbackPort.Next()}",
            ["Api__Auth__Keys__ops__Hash"] = $"sha256:{new string('0', 64)}",
            ["Api__Auth__Keys__ops__Scopes"] = ApiScopes.AudienceRead,
            ["Processors__ModelPath"] = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}.json"),
        }, TimeSpan.FromSeconds(40));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("Processors:ModelPath", Assert.Single(run.ErrorLines));
        Assert.False(run.HasStackTrace, run.ToString());
    }
}
