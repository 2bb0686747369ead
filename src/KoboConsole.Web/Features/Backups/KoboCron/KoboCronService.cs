using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups.KoboCron;

/// <summary>kobo's backup cron in one container, as the page and the API show it.</summary>
public sealed record KoboCronEntry(
    string Store,
    string Container,
    string Host,
    string Variable,
    string? EnvSchedule,
    string? Cron,
    string State,
    string? Mode,
    bool? DaemonRunning,
    bool CoveredByConsole,
    string Summary,
    string? Problem);

public static class KoboCronStates
{
    /// <summary>The job line is there and not commented: kobo's cron runs it.</summary>
    public const string On = "on";

    /// <summary>The console commented the job line; a container recreate reinstalls it.</summary>
    public const string OffByConsole = "off-by-console";

    /// <summary>No crontab (kobo's schedule empty or commented out) or a job line commented by someone else.</summary>
    public const string Off = "off";

    /// <summary>The container could not be read (stopped, exec failed).</summary>
    public const string Unknown = "unknown";
}

/// <summary>A switch the console refuses or could not make; <see cref="Status"/> is the HTTP status the API answers.</summary>
public sealed class KoboCronException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads kobo's own backup crons in the back-end containers and switches one off (and back on)
/// through kobo's mechanism: its crontab in /etc/cron.d. kobo-install's start or upgrade recreates
/// the container, whose entry script writes the crontab again from the environment, so a switch
/// lasts until then.
/// </summary>
public sealed class KoboCronService(StackDiscovery discovery, IDockerHosts hosts, BackupSchedules schedules, AuditLog audit, ILogger<KoboCronService> logger)
{
    public const string UntilRecreate = "until the container is recreated: kobo-install start or upgrade reinstalls kobo's cron from the environment";

    public async Task<IReadOnlyList<KoboCronEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var covered = await CoveredStoresAsync(cancellationToken);
        var entries = new List<KoboCronEntry>();
        foreach (var store in KoboCrontab.Stores)
        {
            foreach (var container in snapshot.Service(store.Service))
            {
                entries.Add(await ReadAsync(store, container, covered.Contains(store.Store), cancellationToken));
            }
        }

        return entries;
    }

    /// <summary>Switches kobo's cron for <paramref name="store"/> in every running container of its service; all or none.</summary>
    public async Task<IReadOnlyList<KoboCronEntry>> SwitchAsync(string store, bool on, string actor, CancellationToken cancellationToken)
    {
        var direction = on ? "on" : "off";
        var action = on ? "backup.kobo-cron.enable" : "backup.kobo-cron.disable";
        var target = $"kobo cron {Clip(store)}";
        try
        {
            var entries = await SwitchCoreAsync(store, on, cancellationToken);
            var names = string.Join(", ", entries.Select(e => e.Container));
            await audit.WriteAsync(actor, action, target, on ? "switched on" : "switched off",
                $"{names}: {KoboCrontab.Find(store)!.File}{(on ? "" : $"; {UntilRecreate}")}", cancellationToken: cancellationToken);
            Log.Switched(logger, store, direction, names, actor);
            return entries;
        }
        catch (KoboCronException ex)
        {
            await audit.WriteAsync(actor, action, target, ex.Status == StatusCodes.Status502BadGateway ? "failed" : "rejected", ex.Message, cancellationToken: CancellationToken.None);
            Log.SwitchFailed(logger, store, direction, ex.Message);
            throw;
        }
    }

    private async Task<IReadOnlyList<KoboCronEntry>> SwitchCoreAsync(string store, bool on, CancellationToken cancellationToken)
    {
        var cron = KoboCrontab.Find(store)
            ?? throw new KoboCronException($"store '{Clip(store)}' has no kobo backup cron; use {string.Join(", ", KoboCrontab.Stores.Select(s => s.Store))}.", StatusCodes.Status422UnprocessableEntity);
        var covered = (await CoveredStoresAsync(cancellationToken)).Contains(store);
        if (!on && !covered)
        {
            throw new KoboCronException($"No enabled console schedule backs up {store}: add one first (Schedules on this page), then switch kobo's cron off.", StatusCodes.Status409Conflict);
        }

        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var running = snapshot.Service(cron.Service).Where(c => c.Running).ToList();
        var withCron = new List<KoboContainer>();
        foreach (var container in running)
        {
            if ((await ReadAsync(cron, container, covered, cancellationToken)) is { Cron: not null, State: not KoboCronStates.Unknown })
            {
                withCron.Add(container);
            }
        }

        if (withCron.Count == 0)
        {
            throw new KoboCronException(running.Count == 0
                ? $"No running {cron.Service} container: start it, then switch kobo's cron."
                : $"kobo's cron for {store} is not installed in {string.Join(", ", running.Select(c => c.Name))} ({cron.Variable} is empty or commented out): there is nothing to switch.",
                StatusCodes.Status409Conflict);
        }

        var done = new List<KoboContainer>();
        try
        {
            foreach (var container in withCron)
            {
                await RunSwitchAsync(cron, container, on, cancellationToken);
                done.Add(container);
            }
        }
        catch (KoboCronException)
        {
            // All or none: put back what was already switched.
            foreach (var container in done)
            {
                await RunSwitchAsync(cron, container, !on, CancellationToken.None);
            }

            throw;
        }

        var after = new List<KoboCronEntry>();
        foreach (var container in withCron)
        {
            after.Add(await ReadAsync(cron, container, covered, cancellationToken));
        }

        var wanted = on ? KoboCronStates.On : KoboCronStates.OffByConsole;
        if (after.FirstOrDefault(e => e.State != wanted) is { } wrong)
        {
            throw new KoboCronException($"kobo's cron in {wrong.Container} is '{wrong.State}' after switching it {(on ? "on" : "off")}; check {cron.File} in the container.", StatusCodes.Status502BadGateway);
        }

        return after;
    }

    private async Task RunSwitchAsync(KoboCronStore cron, KoboContainer container, bool on, CancellationToken cancellationToken)
    {
        ExecResult result;
        try
        {
            result = await hosts.Get(container.Host).ExecAsync(container.Id, ["sh", "-c", KoboCrontab.SwitchScript(cron, on)], cancellationToken);
        }
        catch (DockerException ex)
        {
            throw new KoboCronException($"Could not reach {container.Name}: {ex.Message}", StatusCodes.Status502BadGateway);
        }

        if (result.ExitCode != 0)
        {
            throw new KoboCronException($"Switching kobo's cron in {container.Name} failed (exit {result.ExitCode}): {result.Stderr.Trim()}", StatusCodes.Status502BadGateway);
        }
    }

    private async Task<KoboCronEntry> ReadAsync(KoboCronStore cron, KoboContainer container, bool covered, CancellationToken cancellationToken)
    {
        var engine = hosts.Get(container.Host);
        string? envSchedule = null;
        try
        {
            envSchedule = KoboCrontab.EnvSchedule(ContainerEnv.Of((await engine.InspectContainerAsync(container.Id, cancellationToken)).Env).GetValueOrDefault(cron.Variable));
            if (!container.Running)
            {
                return Entry(cron, container, envSchedule, new CrontabState(false, null, null, false, false, null), covered, $"{container.Name} is {container.State}: its cron cannot be read.");
            }

            var result = await engine.ExecAsync(container.Id, ["sh", "-c", KoboCrontab.ReadScript(cron)], cancellationToken);
            return result.ExitCode == 0
                ? Entry(cron, container, envSchedule, KoboCrontab.Parse(result.Stdout), covered, null)
                : Entry(cron, container, envSchedule, new CrontabState(false, null, null, false, false, null), covered, $"reading {cron.File} failed (exit {result.ExitCode})");
        }
        catch (DockerException ex)
        {
            return Entry(cron, container, envSchedule, new CrontabState(false, null, null, false, false, null), covered, ex.Message);
        }
    }

    private static KoboCronEntry Entry(KoboCronStore cron, KoboContainer container, string? envSchedule, CrontabState state, bool covered, string? problem)
    {
        var name = problem is not null ? KoboCronStates.Unknown
            : state.Active ? KoboCronStates.On
            : state.SwitchedOffByConsole ? KoboCronStates.OffByConsole : KoboCronStates.Off;
        var when = state.Cron is { } c ? KoboCrontab.Describe(c) : null;
        var summary = name switch
        {
            KoboCronStates.On => $"kobo's cron {when} {cron.Deletes(state.Mode)}.",
            KoboCronStates.OffByConsole => $"Switched off by the console {UntilRecreate}. When on, it runs {when} and {cron.Deletes(state.Mode)}.",
            KoboCronStates.Off when state.Cron is not null => $"The job line in {cron.File} is commented out: kobo's cron does not run it.",
            KoboCronStates.Off => envSchedule is null
                ? $"kobo's backups are off ({cron.Variable} is empty or commented out)."
                : $"{cron.Variable} is set but {cron.File} is not there: kobo's entry script has not installed it (yet).",
            _ => $"Unknown: {problem}",
        };
        if (name == KoboCronStates.On && state.DaemonRunning == false)
        {
            summary += " No cron daemon runs in the container now, so the job would not start until one does.";
        }

        return new KoboCronEntry(cron.Store, container.Name, container.Host, cron.Variable, envSchedule, state.Cron, name, state.Mode, state.DaemonRunning, covered, summary, problem);
    }

    private static string Clip(string store) => store.Length > 32 ? store[..32] + "…" : store;

    private async Task<HashSet<string>> CoveredStoresAsync(CancellationToken cancellationToken) =>
        (await schedules.ListAsync(cancellationToken)).Where(s => s.Enabled).SelectMany(s => s.Stores).ToHashSet(StringComparer.Ordinal);
}
