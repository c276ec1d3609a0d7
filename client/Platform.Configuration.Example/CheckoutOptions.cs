namespace Platform.Configuration.Example;

/// <summary>The example service's options: keys <c>app/checkout/...</c> of namespace <c>payments</c>.</summary>
public sealed class CheckoutOptions
{
    public bool NewFlow { get; set; }

    public int MaxItems { get; set; } = 50;

    public string Currency { get; set; } = "EUR";
}
