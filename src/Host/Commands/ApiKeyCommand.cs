using System.CommandLine;
using System.Text.RegularExpressions;
using Insights.Api.Access;
using Insights.Contracts;

namespace Insights.Host.Commands;

/// <summary>
/// `insights api key new --client NAME [--scopes ...]`: makes an API key and prints it once, with the two settings the
/// API needs for it. The API stores only the key's hash, so a lost key is replaced, not recovered.
/// </summary>
public static partial class ApiKeyCommand
{
    public static Command Create()
    {
        var client = new Option<string>("--client")
        {
            Description = "The client's name: it names the caller in rate limits and audit lines (letters, digits, '-' and '_').",
            Required = true,
        };
        var scopes = new Option<string[]>("--scopes")
        {
            Description = $"What the key may read: {string.Join(", ", ApiScopes.All)}.",
            DefaultValueFactory = _ => [ApiScopes.AudienceRead],
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("new", "Make an API key: prints the key once and the settings that grant it.") { client, scopes };
        create.SetAction((parse, _) =>
        {
            var name = parse.GetValue(client)!;
            if (!ClientName().IsMatch(name)) throw new CommandLineError($"--client '{name}': use letters, digits, '-' and '_' only (it becomes part of a setting's name)");
            var granted = string.Join(' ', parse.GetValue(scopes)!.SelectMany(s => s.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)).Distinct());
            if (ApiScopes.Unknown(granted).FirstOrDefault() is { } unknown) throw new CommandLineError($"--scopes '{unknown}': expected {string.Join(", ", ApiScopes.All)}");
            var (key, hash) = ApiKeyHash.New();
            Console.WriteLine($"key for {name} (shown once: hand it to the client; the API keeps only its hash):");
            Console.WriteLine($"  {key}");
            Console.WriteLine("settings for the api role (environment variables; in a Kubernetes Secret or the compose .env file):");
            Console.WriteLine($"  Api__Auth__Keys__{name}__Hash={hash}");
            Console.WriteLine($"  Api__Auth__Keys__{name}__Scopes={granted}");
            return Task.FromResult(0);
        });
        return new Command("key", "Manage the API's keys.") { create };
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ClientName();
}
