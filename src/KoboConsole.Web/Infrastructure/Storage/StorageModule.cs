using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Storage;

public static class StorageModule
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.AddSingleton<ConsoleDb>();
        builder.Services.AddSingleton<DbMigrator>();

        // Keys that sign the login cookie and antiforgery tokens survive restarts.
        // Several instances on PostgreSQL will share them through the database (issue 8).
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var keyDir = Path.Combine(Path.GetFullPath(storage.DataDirectory, builder.Environment.ContentRootPath), "keys");
        builder.Services.AddDataProtection()
            .SetApplicationName("KoboConsole")
            .PersistKeysToFileSystem(new DirectoryInfo(keyDir));
        return builder;
    }
}
