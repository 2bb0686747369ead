using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

public static class TopologyEndpoints
{
    public static IEndpointRouteBuilder MapTopology(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        // From the live snapshot when every host's event stream is live; one-off containers and a
        // host whose stream is down are read from Docker now.
        api.MapGet("/topology", async (TopologyService topology, TopologyLive live, bool? includeOneOff, CancellationToken ct) =>
            includeOneOff is not true && await live.ReadAsync(ct) is { } view ? view : await topology.GetAsync(includeOneOff ?? false, ct))
            .RequireAuthorization(Roles.Viewer);
        // The page's health probes for scripts and monitors: run now, against the current topology.
        api.MapGet("/topology/health", async (TopologyService topology, TopologyLive live, ServiceHealth health, CancellationToken ct) =>
            await health.ProbeAllAsync(await live.ReadAsync(ct) ?? await topology.GetAsync(includeOneOff: false, ct), ct)).RequireAuthorization(Roles.Viewer);
        api.MapGet("/containers/{id}/stats", ReadStatsAsync).RequireAuthorization(Roles.Viewer)
            .WithDescription("The container's sampled CPU, memory and network history, oldest first: the heavy kobo services only, one sample a minute while a page or an API reader looks.");
        api.MapPost("/containers/{id}/{action}", RunActionAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    // The sampled history; a read keeps the sampler going for ten minutes (the first read of a quiet console starts it).
    private static Task<IResult> ReadStatsAsync(string id, TopologyService topology, StatsSampler sampler, CancellationToken ct) =>
        WithContainerAsync(id, topology, container =>
        {
            var sampled = HeavyServices.Contains(container.Service);
            if (sampled)
            {
                sampler.TouchReader();
            }

            return Task.FromResult(Results.Ok(new ContainerStatsView(container.Id, container.Name, container.Host, container.Service, sampled,
                (int)StatsSampler.Interval.TotalSeconds, sampled ? sampler.History(container.Id) : [])));
        }, ct);

    private static async Task<IResult> RunActionAsync(
        string id, string action, TopologyService topology, ContainerActions actions, HttpContext http, CancellationToken ct)
    {
        if (!ContainerActions.TryParseAction(action, out var parsed))
        {
            return Results.Problem(statusCode: 404, title: "Unknown container action",
                detail: $"'{action}' is not an action: use start, stop or restart.");
        }

        try
        {
            return await WithContainerAsync(id, topology, async container => Results.Ok(await actions.RunAsync(container, parsed, AuditLog.ActorOf(http.User), ct)), ct);
        }
        catch (DockerException ex)
        {
            return Results.Problem(statusCode: 409, title: "Docker refused the action", detail: ex.Message); // unreachable is a 503 already
        }
    }

    /// <summary>The container a route names, or the problem that says why there is none (422, 404, 409, 503).</summary>
    private static async Task<IResult> WithContainerAsync(string id, TopologyService topology, Func<TopologyContainer, Task<IResult>> then, CancellationToken ct)
    {
        if (!ContainerRef.IsValid(id))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{ContainerRef.Clip(id)}' is not a container id or name; GET /api/v1/topology lists them."] },
                statusCode: 422, title: "The container reference is invalid");
        }

        try
        {
            return await topology.FindAsync(id, ct) is { } container
                ? await then(container)
                : Results.Problem(statusCode: 404, title: "No such kobo container",
                    detail: $"No kobo container has the id or name '{id}' on any configured host; GET /api/v1/topology lists them.");
        }
        catch (AmbiguousContainerException ex)
        {
            return Results.Problem(statusCode: 409, title: "Ambiguous container name", detail: ex.Message);
        }
        catch (DockerUnreachableException ex)
        {
            return Results.Problem(statusCode: 503, title: "Docker host unreachable", detail: ex.Message + " Check that the engine runs and the console can reach it.");
        }
    }
}
