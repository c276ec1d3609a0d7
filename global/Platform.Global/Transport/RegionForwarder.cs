using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Routes;

namespace Platform.Global.Transport;

/// <summary>
/// Carries a client request to a node of another region over the inter-region transport (paying
/// its WAN delay) and streams that node's answer back as it comes, so long polls and watches work
/// through it. It tries the region's nodes in turn while a node cannot be reached at all; once a
/// write may have arrived, it never sends it again (<c>OutcomeUnknown</c> instead).
/// </summary>
public sealed class RegionForwarder(IInterRegionTransport client) : IRegionForwarder
{
    public const string Path = InterRegionEndpoint.Prefix + "/forward";

    public async Task ForwardAsync(HttpContext context, string region, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var headers = ForwardedRequest.Kept
            .Where(h => request.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => request.Headers[h].ToString(), StringComparer.OrdinalIgnoreCase);
        var envelope = new ForwardedRequest(request.Method, request.GetEncodedPathAndQuery(), headers, body).Encode();
        var idempotent = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var nodes = client.Options.Peers.Where(p => p.Region == region)
            .OrderBy(p => p.Node == client.Options.NodeName ? 0 : 1)
            .ToList();
        HttpResponseMessage? response = null;
        string problem = $"no node of {region} is known";
        foreach (var peer in nodes)
        {
            try
            {
                response = await client.StreamAsync(peer, Path, envelope, context.RequestAborted);
                break;
            }
            catch (HttpRequestException failed) when (idempotent || failed.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // Never delivered (or a read, which may be asked again): try the region's next node.
                problem = $"{peer.Region}/{peer.Node}: {failed.Message}";
            }
            catch (HttpRequestException failed)
            {
                throw ApiProblemException.OutcomeUnknown($"the write was sent to its home region {region}, whose answer was lost: {failed.Message}");
            }
        }

        if (response is null)
        {
            throw ApiProblemException.QuorumUnavailable($"the home region {region} is unreachable from {client.Options.Region}: {problem}");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                // The inter-region endpoint itself refused (a bad secret, or an older node): not the client's doing.
                throw ApiProblemException.QuorumUnavailable($"the home region {region} refused the forwarded request ({(int)response.StatusCode})");
            }

            await Relay(context.Response, response, context.RequestAborted);
        }
    }

    /// <summary>Copies a forwarded answer (status, meaningful headers, body as it streams) into <paramref name="target"/>.</summary>
    public static async Task Relay(HttpResponse target, HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(answer);
        target.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!ForwardedRequest.NotRelayed.Contains(name))
            {
                target.Headers[name] = values.ToArray();
            }
        }

        await using var stream = await answer.Content.ReadAsStreamAsync(cancellationToken);
        await stream.CopyToAsync(target.Body, cancellationToken);
    }
}
