using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>HTTP clients that present a Bearer token of a fresh user with a given role (created through the real API).</summary>
internal static class RoleClients
{
    /// <summary>Docker settings that point at no engine: nothing a test sends can touch a container.</summary>
    public static Dictionary<string, string?> NoDocker() => new()
    {
        ["KoboConsole:Docker:Hosts:0:Name"] = "nowhere",
        ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///run/koboconsole-security-no-such.sock",
    };

    public static async Task<string> TokenAsync(HttpClient client, string username, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username, password, name = "security-suite" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public static async Task<HttpClient> ForRoleAsync(ConsoleAppFactory app, string role)
    {
        var client = app.CreateBrowserLikeClient();
        var adminToken = await TokenAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        if (role == "admin")
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            return client;
        }

        var username = $"{role}-{Guid.NewGuid():N}"[..20];
        const string password = "password-of-a-test-user";
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username, password, role }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using (var created = await client.SendAsync(create))
        {
            created.EnsureSuccessStatusCode();
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, username, password));
        return client;
    }
}
