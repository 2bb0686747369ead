using KoboConsole.Web.Features.Maintenance.KoboInstall;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class RunConfTests
{
    // As kobo-install's json.dumps(indent=2, sort_keys=True) writes it: no final newline, \u escapes.
    private const string KoboInstallFile = "{\n  \"backend_server_role\": \"primary\",\n  \"maintenance_email\": \"ops@example.org\",\n  \"maintenance_enabled\": false,\n"
        + "  \"mongo_backup_schedule\": \"0 1 * * 0\",\n  \"multi\": true,\n  \"postgres_password\": \"p\\u00e4ss\",\n  \"public_domain_name\": \"kobo.example.org\",\n  \"server_role\": \"backend\"\n}";

    [Fact]
    public void WithMaintenance_KoboInstallFile_ChangesOnlyTheFlag()
    {
        var on = RunConf.WithMaintenance(KoboInstallFile, true);

        Assert.Equal(KoboInstallFile.Replace("\"maintenance_enabled\": false", "\"maintenance_enabled\": true", StringComparison.Ordinal), on);
        Assert.Equal(KoboInstallFile, RunConf.WithMaintenance(on, false));
    }

    [Fact]
    public void WithMaintenance_FlagMissing_AddsItInSortedOrder()
    {
        var updated = RunConf.WithMaintenance("{\n  \"multi\": false,\n  \"docker_prefix\": \"\"\n}", true);

        Assert.Equal("{\n  \"docker_prefix\": \"\",\n  \"maintenance_enabled\": true,\n  \"multi\": false\n}", updated.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Read_KoboInstallFile_GivesDomainContactRoleAndSchedules()
    {
        var s = RunConf.Read(KoboInstallFile);

        Assert.Equal(("kobo.example.org", "ops@example.org", false), (s.PublicDomain, s.MaintenanceEmail, s.MaintenanceEnabled));
        Assert.Equal("back end (primary)", s.Role);
        Assert.Equal("0 1 * * 0", Assert.Single(s.BackupSchedules, p => p.Key == "mongo").Value);
    }

    [Fact]
    public void Read_NotJson_IsAFormatExceptionSayingSo()
    {
        var ex = Assert.Throws<FormatException>(() => RunConf.Read("maintenance_enabled = true"));
        Assert.StartsWith("it is not valid JSON", ex.Message, StringComparison.Ordinal);
    }
}
