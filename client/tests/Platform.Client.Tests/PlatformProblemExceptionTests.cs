namespace Platform.Client.Tests;

public sealed class PlatformProblemExceptionTests
{
    [Fact]
    public void Reads_code_title_detail_and_type_of_a_problem()
    {
        const string body = """{"type":"https://platform/errors/key-not-found","title":"Key not found","status":404,"detail":"no key app/color in payments","code":"KeyNotFound"}""";

        var problem = PlatformProblemException.FromResponse(404, "application/problem+json", body, null);

        Assert.Equal(404, problem.Status);
        Assert.Equal("KeyNotFound", problem.Code);
        Assert.Equal("Key not found", problem.Title);
        Assert.Equal("no key app/color in payments", problem.Detail);
        Assert.Equal("https://platform/errors/key-not-found", problem.Type);
        Assert.Equal("KeyNotFound: no key app/color in payments", problem.Message);
    }

    [Fact]
    public void Keeps_retry_after_and_compact_revision()
    {
        var compacted = PlatformProblemException.FromResponse(410, "application/problem+json", """{"code":"Compacted","compactRevision":1234}""", null);
        var overloaded = PlatformProblemException.FromResponse(503, "application/problem+json", """{"code":"NoLeader"}""", TimeSpan.FromSeconds(2));

        Assert.Equal(1234, compacted.CompactRevision);
        Assert.Equal(TimeSpan.FromSeconds(2), overloaded.RetryAfter);
    }

    [Fact]
    public void A_json_body_without_a_problem_media_type_is_still_read()
    {
        var problem = PlatformProblemException.FromResponse(412, null, """{"code":"PreconditionFailed","detail":"modRevision is 9"}""", null);

        Assert.Equal("PreconditionFailed", problem.Code);
        Assert.Equal("modRevision is 9", problem.Detail);
    }

    [Fact]
    public void A_problem_without_a_code_falls_back_to_the_status_name()
    {
        var problem = PlatformProblemException.FromResponse(401, "application/problem+json", """{"title":"Unauthorized","status":401}""", null);

        Assert.Equal("Unauthorized", problem.Code);
        Assert.Equal("Unauthorized", problem.Title);
    }

    [Fact]
    public void A_body_that_is_not_a_problem_becomes_the_detail()
    {
        var problem = PlatformProblemException.FromResponse(502, "text/html", "<html>Bad gateway</html>\n<body>...</body>", null);

        Assert.Equal("BadGateway", problem.Code);
        Assert.Equal("<html>Bad gateway</html>", problem.Detail);
    }

    [Theory]
    [InlineData("application/json", "{not json")]
    [InlineData("application/problem+json", "[1,2]")]
    [InlineData(null, "")]
    public void A_malformed_or_empty_body_does_not_throw(string? mediaType, string body)
    {
        var problem = PlatformProblemException.FromResponse(503, mediaType, body, null);

        Assert.Equal("ServiceUnavailable", problem.Code);
        Assert.Equal(503, problem.Status);
    }

    [Fact]
    public void An_unknown_status_gets_a_code_anyway()
    {
        var problem = PlatformProblemException.FromResponse(599, null, null, null);

        Assert.Equal("Http599", problem.Code);
        Assert.Equal("Http599: HTTP 599", problem.Message);
    }

    [Fact]
    public void A_long_text_body_is_cut()
    {
        var problem = PlatformProblemException.FromResponse(500, "text/plain", new string('x', 1000), null);

        Assert.True(problem.Detail!.Length < 210);
    }
}
