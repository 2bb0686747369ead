namespace KoboConsole.Web.Features.Checks;

/// <summary>The four states of a check, worst last.</summary>
public static class CheckStates
{
    public const string Ok = "ok";
    public const string Unknown = "unknown";
    public const string Warning = "warning";
    public const string Failing = "failing";

    /// <summary>Higher is worse: ok &lt; unknown &lt; warning &lt; failing.</summary>
    public static int Severity(string state) => state switch
    {
        Ok => 0,
        Unknown => 1,
        Warning => 2,
        _ => 3,
    };
}

/// <summary>The kinds of check: a group on the overview, a name in the API.</summary>
public static class CheckKinds
{
    /// <summary>kpi, KoBoCAT, Enketo answering <c>/service_health/</c> through nginx with their public host names.</summary>
    public const string Http = "http";

    /// <summary>PostgreSQL, Redis, MongoDB answering a login and a question (the topology page's probes).</summary>
    public const string Probe = "probe";

    /// <summary>A container's state, Docker health and restart loop.</summary>
    public const string Container = "container";

    /// <summary>The newest good backup of a scheduled store against its schedule.</summary>
    public const string BackupAge = "backup-age";

    /// <summary>The last restore drill of a store.</summary>
    public const string Drill = "drill";

    /// <summary>Backups the catalog lists whose file or object is gone.</summary>
    public const string Catalog = "catalog";

    /// <summary>A Docker engine the console manages answering.</summary>
    public const string DockerHost = "docker-host";

    /// <summary>A filesystem's free space and its forecast (backup target, PostgreSQL, MongoDB, media).</summary>
    public const string Disk = "disk";

    /// <summary>Redis <c>used_memory</c> against <c>maxmemory</c>.</summary>
    public const string RedisMemory = "redis-memory";

    /// <summary>PostgreSQL client connections against <c>max_connections</c>.</summary>
    public const string PostgresConnections = "postgres-connections";

    /// <summary>A container's log without rotation (json-file without max-size).</summary>
    public const string LogRotation = "log-rotation";

    public static readonly IReadOnlyList<string> Services = [Http, Probe, Container, DockerHost];

    /// <summary>Redis's warnings about the host kernel (overcommit, transparent huge pages, somaxconn), per Docker host.</summary>
    public const string HostKernel = "host-kernel";

    public static readonly IReadOnlyList<string> Capacity = [Disk, RedisMemory, PostgresConnections, LogRotation, HostKernel];

    /// <summary>The console's own dependencies (the S3 target).</summary>
    public const string Console = "console";

    public static readonly IReadOnlyList<string> Data = [BackupAge, Drill, Catalog, Console];

    public static bool IsService(string check) => Services.Contains(check);
}

/// <summary>What one evaluation of one check found: the state and a sentence that says what and what to do.</summary>
public sealed record CheckResult(string Check, string Target, string State, string Message)
{
    public string Id => $"{Check}:{Target}";
}

/// <summary>A check as it stands: since when it is in its state, when it last ran, and whether maintenance mutes it.</summary>
public sealed record CheckStatus(string Check, string Target, string State, string Message, DateTimeOffset Since, DateTimeOffset CheckedAt, string? MutedBy)
{
    public string Id => $"{Check}:{Target}";

    public bool Muted => MutedBy is not null;
}

/// <summary>One stored state change (the history): the check entered <see cref="State"/> at <see cref="At"/>.</summary>
public sealed record CheckChange(long Seq, string Check, string Target, string State, string Message, DateTimeOffset At, string? MutedBy);
