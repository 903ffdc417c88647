using System.Text.RegularExpressions;
using Insights.Api;
using Insights.Api.Access;
using Insights.Fixtures.Cli;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Tests.Cli;

/// <summary>`insights api key new` prints a key once and the two settings that grant it, which the API accepts.</summary>
public sealed partial class ApiKeyCommandTests
{
    [Fact]
    public async Task A_new_key_comes_with_its_hash_and_scopes_as_settings_the_API_accepts_and_signs_in_with()
    {
        var run = await InsightsRun.StartAsync(["api", "key", "new", "--client", "crm", "--scopes", "audience:read", "member:read"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var key = KeyLine().Match(run.Output).Groups[1].Value;
        var settings = SettingLine().Matches(run.Output).ToDictionary(m => m.Groups[1].Value.Replace("__", ":"), m => (string?)m.Groups[2].Value);
        Assert.Equal(["Api:Auth:Keys:crm:Hash", "Api:Auth:Keys:crm:Scopes"], settings.Keys);
        Assert.Equal(ApiKeyHash.Of(key), settings["Api:Auth:Keys:crm:Hash"]);
        Assert.Equal("audience:read member:read", settings["Api:Auth:Keys:crm:Scopes"]);
        var api = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ApiSettings.Section).Get<ApiSettings>()!;
        Assert.Null(api.Problem());
        Assert.True(ApiKeyHash.Matches(key, api.Auth.Keys["crm"].Hash));
    }

    [Fact]
    public async Task Two_keys_are_never_the_same()
    {
        var first = await InsightsRun.StartAsync(["api", "key", "new", "--client", "crm"]);
        var second = await InsightsRun.StartAsync(["api", "key", "new", "--client", "crm"]);

        Assert.NotEqual(KeyLine().Match(first.Output).Groups[1].Value, KeyLine().Match(second.Output).Groups[1].Value);
        Assert.Contains("Api__Auth__Keys__crm__Scopes=audience:read\n", first.Output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--client", "crm tool", "--client 'crm tool'")]
    [InlineData("--scopes", "members:write", "--scopes 'members:write'")]
    public async Task A_bad_argument_is_one_line_naming_it(string option, string value, string expected)
    {
        string[] arguments = option == "--client" ? ["api", "key", "new", option, value] : ["api", "key", "new", "--client", "crm", option, value];

        var run = await InsightsRun.StartAsync(arguments);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"insights: {expected}", Assert.Single(run.ErrorLines));
        Assert.DoesNotContain("ik_", run.Output);
    }

    [GeneratedRegex(@"^  (ik_[A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^  (Api__Auth__Keys__\w+__\w+)=(.*?)\r?$", RegexOptions.Multiline)]
    private static partial Regex SettingLine();
}
