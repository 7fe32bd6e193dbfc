namespace CohortDashboard.Data.Model;

public enum Segment { Enterprise, MidMarket, Smb }

public enum AccountStatus { Active, Churned, Prospect }

public enum AccountProductStatus { Active, Churned, Pending }

public enum OrderStatus { Paid, Pending, Voided }

public enum CohortType { Vintage, Segment, Territory, Rep, Custom }

public enum SignalStatus { Pending, Pitched, Won, Dismissed }

public enum ChurnDefinition { Revenue, Logo }

public enum RefundDateAttribution { RefundDate, OrderDate }

public enum Confidence { Low, Medium, High }

public enum UserRole { Admin, Analyst, AccountManager }

/// <summary>The wire and storage spellings of our enums, in one place.</summary>
public static class EnumNames
{
    public static string ToWire(this Segment segment) => segment switch
    {
        Segment.Enterprise => "Enterprise",
        Segment.MidMarket => "Mid-Market",
        Segment.Smb => "SMB",
        _ => throw new ArgumentOutOfRangeException(nameof(segment)),
    };

    public static bool TryParseSegment(string? value, out Segment segment) =>
        Analytics.WireNames.TryParse(value, ToWire, out segment);

    public static string ToWire(this UserRole role) => role switch
    {
        UserRole.Admin => "admin",
        UserRole.Analyst => "analyst",
        UserRole.AccountManager => "account_manager",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>snake_case lower spelling used by every other enum on the wire and in the database.</summary>
    public static string ToSnake<T>(this T value) where T : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }

    public static T FromSnake<T>(string value) where T : struct, Enum =>
        Enum.Parse<T>(value.Replace("_", string.Empty), ignoreCase: true);
}
