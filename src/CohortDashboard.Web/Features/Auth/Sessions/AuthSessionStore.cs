using System.Security.Claims;
using System.Security.Cryptography;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Auth.Sessions;

/// <summary>How long a sign-in lasts: <c>Auth:Session:IdleTimeout</c> (sliding) and <c>Auth:Session:AbsoluteTimeout</c>.</summary>
public sealed record SessionLifetime(TimeSpan Idle, TimeSpan Absolute)
{
    public static SessionLifetime Read(IConfiguration configuration)
    {
        var idle = configuration.GetValue("Auth:Session:IdleTimeout", TimeSpan.FromHours(12));
        var absolute = configuration.GetValue("Auth:Session:AbsoluteTimeout", TimeSpan.FromHours(24));
        if (idle <= TimeSpan.Zero || absolute <= TimeSpan.Zero)
            throw new InvalidOperationException("Auth:Session:IdleTimeout and Auth:Session:AbsoluteTimeout must be positive (e.g. 12:00:00).");
        return new SessionLifetime(idle < absolute ? idle : absolute, absolute);
    }
}

/// <summary>
/// Keeps sign-in tickets in <c>auth_sessions</c> so the cookie carries only a session id: a removed row (sign-out,
/// "sign out everywhere", expiry) makes every copy of that cookie useless at once. Tickets are encrypted with data
/// protection, since they hold the provider's id_token.
/// </summary>
public sealed class AuthSessionStore(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, SessionLifetime lifetime) : ITicketStore
{
    /// <summary>Last-seen is written at most this often, so reading a session is not a write on every request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>At most this many expired sessions of the org are deleted at each sign-in.</summary>
    public const int ExpiredSessionsRemovedPerSignIn = 100;

    private readonly IDataProtector protector = protection.CreateProtector("CohortDashboard.AuthSessions.v1");

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null, CancellationToken.None);

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => StoreAsync(ticket, null, cancellationToken);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(ticket.Principal)
            ?? throw new InvalidOperationException("Only a principal with an org can be signed in.");
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        // The principal learns its own session id, so pages can mark "this session" and revalidation can find it.
        ticket.Principal.Identities.First().AddClaim(new Claim(CohortClaims.SessionId, id));

        var now = clock.GetUtcNow().UtcDateTime;
        var userAgent = httpContext?.Request.Headers.UserAgent.ToString();
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        // Expired sessions of the org go a batch at a time whenever anyone of it signs in, so the table stays bounded
        // without a background job (also the sessions of people who never come back) and one sign-in never pays for a
        // long backlog.
        await db.AuthSessions.Where(s => s.OrgId == user.OrgId && (s.ExpiresAt <= now || s.AbsoluteExpiresAt <= now))
            .OrderBy(s => s.ExpiresAt).Take(ExpiredSessionsRemovedPerSignIn)
            .ExecuteDeleteAsync(cancellationToken);
        var absolute = now + lifetime.Absolute;
        db.AuthSessions.Add(new AuthSession
        {
            Id = id,
            OrgId = user.OrgId,
            Subject = user.Subject,
            Ticket = Protect(ticket),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = Earliest(IdleExpiry(ticket, now), absolute),
            AbsoluteExpiresAt = absolute,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : userAgent[..Math.Min(userAgent.Length, 256)],
        });
        // Who signed in and when, for Admin → Users (first and last sign-in), saved with the session.
        db.AuditEvents.Add(Settings.UsersService.SignInRecord(user, now));
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewAsync(key, ticket, null, cancellationToken);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        var session = await db.AuthSessions.FirstOrDefaultAsync(s => s.Id == key, cancellationToken);
        if (session is null) return; // signed out meanwhile: renewing must not bring it back
        session.Ticket = Protect(ticket);
        session.LastSeenAt = now;
        session.ExpiresAt = Earliest(IdleExpiry(ticket, now), session.AbsoluteExpiresAt);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null, cancellationToken);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        var session = await db.AuthSessions.FirstOrDefaultAsync(s => s.Id == key, cancellationToken);
        if (session is null) return null;
        if (now >= session.ExpiresAt || now >= session.AbsoluteExpiresAt)
        {
            db.AuthSessions.Remove(session);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        AuthenticationTicket? ticket;
        try
        {
            ticket = TicketSerializer.Default.Deserialize(protector.Unprotect(session.Ticket));
        }
        catch (CryptographicException)
        {
            return null; // encrypted with a key this app no longer has: as good as signed out
        }
        if (ticket is null) return null;
        // The cookie must not outlive the absolute expiry, whatever sliding renewal would give it.
        ticket.Properties.ExpiresUtc = Earliest(ticket.Properties.ExpiresUtc?.UtcDateTime ?? session.ExpiresAt, session.AbsoluteExpiresAt);
        if (now - session.LastSeenAt >= TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return ticket;
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null, cancellationToken);

    public async Task RemoveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        await db.AuthSessions.Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Ends every session of one person ("sign out everywhere").</summary>
    public async Task<int> RemoveAllAsync(long orgId, string subject, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await db.AuthSessions.Where(s => s.OrgId == orgId && s.Subject == subject).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>True while the session exists and has not expired (used to end signed-out Blazor circuits).</summary>
    public async Task<bool> IsActiveAsync(string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await db.AuthSessions.AnyAsync(s => s.Id == key && s.ExpiresAt > now && s.AbsoluteExpiresAt > now, cancellationToken);
    }

    /// <summary>One person's live sessions, newest first (the "Your sessions" panel).</summary>
    public async Task<IReadOnlyList<SessionSummary>> ListAsync(long orgId, string subject, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await db.AuthSessions.AsNoTracking()
            .Where(s => s.OrgId == orgId && s.Subject == subject && s.ExpiresAt > now && s.AbsoluteExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .Select(s => new SessionSummary(s.Id, s.CreatedAt, s.LastSeenAt, s.ExpiresAt < s.AbsoluteExpiresAt ? s.ExpiresAt : s.AbsoluteExpiresAt, s.UserAgent))
            .ToListAsync(cancellationToken);
    }

    private byte[] Protect(AuthenticationTicket ticket) => protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private DateTime IdleExpiry(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now + lifetime.Idle;

    private static DateTime Earliest(DateTime a, DateTime b) => a <= b ? a : b;
}

/// <summary>A session as the "Your sessions" panel shows it.</summary>
public sealed record SessionSummary(string Id, DateTime CreatedAt, DateTime LastSeenAt, DateTime EndsAt, string? UserAgent);
