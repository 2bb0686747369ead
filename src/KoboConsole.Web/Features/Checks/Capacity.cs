using System.Globalization;

namespace KoboConsole.Web.Features.Checks;

/// <summary>One reading of a filesystem: bytes used and bytes still free (df's "Available").</summary>
public sealed record DiskSample(DateTimeOffset At, long UsedBytes, long FreeBytes)
{
    public long SizeBytes => UsedBytes + FreeBytes;

    /// <summary>As df computes "Capacity": used of used + available (root's reserve left out).</summary>
    public double UsedPercent => SizeBytes == 0 ? 0 : 100.0 * UsedBytes / SizeBytes;
}

/// <summary>Growth over the samples, and when the free space runs out at that rate (null: not growing, or too few samples).</summary>
public sealed record DiskForecast(double BytesPerDay, DateTimeOffset? FullAt);

/// <summary>
/// The capacity rules, without I/O: percentages against warning/failing thresholds, a linear
/// forecast of a filesystem's growth, and the sentence that says what to do.
/// </summary>
public static class Capacity
{
    /// <summary>Samples must span at least this long before a rate is believed.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromHours(1);

    public static string Level(double percent, int warningPercent, int failingPercent) =>
        percent >= failingPercent ? CheckStates.Failing : percent >= warningPercent ? CheckStates.Warning : CheckStates.Ok;

    /// <summary>
    /// The least-squares slope of used bytes over time, and the moment the latest free space is
    /// used up at that slope. Shrinking or flat: no date. Fewer than two samples or a span under
    /// <see cref="MinimumSpan"/>: no rate at all.
    /// </summary>
    public static DiskForecast? Forecast(IReadOnlyList<DiskSample> samples)
    {
        if (samples.Count < 2)
        {
            return null;
        }

        var ordered = samples.OrderBy(s => s.At).ToList();
        var t0 = ordered[0].At;
        if (ordered[^1].At - t0 < MinimumSpan)
        {
            return null;
        }

        var xs = ordered.Select(s => (s.At - t0).TotalDays).ToList();
        var ys = ordered.Select(s => (double)s.UsedBytes).ToList();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var slope = sxx == 0 ? 0 : xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
        var last = ordered[^1];
        return new DiskForecast(slope, slope > 0 ? last.At + TimeSpan.FromDays(last.FreeBytes / slope) : null);
    }

    /// <summary>A filesystem's check: used share against the thresholds, and the run-out date against the forecast thresholds.</summary>
    public static CheckResult Disk(string target, string what, string advice, DiskSample now, DiskForecast? forecast, ChecksOptions o)
    {
        var state = Level(now.UsedPercent, o.DiskWarningPercent, o.DiskFailingPercent);
        var daysLeft = forecast?.FullAt is { } full ? (full - now.At).TotalDays : (double?)null;
        if (daysLeft is { } d)
        {
            var byForecast = d <= o.RunOutFailingDays ? CheckStates.Failing : d <= o.RunOutWarningDays ? CheckStates.Warning : CheckStates.Ok;
            state = CheckStates.Severity(byForecast) > CheckStates.Severity(state) ? byForecast : state;
        }

        var growth = forecast switch
        {
            null => "not enough samples yet for a forecast",
            { FullAt: { } at } => $"growing {Size((long)forecast.BytesPerDay)}/day, full around {at:yyyy-MM-dd} (in {daysLeft:0} days) at that rate",
            _ => "not growing",
        };
        var message = $"{what}: {now.UsedPercent.ToString("0", CultureInfo.InvariantCulture)} % used, {Size(now.FreeBytes)} free of {Size(now.SizeBytes)}; {growth}.";
        return new CheckResult(CheckKinds.Disk, target, state, state == CheckStates.Ok ? message : $"{message} {advice}");
    }

    /// <summary>Redis's <c>used_memory</c> against <c>maxmemory</c> (0: no limit, so only the host's memory bounds it).</summary>
    public static CheckResult RedisMemory(string target, long used, long max, ChecksOptions o)
    {
        if (max <= 0)
        {
            return new CheckResult(CheckKinds.RedisMemory, target, CheckStates.Ok, $"{target} uses {Size(used)}; no maxmemory is set, so the host's memory is its limit.");
        }

        var percent = 100.0 * used / max;
        var state = Level(percent, o.RedisMemoryWarningPercent, o.RedisMemoryFailingPercent);
        var message = $"{target} uses {Size(used)} of its maxmemory {Size(max)} ({percent.ToString("0", CultureInfo.InvariantCulture)} %).";
        return new CheckResult(CheckKinds.RedisMemory, target, state, state == CheckStates.Ok ? message
            : $"{message} At the limit Redis evicts keys or refuses writes (Enketo and Celery fail): raise maxmemory in its redis.conf or find what fills it (redis-cli --bigkeys).");
    }

    /// <summary>PostgreSQL's client connections against <c>max_connections</c>.</summary>
    public static CheckResult PostgresConnections(string target, int used, int max, ChecksOptions o)
    {
        var percent = max <= 0 ? 0 : 100.0 * used / max;
        var state = Level(percent, o.PostgresConnectionsWarningPercent, o.PostgresConnectionsFailingPercent);
        var message = $"{target} has {used} of max_connections {max} connections ({percent.ToString("0", CultureInfo.InvariantCulture)} %).";
        return new CheckResult(CheckKinds.PostgresConnections, target, state, state == CheckStates.Ok ? message
            : $"{message} When none is left kpi and KoBoCAT fail with \"too many clients\": look for idle connections (pg_stat_activity), restart the worker that leaks them, or raise max_connections.");
    }

    /// <summary>A container logging to json-file (or local) without <c>max-size</c>: its log grows until the disk is full.</summary>
    public static CheckResult LogRotation(string target, string? driver, IReadOnlyDictionary<string, string> options)
    {
        var unrotated = driver is "json-file" && !options.ContainsKey("max-size");
        return unrotated
            ? new CheckResult(CheckKinds.LogRotation, target, CheckStates.Warning,
                $"{target} logs to json-file without max-size: its log grows without limit. Set log-opts {{\"max-size\": \"10m\", \"max-file\": \"3\"}} in /etc/docker/daemon.json "
                + "(or logging: in the compose file), then recreate the container.")
            : new CheckResult(CheckKinds.LogRotation, target, CheckStates.Ok,
                driver is null ? $"{target}: log driver unknown." : $"{target} logs to {driver}" + (options.TryGetValue("max-size", out var m) ? $" rotated at {m}." : "."));
    }

    /// <summary>df -Pk's answer for one path: (used, available) in bytes; null when the output is not df's.</summary>
    public static (long Used, long Free)? ParseDf(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || !lines[0].StartsWith("Filesystem", StringComparison.Ordinal))
        {
            return null;
        }

        // A long device name may wrap onto its own line in some df builds: read the numbers from the end.
        var fields = string.Join(' ', lines[1..]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 6
            && long.TryParse(fields[^4], NumberStyles.None, CultureInfo.InvariantCulture, out var used)
            && long.TryParse(fields[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var free)
            ? (used * 1024, free * 1024)
            : null;
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{(bytes / (double)(1L << 40)).ToString("0.0", CultureInfo.InvariantCulture)} TiB",
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture)} MiB",
        _ => $"{(bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture)} KiB",
    };
}
