namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// What other tests rely on in the locally built images: busybox applets, and a MongoDB
/// stand-in whose mongodump/mongorestore behave like the real tools for backups and restores.
/// </summary>
public sealed class ImageTests : IClassFixture<TestBedFixture>
{
    private const string Engine = "unix:///var/run/docker.sock";

    // Starts mongod (it seeds /data/db), then runs the given script as the container's root user.
    private const string MongoPrelude = "(mongod >/tmp/mongod.log 2>&1 &); sleep 1; ";

    private static readonly string[] MongoEnv = ["-e", "MONGO_INITDB_ROOT_USERNAME=root", "-e", "MONGO_INITDB_ROOT_PASSWORD=pw"];

    [Fact]
    public async Task Busybox_Image_HasTheAppletsTestsUse()
    {
        var result = await RunAsync("kobo-testbed/busybox:latest", [],
            "for a in sh cat echo sleep head dd sha256sum tail httpd nc tar gzip standin; do command -v $a >/dev/null || echo missing $a; done",
            CancellationToken.None);

        Assert.Equal((0, ""), (result.ExitCode, result.StdOut.Trim()));
    }

    [Fact]
    public async Task Mongodump_WrongPassword_FailsWithAuthenticationError()
    {
        var result = await RunAsync("kobo-testbed/mongo:latest", MongoEnv,
            MongoPrelude + "mongodump --archive --gzip -u root -p wrong --authenticationDatabase admin > /tmp/out",
            CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Authentication failed", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MongodumpArchive_RestoredWithDrop_StartsWithMagicAndReplacesData()
    {
        var result = await RunAsync("kobo-testbed/mongo:latest", MongoEnv,
            MongoPrelude
            + "mongodump --archive --gzip -u root -p pw > /tmp/a && head -c 4 /tmp/a | od -An -tx1 | tr -d ' \\n'; echo; "
            + "echo '{\"_id\":999}' > /data/db/formhub/stray.json; "
            + "mongorestore --archive --gzip --drop -u root -p pw < /tmp/a && ls /data/db/formhub",
            CancellationToken.None);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("6de29981", lines[0]);
        Assert.Equal(["instances.json"], lines[1..]);
    }

    [Fact]
    public async Task Mongorestore_TruncatedArchive_FailsAndKeepsData()
    {
        var result = await RunAsync("kobo-testbed/mongo:latest", MongoEnv,
            MongoPrelude
            + "mongodump --archive --gzip -u root -p pw > /tmp/a; head -c 200 /tmp/a > /tmp/t; "
            + "mongorestore --archive --gzip --drop -u root -p pw < /tmp/t; echo rc=$?; ls /data/db/formhub",
            CancellationToken.None);

        Assert.Contains("rc=1", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("instances.json", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("corruption", result.StdErr, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunAsync(string image, string[] env, string script, CancellationToken cancellationToken) =>
        ScriptRunner.DockerAsync(Engine,
            ["run", "--rm", "--label", "org.koboconsole.testbed=1", .. env, image, "sh", "-c", script],
            cancellationToken);
}
