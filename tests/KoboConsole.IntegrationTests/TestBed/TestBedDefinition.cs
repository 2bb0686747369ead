namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// One fixture (one image build) for all test bed tests, run one at a time: they share the
/// Docker engine, two CPU cores, and the Compose v2 names of the current generation.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TestBedDefinition : ICollectionFixture<TestBedFixture>
{
    public const string Name = "TestBed";
}
