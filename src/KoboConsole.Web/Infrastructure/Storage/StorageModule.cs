using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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

        // Keys that sign the login cookie and antiforgery tokens live in the console's database:
        // they survive restarts, and several instances on one PostgreSQL share them (a login on
        // one works on the others). Resolved lazily, after the migrations of StartupTasks.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("KoboConsole");
        KeyEncryption.Apply(dataProtection, builder.Configuration);
        builder.Services.AddSingleton<DbXmlRepository>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<DbXmlRepository>((o, repository) => o.XmlRepository = repository);
        return builder;
    }
}
