using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Jobs;

/// <summary>Hangfire on the console's own storage choice: SQLite (embedded) or PostgreSQL (several instances).</summary>
public static class JobsModule
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddHangfire((sp, config) =>
        {
            var db = sp.GetRequiredService<ConsoleDb>();
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                // House rule: no job is retried unless it says so (a restore must never run ten times).
                .UseFilter(new AutomaticRetryAttribute { Attempts = 0 })
                .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()));
            if (db.Provider == StorageProvider.Sqlite)
            {
                config.UseSQLiteStorage(Path.Combine(db.DataDirectory, "hangfire.db"), new SQLiteStorageOptions
                {
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                });
            }
            else
            {
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(db.ConnectionString), new PostgreSqlStorageOptions
                {
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                });
            }
        });
        builder.Services.AddHangfireServer(o => o.WorkerCount = Math.Max(4, Environment.ProcessorCount * 2));
        return builder;
    }

    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        // The dashboard's own filters are emptied: our admin policy guards it instead
        // (Hangfire's default lets any local request in, which would bypass the login).
        app.MapHangfireDashboardWithAuthorizationPolicy(Roles.Admin, "/hangfire", new DashboardOptions
        {
            Authorization = [],
            AppPath = "/jobs",
            DashboardTitle = "KoboConsole jobs",
            DisplayStorageConnectionString = false,
        });
        return app;
    }
}
