using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Settings;

/// <summary>The settings page: the effective configuration, the alert channels, and the check settings stored by the page.</summary>
public static class SettingsModule
{
    public static WebApplicationBuilder AddSettings(this WebApplicationBuilder builder)
    {
        // Added last: what an admin set on the page wins over files and the environment.
        var provider = new PageSettingsProvider();
        builder.Configuration.Sources.Add(provider);
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton<IMigrationSource, SettingsMigrations>();
        builder.Services.AddSingleton<PageSettings>();
        builder.Services.AddSingleton<EffectiveConfiguration>();
        builder.Services.AddHostedService<PageSettingsLoader>();
        return builder;
    }
}

/// <summary>Reads the page's settings at start and every 15 s, so a change made on another console instance applies here too.</summary>
internal sealed partial class PageSettingsLoader(PageSettings settings, TimeProvider time, ILogger<PageSettingsLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await settings.LoadAsync(stoppingToken);
                }
                catch (System.Data.Common.DbException ex)
                {
                    // The console's database is away: the values read last stay in force.
                    NotLoaded(logger, ex.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(15), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 9301, Level = LogLevel.Warning, Message = "The settings stored by the settings page cannot be read; the last values read stay in force: {Reason}")]
    private static partial void NotLoaded(ILogger logger, string reason);
}
