namespace CohortDashboard.Testing;

/// <summary>One seeded app shared by a test class (xunit class fixture); disposed with it.</summary>
public sealed class SeededApp : IAsyncLifetime
{
    public CohortAppFactory Factory { get; } = new();

    public Uri BaseAddress => Factory.BaseAddress;

    public ValueTask InitializeAsync()
    {
        _ = Factory.BaseAddress; // starts the server: migrations and demo seeding happen here
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
