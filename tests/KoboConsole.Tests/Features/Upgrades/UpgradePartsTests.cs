using KoboConsole.Web.Features.Upgrades;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Upgrades;

public sealed class UpgradePartsTests
{
    [Fact]
    public void ParseProbe_DebianTrixieImage_MajorVersionAndExtensions()
    {
        var facts = PostgresFactsReader.ParseProbe("kobo-testbed/postgres17:latest",
            "V postgres (PostgreSQL) 17.6 (Debian 17.6-0+deb13u1)\nB /usr/lib/postgresql/17/bin\nE plpgsql\nE postgis\n", 15);

        Assert.Equal(17, facts.Major);
        Assert.Equal("17.6", facts.Version);
        Assert.False(facts.HasOldMajorBinaries);
        Assert.Equal(["plpgsql", "postgis"], facts.AvailableExtensions);
    }

    [Fact]
    public void ParseProbe_BothMajors_Detected()
    {
        var facts = PostgresFactsReader.ParseProbe("pg-both", "V postgres (PostgreSQL) 17.6\nB /usr/lib/postgresql/15/bin\nB /usr/lib/postgresql/17/bin\n", 15);

        Assert.True(facts.HasOldMajorBinaries);
    }

    [Fact]
    public void ParseProbe_NoPostgres_NoMajor()
    {
        Assert.Null(PostgresFactsReader.ParseProbe("busybox", "", 15).Major);
    }

    [Fact]
    public void ParseDf_PosixOutput_AvailableBytes()
    {
        const string df = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/sda1        102400000  51200000  40960000      56% /var/lib/postgresql/data\n";

        Assert.Equal(40960000L * 1024, PostgresFactsReader.ParseDf(df));
        Assert.Null(PostgresFactsReader.ParseDf("df: /nope: No such file or directory"));
    }

    [Fact]
    public void Compare_ChangedAndMissingTables_Named()
    {
        var before = new Dictionary<string, long> { ["public.a"] = 3, ["public.b"] = 5, ["public.c"] = 1 };
        var after = new Dictionary<string, long> { ["public.a"] = 3, ["public.b"] = 4 };

        Assert.Equal(["koboform.public.b: 5 rows before, 4 after", "koboform.public.c: 1 rows before, table missing after"],
            UpgradeVerification.Compare("koboform", before, after).ToList());
    }

    [Fact]
    public void Missing_RoleGone_Listed()
    {
        Assert.Equal(["kobo"], UpgradeVerification.Missing("kobo\nreplicator\n", "replicator\n"));
    }

    [Fact]
    public void Spec_OldPostgres_KeepsConfigurationSwapsImageAndData()
    {
        var old = new ContainerDetails("0123456789abcdef", "kobobe-postgres-1", "kobo-testbed/services:latest", "sha256:x", "exited", false, 0,
            new HealthInfo("none", 0, null, null, null), 0, DateTimeOffset.UnixEpoch, null, null, false, ["kobo-postgres"],
            ["POSTGRES_PASSWORD=s3cret", "PG_MAJOR=15", "PATH=/usr/lib/postgresql/15/bin:/bin"],
            new Dictionary<string, string> { ["com.docker.compose.service"] = "postgres" },
            [new MountInfo("bind", null, "/srv/k/.vols/db", "/var/lib/postgresql/data", true), new MountInfo("bind", null, "/srv/k/backups/postgres", "/srv/backups", true),
             new MountInfo("volume", "scripts", "/var/lib/docker/volumes/scripts/_data", "/kobo-docker-scripts", false)],
            [new NetworkAttachment("kobobe_kobo-be-network", "n1", ["postgres.kobo.private", "0123456789ab"], "172.18.0.2")],
            [new PortMapping("0.0.0.0", 5432, 5432, "tcp"), new PortMapping("::", 5432, 5432, "tcp")], []);

        var spec = ContainerRecreate.Spec(old, "kobo-testbed/postgres17:latest", "/var/lib/postgresql/data", "/srv/k/.vols/db-pg17", "kobobe-postgres-1-new");

        Assert.Equal("kobo-testbed/postgres17:latest", spec.Image);
        Assert.Equal(["POSTGRES_PASSWORD=s3cret"], spec.Env);
        Assert.Equal(["/srv/k/.vols/db-pg17:/var/lib/postgresql/data", "/srv/k/backups/postgres:/srv/backups", "scripts:/kobo-docker-scripts:ro"], spec.Binds);
        Assert.Equal(["postgres.kobo.private"], Assert.Single(spec.Networks).Aliases);
        Assert.Equal(5432, Assert.Single(spec.Ports).HostPort);
        Assert.Equal("postgres", spec.Labels["com.docker.compose.service"]);
        Assert.Equal(["kobo-postgres"], spec.Cmd);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("postgres:17", "pg_dump", true)]
    [InlineData("postgres 17", null, false)]
    [InlineData("postgres:17", "copy", false)]
    public void Validate_TargetAndMethod(string? image, string? method, bool ok)
    {
        var errors = UpgradeService.Validate(image ?? "postgres:17", method == "pg_dump" ? "dump" : method);
        Assert.Equal(ok, errors.Count == 0);
    }

    [Fact]
    public void WithoutCreateRole_Superuser_OnlyItsCreateLineDropped()
    {
        const string globals = "SET default_transaction_read_only = off;\nCREATE ROLE kobo;\nALTER ROLE kobo WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$x';\nCREATE ROLE kobo_reader;\nCREATE ROLE \"Kobo Admin\";\n";

        var kept = DumpFilter.WithoutCreateRole(globals, "kobo");
        Assert.DoesNotContain("CREATE ROLE kobo;", kept, StringComparison.Ordinal);
        Assert.Contains("ALTER ROLE kobo WITH SUPERUSER", kept, StringComparison.Ordinal);
        Assert.Contains("CREATE ROLE kobo_reader;", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("CREATE ROLE \"Kobo Admin\";", DumpFilter.WithoutCreateRole(globals, "Kobo Admin"), StringComparison.Ordinal);
    }
}
