using System.Text.Json;
using System.Threading.Channels;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Expansion;
using Npgsql;

namespace CohortDashboard.Web.Features.Instances;

/// <summary>
/// Carries signal board events between app instances through PostgreSQL <c>LISTEN/NOTIFY</c> on one channel: every
/// event published here is sent as a notification naming this instance, and every notification from another instance
/// is delivered to this one's subscribers (org-scoped by <see cref="SignalBoardNotifier"/>, as local events are). On
/// SQLite it does nothing. A lost connection is reopened; events sent meanwhile by others are missed (boards reload
/// from the database on their next change, as after any reconnect).
/// </summary>
public sealed class SignalBoardBackplane(DatabaseInfo database, IConfiguration configuration, SignalBoardNotifier notifier,
    InstanceIdentity instance, ILogger<SignalBoardBackplane> logger) : BackgroundService
{
    public const string Channel = "cohortdashboard_signal_board";
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly Channel<SignalBoardEvent> _outgoing = System.Threading.Channels.Channel.CreateBounded<SignalBoardEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private sealed record Message(string Origin, SignalBoardEvent Event);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Kind != DatabaseProvider.PostgreSQL) return;
        var connectionString = DataServiceCollectionExtensions.PrepareConnectionString(
            DatabaseProvider.PostgreSQL, configuration.GetConnectionString("Default"));
        notifier.Published += change => _outgoing.Writer.TryWrite(change);
        await Task.WhenAll(ListenAsync(connectionString, stoppingToken), SendAsync(connectionString, stoppingToken));
    }

    private async Task ListenAsync(string connectionString, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception error)
            {
                logger.LogWarning(error, "Signal board listener lost its PostgreSQL connection; reconnecting");
                await Delay(ct);
            }
        }
    }

    private async Task SendAsync(string connectionString, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                await foreach (var change in _outgoing.Reader.ReadAllAsync(ct))
                {
                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                    notify.Parameters.AddWithValue("channel", Channel);
                    notify.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new Message(instance.Name, change)));
                    await notify.ExecuteNonQueryAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception error)
            {
                logger.LogWarning(error, "Signal board sender lost its PostgreSQL connection; reconnecting");
                await Delay(ct);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<Message>(payload) is { } message && message.Origin != instance.Name)
                notifier.DeliverFromOtherInstance(message.Event);
        }
        catch (JsonException error)
        {
            logger.LogWarning(error, "Ignored a malformed signal board notification");
        }
    }

    private static async Task Delay(CancellationToken ct)
    {
        try { await Task.Delay(Reconnect, ct); }
        catch (OperationCanceledException) { }
    }
}
