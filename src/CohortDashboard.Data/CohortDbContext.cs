using System.Linq.Expressions;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CohortDashboard.Data;

/// <summary>
/// The one database context. Every org-owned entity is filtered by the <see cref="OrgScope"/> it was created with,
/// and saving a row of another org throws, so no caller has to remember to scope a query.
/// </summary>
public sealed class CohortDbContext(DbContextOptions<CohortDbContext> options, OrgScope orgScope)
    : DbContext(options), IDataProtectionKeyContext
{
    // Read by the query filters; EF turns it into a parameter of every query. The filter is a plain equality (no
    // "or system" branch) so SQLite and PostgreSQL can use the org_id-led indexes; an unset scope matches no row.
    // System-scoped contexts get a second cached model without the filters (see OrgScopeModelCacheKeyFactory).
    private long CurrentOrgId => orgScope.OrgId ?? -1;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IModelCacheKeyFactory, OrgScopeModelCacheKeyFactory>();

    public OrgScope Scope => orgScope;

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<AccountProduct> AccountProducts => Set<AccountProduct>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<CohortDefinition> CohortDefinitions => Set<CohortDefinition>();
    public DbSet<CohortSnapshot> CohortSnapshots => Set<CohortSnapshot>();
    public DbSet<AffinityEntry> AffinityEntries => Set<AffinityEntry>();
    public DbSet<ExpansionSignal> ExpansionSignals => Set<ExpansionSignal>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<OrgMembership> OrgMemberships => Set<OrgMembership>();
    public DbSet<AuthSession> AuthSessions => Set<AuthSession>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<ApiKeyQuotaCounter> ApiKeyQuotaCounters => Set<ApiKeyQuotaCounter>();
    public DbSet<ApiKeyCreditUse> ApiKeyCreditUses => Set<ApiKeyCreditUse>();
    /// <summary>The ASP.NET Core data protection key ring, shared by every app instance (not org data).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(19, 4);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<string>().HaveMaxLength(256);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        Filters.FilterSqlFunctions.Register(modelBuilder, Database.IsSqlite());

        modelBuilder.Entity<Organization>(org =>
        {
            org.ToTable("organizations");
            org.Property(o => o.Currency).HasMaxLength(3);
            org.Property(o => o.TimeZone).HasMaxLength(64);
            org.HasIndex(o => o.PixelId).IsUnique();
            // Added by a later migration to a table with rows (see the settings below).
            org.Property(o => o.DataVersion).HasDefaultValue(0L);
            org.Property(o => o.OrdersVersion).HasDefaultValue(0L);
            org.HasIndex(o => new { o.TerminaGroupId, o.TerminaDealId }).IsUnique();
            org.OwnsOne(o => o.Settings, settings =>
            {
                settings.Property(s => s.ChurnDefinition).HasConversion(SnakeCase<ChurnDefinition>()).HasMaxLength(16);
                settings.Property(s => s.RefundDateAttribution).HasConversion(SnakeCase<RefundDateAttribution>()).HasMaxLength(16);
                // Added by a later migration to a table with rows: the database default fills them (and keeps the
                // migrated and created schemas identical).
                settings.Property(s => s.MaxSignalsPerAccount).HasDefaultValue(OrgSettings.DefaultMaxSignalsPerAccount);
                settings.Property(s => s.AnomalyMinCohortSize).HasDefaultValue(OrgSettings.DefaultAnomalyMinCohortSize);
            });
            if (!orgScope.IsSystem) org.HasQueryFilter(o => o.Id == CurrentOrgId);
        });

        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.Property(a => a.Segment).HasConversion(new ValueConverter<Segment, string>(
                s => s.ToWire(), s => ParseSegment(s))).HasMaxLength(16);
            account.Property(a => a.Status).HasConversion(SnakeCase<AccountStatus>()).HasMaxLength(16);
            account.HasIndex(a => new { a.OrgId, a.ExternalId }).IsUnique();
            account.HasIndex(a => new { a.OrgId, a.Segment });
            account.HasIndex(a => new { a.OrgId, a.OwnerId });
            account.HasIndex(a => new { a.OrgId, a.CreatedAt });
            OwnedByOrg(account);
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products");
            product.HasIndex(p => new { p.OrgId, p.ExternalId }).IsUnique();
            OwnedByOrg(product);
        });

        modelBuilder.Entity<AccountProduct>(ap =>
        {
            ap.ToTable("account_products");
            ap.Property(a => a.Status).HasConversion(SnakeCase<AccountProductStatus>()).HasMaxLength(16);
            ap.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
            ap.HasOne<Product>().WithMany().HasForeignKey(a => a.ProductId).OnDelete(DeleteBehavior.Cascade);
            ap.HasIndex(a => new { a.OrgId, a.AccountId });
            ap.HasIndex(a => new { a.OrgId, a.ProductId });
            OwnedByOrg(ap);
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Status).HasConversion(SnakeCase<OrderStatus>()).HasMaxLength(16);
            order.Property(o => o.Tags).HasConversion(TagListConverter, TagListComparer).HasMaxLength(1024);
            order.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Cascade);
            order.HasIndex(o => new { o.OrgId, o.ExternalId }).IsUnique();
            order.HasIndex(o => new { o.OrgId, o.PlacedAt });
            order.HasIndex(o => new { o.OrgId, o.AccountId, o.PlacedAt });
            OwnedByOrg(order);
        });

        modelBuilder.Entity<CohortDefinition>(definition =>
        {
            definition.ToTable("cohort_definitions");
            definition.Property(d => d.CohortType).HasConversion(SnakeCase<CohortType>()).HasMaxLength(16);
            definition.Property(d => d.FilterCriteria).HasMaxLength(8192);
            // Named explicitly: the derived name is 70 characters, over PostgreSQL's 63-character identifier limit, so
            // Npgsql would truncate it and the schema would differ between providers.
            definition.HasIndex(d => new { d.OrgId, d.CohortType, d.GroupingField, d.GroupingValue }).IsUnique()
                .HasDatabaseName("ix_cohort_definitions_org_id_type_field_value");
            definition.HasIndex(d => new { d.OrgId, d.Name }).IsUnique();
            OwnedByOrg(definition);
        });

        modelBuilder.Entity<CohortSnapshot>(snapshot =>
        {
            snapshot.ToTable("cohort_snapshots");
            snapshot.HasOne<CohortDefinition>().WithMany().HasForeignKey(s => s.CohortDefinitionId).OnDelete(DeleteBehavior.Cascade);
            snapshot.HasIndex(s => new { s.OrgId, s.CohortDefinitionId, s.PeriodMonth }).IsUnique();
            OwnedByOrg(snapshot);
        });

        modelBuilder.Entity<AffinityEntry>(entry =>
        {
            entry.ToTable("affinity_entries");
            entry.Property(e => e.Segment).HasMaxLength(16);
            entry.Property(e => e.Confidence).HasConversion(SnakeCase<Confidence>()).HasMaxLength(16);
            entry.HasOne<Product>().WithMany().HasForeignKey(e => e.ProductAId).OnDelete(DeleteBehavior.Cascade);
            entry.HasOne<Product>().WithMany().HasForeignKey(e => e.ProductBId).OnDelete(DeleteBehavior.Cascade);
            entry.HasIndex(e => new { e.OrgId, e.Segment, e.ProductAId, e.ProductBId }).IsUnique();
            OwnedByOrg(entry);
        });

        modelBuilder.Entity<ExpansionSignal>(signal =>
        {
            signal.ToTable("expansion_signals");
            signal.Property(s => s.Status).HasConversion(SnakeCase<SignalStatus>()).HasMaxLength(16);
            signal.Property(s => s.Reason).HasMaxLength(1024);
            signal.Property(s => s.Version).IsConcurrencyToken();
            signal.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
            signal.HasOne<Product>().WithMany().HasForeignKey(s => s.TargetProductId).OnDelete(DeleteBehavior.Cascade);
            signal.HasOne<Product>().WithMany().HasForeignKey(s => s.SourceProductId).OnDelete(DeleteBehavior.SetNull);
            signal.HasIndex(s => new { s.OrgId, s.Status, s.Priority });
            signal.HasIndex(s => new { s.OrgId, s.AccountId, s.TargetProductId });
            OwnedByOrg(signal);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.Property(k => k.Prefix).HasMaxLength(64);
            key.Property(k => k.SecretHash).HasMaxLength(128);
            key.Property(k => k.Scopes).HasMaxLength(512);
            key.HasIndex(k => k.Prefix).IsUnique();
            key.HasIndex(k => new { k.OrgId, k.CreatedAt });
            OwnedByOrg(key);
        });

        modelBuilder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("audit_events");
            audit.Property(a => a.Before).HasMaxLength(8192);
            audit.Property(a => a.After).HasMaxLength(8192);
            audit.HasIndex(a => new { a.OrgId, a.At });
            OwnedByOrg(audit);
        });

        modelBuilder.Entity<OrgMembership>(membership =>
        {
            membership.ToTable("org_memberships");
            membership.Property(m => m.Role).HasConversion(new ValueConverter<UserRole, string>(
                r => r.ToWire(), s => EnumNames.FromSnake<UserRole>(s))).HasMaxLength(32);
            membership.HasIndex(m => m.Subject).IsUnique();
            membership.HasIndex(m => new { m.OrgId, m.Role });
            OwnedByOrg(membership);
        });

        modelBuilder.Entity<AuthSession>(session =>
        {
            session.ToTable("auth_sessions");
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.Subject).HasMaxLength(256);
            session.Property(s => s.UserAgent).HasMaxLength(256);
            session.HasIndex(s => new { s.OrgId, s.Subject });
            OwnedByOrg(session);
        });

        modelBuilder.Entity<JobLease>(lease =>
        {
            lease.ToTable("job_leases");
            lease.HasKey(l => new { l.OrgId, l.Job });
            lease.Property(l => l.Job).HasMaxLength(64);
            lease.Property(l => l.Holder).HasMaxLength(128);
            lease.Property(l => l.State).HasMaxLength(16);
            lease.Property(l => l.Progress).HasMaxLength(8192);
            OwnedByOrg(lease);
        });

        modelBuilder.Entity<ApiKeyQuotaCounter>(counter =>
        {
            counter.ToTable("api_key_quota_counters");
            counter.HasKey(c => c.KeyId);
            counter.Property(c => c.KeyId).HasMaxLength(64);
        });

        modelBuilder.Entity<ApiKeyCreditUse>(use =>
        {
            use.ToTable("api_key_credit_uses");
            use.Property(u => u.KeyId).HasMaxLength(64);
            use.HasIndex(u => new { u.KeyId, u.UsedAt });
        });

        modelBuilder.Entity<DataProtectionKey>(key =>
        {
            key.ToTable("data_protection_keys");
            key.Property(k => k.FriendlyName).HasMaxLength(256);
            key.Property(k => k.Xml).HasMaxLength(8192);
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                // An owned type shares its owner's row, so its key is the owner's "id" column.
                var column = entity.IsOwned() && property.IsPrimaryKey() ? "id" : ToSnakeCase(property.GetColumnName());
                property.SetColumnName(column);
            }
            if (entity.IsOwned()) continue;
            foreach (var key in entity.GetKeys())
                key.SetName(ToSnakeCase(key.GetName()!));
            foreach (var foreignKey in entity.GetForeignKeys())
                foreignKey.SetConstraintName(ToSnakeCase(foreignKey.GetConstraintName()!));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(ToSnakeCase(index.GetDatabaseName()!));
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardOrgOwnership();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardOrgOwnership();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void GuardOrgOwnership()
    {
        if (orgScope.IsSystem) return;
        foreach (var entry in ChangeTracker.Entries<IOrgOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State == EntityState.Added && entry.Entity.OrgId == 0 && orgScope.OrgId is { } orgId)
                entry.Entity.OrgId = orgId;
            if (orgScope.OrgId is null || entry.Entity.OrgId != orgScope.OrgId)
                throw new CrossOrgWriteException(entry.Metadata.ClrType.Name);
            if (entry.State == EntityState.Modified && entry.Property(e => e.OrgId).IsModified)
                throw new CrossOrgWriteException(entry.Metadata.ClrType.Name);
        }
        foreach (var entry in ChangeTracker.Entries<Organization>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State == EntityState.Added || entry.Entity.Id != orgScope.OrgId)
                throw new CrossOrgWriteException(nameof(Organization));
        }
    }

    private void OwnedByOrg<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> entity) where T : class, IOrgOwned
    {
        entity.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrgId).OnDelete(DeleteBehavior.Cascade);
        if (!orgScope.IsSystem) entity.HasQueryFilter(e => e.OrgId == CurrentOrgId);
    }

    private static ValueConverter<T, string> SnakeCase<T>() where T : struct, Enum =>
        new(v => v.ToSnake(), s => EnumNames.FromSnake<T>(s));

    private static Segment ParseSegment(string value) =>
        EnumNames.TryParseSegment(value, out var segment) ? segment : throw new FormatException($"Unknown segment '{value}'.");

    // Stored as "|a|b|" so "has tag x" is a portable LIKE '%|x|%' on SQLite and PostgreSQL alike.
    private static readonly ValueConverter<List<string>, string> TagListConverter = new(
        tags => tags.Count == 0 ? string.Empty : "|" + string.Join('|', tags) + "|",
        text => text.Split('|', StringSplitOptions.RemoveEmptyEntries).ToList());

    private static readonly ValueComparer<List<string>> TagListComparer = new(
        (a, b) => a!.SequenceEqual(b!),
        tags => tags.Aggregate(0, (hash, tag) => HashCode.Combine(hash, tag.GetHashCode())),
        tags => tags.ToList());

    internal static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (previousIsLowerOrDigit || nextIsLower) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>
/// Caches one model for org-scoped contexts (with the org filters) and one for system contexts (without), so the
/// filters stay simple equalities and trusted cross-org work needs no per-query opt-out.
/// </summary>
internal sealed class OrgScopeModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), context is CohortDbContext { Scope.IsSystem: true }, designTime);
}

/// <summary>Thrown when an operation tries to write a row outside the org it is scoped to.</summary>
public sealed class CrossOrgWriteException(string entity)
    : InvalidOperationException($"Refused to write a {entity} row outside the current organization.");
