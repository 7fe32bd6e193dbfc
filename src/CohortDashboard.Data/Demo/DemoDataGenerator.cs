using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Demo;

/// <summary>
/// The demo rows, with explicit ids, in insertion order (principals first). Everything but <see cref="Orders"/> is held
/// in memory; orders are generated lazily on each enumeration (same rows every time) so large scales stream.
/// </summary>
public sealed class DemoDataSet
{
    internal DemoDataSet(
        IReadOnlyList<Organization> organizations, IReadOnlyList<OrgMembership> memberships,
        IReadOnlyList<Product> products, IReadOnlyList<Account> accounts, IReadOnlyList<AccountProduct> accountProducts,
        Func<IEnumerable<Order>> orders, long orderCount)
    {
        Organizations = organizations;
        OrgMemberships = memberships;
        Products = products;
        Accounts = accounts;
        AccountProducts = accountProducts;
        _orders = orders;
        OrderCount = orderCount;
    }

    private readonly Func<IEnumerable<Order>> _orders;

    public IReadOnlyList<Organization> Organizations { get; }
    public IReadOnlyList<OrgMembership> OrgMemberships { get; }
    public IReadOnlyList<Product> Products { get; }
    public IReadOnlyList<Account> Accounts { get; }
    public IReadOnlyList<AccountProduct> AccountProducts { get; }

    /// <summary>Generated on enumeration; every enumeration yields identical rows.</summary>
    public IEnumerable<Order> Orders => _orders();

    /// <summary>How many rows <see cref="Orders"/> yields.</summary>
    public long OrderCount { get; }
}

/// <summary>
/// Deterministic demo data: the same seed, scale and as-of date give identical rows (ids included). Nothing reads the
/// clock: all dates are anchored to <c>asOf</c> (midnight UTC at its start is the "now" of the data; every order is
/// placed before it). Scale 1 ≈ 2,000 Northwind accounts and 80,000 orders; Contoso is about 5 % of that.
/// Local times (month-end evenings, DST change days) use the system's IANA time-zone data.
/// </summary>
public static class DemoDataGenerator
{
    public const ulong DefaultSeed = 20261122;

    public const long NorthwindOrgId = 1;
    public const long ContosoOrgId = 2;

    public static DemoDataSet Generate(ulong seed, double scale, DateOnly asOf)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be a positive number.");
        var state = new GeneratorState(seed, asOf);
        var plans = new List<OrgPlan>();
        foreach (var profile in new[] { Northwind, Contoso })
            plans.Add(state.GenerateOrg(profile, scale));

        var orderCount = plans.Sum(p => p.Accounts.Sum(a => (long)a.OrderCount));
        return new DemoDataSet(
            state.Organizations, state.Memberships, state.Products, state.Accounts, state.AccountProducts,
            () => GenerateOrders(seed, asOf, plans), orderCount);
    }

    // ---------------------------------------------------------------- org profiles

    private sealed record ProductSpec(string Name, string Category, decimal AnnualPrice, double BaseRate, bool Core = false);

    private sealed record PairSpec(int From, int To, double Rate);

    private sealed record OrgProfile(
        long OrgId, string Name, string Currency, string TimeZone, int TerminaGroupId, string PixelId,
        int Accounts, int Orders, ProductSpec[] Catalog, PairSpec[] Pairs, string[] Territories, int Reps,
        string[] NameFirst, string[] NameSecond, string[] NameSuffix, double ConsumerShare,
        string[] SearchTerms, string[] Campaigns);

    private static readonly OrgProfile Northwind = new(
        NorthwindOrgId, "Northwind Learning", "USD", "America/New_York", 1, "demo-pixel",
        Accounts: 2000, Orders: 80_000,
        Catalog:
        [
            new("Learning Core Platform", "Platform", 24_000m, 0, Core: true),          // 0  prod-01
            new("Content Library", "Content", 9_000m, 0.30),                             // 1  prod-02
            new("Assessment Studio", "Content", 12_000m, 0.08),                          // 2  prod-03
            new("Analytics Insights", "Analytics", 15_000m, 0.28),                       // 3  prod-04
            new("Advanced Reporting", "Analytics", 8_000m, 0.06),                        // 4  prod-05
            new("Predictive Success", "Analytics", 18_000m, 0.05),                       // 5  prod-06
            new("Live Classroom", "Engagement", 10_000m, 0.25),                          // 6  prod-07
            new("Mobile Learning App", "Engagement", 6_000m, 0.07),                      // 7  prod-08
            new("Community Forums", "Engagement", 4_000m, 0.18),                         // 8  prod-09
            new("SSO & Security Pack", "Platform", 5_000m, 0.20),                        // 9  prod-10
            new("Certification Manager", "Content", 7_000m, 0.05),                       // 10 prod-11
            new("Premium Support", "Platform", 6_500m, 0.15),                            // 11 prod-12
        ],
        Pairs:
        [
            new(1, 2, 0.62),   // Content Library → Assessment Studio
            new(2, 10, 0.55),  // Assessment Studio → Certification Manager
            new(3, 4, 0.72),   // Analytics Insights → Advanced Reporting
            new(3, 5, 0.30),   // Analytics Insights → Predictive Success
            new(6, 7, 0.58),   // Live Classroom → Mobile Learning App
            new(0, 9, 0.22),   // Core → SSO (weak)
            new(6, 8, 0.30),   // Live Classroom → Community Forums (weak)
        ],
        Territories: ["Northeast", "Southeast", "Central", "West", "EMEA", "APAC"],
        Reps: 10,
        NameFirst: ["Bright", "Summit", "Cedar", "Harbor", "Maple", "Northstar", "Pioneer", "Riverside", "Silver",
            "Golden", "Oakridge", "Lakeside", "Evergreen", "Crescent", "Redwood", "Blue Ridge", "Granite", "Willow",
            "Aspen", "Horizon", "Beacon", "Juniper", "Sterling", "Meridian"],
        NameSecond: ["Learning", "Academy", "Institute", "Education", "Training", "Skills", "Knowledge", "College",
            "Schools", "Tutoring", "Health", "Logistics", "Manufacturing", "Retail", "Finance"],
        NameSuffix: ["Group", "Partners", "Inc.", "Co.", "Network", "Collective", "LLC", "Foundation", "Holdings"],
        ConsumerShare: 0.12,
        SearchTerms: ["lms", "online courses", "training platform", "elearning software", "compliance training"],
        Campaigns: ["back_to_school", "spring_promo", "q4_renewals", "black_friday", "webinar_series", "new_year_upskill"]);

    private static readonly OrgProfile Contoso = new(
        ContosoOrgId, "Contoso Retail", "EUR", "Europe/Berlin", 2, "contoso-pixel",
        Accounts: 100, Orders: 4_000,
        Catalog:
        [
            new("Store Essentials", "Platform", 6_000m, 0, Core: true),      // 0
            new("Loyalty Club", "Marketing", 3_000m, 0.30),                   // 1
            new("Gift Cards", "Marketing", 1_500m, 0.08),                     // 2
            new("Click & Collect", "Fulfilment", 4_000m, 0.30),               // 3
            new("Inventory Sync", "Fulfilment", 2_500m, 0.08),                // 4
            new("Analytics Lite", "Analytics", 2_000m, 0.20),                 // 5
        ],
        Pairs: [new(1, 2, 0.65), new(3, 4, 0.6)],
        Territories: ["DACH", "Benelux", "Nordics"],
        Reps: 3,
        NameFirst: ["Alpen", "Rhein", "Nord", "Stadt", "Hafen", "Berg", "Linden", "Sonnen", "Elb", "Isar"],
        NameSecond: ["Markt", "Handel", "Mode", "Küche", "Sport", "Technik", "Buch", "Garten"],
        NameSuffix: ["GmbH", "AG", "KG", "GmbH & Co. KG"],
        ConsumerShare: 0.35,
        SearchTerms: ["kassensystem", "onlineshop", "gutscheine", "filialsoftware"],
        Campaigns: ["fruehjahr", "sommerschluss", "black_friday", "weihnachten"]);

    // ---------------------------------------------------------------- accounts and products

    private sealed class ProductRow
    {
        public int Product;
        public DateOnly Start;
        public DateOnly? End;
        public AccountProductStatus Status;
        public decimal Arr;
        public int Seats;
        public decimal Adoption;
    }

    internal sealed record AccountPlan(Account Account, int Index, (DateTime From, DateTime To)[] Activity, double Quality)
    {
        public int OrderCount { get; set; }
    }

    private sealed record OrgPlan(OrgProfile Profile, List<AccountPlan> Accounts, TimeZoneInfo Zone, DateOnly[] DstDays);

    private sealed class GeneratorState(ulong seed, DateOnly asOf)
    {
        public readonly List<Organization> Organizations = [];
        public readonly List<OrgMembership> Memberships = [];
        public readonly List<Product> Products = [];
        public readonly List<Account> Accounts = [];
        public readonly List<AccountProduct> AccountProducts = [];

        private readonly DateTime _asOfInstant = AsOfInstant(asOf);

        public OrgPlan GenerateOrg(OrgProfile profile, double scale)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(profile.TimeZone);
            Organizations.Add(new Organization
            {
                Id = profile.OrgId,
                Name = profile.Name,
                Currency = profile.Currency,
                TimeZone = profile.TimeZone,
                FiscalYearStartMonth = 1,
                TerminaGroupId = profile.TerminaGroupId,
                TerminaDealId = 1,
                PixelId = profile.PixelId,
                CreatedAt = _asOfInstant.AddMonths(-37),
            });
            AddMemberships(profile.OrgId);

            var productIds = new long[profile.Catalog.Length];
            for (var i = 0; i < profile.Catalog.Length; i++)
            {
                var spec = profile.Catalog[i];
                productIds[i] = Products.Count + 1;
                Products.Add(new Product
                {
                    Id = productIds[i],
                    OrgId = profile.OrgId,
                    ExternalId = $"prod-{i + 1:00}",
                    Name = spec.Name,
                    Category = spec.Category,
                    AnnualPrice = spec.AnnualPrice,
                    IsActive = true,
                });
            }

            var accountCount = Math.Max(5, (int)Math.Round(profile.Accounts * scale, MidpointRounding.AwayFromZero));
            var plans = new List<AccountPlan>(accountCount);
            for (var i = 0; i < accountCount; i++)
                plans.Add(GenerateAccount(profile, i, productIds));

            AllocateOrders(profile, scale, plans);
            return new OrgPlan(profile, plans, zone, DstChangeDays(zone, _asOfInstant.AddMonths(-25), _asOfInstant));
        }

        private void AddMemberships(long orgId)
        {
            void Add(string subject, string name, UserRole role, string? ownerId = null) =>
                Memberships.Add(new OrgMembership
                {
                    Id = Memberships.Count + 1, OrgId = orgId, Subject = subject, DisplayName = name, Role = role,
                    OwnerId = ownerId,
                });
            if (orgId == NorthwindOrgId)
            {
                Add("demo-admin", "Demo Admin", UserRole.Admin);
                Add("demo-analyst", "Demo Analyst", UserRole.Analyst);
                Add("demo-am", "Demo Account Manager", UserRole.AccountManager, "rep-01");
            }
            else
            {
                Add("demo-contoso-admin", "Contoso Admin", UserRole.Admin);
            }
        }

        private AccountPlan GenerateAccount(OrgProfile profile, int index, long[] productIds)
        {
            var rng = DemoRandom.For(seed, profile.OrgId, 1, index);
            var span = (_asOfInstant.AddDays(-14) - _asOfInstant.AddMonths(-36)).TotalSeconds;
            // density grows towards the present: t = sqrt(u) has density 2t on [0, 1)
            var t = Math.Sqrt(rng.NextDouble());
            var created = _asOfInstant.AddMonths(-36).AddSeconds(Math.Floor(t * span));
            var createdDate = DateOnly.FromDateTime(created);

            var segment = rng.Weighted<Segment>([(Segment.Enterprise, 0.15), (Segment.MidMarket, 0.35), (Segment.Smb, 0.50)]);
            var territory = rng.Pick(profile.Territories);
            var owner = $"rep-{rng.Next(profile.Reps) + 1:00}";
            var consumer = rng.Chance(segment == Segment.Smb ? profile.ConsumerShare * 1.8 : profile.ConsumerShare * 0.3);
            var quality = Math.Clamp(0.55 + 0.22 * rng.Gaussianish(), 0.0, 1.0);
            var prospect = rng.Chance(0.02);

            // churn: monthly hazard, higher for low-quality accounts; never in the first two months
            DateOnly? churn = null;
            DateOnly? comeback = null;
            if (!prospect)
            {
                var hazard = 0.003 + 0.035 * (1 - quality) * (1 - quality);
                for (var month = 2; ; month++)
                {
                    var at = createdDate.AddMonths(month);
                    if (at >= asOf.AddDays(-1)) break;
                    if (rng.Chance(hazard))
                    {
                        churn = at.AddDays(rng.Next(28));
                        if (churn >= asOf) churn = asOf.AddDays(-1);
                        break;
                    }
                }
                if (churn is { } c && c < asOf.AddDays(-150) && rng.Chance(0.2))
                {
                    var back = c.AddDays(rng.Next(60, 240));
                    if (back < asOf.AddDays(-7)) comeback = back;
                }
            }

            var segmentFactor = segment switch
            {
                Segment.Enterprise => (2.5, 5.0, 200, 2000),
                Segment.MidMarket => (1.0, 2.0, 40, 300),
                _ => (0.35, 0.8, 5, 50),
            };
            ProductRow NewRow(int product, DateOnly start, AccountProductStatus status)
            {
                var spec = profile.Catalog[product];
                var multiplier = rng.Between(segmentFactor.Item1, segmentFactor.Item2);
                var adoption = Math.Clamp(30 + 55 * quality + 12 * rng.Gaussianish(), 0, 100);
                return new ProductRow
                {
                    Product = product,
                    Start = start,
                    Status = status,
                    Arr = Math.Round(spec.AnnualPrice * (decimal)multiplier, 0, MidpointRounding.AwayFromZero),
                    Seats = rng.Next(segmentFactor.Item3, segmentFactor.Item4 + 1),
                    Adoption = status == AccountProductStatus.Pending ? 0m : Math.Round((decimal)adoption, 1),
                };
            }

            var rows = new List<ProductRow>();
            var starts = new Dictionary<int, DateOnly>();
            var first = -1;
            if (!prospect)
            {
                first = rng.Chance(0.94) ? 0 : rng.Next(1, profile.Catalog.Length);
                starts[first] = createdDate;
                rows.Add(NewRow(first, createdDate, AccountProductStatus.Active));
                for (var j = 1; j < profile.Catalog.Length; j++)
                {
                    if (j == first) continue;
                    var probability = profile.Catalog[j].BaseRate * SegmentAppetite(segment, profile.Catalog[j]);
                    DateOnly? anchor = null;
                    foreach (var pair in profile.Pairs)
                    {
                        if (pair.To == j && starts.TryGetValue(pair.From, out var fromStart) && pair.Rate > probability)
                        {
                            probability = pair.Rate;
                            anchor = fromStart;
                        }
                    }
                    probability *= 0.75 + 0.5 * quality;
                    if (!rng.Chance(probability)) continue;
                    var u = rng.NextDouble();
                    var start = anchor is { } a
                        ? a.AddDays(30 + (int)(360 * u * u))
                        : createdDate.AddDays((int)(720 * u * u));
                    if (start >= asOf)
                    {
                        if (churn is null && start <= asOf.AddDays(60) && rng.Chance(0.4))
                            rows.Add(NewRow(j, start, AccountProductStatus.Pending));
                        continue;
                    }
                    if (churn is { } c && start >= c) continue;
                    starts[j] = start;
                    rows.Add(NewRow(j, start, AccountProductStatus.Active));
                }

                // drops, contractions and seat expansions while the account is a customer
                var limit = churn ?? asOf;
                foreach (var row in rows.ToArray())
                {
                    if (row.Status != AccountProductStatus.Active) continue;
                    var days = limit.DayNumber - row.Start.DayNumber;
                    if (row.Product != first && days > 90 && rng.Chance(0.05 + 0.08 * (1 - quality)))
                    {
                        row.End = row.Start.AddDays(60 + rng.Next(days - 60));
                        row.Status = AccountProductStatus.Churned;
                        row.Adoption = Math.Round(row.Adoption * 0.5m, 1);
                    }
                    else if (days > 150 && rng.Chance(0.16))
                    {
                        var splitAt = row.Start.AddDays(90 + rng.Next(days - 90));
                        var contraction = rng.Chance(0.5);
                        var factor = contraction ? rng.Between(0.5, 0.85) : rng.Between(1.15, 1.6);
                        row.End = splitAt;
                        row.Status = AccountProductStatus.Churned;
                        rows.Add(new ProductRow
                        {
                            Product = row.Product,
                            Start = splitAt,
                            Status = AccountProductStatus.Active,
                            Arr = Math.Round(row.Arr * (decimal)factor, 0, MidpointRounding.AwayFromZero),
                            Seats = Math.Max(1, (int)(row.Seats * factor)),
                            Adoption = row.Adoption,
                        });
                    }
                }

                if (churn is { } churnDate)
                {
                    foreach (var row in rows.Where(r => r.Status == AccountProductStatus.Active))
                    {
                        row.End = churnDate;
                        row.Status = AccountProductStatus.Churned;
                    }
                }
                if (comeback is { } back)
                {
                    rows.Add(NewRow(first, back, AccountProductStatus.Active));
                    var other = starts.Keys.Where(k => k != first).Order().ToArray();
                    if (other.Length > 0 && rng.Chance(0.35))
                    {
                        var second = back.AddDays(rng.Next(10, 90));
                        if (second < asOf) rows.Add(NewRow(other[rng.Next(other.Length)], second, AccountProductStatus.Active));
                    }
                }
            }

            var churnedNow = churn is not null && comeback is null;
            var health = Math.Clamp((int)Math.Round(25 + 65 * quality + 8 * rng.Gaussianish()) - (churnedNow ? 20 : 0), 0, 100);
            var risk = Math.Clamp((int)Math.Round(100 - health + 10 * rng.Gaussianish()), 0, 100);
            int? propensity = rng.Chance(0.10)
                ? null
                : Math.Clamp((int)Math.Round(20 + 60 * quality + 15 * rng.Gaussianish()), 0, 100);
            var name = $"{rng.Pick(profile.NameFirst)} {rng.Pick(profile.NameSecond)} {rng.Pick(profile.NameSuffix)}";

            var account = new Account
            {
                Id = Accounts.Count + 1,
                OrgId = profile.OrgId,
                ExternalId = $"acc-{index + 1:000000}",
                Name = name,
                Segment = segment,
                Territory = territory,
                OwnerId = owner,
                UserType = consumer ? "consumer" : "business",
                CreatedAt = created,
                Status = prospect ? AccountStatus.Prospect : churnedNow ? AccountStatus.Churned : AccountStatus.Active,
                HealthScore = health,
                RiskScore = risk,
                ExpansionPropensity = propensity,
            };
            foreach (var row in rows)
            {
                var seatsActive = (int)Math.Round(row.Seats * row.Adoption / 100m, MidpointRounding.AwayFromZero);
                AccountProducts.Add(new AccountProduct
                {
                    Id = AccountProducts.Count + 1,
                    OrgId = profile.OrgId,
                    AccountId = account.Id,
                    ProductId = productIds[row.Product],
                    Status = row.Status,
                    StartDate = row.Start,
                    EndDate = row.End,
                    ContractedArr = row.Arr,
                    SeatsLicensed = row.Seats,
                    SeatsActive = seatsActive,
                    AdoptionPct = row.Adoption,
                });
                if (row.Status == AccountProductStatus.Active) account.Arr += row.Arr;
            }
            Accounts.Add(account);

            // when the account could place orders (UTC, before as-of)
            var activity = new List<(DateTime, DateTime)>();
            if (!prospect)
            {
                var end = churn is { } c ? Midnight(c) : _asOfInstant;
                activity.Add((created, end));
                if (comeback is { } back) activity.Add((Midnight(back), _asOfInstant));
            }
            return new AccountPlan(account, index, activity.ToArray(), quality);
        }

        private static double SegmentAppetite(Segment segment, ProductSpec spec) => (segment, spec.Category) switch
        {
            (Segment.Enterprise, "Platform") => 2.2,
            (Segment.Enterprise, _) => 1.3,
            (Segment.MidMarket, _) => 1.0,
            (Segment.Smb, "Platform") => 0.5,
            _ => 0.8,
        };

        private void AllocateOrders(OrgProfile profile, double scale, List<AccountPlan> plans)
        {
            var windowStart = _asOfInstant.AddMonths(-24);
            var target = Math.Round(profile.Orders * scale);
            var rng = DemoRandom.For(seed, profile.OrgId, 3);
            var weights = new double[plans.Count];
            var total = 0.0;
            for (var i = 0; i < plans.Count; i++)
            {
                var plan = plans[i];
                var months = 0.0;
                foreach (var (from, to) in plan.Activity)
                {
                    var start = from > windowStart ? from : windowStart;
                    if (to > start) months += (to - start).TotalDays / 30.4375;
                }
                var rate = plan.Account.Segment switch { Segment.Enterprise => 2.5, Segment.MidMarket => 1.8, _ => 1.2 };
                weights[i] = months * rate * (0.5 + plan.Quality) * rng.Between(0.4, 1.6);
                total += weights[i];
            }
            if (total <= 0) return;
            for (var i = 0; i < plans.Count; i++)
            {
                var expected = weights[i] / total * target;
                var whole = Math.Floor(expected);
                plans[i].OrderCount = (int)whole + (rng.Chance(expected - whole) ? 1 : 0);
            }
        }
    }

    // ---------------------------------------------------------------- orders

    private static IEnumerable<Order> GenerateOrders(ulong seed, DateOnly asOf, IReadOnlyList<OrgPlan> plans)
    {
        var asOfInstant = AsOfInstant(asOf);
        var windowStart = asOfInstant.AddMonths(-24);
        long id = 0;
        foreach (var org in plans)
        {
            long sequence = 0;
            foreach (var plan in org.Accounts)
            {
                if (plan.OrderCount == 0) continue;
                var rng = DemoRandom.For(seed, org.Profile.OrgId, 2, plan.Index);
                var windows = plan.Activity
                    .Select(w => (From: w.From > windowStart ? w.From : windowStart, w.To))
                    .Where(w => w.To > w.From)
                    .ToArray();
                if (windows.Length == 0) continue;
                var times = new DateTime[plan.OrderCount];
                for (var i = 0; i < times.Length; i++)
                    times[i] = PlaceOrder(rng, org, windows);
                Array.Sort(times);
                foreach (var placedAt in times)
                    yield return BuildOrder(rng, org, plan, ++id, ++sequence, placedAt, asOfInstant);
            }
        }
    }

    private static DateTime PlaceOrder(DemoRandom rng, OrgPlan org, (DateTime From, DateTime To)[] windows)
    {
        var total = windows.Sum(w => (w.To - w.From).TotalSeconds);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var offset = rng.NextDouble() * total;
            var window = windows[^1];
            foreach (var w in windows)
            {
                var length = (w.To - w.From).TotalSeconds;
                if (offset < length) { window = w; break; }
                offset -= length;
            }
            var uniform = window.From.AddSeconds(Math.Floor(Math.Min(offset, (window.To - window.From).TotalSeconds - 1)));
            var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(uniform, org.Zone));
            TimeSpan localTime;
            var mode = rng.NextDouble();
            if (mode < 0.05)
            {
                // late evening on the last day of the month
                localDay = new DateOnly(localDay.Year, localDay.Month, DateTime.DaysInMonth(localDay.Year, localDay.Month));
                localTime = TimeSpan.FromSeconds(rng.Next(21 * 3600, 24 * 3600));
            }
            else if (mode < 0.07 && org.DstDays.Length > 0)
            {
                // the small hours of a DST change day (some fall into the skipped or repeated hour)
                localDay = org.DstDays[rng.Next(org.DstDays.Length)];
                localTime = TimeSpan.FromSeconds(rng.Next(0, 5 * 3600));
            }
            else
            {
                localTime = TimeSpan.FromSeconds(LocalHour(rng) * 3600 + rng.Next(3600));
            }
            var local = localDay.ToDateTime(TimeOnly.MinValue).Add(localTime);
            if (org.Zone.IsInvalidTime(local)) local = local.AddHours(1);
            var utc = TimeZoneInfo.ConvertTimeToUtc(local, org.Zone);
            if (windows.Any(w => utc >= w.From && utc < w.To)) return utc;
            if (attempt == 7) return uniform;
        }
        throw new InvalidOperationException("unreachable");
    }

    private static readonly (int Hour, double Weight)[] HourWeights =
    [
        (0, 0.6), (1, 0.35), (2, 0.2), (3, 0.15), (4, 0.15), (5, 0.3), (6, 0.8), (7, 1.6), (8, 2.6), (9, 3.4),
        (10, 3.8), (11, 3.9), (12, 3.6), (13, 3.7), (14, 3.8), (15, 3.6), (16, 3.3), (17, 2.9), (18, 2.7),
        (19, 2.8), (20, 3.0), (21, 2.8), (22, 2.0), (23, 1.2),
    ];

    private static int LocalHour(DemoRandom rng) => rng.Weighted(HourWeights);

    private static Order BuildOrder(DemoRandom rng, OrgPlan org, AccountPlan plan, long id, long sequence,
        DateTime placedAt, DateTime asOfInstant)
    {
        var profile = org.Profile;
        var account = plan.Account;
        var recent = (asOfInstant - placedAt).TotalDays < 10;
        var status = rng.NextDouble() switch
        {
            var s when s < (recent ? 0.20 : 0.02) => OrderStatus.Pending,
            var s when s < (recent ? 0.225 : 0.045) => OrderStatus.Voided,
            _ => OrderStatus.Paid,
        };

        var baseAmount = account.Segment switch { Segment.Enterprise => 2500.0, Segment.MidMarket => 900.0, _ => 180.0 };
        var u = rng.NextDouble();
        var gross = Money(baseAmount * (0.25 + 1.2 * u + 1.8 * u * u * u));
        var discounts = rng.Chance(0.28) ? Money((double)gross * rng.Between(0.05, 0.3)) : 0m;

        var source = rng.Weighted<string>([("web", 0.48), ("mobile_app", 0.22), ("pos", 0.14), ("partner", 0.16)]);
        var orderType = rng.Weighted<string>([("subscription", 0.35), ("one_time", 0.40), ("renewal", 0.15), ("add_on", 0.10)]);
        var gateway = source switch
        {
            "pos" => rng.Chance(0.7) ? "adyen" : "manual",
            "partner" => rng.Chance(0.6) ? "manual" : "stripe",
            _ => rng.Weighted<string>([("stripe", 0.60), ("paypal", 0.25), ("adyen", 0.15)]),
        };

        var refunded = 0m;
        DateTime? refundedAt = null;
        if (status == OrderStatus.Paid && rng.Chance(0.07))
        {
            var refundable = gross - discounts;
            refunded = rng.Chance(0.35) ? refundable : Math.Min(refundable, Money((double)refundable * rng.Between(0.1, 0.8)));
            var delay = rng.Chance(0.15)
                ? TimeSpan.FromDays(rng.Between(20, 75))               // often lands in a later month
                : TimeSpan.FromHours(1 + rng.NextDouble() * rng.NextDouble() * 24 * 30);
            var at = placedAt + delay;
            if (at >= asOfInstant) at = placedAt + (asOfInstant - placedAt) / 2;
            refundedAt = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            if (refunded == 0m) refundedAt = null;
        }

        var digital = orderType is "subscription" or "renewal";
        var cogs = Money((double)gross * rng.Between(0.25, 0.5));
        var shipping = digital || source == "pos" ? 0m : Money((double)gross * rng.Between(0, 0.06));
        var fees = status == OrderStatus.Voided ? 0m : gateway switch
        {
            "stripe" => Money((double)gross * 0.029 + 0.30),
            "paypal" => Money((double)gross * 0.0349 + 0.49),
            "adyen" => Money((double)gross * 0.026 + 0.25),
            _ => 0m,
        } + (digital ? 0m : Money((double)gross * 0.01));

        var tags = new List<string>();
        if ((account.Segment == Segment.Enterprise && plan.Quality > 0.7) || rng.Chance(0.03)) tags.Add("vip");
        if (source == "partner" && rng.Chance(0.6)) tags.Add("wholesale");
        if (orderType == "subscription") tags.Add("subscription");
        if (discounts > 0 && rng.Chance(0.7)) tags.Add("promo");

        string? utmSource = null, utmMedium = null, utmCampaign = null, utmContent = null, utmTerm = null;
        if (source == "partner")
        {
            utmSource = "partner_portal";
            utmMedium = "referral";
            utmCampaign = "partner_program";
        }
        else if (source != "pos" && rng.Chance(0.65))
        {
            utmSource = rng.Weighted<string>([("google", 0.35), ("bing", 0.08), ("newsletter", 0.22), ("linkedin", 0.15),
                ("facebook", 0.12), ("instagram", 0.08)]);
            utmMedium = utmSource switch
            {
                "google" or "bing" => "cpc",
                "newsletter" => "email",
                _ => rng.Chance(0.5) ? "social" : "paid_social",
            };
            utmCampaign = $"{rng.Pick(profile.Campaigns)}_{placedAt.Year}";
            utmContent = rng.Weighted<string?>([("hero_banner", 0.3), ("sidebar", 0.2), ("text_link", 0.3), (null, 0.2)]);
            if (utmMedium == "cpc") utmTerm = rng.Pick(profile.SearchTerms);
        }

        return new Order
        {
            Id = id,
            OrgId = profile.OrgId,
            AccountId = account.Id,
            ExternalId = $"ord-{sequence:0000000}",
            PlacedAt = placedAt,
            Status = status,
            GrossRevenue = gross,
            Discounts = discounts,
            RefundedAmount = refunded,
            RefundedAt = refundedAt,
            Cogs = cogs,
            ShippingCost = shipping,
            Fees = fees,
            SourceName = source,
            OrderType = orderType,
            PaymentGateway = gateway,
            Tags = tags,
            UtmSource = utmSource,
            UtmMedium = utmMedium,
            UtmCampaign = utmCampaign,
            UtmContent = utmContent,
            UtmTerm = utmTerm,
        };
    }

    // ---------------------------------------------------------------- helpers

    internal static DateTime AsOfInstant(DateOnly asOf) => DateTime.SpecifyKind(asOf.ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);

    private static DateTime Midnight(DateOnly day) => DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);

    private static decimal Money(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    /// <summary>Local days on which the zone's UTC offset changes (DST starts or ends).</summary>
    private static DateOnly[] DstChangeDays(TimeZoneInfo zone, DateTime fromUtc, DateTime toUtc)
    {
        var days = new List<DateOnly>();
        var day = DateOnly.FromDateTime(fromUtc);
        var last = DateOnly.FromDateTime(toUtc);
        for (; day < last; day = day.AddDays(1))
        {
            var startOffset = zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue));
            var endOffset = zone.GetUtcOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue));
            if (startOffset != endOffset) days.Add(day);
        }
        return days.ToArray();
    }
}
