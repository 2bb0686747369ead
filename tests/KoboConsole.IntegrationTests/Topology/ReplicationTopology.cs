using System.Globalization;
using System.Text.RegularExpressions;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>
/// What the topology shows of a prefixed stack with a real streaming-replication secondary
/// (stack.sh --postgres-secondary) on a second engine: the replication link, the role words and the
/// lag. Run by <see cref="Restores.ReplicationRestoreTests"/> on its stack before the backup and
/// restore, in each of kobo's role vocabularies: a replication pair costs a second engine, so the
/// two tests share one per vocabulary.
/// </summary>
public static partial class ReplicationTopology
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    public static async Task AssertShownAsync(StackInfo info, string roles)
    {
        var prefix = info.Prefix;
        var (primaryWord, secondaryWord) = (roles.Split('/')[0], roles.Split('/')[1]);
        await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine), ("back2", info.Values["postgres_secondary_docker"])));

        var view = await api.GetAsync();

        var postgres = view.Containers.Where(c => c.Service == "postgres").ToList();
        Assert.Equal(2, postgres.Count);
        var primary = Assert.Single(postgres, c => c.Host == "main");
        var secondary = Assert.Single(postgres, c => c.Host == "back2");
        Assert.Equal(primary.Name, secondary.Name); // kobo's secondary is the postgres of a back end on another server
        Assert.Equal(primaryWord, primary.ReplicationRole);
        Assert.Equal(secondaryWord, secondary.ReplicationRole);
        var link = Assert.Single(view.Links, l => l.Kind == "replication");
        Assert.Equal((secondary.Id, primary.Id), (link.From, link.To));
        Assert.DoesNotContain(view.Links, l => l.To == secondary.Id && l.Kind == "postgres");

        // Lag: written on the primary, measured on both ends by the health probes.
        await PsqlAsync(MainEngine, info, "CREATE TABLE lag_probe AS SELECT g FROM generate_series(1, 5000) g");
        await ReplayedAsync(info, "SELECT count(*) FROM lag_probe", "5000");
        var health = api.App.Services.GetRequiredService<ServiceHealth>();
        var first = await health.ProbeAllAsync(view, CancellationToken.None);
        var onPrimary = Assert.Single(first, r => r.Service == "postgres" && r.Host == "main");
        Assert.True(onPrimary.Ok, onPrimary.Error);
        Assert.Equal(primaryWord, Fact(onPrimary, "configured role"));
        Assert.Equal("primary (accepts writes)", Fact(onPrimary, "server"));
        Assert.Equal("1", Fact(onPrimary, "standbys"));
        var replica = Assert.Single(onPrimary.Facts, f => f.Name.StartsWith("replica ", StringComparison.Ordinal));
        var behind = BytesBehind().Match(replica.Value);
        Assert.True(behind.Success, replica.Value);
        Assert.StartsWith("streaming, ", replica.Value, StringComparison.Ordinal);
        Assert.InRange(long.Parse(behind.Groups[1].Value, CultureInfo.InvariantCulture), 0, 16L << 20);

        var onSecondary = Assert.Single(first, r => r.Service == "postgres" && r.Host == "back2");
        Assert.True(onSecondary.Ok, onSecondary.Error);
        Assert.Equal(secondaryWord, Fact(onSecondary, "configured role"));
        Assert.Equal("standby (read-only, in recovery)", Fact(onSecondary, "server"));
        Assert.Contains("(streaming)", Fact(onSecondary, "upstream"), StringComparison.Ordinal);
        var delay1 = Seconds(Fact(onSecondary, "replay delay"));
        Assert.InRange(delay1, 0, 60);
        Assert.Matches("^[0-9]+ B received, not replayed$", Fact(onSecondary, "replay backlog"));

        // The delay is measured, not fixed: it moves between two probes.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var again = await health.ProbeAllAsync(view, CancellationToken.None);
        var delay2 = Seconds(Fact(Assert.Single(again, r => r.Service == "postgres" && r.Host == "back2"), "replay delay"));
        Assert.NotEqual(delay1, delay2);
    }

    private static string Fact(ProbeResult r, string name) => Assert.Single(r.Facts, f => f.Name == name).Value;

    private static double Seconds(string fact)
    {
        var m = SecondsValue().Match(fact);
        Assert.True(m.Success, fact);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the standby answers <paramref name="sql"/> with <paramref name="expected"/> (replication is asynchronous).</summary>
    private static async Task ReplayedAsync(StackInfo info, string sql, string expected)
    {
        var last = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var r = await ScriptRunner.DockerAsync(info.Values["postgres_secondary_docker"],
                ["exec", info.Values["postgres_secondary_container"], "psql", "-U", info.PostgresUser, "-d", "koboform", "-At", "-c", sql], CancellationToken.None);
            last = r.ExitCode == 0 ? r.StdOut.Trim() : r.StdErr.Trim();
            if (last == expected)
            {
                return;
            }
        }

        Assert.Fail($"the secondary answered '{last}' to {sql}, not {expected}, after 60 s");
    }

    private static async Task PsqlAsync(string engine, StackInfo info, string sql)
    {
        var r = await ScriptRunner.DockerAsync(engine, ["exec", info.Containers["postgres"], "psql", "-U", info.PostgresUser, "-d", "koboform", "-v", "ON_ERROR_STOP=1", "-c", sql], CancellationToken.None);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    [GeneratedRegex(@", ([0-9]+) B behind, ")]
    private static partial Regex BytesBehind();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?) s since the last replayed transaction$")]
    private static partial Regex SecondsValue();
}
