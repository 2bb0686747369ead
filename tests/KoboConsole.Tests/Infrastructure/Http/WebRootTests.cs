using KoboConsole.Web.Infrastructure.Http;

namespace KoboConsole.Tests.Infrastructure.Http;

public sealed class WebRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kc-webroot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name, bool withWwwroot)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(withWwwroot ? Path.Combine(dir, "wwwroot") : dir);
        return dir;
    }

    private static string? NoEnv(string _) => null;

    [Fact]
    public void Choose_StartedFromAnotherDirectory_UsesTheApplicationsWwwroot()
    {
        var app = Dir("app", withWwwroot: true);

        Assert.Equal(Path.Combine(app, "wwwroot"), WebRoot.Choose([], Dir("elsewhere", withWwwroot: false), app, NoEnv));
    }

    [Fact]
    public void Choose_WorkingDirectoryHasWwwroot_KeepsTheDefault()
    {
        Assert.Null(WebRoot.Choose([], Dir("project", withWwwroot: true), Dir("app", withWwwroot: true), NoEnv));
    }

    [Fact]
    public void Choose_ApplicationDirectoryHasNoWwwroot_KeepsTheDefault()
    {
        // A build output: static web assets come from its manifest in Development.
        Assert.Null(WebRoot.Choose([], Dir("elsewhere", withWwwroot: false), Dir("bin", withWwwroot: false), NoEnv));
    }

    [Theory]
    [InlineData("--contentRoot=/srv/console")]
    [InlineData("--contentroot")]
    [InlineData("--webroot=/srv/www")]
    public void Choose_ContentRootArgument_IsLeftToTheHost(string arg)
    {
        Assert.Null(WebRoot.Choose([arg], Dir("elsewhere", withWwwroot: false), Dir("app", withWwwroot: true), NoEnv));
    }

    [Theory]
    [InlineData("ASPNETCORE_CONTENTROOT")]
    [InlineData("DOTNET_CONTENTROOT")]
    [InlineData("ASPNETCORE_WEBROOT")]
    public void Choose_ContentRootVariable_IsLeftToTheHost(string variable)
    {
        Assert.Null(WebRoot.Choose([], Dir("elsewhere", withWwwroot: false), Dir("app", withWwwroot: true), v => v == variable ? "/srv/console" : null));
    }
}
