using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>One console for the whole table: an admin client and a second user to aim changes at. No Docker engine is reachable.</summary>
public sealed class BadInputApp : IAsyncLifetime
{
    private static readonly string[] Redis = ["redis"];

    public ConsoleAppFactory App { get; } = new(RoleClients.NoDocker());

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A schedule for the PUT cases to aim at (they must leave it as it is).</summary>
    public string ScheduleId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Admin = await RoleClients.ForRoleAsync(App, "admin");
        using var target = await Admin.PostAsJsonAsync("/api/v1/users", new { username = "target", password = "password-of-target", role = "viewer" });
        target.EnsureSuccessStatusCode();
        using var schedule = await Admin.PostAsJsonAsync("/api/v1/backups/schedules", new { stores = Redis, target = "disk", cron = "0 4 * * *" });
        schedule.EnsureSuccessStatusCode();
        ScheduleId = (await schedule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Every case of <see cref="BadInputCases"/>: answered 400 or 422 with a problem that names the
/// field, and nothing stored (users, tokens, runs, windows, audit unchanged but for "rejected"
/// entries) and nothing executed (an attempt would answer 409, 502 or 503 with no engine).
/// </summary>
public sealed partial class BadInputTests(BadInputApp fixture) : IClassFixture<BadInputApp>
{
    public static IEnumerable<object[]> Cases => BadInputCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_AnyField_IsRefusedNamingTheFieldAndChangesNothing(string name)
    {
        var c = BadInputCases.Get(name);
        var before = await SnapshotAsync();
        var largeAuditBefore = await LargeAuditEntriesAsync();
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path.Replace(BadInputCases.ScheduleId, fixture.ScheduleId, StringComparison.Ordinal));
        if (c.ExpandedBody is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (c.Path == "/api/v1/tokens")
        {
            // The token exchange is anonymous: a Bearer token would only be ignored, send none.
            request.Headers.Authorization = new AuthenticationHeaderValue("None", "x");
        }

        using var response = await fixture.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"{name}: answered {(int)response.StatusCode}: {Clip(text)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(NamesField(text, c.Field), $"{name}: the problem does not name '{c.Field}': {Clip(text)}");
        Assert.True(text.Length < 10_000, $"{name}: the problem echoes the input ({text.Length} characters)");
        Assert.Equal(before, await SnapshotAsync());
        Assert.True(largeAuditBefore == await LargeAuditEntriesAsync(), $"{name}: an audit entry holds the huge input");
    }

    [Fact]
    public void Cases_CoverEveryMutatingApiEndpoint()
    {
        var covered = BadInputCases.Names.Select(n => (string)n[0]).ToList();
        var mutating = MappedEndpoint.All(fixture.App.Services)
            .Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && e.Method is "POST" or "PUT" or "DELETE" or "PATCH")
            .Where(e => e.Pattern != "/api/v1/maintenance/disable" && e.Pattern != "/api/v1/restores" && e.Pattern != "/api/v1/backups/move-to-safety");
        // disable and move-to-safety take no input; restores (another helper's) bring their own suite. A case covers an endpoint when
        // it uses the same method and the endpoint's path up to its first route parameter.
        Assert.All(mutating, e => Assert.Contains(covered, n => n.StartsWith($"{e.Method} {e.Pattern.Split('{')[0]}", StringComparison.Ordinal)));
    }

    private static bool NamesField(string problem, string field)
    {
        using var json = JsonDocument.Parse(problem);
        var root = json.RootElement;
        if (root.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var detail = root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        return Regex.IsMatch(detail, $@"(?<![\w]){Regex.Escape(field)}(?![\w])") || (root.TryGetProperty("field", out var f) && f.GetString() == field);
    }

    private async Task<string> SnapshotAsync() => string.Join('\n',
        await ScalarAsync("SELECT group_concat(username || ':' || role || ':' || disabled || ':' || security_stamp || ':' || password_hash, ',') FROM users"),
        await ScalarAsync("SELECT COUNT(*) FROM api_tokens"),
        await ScalarAsync("SELECT COUNT(*) FROM runs"),
        await ScalarAsync("SELECT COUNT(*) FROM maintenance_windows"),
        await ScalarAsync("SELECT group_concat(id || ':' || stores || ':' || target || ':' || cron || ':' || time_zone, ',') FROM backup_schedules"),
        await ScalarAsync("SELECT COUNT(*) FROM audit WHERE outcome <> 'rejected'"));

    private Task<string> LargeAuditEntriesAsync() =>
        ScalarAsync("SELECT COUNT(*) FROM audit WHERE LENGTH(target) > 1000 OR LENGTH(COALESCE(details, '')) > 2000");

    // Plain ADO.NET: the console's storage is SQLite here; the query is the test's, not the app's.
    private async Task<string> ScalarAsync(string sql)
    {
        await using var c = await fixture.App.Services.GetRequiredService<ConsoleDb>().OpenAsync(CancellationToken.None);
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static string Clip(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
