using Microsoft.Extensions.Configuration;

namespace Insights.Contracts.Configuration;

/// <summary>How every role reads a settings record from configuration: a wrong value fails start-up as one line naming the key.</summary>
public static class SettingsBinding
{
    /// <summary>Binds a section, failing with one line that names the key when a value has the wrong type.</summary>
    public static T Bind<T>(this IConfiguration configuration, string section) where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = false) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new CommandLineError($"configuration: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
        }
    }

    /// <summary>Kafka settings that are usable, or a one-line error naming the key.</summary>
    public static KafkaSettings KafkaSettings(this IConfiguration configuration)
    {
        var settings = configuration.Bind<KafkaSettings>(Configuration.KafkaSettings.Section);
        return settings.Problem() is { } problem ? throw new CommandLineError($"configuration: {problem}") : settings;
    }
}
