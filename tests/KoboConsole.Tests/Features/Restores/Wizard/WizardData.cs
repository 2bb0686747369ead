using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Tests.Features.Restores.Wizard;

/// <summary>Plans and runs as the runbook produces them, for the wizard's component tests.</summary>
internal static class WizardData
{
    public const string Domain = "kobo.example.org";
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static RestoreItem Item(string name, bool verified, string? backupDomain = null)
    {
        var manifest = verified
            ? new ManifestItem("postgres", "postgres/" + name, "koboform", "1", 100, new string('a', 64), "local", "pg", "postgres:14", At, At, null, null)
            : null;
        var entry = new BackupEntry("disk:" + name, "postgres", "disk", name, 100, At, manifest?.Sha256, verified ? "console" : "kobo", verified ? "run1" : null);
        return new RestoreItem(entry, "postgres/" + name, manifest, "koboform", backupDomain);
    }

    public static RestorePlan Plan(bool verified = true, bool blockingFailure = false, string? backupDomain = null)
    {
        var item = Item("postgres-koboform-14-kobo.example.org-20261125_1000.pgdump", verified, backupDomain);
        var checks = new List<PreflightCheck>
        {
            new("backups found", true, true, "1 backup(s) found in the catalog."),
            new($"target of {item.Entry.Name}", !blockingFailure, true, blockingFailure ? "no running 'postgres' container; start it, then check again." : "kobo-postgres is running on Docker host local."),
        };
        if (backupDomain is not null)
        {
            checks.Add(new("same domain", false, false, $"{item.Entry.Name} was made on {backupDomain}, this install is {Domain}."));
        }

        return new RestorePlan([item], checks, Domain, Domain, ["kobo-kpi", "kobo-worker"]);
    }

    /// <summary>A run whose log lines carry the "HH:mm:ss " the run store puts before each line.</summary>
    public static RunView Run(string state, params string[] log) =>
        new("r42", RestoreRunner.Kind, state, "ada", At, At, RunStates.IsFinished(state) ? At.AddMinutes(1) : null,
            new RunProgressView(null, 0, null), [], state == RunStates.Failed ? "failed at step 'verify': row counts differ." : null,
            log.Select(l => "10:00:01 " + l).ToList(), false, null);
}
