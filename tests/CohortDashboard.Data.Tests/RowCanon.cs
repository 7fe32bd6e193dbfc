using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using CohortDashboard.Data.Demo;

namespace CohortDashboard.Data.Tests;

/// <summary>A canonical text form of entity rows (every public property, nested objects included) for comparisons and hashes.</summary>
internal static class RowCanon
{
    public static string Row(object row)
    {
        var builder = new StringBuilder(row.GetType().Name).Append('{');
        Append(builder, row);
        return builder.Append('}').ToString();
    }

    private static void Append(StringBuilder builder, object row)
    {
        foreach (var property in row.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.CanWrite).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            builder.Append(property.Name).Append('=');
            Value(builder, property.GetValue(row));
            builder.Append(';');
        }
    }

    private static void Value(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null: builder.Append("<null>"); break;
            case string s: builder.Append('"').Append(s).Append('"'); break;
            case DateTime d: builder.Append(d.ToString("O", CultureInfo.InvariantCulture)).Append('/').Append(d.Kind); break;
            case DateOnly d: builder.Append(d.ToString("O", CultureInfo.InvariantCulture)); break;
            // normalised so 12.5 and 12.5000 (PostgreSQL numeric(19,4)) compare equal
            case decimal m: builder.Append((m / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)); break;
            case IFormattable f when value.GetType().IsPrimitive || value.GetType().IsEnum:
                builder.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
            case IEnumerable items:
                builder.Append('[');
                foreach (var item in items) { Value(builder, item); builder.Append(','); }
                builder.Append(']');
                break;
            default:
                builder.Append('{');
                Append(builder, value);
                builder.Append('}');
                break;
        }
    }

    public static string Hash(DemoDataSet data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(IEnumerable<object> rows)
        {
            foreach (var row in rows) sha.AppendData(Encoding.UTF8.GetBytes(Row(row) + "\n"));
        }
        Add(data.Organizations);
        Add(data.OrgMemberships);
        Add(data.Products);
        Add(data.Accounts);
        Add(data.AccountProducts);
        Add(data.Orders);
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
