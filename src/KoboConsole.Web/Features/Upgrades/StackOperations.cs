using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>One phase of a whole-stack operation: these containers, all at once.</summary>
public sealed record StackPhase(string Name, string Verb, IReadOnlyList<KoboContainer> Containers, bool WaitForPostgres);

/// <summary>A phase as the preview and the API show it.</summary>
public sealed record StackPhaseView(string Name, string Verb, IReadOnlyList<string> Containers);

/// <summary>
/// Start, stop or restart kobo's front end, back end or both in kobo's order, across hosts: stopping
/// takes nginx down first, then the rest of the front end, then the back end; starting brings the back
/// end up first and waits for PostgreSQL to answer, then the front end, nginx last. With
/// <c>maintenance</c>, the maintenance page goes up first and stands in for nginx (which it stops);
/// after a start or restart it comes down last, which starts nginx again; after a stop it stays up.
/// </summary>
public static class StackOperationPlanner
{
    public static readonly IReadOnlyList<string> Parts = ["frontend", "backend", "all"];
    public static readonly IReadOnlyList<string> Actions = ["start", "stop", "restart"];

    public const string MaintenanceOn = "maintenance on";
    public const string MaintenanceOff = "maintenance off";

    public static IReadOnlyList<StackPhase> Plan(IReadOnlyList<KoboContainer> containers, string part, string action, bool maintenance = false)
    {
        if (maintenance)
        {
            // Maintenance takes nginx down and puts it back itself.
            var around = Plan(containers, part, action).Where(p => !p.Containers.Any(c => c.Service == "nginx")).ToList();
            around.Insert(0, new(MaintenanceOn, MaintenanceOn, [], false));
            if (action != "stop")
            {
                around.Add(new(MaintenanceOff, MaintenanceOff, [], false));
            }

            return around;
        }

        var kobo = containers.Where(c => !c.OneOff).ToList();
        var fe = part is "frontend" or "all" ? kobo.Where(c => c.Role == KoboRole.Frontend).ToList() : [];
        var be = part is "backend" or "all" ? kobo.Where(c => c.Role == KoboRole.Backend).ToList() : [];
        var nginx = fe.Where(c => c.Service == "nginx").ToList();
        var apps = fe.Where(c => c.Service != "nginx").ToList();
        var phases = new List<StackPhase>();
        if (action is "stop" or "restart")
        {
            phases.Add(new("stop nginx", "stop", nginx, false));
            phases.Add(new("stop front end", "stop", apps, false));
            phases.Add(new("stop back end", "stop", be, false));
        }

        if (action is "start" or "restart")
        {
            phases.Add(new("start back end", "start", be, be.Any(c => c.Service == "postgres")));
            phases.Add(new("start front end", "start", apps, false));
            phases.Add(new("start nginx", "start", nginx, false));
        }

        return phases.Where(p => p.Containers.Count > 0).ToList();
    }

    public static IReadOnlyList<StackPhaseView> View(IReadOnlyList<StackPhase> phases) =>
        phases.Select(p => new StackPhaseView(p.Name, p.Verb, p.Containers.Select(c => $"{c.Name} on {c.Host}").ToList())).ToList();
}

/// <summary>Queues and runs whole-stack operations (run kind <c>stack</c>), each phase's containers concurrently.</summary>
public sealed class StackOperationRunner(RunStore runs, RunScopes scopes, StackDiscovery discovery, IDockerHosts hosts, IBackgroundJobClient jobs, AuditLog audit,
    MaintenanceService maintenance, TimeProvider time)
{
    public const string Kind = "stack";

    public async Task<IReadOnlyList<StackPhaseView>> PreviewAsync(string part, string action, bool maintenance, CancellationToken cancellationToken) =>
        StackOperationPlanner.View(StackOperationPlanner.Plan((await discovery.DiscoverAsync(false, cancellationToken)).Containers, part, action, maintenance));

    public async Task<string> StartAsync(string part, string action, bool maintenance, string actor, CancellationToken cancellationToken)
    {
        var runId = await runs.CreateAsync(Kind, actor, JsonSerializer.Serialize(maintenance ? new[] { part, action, "maintenance" } : new[] { part, action }), cancellationToken);
        await audit.WriteAsync(actor, "stack.start", $"{action} {part}", "queued", $"run {runId}{(maintenance ? "; with maintenance" : "")}", cancellationToken: cancellationToken);
        jobs.Enqueue<StackOperationJob>(j => j.RunAsync(runId, CancellationToken.None));
        return runId;
    }

    public async Task RunAsync(string runId, CancellationToken jobToken)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Stack run {runId} does not exist.");
        if (run.State != RunStates.Queued)
        {
            if (run.State == RunStates.Running)
            {
                await runs.FinishAsync(runId, RunStates.Failed, "the console stopped during this operation; it is not retried. Check the topology page.", CancellationToken.None);
            }

            return;
        }

        var args = JsonSerializer.Deserialize<string[]>(run.Request ?? "[]") ?? [];
        var (part, action) = (args.ElementAtOrDefault(0) ?? "all", args.ElementAtOrDefault(1) ?? "restart");
        var withMaintenance = args.ElementAtOrDefault(2) == "maintenance";
        await using var scope = await scopes.BeginAsync(run, jobToken);
        string? error = null;
        var byUs = false;
        try
        {
            var phases = StackOperationPlanner.Plan((await discovery.DiscoverAsync(false, scope.Token)).Containers, part, action, withMaintenance);
            foreach (var phase in phases)
            {
                await scope.StepAsync(phase.Name, CancellationToken.None);
                if (phase.Verb is StackOperationPlanner.MaintenanceOn or StackOperationPlanner.MaintenanceOff)
                {
                    byUs = await MaintenanceAsync(scope, phase.Verb, byUs);
                    continue;
                }

                await scope.LogAsync($"▶ {phase.Name}: {string.Join(", ", phase.Containers.Select(c => c.Name))}", CancellationToken.None);
                var failures = (await Task.WhenAll(phase.Containers.Select(c => ApplyAsync(scope, phase.Verb, c)))).Where(f => f is not null).ToList();
                if (failures.Count > 0)
                {
                    throw new RestoreStepException(string.Join("; ", failures));
                }

                if (phase.WaitForPostgres && phase.Containers.FirstOrDefault(c => c.Service == "postgres") is { } pg)
                {
                    await NewServer.WaitReadyAsync(new RestoreTarget(hosts.Get(pg.Host), pg.Id), TimeSpan.FromMinutes(3), scope.Token);
                    await scope.LogAsync($"{pg.Name} accepts connections.", scope.Token);
                }
            }
        }
        catch (Exception ex) when (ex is RestoreStepException or DockerException or OperationCanceledException or MaintenanceRefusedException or MaintenanceSwitchException)
        {
            error = $"{action} {part} stopped: {(ex is OperationCanceledException ? "the run was cancelled" : ex.Message)}. The phases before it are done; see the log."
                + (byUs ? " Maintenance is left on: turn it off on the maintenance page once kobo runs." : "");
            await scope.LogAsync($"✖ {error}", CancellationToken.None);
        }

        await scope.EndAsync(error is null ? RunStates.Succeeded : scope.Token.IsCancellationRequested ? RunStates.Cancelled : RunStates.Failed, error, $"{action} {part}");
    }

    /// <summary>Puts the page up (unless it is up already) or takes it down (only when this run put it up); true while this run holds it up.</summary>
    private async Task<bool> MaintenanceAsync(RunScope scope, string verb, bool byUs)
    {
        var by = $"{scope.Run.Actor} (stack run {scope.RunId})";
        if (verb == StackOperationPlanner.MaintenanceOn)
        {
            if ((await maintenance.GetStatusAsync(scope.Token)).State == "on")
            {
                await scope.LogAsync("▶ maintenance on: it was on already; it is left on at the end.", CancellationToken.None);
                return false;
            }

            await maintenance.EnableAsync(MaintenanceFields.Defaults(time.GetUtcNow(), await maintenance.DefaultEmailAsync(scope.Token)), by, scope.Token);
            await scope.LogAsync("▶ maintenance on: the maintenance page stands in for nginx.", CancellationToken.None);
            return true;
        }

        if (!byUs)
        {
            await scope.LogAsync("▶ maintenance off: skipped, it was on before this run (nginx stays stopped behind it).", CancellationToken.None);
            return false;
        }

        await maintenance.DisableAsync(by, scope.Token);
        await scope.LogAsync("▶ maintenance off: nginx serves kobo again.", CancellationToken.None);
        return false;
    }

    private async Task<string?> ApplyAsync(RunScope scope, string verb, KoboContainer c)
    {
        try
        {
            var engine = hosts.Get(c.Host);
            var details = await engine.InspectContainerAsync(c.Id, scope.Token);
            if (details.Running == (verb == "start"))
            {
                await scope.LogAsync($"{c.Name} on {c.Host} is already {(details.Running ? "running" : "stopped")}.", CancellationToken.None);
                return null;
            }

            if (verb == "start")
            {
                await engine.StartContainerAsync(c.Id, scope.Token);
            }
            else
            {
                await engine.StopContainerAsync(c.Id, details.StopTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null, scope.Token);
            }

            await scope.LogAsync($"{(verb == "start" ? "Started" : "Stopped")} {c.Name} on {c.Host}.", CancellationToken.None);
            return null;
        }
        catch (DockerException ex)
        {
            return $"{c.Name} on {c.Host} did not {verb}: {ex.Message}";
        }
    }
}

/// <summary>The Hangfire job of a stack operation: never retried.</summary>
public sealed class StackOperationJob(StackOperationRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Stack run {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}
