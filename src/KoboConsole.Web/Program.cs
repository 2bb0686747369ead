using System.Text.Json.Serialization;
using KoboConsole.Web.Components;
using KoboConsole.Web.Features.ApiDocs;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Features.Jobs;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Settings;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Upgrades;
using KoboConsole.Web.Features.Upgrades.Images;
using KoboConsole.Web.Hosting;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Http;
using KoboConsole.Web.Infrastructure.Storage;
using MudBlazor.Services;

if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        WebRootPath = WebRoot.Choose(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Environment.GetEnvironmentVariable),
    });
    WebRoot.UseBuildOutputAssets(builder);
    builder.Services.AddHostedService<StartupTasks>();
    builder.AddForwardedHeaders();
    builder.AddMetrics();
    builder.AddStorage();
    builder.AddAuth();
    builder.AddJobs();
    builder.AddDocker();
    builder.AddHosts();
    builder.AddStack();
    builder.AddTopology();
    builder.AddMaintenance();
    builder.AddLogs();
    builder.AddRuns();
    builder.AddBackups();
    builder.AddRestores();
    builder.AddDrills();
    builder.AddChecks();
    builder.AddUpgrades();
    builder.AddApiDocs();
    builder.AddSettings();

    builder.Services.AddRazorComponents().AddInteractiveServerComponents();
    builder.Services.AddMudServices(KoboConsole.Web.Components.Shared.ToastPolicy.Configure);
    builder.Services.AddSignalR();
    builder.Services.AddProblemDetails();
    builder.Services.AddLoginRateLimit();
    builder.Services.AddExceptionHandler<BadRequestHandler>();
    builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
    // Always surface unreadable requests to BadRequestHandler (by default only in Development).
    builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
    builder.Services.ConfigureHttpJsonOptions(o =>
        o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);

    var app = builder.Build();

    app.UseForwardedHeaders();
    app.UseSecurityHeaders();
    app.UseExceptionHandler();
    app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
    app.UseAuthentication();
    app.UseSameOriginForCookies();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.UseSetupGate();
    app.UseAntiforgery();

    app.MapStaticAssets().AllowAnonymous();
    app.MapHealth();
    app.MapMetrics();
    app.MapAuth();
    app.MapAudit();
    app.MapTopology();
    app.MapJobsDashboard();
    app.MapMaintenance();
    app.MapEdge();
    app.MapRuns();
    app.MapBackups();
    app.MapRestores();
    app.MapDrills();
    app.MapChecks();
    app.MapUpgrades();
    app.MapImageUpdates();
    app.MapLogsHub().RequireAuthorization(Roles.Viewer);
    app.MapLogs();
    app.MapApiDocs();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupTasks.IsConfigurationError(ex))
{
    await Console.Error.WriteLineAsync(StartupTasks.Describe(ex));
    return 2;
}
catch (StorageUnavailableException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 3;
}

/// <summary>Entry point, public so test hosts (WebApplicationFactory) can reference it.</summary>
public partial class Program;
