using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Storage;

public static class StorageModule
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.AddSingleton<ConsoleDb>();
        builder.Services.AddSingleton<DbMigrator>();
        builder.Services.AddSingleton<IMigrationSource, CoreMigrations>();
        builder.Services.AddSingleton<Leases>();

        // Keys that sign the login cookie and antiforgery tokens survive restarts: they live in
        // the data directory (resolved lazily, so configuration from any source applies).
        // Several instances on PostgreSQL will share them through the database (issue 8).
        builder.Services.AddDataProtection().SetApplicationName("KoboConsole");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<ConsoleDb, ILoggerFactory>((o, db, loggers) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(db.DataDirectory, "keys")), loggers));
        return builder;
    }
}
