using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Tests.Features.Auth;

public sealed class UserRulesTests
{
    [Theory]
    [InlineData("admin")]
    [InlineData("jane.doe@example.org")]
    [InlineData("ops-team_2")]
    public void ValidateUsername_Acceptable_ReturnsNull(string username) => Assert.Null(UserRules.ValidateUsername(username));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("-leadingdash")]
    [InlineData("has space")]
    [InlineData("<script>")]
    [InlineData("../etc")]
    public void ValidateUsername_Bad_SaysWhatToDo(string username) => Assert.NotNull(UserRules.ValidateUsername(username));

    [Fact]
    public void ValidatePassword_TooShort_NamesTheMinimum() =>
        Assert.Contains("10", UserRules.ValidatePassword("short"), StringComparison.Ordinal);

    [Fact]
    public void Normalize_MixedCaseAndSpaces_LowercasesAndTrims() => Assert.Equal("admin", UserRules.Normalize("  AdMin "));

    [Theory]
    [InlineData(Roles.Viewer, new[] { "viewer", "operator", "admin" })]
    [InlineData(Roles.Operator, new[] { "operator", "admin" })]
    [InlineData(Roles.Admin, new[] { "admin" })]
    public void AtLeast_EachRole_IncludesHigherRolesOnly(string role, string[] expected) => Assert.Equal(expected, Roles.AtLeast(role));

    [Theory]
    [InlineData(null, "/")]
    [InlineData("/backups", "/backups")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/login?x=1", "/")]
    public void SafeReturnUrl_OnlyLocalPaths(string? input, string expected) => Assert.Equal(expected, Login.SafeReturnUrl(input));

    [Fact]
    public void AuthOptionsValidator_HalfABootstrapAdmin_NamesTheKey()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { BootstrapAdmin = { Username = "admin" } });

        Assert.True(result.Failed);
        Assert.Contains("KoboConsole:Auth:BootstrapAdmin", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthOptionsValidator_ShortBootstrapPassword_NeverEchoesIt()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { BootstrapAdmin = { Username = "admin", Password = "secret123" } });

        Assert.True(result.Failed);
        Assert.DoesNotContain("secret123", result.FailureMessage, StringComparison.Ordinal);
    }
}
