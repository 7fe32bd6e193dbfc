using System.Text.Json;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Settings;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary>The pure settings rules: validation of every group and the partial update's parsing.</summary>
public sealed class SettingsRulesTests
{
    private static readonly OrgSettingsValues Defaults =
        OrgSettingsValues.From(new Organization { Name = "Acme", Currency = "EUR", TimeZone = "Europe/Paris" });

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Validate_Defaults_NoErrors() => Assert.Empty(SettingsRules.Validate(Defaults));

    [Theory]
    [InlineData("Eastern Standard Time")]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    public void Validate_NotAnIanaZone_TimezoneError(string zone) =>
        Assert.Equal(["timezone"], SettingsRules.Validate(Defaults with { Timezone = zone }).Keys);

    [Theory]
    [InlineData("eur")]
    [InlineData("XYZ")]
    [InlineData("EURO")]
    public void Validate_NotAnIsoCurrency_CurrencyError(string currency) =>
        Assert.Equal(["currency"], SettingsRules.Validate(Defaults with { Currency = currency }).Keys);

    [Fact]
    public void Validate_WeightsSummingTo1Point1_SignalWeightsErrorNamingTheSum()
    {
        var errors = SettingsRules.Validate(Defaults with { SignalWeights = new SignalWeightValues(0.5m, 0.25m, 0.2m, 0.15m) });

        Assert.Equal(["signal_weights"], errors.Keys);
        Assert.Contains("1.10", errors["signal_weights"][0]);
    }

    [Fact]
    public void Validate_CutoffsNotDescending_PriorityCutoffsError() =>
        Assert.Equal(["priority_cutoffs"], SettingsRules.Validate(Defaults with { PriorityCutoffs = [0.8m, 0.5m, 0.65m, 0.35m] }).Keys);

    [Fact]
    public void Validate_MediumAboveHigh_MediumError() =>
        Assert.Equal(["confidence_medium_min_sample"], SettingsRules.Validate(Defaults with { ConfidenceMediumMinSample = 31 }).Keys);

    [Fact]
    public void Validate_TerminaGroupWithoutDeal_Error() =>
        Assert.Equal(["termina_deal_id"], SettingsRules.Validate(Defaults with { TerminaGroupId = 7 }).Keys);

    [Fact]
    public void Patch_PartialSignalWeights_KeepsTheOthers()
    {
        var (values, errors) = SettingsRules.Patch(Defaults, Json("""{"signal_weights": {"affinity": 0.5, "propensity": 0.05}}"""));

        Assert.Empty(errors);
        Assert.Equal(new SignalWeightValues(0.5m, 0.25m, 0.2m, 0.05m), values!.SignalWeights);
    }

    [Fact]
    public void Patch_UnknownAndMistypedFields_ErrorPerField()
    {
        var (values, errors) = SettingsRules.Patch(Defaults,
            Json("""{"colour": "red", "count_pending_orders": "yes", "priority_cutoffs": [0.9, 0.8], "fiscal_year_start_month": 1.5, "timezone": "UTC"}"""));

        Assert.Null(values);
        Assert.Equal(["colour", "count_pending_orders", "fiscal_year_start_month", "priority_cutoffs"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Changed_OnlyTheDifferentSettings_InPageOrder()
    {
        var after = Defaults with { Currency = "USD", PriorityCutoffs = [0.9m, 0.65m, 0.5m, 0.35m], CountVoidedOrders = true };

        Assert.Equal(["currency", "count_voided_orders", "priority_cutoffs"], SettingsFields.Changed(Defaults, after));
        Assert.Empty(SettingsFields.Changed(Defaults, Defaults with { PriorityCutoffs = [0.80m, 0.65m, 0.50m, 0.35m] }));
    }
}
