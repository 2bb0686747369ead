using Bunit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Wizard;

namespace KoboConsole.Tests.Features.Restores.Wizard;

/// <summary>A missing backup (its file gone) is shown in its set but never offered as a source.</summary>
public sealed class RestoreChooseTests : MudComponentTest
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MissingEntry_ShownDisabledWithWhenNoticed_WholeSetTicksTheOthers()
    {
        var ok = new BackupEntry("id-ok", "postgres", "disk", "postgres-kobocat-15-kobo.test-2026.12.01.03_00.pg_dump", 100, At, new string('a', 64), "console", "run1");
        var gone = new BackupEntry("id-gone", "redis", "disk", "redis-7.0.15-kobo.test-2026.12.01.03_00.gz", 100, At, new string('b', 64), "console", "run1",
            BackupEntry.Missing, At.AddHours(5));
        (IReadOnlyList<string> Ids, bool On)? toggled = null;
        var cut = Ctx.Render<RestoreChoose>(p => p
            .Add(c => c.Sets, BackupSet.Group([ok, gone]))
            .Add(c => c.Selected, new HashSet<string>())
            .Add(c => c.OnToggle, ((IReadOnlyList<string> Ids, bool On) change) => toggled = change));

        Assert.Contains("missing since 2026-12-01 08:00 UTC", cut.Find("[data-testid=missing-source]").TextContent, StringComparison.Ordinal);
        Assert.Contains("cannot be restored", cut.Find("[data-testid=missing-source]").TextContent, StringComparison.Ordinal);
        var boxes = cut.FindAll("[data-testid=backup-choice] input[type=checkbox]");
        Assert.Equal([false, true], boxes.Select(b => b.HasAttribute("disabled")));
        cut.FindAll("[data-testid=backup-set] input[type=checkbox]")[0].Change(true);
        Assert.Equal(["id-ok"], toggled!.Value.Ids);
    }
}
