using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Hosting;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Infrastructure;

public sealed class ConfigurationKeysTests
{
    private static readonly ConfigurationKeys Keys = new ConfigurationKeys()
        .Add<StorageOptions>(StorageOptions.Section)
        .Add<AuthOptions>(AuthOptions.Section);

    [Fact]
    public void FindUnknown_KnownNestedAndCaseInsensitive_AreNotReported()
    {
        var unknown = Keys.FindUnknown(["KoboConsole__Storage__Provider", "KOBOCONSOLE__AUTH__BOOTSTRAPADMIN__PASSWORD", "PATH", "ASPNETCORE_URLS"]);

        Assert.Empty(unknown);
    }

    [Fact]
    public void ConfigurationKeys_FromModuleRegistrations_KnowsEverySectionBound()
    {
        var services = new ServiceCollection();
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        using var provider = services.BuildServiceProvider();

        var keys = provider.GetRequiredService<ConfigurationKeys>();

        Assert.Empty(keys.FindUnknown(["KoboConsole__Storage__Provider", "KoboConsole__Auth__SessionHours"]));
        Assert.Equal(["KoboConsole__Logs__Nothing"], keys.FindUnknown(["KoboConsole__Logs__Nothing"]));
    }

    [Fact]
    public void FindUnknown_Typo_IsReported()
    {
        var unknown = Keys.FindUnknown(["KoboConsole__Storage__Provder", "KoboConsole__Nothing"]);

        Assert.Equal(["KoboConsole__Storage__Provder", "KoboConsole__Nothing"], unknown);
    }

    [Fact]
    public void StorageValidator_PostgresWithoutConnectionString_NamesKeyAndExample()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = StorageProvider.PostgreSql });

        Assert.True(result.Failed);
        Assert.Contains("KoboConsole:Storage:ConnectionString", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Host=", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_SeveralFailures_ListsEachOnItsOwnLine()
    {
        var text = StartupTasks.Describe(new OptionsValidationException("x", typeof(StorageOptions), ["first: bad", "second: bad"]));

        Assert.Contains("  - first: bad\n", text, StringComparison.Ordinal);
        Assert.Contains("  - second: bad\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_BinderConversion_SaysWhatIsExpected()
    {
        var ex = new InvalidOperationException("Failed to convert configuration value at 'KoboConsole:Storage:Provider' to type 'KoboConsole.Web.Infrastructure.Storage.StorageProvider, KoboConsole.Web'.");

        Assert.True(StartupTasks.IsConfigurationError(ex));
        Assert.Contains("KoboConsole:Storage:Provider: cannot be read; expected one of Sqlite, PostgreSql", StartupTasks.Describe(ex), StringComparison.Ordinal);
    }
}
