using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Jobs;

/// <summary>
/// Hangfire keeps its log provider in a static: a console host started after another one and then
/// disposed must not break the first one's job client (the test suites run many hosts per process).
/// </summary>
public sealed class SeveralHostsInOneProcessTests
{
    [Fact]
    public async Task JobClient_AnotherHostInTheProcessWasDisposed_StillWorks()
    {
        await using var first = new ConsoleAppFactory();
        using var client = first.CreateClient();
        using var created = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "first" });
        created.EnsureSuccessStatusCode();
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var second = new ConsoleAppFactory();
        using (second.CreateClient())
        {
        }

        await second.DisposeAsync();

        // The maintenance endpoint needs Hangfire's job client, made on first use: after the fix its
        // logger comes from a provider that survives the other host's disposed LoggerFactory.
        using var response = await client.GetAsync(new Uri("/api/v1/maintenance", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
