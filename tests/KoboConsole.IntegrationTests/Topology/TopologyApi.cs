using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Topology;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>The console in-process with a Bearer token for the admin: what a script sees of the API.</summary>
public sealed class TopologyApi : IAsyncDisposable
{
    private TopologyApi(ConsoleAppFactory app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public ConsoleAppFactory App { get; }

    public HttpClient Client { get; }

    public static async Task<TopologyApi> StartAsync(IDictionary<string, string?> settings)
    {
        var app = new ConsoleAppFactory(settings);
        var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "topology tests" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new TopologyApi(app, client);
    }

    public static Dictionary<string, string?> Settings(string? prefix, params (string Name, string Endpoint)[] hosts)
    {
        var settings = new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = prefix };
        for (var i = 0; i < hosts.Length; i++)
        {
            settings[$"KoboConsole:Docker:Hosts:{i}:Name"] = hosts[i].Name;
            settings[$"KoboConsole:Docker:Hosts:{i}:Endpoint"] = hosts[i].Endpoint;
        }

        return settings;
    }

    public async Task<TopologyView> GetAsync(bool includeOneOff = false) =>
        (await Client.GetFromJsonAsync<TopologyView>($"/api/v1/topology{(includeOneOff ? "?includeOneOff=true" : "")}", JsonSerializerOptions.Web))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}

public static class TopologyViewExtensions
{
    public static TopologyContainer Of(this TopologyView view, string service) => Assert.Single(view.Containers, c => c.Service == service);

    public static TopologyLink? Link(this TopologyView view, string from, string to) =>
        view.Links.SingleOrDefault(l => l.From == view.Of(from).Id && l.To == view.Of(to).Id);
}
