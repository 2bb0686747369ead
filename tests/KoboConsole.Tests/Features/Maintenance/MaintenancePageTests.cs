using KoboConsole.Web.Features.Maintenance;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class MaintenancePageTests
{
    private static string Template => File.ReadAllText(Path.Combine(RepoRoot(), "wwwroot", "maintenance", "page.html"));

    [Fact]
    public void Render_ScriptInEveryField_IsEscapedEvenWithoutValidation()
    {
        const string Evil = "<script>alert(1)</script>";
        var fields = new MaintenanceFields(Evil, "\"><script>x</script>", Evil, "a@b.org\"><script>alert(2)</script>");

        var html = MaintenancePage.Render(Template, fields, new PublicSite("<img src=x onerror=alert(3)>"));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PlaceholderInValues_StaysLiteral()
    {
        // Values straight to Render, as if validation had let them through.
        var fields = new MaintenanceFields("{{LINKS}} ${ETA}", "20261126T0200", "{{CONTACT}}", "{{LINKS}}${x}@example.org");

        var html = MaintenancePage.Render(Template, fields, new PublicSite("kobo.example.org"));

        Assert.Contains("It may take up to <span class=\"when\">{{LINKS}} ${ETA}</span>", html, StringComparison.Ordinal);
        Assert.Contains(">{{CONTACT}}</a>", html, StringComparison.Ordinal);
        Assert.Contains(">{{LINKS}}${x}@example.org</a>", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("href=\"https://kf.kobo.example.org/\"").Length - 1);
    }

    [Fact]
    public void Render_KoboFields_ShowsKoboContent()
    {
        var fields = new MaintenanceFields("2 hours", "20261126T0200", "Thursday, November 26 at 02:00 GMT", "support@example.org");

        var html = MaintenancePage.Render(Template, fields, new PublicSite("kobo.example.org"));

        Assert.Contains("It may take up to <span class=\"when\">2 hours</span>", html, StringComparison.Ordinal);
        Assert.Contains(">Thursday, November 26 at 02:00 GMT</a>", html, StringComparison.Ordinal);
        Assert.Contains("https://www.timeanddate.com/worldclock/fixedtime.html?iso=20261126T0200", html, StringComparison.Ordinal);
        Assert.Contains("mailto:support@example.org", html, StringComparison.Ordinal);
        Assert.Contains("submissions", html, StringComparison.Ordinal);
        Assert.Contains("https://kf.kobo.example.org/", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NginxConfig_Ports_ListensOnEachAndSetsRetryAfter()
    {
        var config = MaintenancePage.NginxConfig([80, 8080, 80], 7200);

        Assert.Contains("listen 80 default_server;", config, StringComparison.Ordinal);
        Assert.Contains("listen 8080 default_server;", config, StringComparison.Ordinal);
        Assert.Contains("add_header Retry-After 7200 always;", config, StringComparison.Ordinal);
        Assert.Contains("location = /service_health/", config, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicSite_FromNginxEnv_ReadsKoboDomainVariables()
    {
        var site = PublicSite.FromEnv(["PUBLIC_DOMAIN_NAME=kobo.test", "KOBOFORM_PUBLIC_SUBDOMAIN=forms", "PUBLIC_REQUEST_SCHEME=http"]);

        Assert.Equal(new PublicSite("kobo.test", "http", "forms", "ee"), site);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KoboConsole.sln not found above the test binaries.");
    }
}
