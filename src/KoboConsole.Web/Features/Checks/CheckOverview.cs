namespace KoboConsole.Web.Features.Checks;

/// <summary>One line of the overview: a check as it stands, its timeline and uptime over the range.</summary>
public sealed record OverviewRow(CheckStatus Status, IReadOnlyList<UptimeBar> Bars, double? Percent);

public sealed record OverviewGroup(string Title, IReadOnlyList<OverviewRow> Rows);

/// <summary>The home page's answer to "is kobo OK now, and was it last night?".</summary>
public sealed record CheckOverview(IReadOnlyList<CheckStatus> Open, IReadOnlyList<OverviewGroup> Groups, IReadOnlyList<Incident> Incidents)
{
    public const int BarCount = 48;

    private static readonly (string Title, string[] Kinds)[] GroupOrder =
    [
        ("The site through nginx", [CheckKinds.Http]),
        ("Databases and caches", [CheckKinds.Probe]),
        ("Containers", [CheckKinds.Container]),
        ("Docker hosts", [CheckKinds.DockerHost]),
        ("The console itself", [CheckKinds.Console]),
        ("Data protection", [CheckKinds.BackupAge, CheckKinds.Drill, CheckKinds.Catalog]),
        ("Capacity", [CheckKinds.Disk, CheckKinds.RedisMemory, CheckKinds.PostgresConnections, CheckKinds.LogRotation]),
        ("Host warnings", [CheckKinds.HostKernel]),
    ];

    /// <summary>Failing or warning periods maintenance muted (left out of <see cref="Incidents"/> and uptime), newest first.</summary>
    public IReadOnlyList<Incident> Muted { get; init; } = [];

    public int Failing => Open.Count(s => s.State == CheckStates.Failing);

    public int Warnings => Open.Count(s => s.State == CheckStates.Warning);

    /// <param name="history">Changes of every check from <paramref name="from"/> (with each check's state at that time) to now.</param>
    public static CheckOverview Build(IReadOnlyList<CheckStatus> statuses, IReadOnlyList<CheckChange> history, DateTimeOffset from, DateTimeOffset now)
    {
        var byId = history.GroupBy(c => $"{c.Check}:{c.Target}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<CheckChange>)g.ToList(), StringComparer.Ordinal);
        var open = statuses.Where(s => !s.Muted && s.State is CheckStates.Failing or CheckStates.Warning)
            .OrderByDescending(s => CheckStates.Severity(s.State)).ThenBy(s => s.Since).ToList();
        var groups = GroupOrder.Select(g => new OverviewGroup(g.Title, statuses.Where(s => g.Kinds.Contains(s.Check))
                .OrderByDescending(s => CheckStates.Severity(s.State)).ThenBy(s => s.Target, StringComparer.Ordinal)
                .Select(s =>
                {
                    var changes = byId.GetValueOrDefault(s.Id) ?? [];
                    return new OverviewRow(s, Uptime.Bars(changes, from, now, BarCount), Uptime.Percent(changes, from, now));
                }).ToList()))
            .Where(g => g.Rows.Count > 0).ToList();
        var incidents = byId.Values.SelectMany(Uptime.Incidents).Where(i => (i.End ?? now) >= from).OrderByDescending(i => i.Start).ToList();
        var muted = byId.Values.SelectMany(Uptime.MutedPeriods).Where(i => (i.End ?? now) >= from).OrderByDescending(i => i.Start).ToList();
        return new CheckOverview(open, groups, incidents) { Muted = muted };
    }

    /// <summary>"3 h 5 min", "45 s": a duration as the overview says it.</summary>
    public static string Say(TimeSpan t) => t.TotalSeconds < 60 ? $"{(int)t.TotalSeconds} s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min"
        : t.TotalDays < 1 ? $"{(int)t.TotalHours} h {t.Minutes} min"
        : $"{(int)t.TotalDays} d {t.Hours} h";
}
