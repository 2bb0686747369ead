using KoboConsole.Web.Infrastructure.Mongo;
using KoboConsole.Web.Infrastructure.Postgres;
using KoboConsole.Web.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KoboConsole.Web.Infrastructure.Probes;

public static class ProbesModule
{
    /// <summary>The database probes; idempotent, so any feature that needs them may call it.</summary>
    public static IServiceCollection AddServiceProbes(this IServiceCollection services)
    {
        services.TryAddSingleton<IPostgresProbe, PostgresProbe>();
        services.TryAddSingleton<IRedisProbe, RedisProbe>();
        services.TryAddSingleton<IMongoProbe, MongoProbe>();
        return services;
    }
}
