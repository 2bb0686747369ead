using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>Configuration checks; no daemon needed.</summary>
public sealed class DockerOptionsTests
{
    [Fact]
    public void Options_NoHostConfigured_DefaultsToLocalSocket()
    {
        var options = Resolve([]);

        var host = Assert.Single(options.Hosts);
        Assert.Equal("local", host.Name);
        Assert.Equal("unix:///var/run/docker.sock", host.Endpoint);
        Assert.Equal(5, host.ConnectTimeoutSeconds);
    }

    [Fact]
    public void Options_OneHostConfigured_DoesNotAppendTheDefault()
    {
        var options = Resolve(new() { ["KoboConsole:Docker:Hosts:0:Name"] = "backend", ["KoboConsole:Docker:Hosts:0:Endpoint"] = "tcp://10.0.0.2:2375" });

        Assert.Equal("backend", Assert.Single(options.Hosts).Name);
    }

    [Fact]
    public void Options_BadEndpoint_FailsNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "local",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///var/run/docker.sock",
            ["KoboConsole:Docker:Hosts:1:Name"] = "backend",
            ["KoboConsole:Docker:Hosts:1:Endpoint"] = "foo",
        }));

        Assert.Contains("KoboConsole:Docker:Hosts:1:Endpoint: 'foo' is not a Docker endpoint; expected unix:///path or tcp://host:port", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://host:21")]
    [InlineData("tcp://host")]
    [InlineData("unix://")]
    [InlineData("/var/run/docker.sock")]
    public void Options_EndpointWithWrongShape_Fails(string endpoint)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "local",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = endpoint,
        }));

        Assert.Contains("KoboConsole:Docker:Hosts:0:Endpoint:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DuplicateNames_FailsNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "front",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "tcp://10.0.0.1:2375",
            ["KoboConsole:Docker:Hosts:1:Name"] = "front",
            ["KoboConsole:Docker:Hosts:1:Endpoint"] = "tcp://10.0.0.2:2375",
        }));

        Assert.Contains("KoboConsole:Docker:Hosts:1:Name: 'front' is used by more than one Docker host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_MissingTlsFile_FailsNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "tls",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "tcp://10.0.0.1:2376",
            ["KoboConsole:Docker:Hosts:0:TlsCaCertPath"] = "/nonexistent/ca.pem",
        }));

        Assert.Contains("KoboConsole:Docker:Hosts:0:TlsCaCertPath: file '/nonexistent/ca.pem' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDocker_BadEndpoint_StopsTheAppAtStartNamingTheKey()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "local",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "docker.sock",
        });
        builder.AddDocker();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("KoboConsole:Docker:Hosts:0:Endpoint: 'docker.sock' is not a Docker endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownHost_ThrowsUnknownDockerHost()
    {
        using var services = DockerFixture.BuildServices(new Dictionary<string, string?>());

        var error = Assert.Throws<UnknownDockerHostException>(() => services.GetRequiredService<IDockerHosts>().Get("nowhere"));

        Assert.Contains("known hosts: local", error.Message, StringComparison.Ordinal);
    }

    private static DockerOptions Resolve(Dictionary<string, string?> settings)
    {
        using var services = DockerFixture.BuildServices(settings);
        return services.GetRequiredService<IOptions<DockerOptions>>().Value;
    }
}
