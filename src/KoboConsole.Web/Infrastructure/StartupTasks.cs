using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure;

/// <summary>What runs once between building the app and serving: validate, warn, migrate, bootstrap.</summary>
public static class StartupTasks
{
    public static async Task PrepareAsync(this WebApplication app, ConfigurationKeys keys, CancellationToken cancellationToken = default)
    {
        // Throws OptionsValidationException for every ValidateOnStart options class at once,
        // before anything touches a database.
        app.Services.GetRequiredService<IStartupValidator>().Validate();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KoboConsole.Web.Configuration");
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>();
        foreach (var unknown in keys.FindUnknown(names))
        {
            Configuration.Log.UnknownSetting(logger, unknown);
        }

        await app.Services.GetRequiredService<DbMigrator>().MigrateAsync(cancellationToken);
        await app.Services.GetRequiredService<AuthBootstrap>().RunAsync(cancellationToken);
    }

    /// <summary>The text printed when configuration stops the start: each failure names its key.</summary>
    public static string Describe(Exception exception)
    {
        var failures = exception switch
        {
            OptionsValidationException o => o.Failures,
            AggregateException a => a.Flatten().InnerExceptions.OfType<OptionsValidationException>().SelectMany(o => o.Failures),
            _ => [exception.Message],
        };
        return "KoboConsole cannot start: the configuration is invalid.\n"
            + string.Concat(failures.Select(f => $"  - {f}\n"))
            + "Fix these settings (environment variables use '__' for ':', e.g. KoboConsole__Storage__Provider) and start again.";
    }

    public static bool IsConfigurationError(Exception exception) => exception is OptionsValidationException
        || (exception is AggregateException a && a.Flatten().InnerExceptions.All(e => e is OptionsValidationException));
}
