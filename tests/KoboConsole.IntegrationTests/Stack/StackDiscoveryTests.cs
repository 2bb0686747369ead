using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Stack;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Stack;

/// <summary>Discovery against real test-bed stacks: kobo's names and Compose's labels, roles from services.</summary>
public sealed class StackDiscoveryTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Discover_PrefixedStack_FindsEveryServiceWithItsRole()
    {
        var info = await fixture.RentAsync("prefixed", "d", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = prefix });
            var snapshot = await app.Services.GetRequiredService<StackDiscovery>().DiscoverAsync(false, CancellationToken.None);

            Assert.All(snapshot.Containers, c => Assert.StartsWith(prefix + "-kobo", c.Project, StringComparison.Ordinal));
            Assert.Equal(info.Containers.Keys.Order(StringComparer.Ordinal), snapshot.Containers.Select(c => c.Service).Order(StringComparer.Ordinal));
            Assert.Equal(KoboRole.Frontend, Assert.Single(snapshot.Service("nginx")).Role);
            Assert.Equal(KoboRole.Backend, Assert.Single(snapshot.Service("postgres")).Role);
            Assert.All(snapshot.Containers, c => Assert.True(c.Running, $"{c.Name} is {c.State}"));
            Assert.True(Assert.Single(snapshot.Hosts).Reachable);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Discover_OtherPrefix_SeesNothingOfThisStack()
    {
        var info = await fixture.RentAsync("prefixed", "e", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = "not-" + prefix });
            var snapshot = await app.Services.GetRequiredService<StackDiscovery>().DiscoverAsync(false, CancellationToken.None);

            Assert.DoesNotContain(snapshot.Containers, c => c.Project.StartsWith(prefix, StringComparison.Ordinal));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }
}
