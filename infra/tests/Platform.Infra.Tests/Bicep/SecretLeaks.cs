using System.Text.RegularExpressions;

namespace Platform.Infra.Tests;

/// <summary>
/// Finds where a compiled template could expose a secret: an output (or a value passed to a
/// module's non-secure parameter) that is derived from a secure parameter, from a variable built
/// on one, from a list* call (listKeys, listSecrets, ...) or from a Key Vault secret's value.
/// Deployment outputs and non-secure parameters are stored in the deployment history for anyone
/// with read access to see.
/// </summary>
internal static partial class SecretLeaks
{
    public static List<string> Find(ArmTemplate template, string path = "main")
    {
        var findings = new List<string>();
        var secrets = SecretSources(template);
        foreach (var (name, output) in template.Outputs)
        {
            var type = output.GetProperty("type").GetString() ?? string.Empty;
            if (type.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add($"{path}: output '{name}' is of type {type}");
            }

            if (Leak(output.GetRawText(), secrets) is { } leak)
            {
                findings.Add($"{path}: output '{name}' uses {leak}");
            }
        }

        foreach (var (symbol, parameters, nested) in template.Modules)
        {
            var secureInChild = nested.SecureParameters.ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var passed in parameters.EnumerateObject())
            {
                if (!secureInChild.Contains(passed.Name) && Leak(passed.Value.GetRawText(), secrets) is { } leak)
                {
                    findings.Add($"{path}: module '{symbol}' gets {leak} in its non-secure parameter '{passed.Name}'");
                }
            }

            findings.AddRange(Find(nested, $"{path}/{symbol}"));
        }

        return findings;
    }

    /// <summary>The secure parameters and every variable that (transitively) uses one or a list* call.</summary>
    private static (HashSet<string> Parameters, HashSet<string> Variables) SecretSources(ArmTemplate template)
    {
        var parameters = template.SecureParameters.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var variables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!template.Root.TryGetProperty("variables", out var definitions))
        {
            return (parameters, variables);
        }

        // Each pass can only add; a template has finitely many variables, so this ends.
        bool added;
        do
        {
            added = false;
            foreach (var variable in definitions.EnumerateObject())
            {
                if (!variables.Contains(variable.Name) && Leak(variable.Value.GetRawText(), (parameters, variables)) is not null)
                {
                    added = variables.Add(variable.Name);
                }
            }
        }
        while (added);

        return (parameters, variables);
    }

    private static string? Leak(string expression, (HashSet<string> Parameters, HashSet<string> Variables) secrets)
    {
        if (ListCall().Match(expression) is { Success: true } list)
        {
            return $"a {list.Groups[1].Value} call";
        }

        foreach (Match reference in ParameterReference().Matches(expression))
        {
            if (secrets.Parameters.Contains(reference.Groups[1].Value))
            {
                return $"the secure parameter '{reference.Groups[1].Value}'";
            }
        }

        foreach (Match reference in VariableReference().Matches(expression))
        {
            if (secrets.Variables.Contains(reference.Groups[1].Value))
            {
                return $"the variable '{reference.Groups[1].Value}', built on a secret";
            }
        }

        return expression.Contains("Microsoft.KeyVault/vaults/secrets", StringComparison.OrdinalIgnoreCase)
            && SecretValue().IsMatch(expression)
            ? "a Key Vault secret's value"
            : null;
    }

    [GeneratedRegex(@"\b(list[A-Za-z]*)\(")]
    private static partial Regex ListCall();

    [GeneratedRegex(@"parameters\('([^']+)'\)")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\)\.(properties\.)?value\b")]
    private static partial Regex SecretValue();
}
