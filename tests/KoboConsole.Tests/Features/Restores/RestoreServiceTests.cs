using KoboConsole.Web.Features.Restores;

namespace KoboConsole.Tests.Features.Restores;

public sealed class RestoreServiceTests
{
    private const string Id = "0123456789abcdef0123";

    [Theory]
    [InlineData("abc")]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789ABCDEF0123")]
    public void Validate_NotABackupId_RefusedWithoutEchoingIt(string id)
    {
        var problem = Assert.Single(RestoreService.Validate(new StartRestoreRequest([id], "kobo.test"))["backupIds"]);

        Assert.Contains("not a backup id", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(id, problem, StringComparison.Ordinal);
    }

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
        var errors = RestoreService.Validate(new StartRestoreRequest([Id], "kobo.test", SafetyBackup: false, SkipSafetyReason: "no"));

        Assert.Contains("at least 10 characters", Assert.Single(errors["skipSafetyReason"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameIdTwice_Refused()
    {
        var errors = RestoreService.Validate(new StartRestoreRequest([Id, Id], "kobo.test"));

        Assert.Equal("names a backup twice; list each backup id once.", Assert.Single(errors["backupIds"]));
    }

    [Fact]
    public void BackupIdsProblem_FiveThousandCopiesOfOneId_Refused() =>
        Assert.Equal("names a backup twice; list each backup id once.", RestoreService.BackupIdsProblem([.. Enumerable.Repeat(Id, 5_000)]));

    [Fact]
    public void Validate_SkippedWithReason_IsValid()
    {
        Assert.Empty(RestoreService.Validate(new StartRestoreRequest([Id], "kobo.test", false, "disk is full, copy exists on S3")));
    }
}
