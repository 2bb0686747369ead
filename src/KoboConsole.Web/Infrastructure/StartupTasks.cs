using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure;

/// <summary>
/// What runs once before the app serves: warn about unknown settings, migrate, bootstrap.
/// A hosted service registered before all others, so it runs after options validation
/// (the host validates ValidateOnStart options first) and before the server listens.
/// </summary>
public sealed class StartupTasks(IServiceProvider services, ConfigurationKeys keys, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>();
        foreach (var unknown in keys.FindUnknown(names))
        {
            Configuration.Log.UnknownSetting(logger, unknown);
        }

        await services.GetRequiredService<DbMigrator>().MigrateAsync(cancellationToken);
        await services.GetRequiredService<AuthBootstrap>().RunAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
