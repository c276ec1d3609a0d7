using System.Text;
using System.Text.Json;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client.Tests.Json;

public sealed class WireShapeTests
{
    [Fact]
    public void An_envelope_decodes_its_base64_value()
    {
        var envelope = JsonSerializer.Deserialize(
            """{"key":"app/color","value":"Ymx1ZQ==","contentType":"text/plain","createRevision":3,"modRevision":5,"version":2,"revision":7}""",
            PlatformJsonContext.Default.KeyEnvelope)!;

        Assert.Equal(("app/color", "text/plain", 3L, 5L, 2L, 7L), (envelope.Key, envelope.ContentType, envelope.CreateRevision, envelope.ModRevision, envelope.Version, envelope.Revision));
        Assert.Equal("blue", Encoding.UTF8.GetString(envelope.Value));
    }

    [Fact]
    public void A_list_page_has_items_and_a_token()
    {
        var page = JsonSerializer.Deserialize(
            """{"revision":9,"items":[{"key":"a","value":"","createRevision":1,"modRevision":1,"version":1,"revision":9}],"nextPageToken":"abc"}""",
            PlatformJsonContext.Default.ListPage)!;

        Assert.Equal(9, page.Revision);
        Assert.Equal("a", Assert.Single(page.Items).Key);
        Assert.Equal("abc", page.NextPageToken);
    }

    [Theory]
    [InlineData("""{"revision":4,"deleted":true}""", true)]
    [InlineData("""{"revision":4,"deleted":false}""", false)]
    [InlineData("""{"revision":4,"deleted":1}""", true)]
    [InlineData("""{"revision":4,"deleted":0}""", false)]
    public void Deleted_is_read_from_a_boolean_or_a_count(string json, bool deleted)
    {
        Assert.Equal(new DeleteResult(4, deleted), JsonSerializer.Deserialize(json, PlatformJsonContext.Default.DeleteResult));
    }

    [Fact]
    public void A_member_role_is_read_from_a_string_or_a_number()
    {
        var status = JsonSerializer.Deserialize(
            """{"region":"eu-west","node":"node-1","groups":[{"id":0,"leader":"node-2","term":3,"commitIndex":10,"appliedIndex":10,"members":[{"node":"node-1","role":"follower","match":10},{"node":"node-2","role":2,"match":10}]}],"namespaces":[],"regions":[{"name":"us-east","reachable":true,"rttMs":41.5}]}""",
            PlatformJsonContext.Default.StatusInfo)!;

        var group = Assert.Single(status.Groups!);
        Assert.Equal(["follower", "2"], group.Members!.Select(m => m.Role));
        Assert.Equal(41.5, Assert.Single(status.Regions!).RttMs);
    }

    [Fact]
    public void A_namespace_spec_leaves_out_what_is_not_given()
    {
        var json = JsonSerializer.Serialize(new NamespaceSpec(NamespaceSpec.StrongGlobal), PlatformJsonContext.Default.NamespaceSpec);

        Assert.Equal("""{"mode":"strong-global"}""", json);
    }

    [Fact]
    public void A_full_namespace_spec_uses_the_contract_names()
    {
        var json = JsonSerializer.Serialize(new NamespaceSpec(NamespaceSpec.LocalCommit, "eu-west", "5s", "reject", true), PlatformJsonContext.Default.NamespaceSpec);

        Assert.Equal("""{"mode":"local-commit","homeRegion":"eu-west","rpo":"5s","rpoPolicy":"reject","autoFailover":true}""", json);
    }

    [Fact]
    public void A_token_request_lists_its_grants()
    {
        var json = JsonSerializer.Serialize(new TokenRequest("ci", [new TokenGrant("pay*", "reader")]), PlatformJsonContext.Default.TokenRequest);

        Assert.Equal("""{"name":"ci","grants":[{"namespace":"pay*","role":"reader"}]}""", json);
    }
}
