using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// Test-bed stacks handed back by tests that left them as they found them, for the next test that
/// asks for the same generation and options (process-wide: test classes run in parallel and each
/// has a <see cref="TestBedFixture"/> of its own). A stack is lent to one test at a time.
/// A stack up costs about 15 s of CPU on the 2-core CI machine (11 containers, an initdb), and
/// most backup, restore and maintenance tests only need "a kobo stack", so reuse halves their cost.
/// What is left idle is taken down when the test process exits; tests/run-all.sh removes any
/// pooled stack a killed process left behind (their ids start with <see cref="IdPrefix"/>).
/// </summary>
internal static class StackPool
{
    public const string IdPrefix = "tp-";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Stack<StackInfo>> Idle = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, FirstState> First = new(StringComparer.Ordinal);
    private static readonly string[] ProgramFolders = ["/usr/", "/bin/", "/sbin/", "/lib/", "/etc/"];
    private static readonly string[] Databases = ["koboform", "kobocat"];

    static StackPool()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DownIdle();
    }

    public static string Key(string generation, IReadOnlyList<string> options) => generation + "|" + string.Join(' ', options);

    /// <summary>One line to kobo-stack-pool.log in the temp folder: how often stacks were lent again, and why not.</summary>
    public static void Note(string line)
    {
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(Path.GetTempPath(), "kobo-stack-pool.log"), $"{DateTime.UtcNow:HH:mm:ss} {line}\n");
        }
    }

    public static string NewId() => $"{IdPrefix}{Guid.NewGuid():N}"[..22];

    /// <summary>Remembers the stack's files as they are after its up, to tell later whether a test changed them.</summary>
    public static async Task CreatedAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        var print = Fingerprint(stack);
        var runConf = File.Exists(RunConfPath(stack)) ? await File.ReadAllTextAsync(RunConfPath(stack), cancellationToken) : null;
        var tables = await TablesAsync(stack, cancellationToken);
        var networks = await NetworksAsync(stack, cancellationToken);
        var programs = await ProgramsAsync(stack, cancellationToken);
        lock (Gate)
        {
            First[stack.Stack] = new FirstState(print, runConf, tables, networks, programs);
        }
    }

    /// <summary>What a stack looked like right after its up: what <see cref="WhyNotReusableAsync"/> compares with.</summary>
    private sealed record FirstState(string Files, string? RunConf, string[] Tables, string Networks, string Programs);

    private static FirstState? FirstOf(StackInfo stack)
    {
        lock (Gate)
        {
            return First.GetValueOrDefault(stack.Stack);
        }
    }

    private static string RunConfPath(StackInfo stack) => Path.Combine(stack.StackDir, "kobo-install", ".run.conf");

    /// <summary>
    /// Maintenance turned on and off leaves its date, ETA and contact in kobo-install's run.conf (as
    /// kobo-install does). When that is all that changed and maintenance is off, the first content is
    /// written back so the stack counts as new; any other change keeps it out of the pool.
    /// </summary>
    private static async Task<string?> RestoreRunConfAsync(StackInfo stack, string? first, CancellationToken cancellationToken)
    {
        var path = RunConfPath(stack);
        if (first is null || !File.Exists(path))
        {
            return null;
        }

        var now = await File.ReadAllTextAsync(path, cancellationToken);
        if (now == first)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(now) is not JsonObject current || JsonNode.Parse(first) is not JsonObject original)
            {
                return "run.conf is not a JSON object";
            }

            if (current["maintenance_enabled"]?.GetValue<bool>() != false)
            {
                return "run.conf says maintenance_enabled is not false";
            }

            var differ = current.Select(p => p.Key).Union(original.Select(p => p.Key))
                .Where(k => !JsonNode.DeepEquals(current[k], original[k]))
                .ToList();
            if (differ.All(k => k.StartsWith("maintenance_", StringComparison.Ordinal)))
            {
                await File.WriteAllTextAsync(path, first, cancellationToken);
                return null;
            }

            return $"run.conf's {string.Join(", ", differ)} changed";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return $"run.conf: {ex.Message}";
        }
    }

    /// <summary>
    /// What each container changed in its programs and configuration since its image (docker diff
    /// under /usr, /bin, /sbin, /lib, /etc): a test may put a failing pg_dump in place.
    /// </summary>
    private static async Task<string> ProgramsAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var name in stack.Containers.Values)
        {
            foreach (var engine in new[] { stack.FrontendDocker, stack.BackendDocker }.Distinct(StringComparer.Ordinal))
            {
                var r = await ScriptRunner.DockerAsync(engine, ["diff", name], cancellationToken);
                if (r.ExitCode != 0)
                {
                    continue;
                }

                lines.AddRange(r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(l => l.Length > 2 && ProgramFolders.Any(f => l[2..].StartsWith(f, StringComparison.Ordinal)))
                    .Select(l => $"{name} {l}"));
                break;
            }
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }

    /// <summary>Each container with the networks it is on and its aliases there (a test may disconnect one).</summary>
    private static async Task<string> NetworksAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        // A multihost stack has containers on two engines: ask each for every name, keep what it knows.
        var lines = new List<string>();
        foreach (var engine in new[] { stack.FrontendDocker, stack.BackendDocker }.Distinct(StringComparer.Ordinal))
        {
            var r = await ScriptRunner.DockerAsync(engine,
                ["inspect", "-f", "{{.Name}}{{range $k, $v := .NetworkSettings.Networks}} {{$k}}={{join $v.Aliases \",\"}}{{end}}", .. stack.Containers.Values], cancellationToken);
            lines.AddRange(r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => string.Join(' ', l.Split(' ').Select(part => string.Join(',', part.Split(',').Where(a => a.Length != 12 || !a.All(char.IsAsciiHexDigit)).Order(StringComparer.Ordinal))))));
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }


    /// <summary>"database schema.table" of every table in kobo's two databases, and "databases ..." for the list of databases.</summary>
    private static async Task<string[]> TablesAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        var lines = new List<string> { "databases " + await PsqlAsync(stack, "postgres", "select string_agg(datname, ',' order by datname) from pg_database", cancellationToken) };
        foreach (var db in Databases)
        {
            var tables = await PsqlAsync(stack, db,
                "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1", cancellationToken);
            lines.AddRange(tables.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => $"{db} {t}"));
        }

        return [.. lines];
    }

    private static async Task<string> PsqlAsync(StackInfo stack, string database, string sql, CancellationToken cancellationToken)
    {
        var r = await ScriptRunner.DockerAsync(stack.BackendDocker,
            ["exec", stack.Containers["postgres"], "psql", "-U", stack.PostgresUser, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], cancellationToken);
        return r.ExitCode == 0 ? r.StdOut.Trim() : throw new InvalidOperationException($"psql on {database} failed: {r.StdErr}");
    }

    /// <summary>
    /// Drops the databases a test added and the tables it added to kobo's databases (tests name
    /// their tables freely, and a table left behind would make the next test's dumps bigger). Null when the stack is back to
    /// its first set of databases and tables; else why not.
    /// </summary>
    private static async Task<string?> ResetTablesAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        var first = FirstOf(stack)?.Tables;
        if (first is null)
        {
            return "the stack's first tables are not known";
        }

        var now = await TablesAsync(stack, cancellationToken);
        if (now[0] != first[0])
        {
            var had = first[0]["databases ".Length..].Split(',');
            var has = now[0]["databases ".Length..].Split(',');
            if (had.Except(has).Any())
            {
                return $"databases gone: {string.Join(", ", had.Except(has))}";
            }

            foreach (var extra in has.Except(had))
            {
                await PsqlAsync(stack, "postgres", $"DROP DATABASE \"{extra.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", cancellationToken);
            }

            now = await TablesAsync(stack, cancellationToken);
        }

        var known = new HashSet<string>(first, StringComparer.Ordinal);
        foreach (var group in now.Skip(1).Where(t => !known.Contains(t)).GroupBy(t => t.Split(' ', 2)[0]))
        {
            await PsqlAsync(stack, group.Key, $"DROP TABLE IF EXISTS {string.Join(", ", group.Select(t => t.Split(' ', 2)[1]))} CASCADE", cancellationToken);
        }

        return (await TablesAsync(stack, cancellationToken)).SequenceEqual(first) ? null : "the stack's tables differ from its first ones";
    }

    /// <summary>
    /// The stack's own files (kobo-install's run.conf, kobo's backups folder, the stack's env and
    /// secrets): names and content hashes, without container logs and volumes. Content, not
    /// times: maintenance writes run.conf's flag and puts it back, which leaves the stack as new.
    /// </summary>
    private static string Fingerprint(StackInfo stack) =>
        string.Join('\n', new DirectoryInfo(stack.StackDir).EnumerateFiles("*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(stack.StackDir, f.FullName) is var rel
                && !rel.StartsWith("kobo-docker/log/", StringComparison.Ordinal)
                && !rel.StartsWith("kobo-docker/.vols/", StringComparison.Ordinal)
                    ? $"{rel} {Hash(f)}" : null)
            .OfType<string>()
            .Order(StringComparer.Ordinal));

    private static string Hash(FileInfo file)
    {
        try
        {
            using var stream = file.OpenRead();
            return Convert.ToHexString(SHA256.HashData(stream))[..16];
        }
        catch (IOException)
        {
            return "unreadable";
        }
        catch (UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    public static bool TryTake(string key, out StackInfo stack)
    {
        lock (Gate)
        {
            if (Idle.TryGetValue(key, out var idle) && idle.TryPop(out stack!))
            {
                return true;
            }
        }

        stack = null!;
        return false;
    }

    public static void Add(string key, StackInfo stack)
    {
        lock (Gate)
        {
            if (!Idle.TryGetValue(key, out var idle))
            {
                Idle[key] = idle = new Stack<StackInfo>();
            }

            idle.Push(stack);
        }
    }

    /// <summary>
    /// The stack with the host port nginx publishes now. The test bed publishes nginx on an
    /// ephemeral port, which Docker picks again whenever nginx is stopped and started (maintenance
    /// turned on and off, a stack operation): the stack is as new on its new port, so the pool
    /// lends it with that port instead of taking it down.
    /// </summary>
    public static async Task<StackInfo> WithNginxPortNowAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        if (stack.NginxPort <= 0 || !stack.Containers.TryGetValue("nginx", out var nginx))
        {
            return stack;
        }

        var port = await ScriptRunner.DockerAsync(stack.FrontendDocker, ["port", nginx, "80/tcp"], cancellationToken);
        var published = port.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (port.ExitCode != 0 || published is null
            || !int.TryParse(published[(published.LastIndexOf(':') + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var now)
            || now == stack.NginxPort)
        {
            return stack; // unchanged, or not published: WhyNotReusableAsync says so
        }

        var values = new Dictionary<string, string>(stack.Values, StringComparer.Ordinal)
        {
            ["nginx_port"] = now.ToString(CultureInfo.InvariantCulture),
            ["nginx_url"] = $"http://127.0.0.1:{now.ToString(CultureInfo.InvariantCulture)}/",
        };
        Note($"{stack.Stack}: nginx publishes port {now} now (was {stack.NginxPort})");
        return stack with { NginxPort = now, Values = values };
    }

    /// <summary>
    /// Null when the stack is as a new one would be: its own files unchanged, exactly its own
    /// containers, all running, nginx on the port it published at first serving kpi (not the
    /// maintenance page), and kobo's databases with their first tables (tables a test added are
    /// dropped here). Otherwise why not; the caller then takes the stack down.
    /// </summary>
    public static async Task<string?> WhyNotReusableAsync(StackInfo stack, CancellationToken cancellationToken)
    {
        var first = FirstOf(stack);
        var runConf = await RestoreRunConfAsync(stack, first?.RunConf, cancellationToken);
        var print = first?.Files;
        var nowPrint = Fingerprint(stack);
        if (print is null || print != nowPrint)
        {
            var changed = nowPrint.Split('\n').Except((print ?? "").Split('\n')).Select(l => l.Split(' ')[0]);
            var gone = (print ?? "").Split('\n').Except(nowPrint.Split('\n')).Select(l => l.Split(' ')[0]);
            return $"the stack's files changed: {string.Join(", ", changed.Union(gone).Distinct().Take(5))}{(runConf is null ? "" : $" ({runConf})")}";
        }

        var expected = new HashSet<string>(stack.Containers.Values, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var engine in new[] { stack.FrontendDocker, stack.BackendDocker }.Distinct(StringComparer.Ordinal))
        {
            var ps = await ScriptRunner.DockerAsync(engine, ["ps", "-a", "--filter", $"name={stack.Prefix}-", "--format", "{{.Names}} {{.State}}"], cancellationToken);
            if (ps.ExitCode != 0)
            {
                return $"docker ps failed: {ps.StdErr}";
            }

            foreach (var line in ps.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split(' ', 2);
                if (!parts[0].StartsWith(stack.Prefix + "-", StringComparison.Ordinal))
                {
                    continue;
                }

                if (!expected.Contains(parts[0]))
                {
                    return $"container {parts[0]} was left beside the stack";
                }

                if (parts.Length < 2 || parts[1] != "running")
                {
                    return $"container {parts[0]} is {(parts.Length < 2 ? "?" : parts[1])}";
                }

                seen.Add(parts[0]);
            }
        }

        if (seen.Count != expected.Count)
        {
            return $"containers gone: {string.Join(", ", expected.Except(seen))}";
        }

        if (first?.Networks != await NetworksAsync(stack, cancellationToken))
        {
            return "a container's networks changed";
        }

        var programs = first?.Programs;
        var nowPrograms = await ProgramsAsync(stack, cancellationToken);
        if (programs != nowPrograms)
        {
            return $"a container's programs or configuration changed: {string.Join(", ", nowPrograms.Split('\n').Except((programs ?? "").Split('\n')).Take(3))}";
        }

        if (stack.NginxPort > 0)
        {
            var port = await ScriptRunner.DockerAsync(stack.FrontendDocker, ["port", stack.Containers["nginx"], "80/tcp"], cancellationToken);
            var published = port.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (published is null || !published.EndsWith(":" + stack.NginxPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                return $"nginx publishes '{published}' now, not port {stack.NginxPort}";
            }

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{stack.NginxPort}/");
            request.Headers.Host = "kf." + stack.Domain;
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!body.Contains("kpi stand-in", StringComparison.Ordinal))
                {
                    return $"nginx answers {(int)response.StatusCode} without the kpi page";
                }
            }
            catch (HttpRequestException ex)
            {
                return $"nginx does not answer: {ex.Message}";
            }
        }

        return await ResetTablesAsync(stack, cancellationToken);
    }

    private static void DownIdle()
    {
        List<StackInfo> all;
        lock (Gate)
        {
            all = [.. Idle.Values.SelectMany(s => s)];
            Idle.Clear();
        }

        Task.WhenAll(all.Select(s => ScriptRunner.ScriptAsync("stack.sh", ["down", s.Stack], TimeSpan.FromMinutes(2), CancellationToken.None)))
            .GetAwaiter().GetResult();
    }
}
