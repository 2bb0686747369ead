namespace KoboConsole.Web.Features.Topology.Stats;

/// <summary>The kobo services whose CPU and memory are worth a history: the databases, the web services and the Celery workers.</summary>
public static class HeavyServices
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "postgres", "mongo", "redis_main", "redis_cache",
        "kpi", "kobocat", "enketo_express",
        "worker", "worker_low_priority", "worker_long_running_tasks", "worker_kobocat",
    };

    public static bool Contains(string service) => Names.Contains(service);
}
