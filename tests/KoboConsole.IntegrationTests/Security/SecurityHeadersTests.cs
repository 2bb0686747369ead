using System.Net;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// Security headers on every GET endpoint the app maps (pages, API, hubs, dashboard) and on
/// unknown paths, for an admin who may see everything: no response may be framed by anyone
/// (the maintenance preview is an <c>iframe srcdoc</c> inside the console page, not a URL).
/// </summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task EveryGetEndpoint_SignedInAdmin_CarriesSecurityHeadersAndRefusesFraming()
    {
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker());
        using var client = app.CreateBrowserLikeClient();
        using (var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var paths = MappedEndpoint.All(app.Services).Where(e => e.Method == "GET").Select(e => e.Path)
            .Concat(["/no-such-page", "/api/v1/no-such-thing", "/maintenance/preview", "/css/app.css"]).Distinct().ToList();
        Assert.Contains("/audit", paths);
        var failures = new List<string>();

        foreach (var path in paths)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var c) ? string.Join(' ', c) : "";
            var problems = new List<string>();
            if (!csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal))
            {
                problems.Add($"CSP '{csp}' lacks frame-ancestors 'none'");
            }

            if (!path.StartsWith("/hangfire", StringComparison.Ordinal) && !csp.Contains("script-src 'self';", StringComparison.Ordinal))
            {
                problems.Add("CSP allows scripts from elsewhere than 'self'");
            }

            Expect(response, "X-Frame-Options", "DENY", problems);
            Expect(response, "X-Content-Type-Options", "nosniff", problems);
            Expect(response, "Referrer-Policy", "same-origin", problems);
            if (problems.Count > 0)
            {
                failures.Add($"GET {path} ({(int)response.StatusCode}): {string.Join("; ", problems)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static void Expect(HttpResponseMessage response, string header, string expected, List<string> problems)
    {
        var value = response.Headers.TryGetValues(header, out var v) ? string.Join(' ', v) : null;
        if (value != expected)
        {
            problems.Add($"{header} is '{value}', not '{expected}'");
        }
    }
}
