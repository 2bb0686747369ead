using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Metrics;
using OpenTelemetry.Metrics;

namespace KoboConsole.Web.Hosting;

/// <summary>
/// /metrics in Prometheus text format (OpenTelemetry's exporter): the console's meter plus
/// ASP.NET Core's and Kestrel's own. Viewer role or above, so a scraper uses an API token as a
/// Bearer credential (README, "Metrics").
/// </summary>
public static class MetricsModule
{
    public const string Path = "/metrics";

    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConsoleMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ConsoleMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Components.Server.Circuits")
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(Roles.Viewer);
        return app;
    }
}
