using System.CommandLine;
using Insights.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Commands;

/// <summary>
/// `insights config check [--role worker]`: reads the configuration exactly as the roles do (appsettings.json,
/// INSIGHTS_CONFIG, the local stack's endpoint files, environment variables) and prints every problem, one line each.
/// </summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var role = new Option<string[]>("--role")
        {
            Description = $"The roles to check: {string.Join(", ", ConfigurationCheck.Roles)} (all of them by default).",
            AllowMultipleArgumentsPerToken = true,
        };
        var check = new Command("check", "Print every problem the roles would meet at start-up with this configuration; exit code 1 if any.") { role };
        check.SetAction((parse, _) =>
        {
            var roles = parse.GetValue(role) is { Length: > 0 } chosen ? chosen : [.. ConfigurationCheck.Roles];
            var configuration = new ConfigurationBuilder().AddInsightsSources().Build();
            var found = 0;
            foreach (var unknown in ConfigurationCheck.UnknownKeys(configuration))
            {
                Console.WriteLine(unknown);
                found++;
            }
            foreach (var name in roles)
                foreach (var problem in ConfigurationCheck.Problems(configuration, name))
                {
                    Console.WriteLine($"{name}: {problem}");
                    found++;
                }
            if (found == 0) Console.WriteLine($"{string.Join(", ", roles)}: no problem found");
            return Task.FromResult(found == 0 ? 0 : 1);
        });
        var defaults = new Command("defaults", "Print every setting with its default and meaning (the source of docs/settings.md).");
        defaults.SetAction((_, _) =>
        {
            Console.Write(SettingsReference.Markdown());
            return Task.FromResult(0);
        });
        return new Command("config", "Check the configuration the roles would start with, or list every setting.") { check, defaults };
    }
}
