using System.Globalization;
using System.Text;
using CohortDashboard.Data.Csv;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Import;

/// <summary>
/// Writes an org's rows of one entity as CSV with exactly the import columns (<see cref="ImportColumns"/>), so an
/// export imported again changes nothing. Rows stream from the database in id order; nothing is held. Instants are
/// UTC with <c>Z</c>, decimals invariant with a dot, tags joined with <c>|</c>; cells go through <see cref="CsvWriter"/>,
/// whose formula guard the CSV import undoes.
/// </summary>
public static class ImportExport
{
    /// <summary>The UTF-8 encoding exports use (no BOM: the import accepts both, and tools like csvkit prefer none).</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the export of <paramref name="entity"/> for the org <paramref name="db"/> is scoped to; returns the row count.</summary>
    public static async Task<long> WriteCsvAsync(CohortDbContext db, ImportEntity entity, TextWriter output, CancellationToken ct)
    {
        await WriteLineAsync(output, ImportColumns.For(entity).Select(c => c.Name));
        long rows = 0;
        switch (entity)
        {
            case ImportEntity.Accounts:
                await foreach (var a in db.Accounts.AsNoTracking().OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
                {
                    await WriteLineAsync(output, [a.ExternalId, a.Name, a.Segment.ToWire(), a.Territory, a.OwnerId, a.UserType,
                        Instant(a.CreatedAt), a.Status.ToSnake(), Number(a.Arr), Number(a.HealthScore), Number(a.RiskScore),
                        a.ExpansionPropensity is { } p ? Number(p) : ""]);
                    rows++;
                }
                break;
            case ImportEntity.Products:
                await foreach (var p in db.Products.AsNoTracking().OrderBy(p => p.Id).AsAsyncEnumerable().WithCancellation(ct))
                {
                    await WriteLineAsync(output, [p.ExternalId, p.Name, p.Category, Number(p.AnnualPrice), p.IsActive ? "true" : "false"]);
                    rows++;
                }
                break;
            case ImportEntity.AccountProducts:
                var holdings = from ap in db.AccountProducts.AsNoTracking()
                               join a in db.Accounts on ap.AccountId equals a.Id
                               join p in db.Products on ap.ProductId equals p.Id
                               orderby ap.Id
                               select new { Account = a.ExternalId, Product = p.ExternalId, ap.Status, ap.StartDate, ap.EndDate, ap.ContractedArr, ap.SeatsLicensed, ap.SeatsActive, ap.AdoptionPct };
                await foreach (var h in holdings.AsAsyncEnumerable().WithCancellation(ct))
                {
                    await WriteLineAsync(output, [h.Account, h.Product, h.Status.ToSnake(), Date(h.StartDate), h.EndDate is { } end ? Date(end) : "",
                        Number(h.ContractedArr), Number(h.SeatsLicensed), Number(h.SeatsActive), Number(h.AdoptionPct)]);
                    rows++;
                }
                break;
            case ImportEntity.Orders:
                var orders = from o in db.Orders.AsNoTracking()
                             join a in db.Accounts on o.AccountId equals a.Id
                             orderby o.Id
                             select new { Order = o, Account = a.ExternalId };
                await foreach (var row in orders.AsAsyncEnumerable().WithCancellation(ct))
                {
                    var o = row.Order;
                    await WriteLineAsync(output, [o.ExternalId, row.Account, Instant(o.PlacedAt), o.Status.ToSnake(), Number(o.GrossRevenue),
                        Number(o.Discounts), Number(o.RefundedAmount), o.RefundedAt is { } r ? Instant(r) : "", Number(o.Cogs),
                        Number(o.ShippingCost), Number(o.Fees), o.SourceName ?? "", o.OrderType ?? "", o.PaymentGateway ?? "",
                        string.Join(ImportColumns.TagSeparator, o.Tags), o.UtmSource ?? "", o.UtmMedium ?? "", o.UtmCampaign ?? "",
                        o.UtmContent ?? "", o.UtmTerm ?? ""]);
                    rows++;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(entity));
        }
        await output.FlushAsync(ct);
        return rows;
    }

    /// <summary>A template file: the header and one example row, the format the README documents.</summary>
    public static string Template(ImportEntity entity)
    {
        string[] example = entity switch
        {
            ImportEntity.Accounts => ["ACME-001", "Acme Learning", "Mid-Market", "EMEA", "rep-7", "business", "2026-01-15", "active", "48000", "82", "15", "60"],
            ImportEntity.Products => ["PRD-LMS", "LMS Core", "Platform", "12000", "true"],
            ImportEntity.AccountProducts => ["ACME-001", "PRD-LMS", "active", "2026-01-15", "", "12000", "50", "42", "84"],
            ImportEntity.Orders => ["ORD-10001", "ACME-001", "2026-01-20T14:05:00", "paid", "1200.00", "100", "0", "", "300", "0", "35.5",
                "web", "subscription", "stripe", "new|annual", "google", "cpc", "spring", "", ""],
            _ => throw new ArgumentOutOfRangeException(nameof(entity)),
        };
        var text = new StringBuilder();
        CsvWriter.WriteRow(text, ImportColumns.For(entity).Select(c => c.Name));
        CsvWriter.WriteRow(text, example);
        return text.ToString();
    }

    [ThreadStatic] private static StringBuilder? _line;

    private static Task WriteLineAsync(TextWriter output, IEnumerable<string> fields)
    {
        var line = _line ??= new StringBuilder(512);
        line.Clear();
        CsvWriter.WriteRow(line, fields);
        return output.WriteAsync(line.ToString());
    }

    private static string Instant(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
