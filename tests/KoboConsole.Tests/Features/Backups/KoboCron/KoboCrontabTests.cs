using KoboConsole.Web.Features.Backups.KoboCron;

namespace KoboConsole.Tests.Features.Backups.KoboCron;

public sealed class KoboCrontabTests
{
    private const string Job = "0 1 * * 0  root    /usr/bin/nice -n 19 /usr/bin/ionice -c2 -n7 /bin/bash /kobo-docker-scripts/scripts/backup-to-disk.bash > /srv/logs/backup.log 2>&1";

    [Fact]
    public void Parse_KobosJobLine_IsActiveOnDisk()
    {
        var state = KoboCrontab.Parse($"file=present\nline={Job}\ndaemon=running\n");

        Assert.Equal((true, "0 1 * * 0", KoboCrontab.Disk, true), (state.Active, state.Cron, state.Mode, state.DaemonRunning));
    }

    [Fact]
    public void Parse_LineWithTheConsolesMarker_IsSwitchedOffByTheConsole()
    {
        var state = KoboCrontab.Parse($"file=present\nline={KoboCrontab.Marker}{Job.Replace("backup-to-disk.bash", "backup-to-s3.py", StringComparison.Ordinal)}\ndaemon=none\n");

        Assert.Equal((false, true, KoboCrontab.S3, false), (state.Active, state.SwitchedOffByConsole, state.Mode, state.DaemonRunning));
    }

    [Fact]
    public void Parse_NoFile_IsNotActive()
    {
        var state = KoboCrontab.Parse("file=absent\ndaemon=none\n");

        Assert.Equal((false, false, null), (state.Active, state.Present, state.Cron));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("#0 1 * * 0", null)]
    [InlineData("\"0  1 * * 0\"", "0 1 * * 0")]
    public void EnvSchedule_KoboInstallValues_CommentedMeansOff(string? value, string? expected) =>
        Assert.Equal(expected, KoboCrontab.EnvSchedule(value));
}
