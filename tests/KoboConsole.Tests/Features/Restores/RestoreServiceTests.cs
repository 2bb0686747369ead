using KoboConsole.Web.Features.Restores;

namespace KoboConsole.Tests.Features.Restores;

public sealed class RestoreServiceTests
{
    [Fact]
    public void Validate_EmptyRequest_NamesIdsAndConfirm()
    {
        var errors = RestoreService.Validate(new StartRestoreRequest(null, null));

        Assert.Contains("backupIds", errors.Keys);
        Assert.Contains("confirm", errors.Keys);
    }

    [Fact]
    public void Validate_SafetyBackupOffWithoutReason_AsksForTheReason()
    {
        var errors = RestoreService.Validate(new StartRestoreRequest(["a"], "kobo.test", SafetyBackup: false, SkipSafetyReason: "no"));

        Assert.Contains("at least 10 characters", Assert.Single(errors["skipSafetyReason"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameIdTwice_Refused()
    {
        var errors = RestoreService.Validate(new StartRestoreRequest(["a", "a"], "kobo.test"));

        Assert.Equal("names a backup twice.", Assert.Single(errors["backupIds"]));
    }

    [Fact]
    public void Validate_SkippedWithReason_IsValid()
    {
        Assert.Empty(RestoreService.Validate(new StartRestoreRequest(["a"], "kobo.test", false, "disk is full, copy exists on S3")));
    }
}
