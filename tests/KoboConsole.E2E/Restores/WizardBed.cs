using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Restores;

/// <summary>A test-bed stack, the console on a real port pointed at it with its own backup directory, and an API client.</summary>
internal sealed class WizardBed : IAsyncDisposable
{
    private static readonly string[] PostgresOnly = ["postgres"];

    private WizardBed(TestBedKobo stack, string directory, ConsoleAppFactory app, Uri baseUri, HttpClient api)
    {
        Stack = stack;
        Directory = directory;
        App = app;
        BaseUri = baseUri;
        Api = api;
    }

    public TestBedKobo Stack { get; }

    public string Directory { get; }

    public ConsoleAppFactory App { get; }

    public Uri BaseUri { get; }

    public HttpClient Api { get; }

    public static async Task<WizardBed> StartAsync(string tag)
    {
        var stack = await TestBedKobo.UpAsync(tag);
        var dir = System.IO.Directory.CreateTempSubdirectory("kc-e2e-restores-").FullName;
        var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = stack.Prefix,
            ["KoboConsole:Backups:Directory"] = dir,
        }, realPort: true);
        var baseUri = app.StartRealServer();
        return new WizardBed(stack, dir, app, baseUri, await ApiClientAsync(baseUri));
    }

    public Task<IBrowserContext> NewContextAsync(BrowserFixture browser) =>
        browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1700 } });

    /// <summary>Signs in as the admin on /restores and waits until the circuit is interactive.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "/restores");
        return page;
    }

    public async Task<string> BackupPostgresAsync()
    {
        using var post = await Api.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        post.EnsureSuccessStatusCode();
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            var run = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            var state = run.GetProperty("state").GetString();
            if (state is "succeeded" or "failed" or "cancelled")
            {
                Assert.True(state == "succeeded", run.ToString());
                return runId;
            }
        }

        throw new TimeoutException($"backup run {runId} did not finish in 3 minutes.");
    }

    /// <summary>Runs SQL in koboform; the last line of its output.</summary>
    public async Task<string> PsqlAsync(string sql)
    {
        var r = await TestBedKobo.DockerAsync("exec", Stack.Values["container.postgres"], "psql", "-U", Stack.Values["postgres_user"], "-d", "koboform",
            "-At", "-v", "ON_ERROR_STOP=1", "-c", sql);
        Assert.True(r.Code == 0, r.StdErr);
        return r.StdOut.Trim().Split('\n')[^1];
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
        await Stack.DisposeAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static async Task<HttpClient> ApiClientAsync(Uri baseUri)
    {
        var client = new HttpClient { BaseAddress = baseUri };
        using var token = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "wizard e2e" });
        token.EnsureSuccessStatusCode();
        var value = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        return client;
    }
}
