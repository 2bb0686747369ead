using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Hosting;

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
            Infrastructure.Configuration.Log.UnknownSetting(logger, unknown);
        }

        try
        {
            await services.GetRequiredService<DbMigrator>().MigrateAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException ex)
        {
            var provider = services.GetRequiredService<ConsoleDb>().Provider;
            throw new StorageUnavailableException(provider == StorageProvider.PostgreSql
                ? $"KoboConsole cannot use its PostgreSQL database (KoboConsole:Storage:ConnectionString): {ex.Message}. Check host, port, database, user and password."
                : $"KoboConsole cannot use its SQLite database under KoboConsole:Storage:DataDirectory: {ex.Message}. Check that the folder is writable.", ex);
        }
        await services.GetRequiredService<AuthBootstrap>().RunAsync(cancellationToken);
        // Before Hangfire's server starts: runs of a killed console are failed and cleaned first.
        await services.GetRequiredService<RunRecovery>().RecoverAsync(atStartup: true, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The text printed when configuration stops the start: each failure names its key.</summary>
    public static string Describe(Exception exception)
    {
        var failures = exception switch
        {
            OptionsValidationException o => o.Failures,
            InvalidOperationException i => [ConversionMessage(i)],
            AggregateException a => a.Flatten().InnerExceptions.SelectMany(e => e switch
            {
                OptionsValidationException o => o.Failures,
                InvalidOperationException i => [ConversionMessage(i)],
                _ => [e.Message],
            }),
            _ => [exception.Message],
        };
        return "KoboConsole cannot start: the configuration is invalid.\n"
            + string.Concat(failures.Select(f => $"  - {f}\n"))
            + "Fix these settings (environment variables use '__' for ':', e.g. KoboConsole__Storage__Provider) and start again.";
    }

    public static bool IsConfigurationError(Exception exception) => exception is OptionsValidationException
        || IsConversionError(exception)
        || (exception is AggregateException a && a.Flatten().InnerExceptions.All(e => e is OptionsValidationException || IsConversionError(e)));

    // The binder's own words: "Failed to convert configuration value at 'KoboConsole:Auth:LockoutThreshold' to type 'System.Int32'."
    private static bool IsConversionError(Exception exception) =>
        exception is InvalidOperationException && exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    private static string ConversionMessage(InvalidOperationException exception)
    {
        var match = System.Text.RegularExpressions.Regex.Match(exception.Message, "at '([^']+)' to type '([^']+)'");
        if (!match.Success)
        {
            return exception.Message;
        }

        var type = Type.GetType(match.Groups[2].Value);
        var expected = type is { IsEnum: true } ? "one of " + string.Join(", ", Enum.GetNames(type))
            : type == typeof(int) ? "a whole number"
            : type == typeof(bool) ? "true or false"
            : $"a value of type {match.Groups[2].Value}";
        return $"{match.Groups[1].Value}: cannot be read; expected {expected}.";
    }
}

/// <summary>The console's own database cannot be used at start: a message for the admin, no stack trace.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
