using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Jobs;

/// <summary>Hangfire on the console's own storage choice: SQLite (embedded) or PostgreSQL (several instances).</summary>
public static class JobsModule
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        // This host's own storage and activator, registered before AddHangfire (which only adds its
        // own if none is there). Hangfire's would be whatever its process-wide statics hold when first
        // asked, and every host that configures Hangfire overwrites those: two hosts of one process
        // starting together (the test suites) sent one's jobs to the other's database or services,
        // where their run did not exist, and the run stayed queued. See HangfirePerHostTests.
        builder.Services.AddSingleton<JobStorage>(sp => CreateStorage(sp.GetRequiredService<ConsoleDb>()));
        builder.Services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseTypeResolver(ResolveJobType)
                .UseRecommendedSerializerSettings()
                // House rule: no job is retried unless it says so (a restore must never run ten times).
                .UseFilter(new AutomaticRetryAttribute { Attempts = 0 })
                .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
                // Only for Hangfire's static API, which the console does not use.
                .UseStorage(sp.GetRequiredService<JobStorage>());
        });
        builder.Services.AddSingleton<JobHistory>();
        builder.Services.AddHangfireServer(o => o.WorkerCount = Math.Max(4, Environment.ProcessorCount * 2));
        return builder;
    }

    /// <summary>
    /// Hangfire's own resolver, after renaming the namespaces of job types that moved: a job queued
    /// or scheduled by an earlier version names its type as it was then (drills were under Restores).
    /// </summary>
    internal static Type ResolveJobType(string typeName) =>
        TypeHelper.DefaultTypeResolver(typeName.Replace(".Features.Restores.Drills.", ".Features.Drills.", StringComparison.Ordinal));

    private static JobStorage CreateStorage(ConsoleDb db)
    {
        if (db.Provider == StorageProvider.Sqlite)
        {
            return new SQLiteStorage(Path.Combine(db.DataDirectory, "hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
            });
        }

        var options = new PostgreSqlStorageOptions
        {
            QueuePollInterval = TimeSpan.FromSeconds(1),
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(db.ConnectionString, options), options);
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
