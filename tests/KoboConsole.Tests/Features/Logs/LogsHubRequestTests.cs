using System.Text.Json;
using System.Text.Json.Serialization;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR;

namespace KoboConsole.Tests.Features.Logs;

/// <summary>The hub reads its request like the API reads a body (issue 21, item 6).</summary>
public sealed class LogsHubRequestTests
{
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    [Fact]
    public void Read_UnknownField_IsRefusedWithTheApisMessage()
    {
        var refused = Assert.Throws<HubException>(() => LogsHub.Read(Json("""{"containers":["kpi"],"colour":"red"}"""), Api));

        Assert.Contains("Unknown field 'colour': remove it (the API rejects fields it does not know).", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NegativeTail_IsRefusedWithTheRestMessage()
    {
        var refused = Assert.Throws<HubException>(() => LogsHub.Read(Json("""{"containers":["kpi"],"tail":-1}"""), Api));

        Assert.Contains("tail " + LogStreamRequest.TailRule, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"containers":["kpi"],"tail":"many"}""", "Field 'tail'")]
    [InlineData("[1]", "send an object")]
    public void Read_WrongTypeOrNoObject_SaysWhat(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<HubException>(() => LogsHub.Read(Json(json), Api)).Message, StringComparison.Ordinal);

    [Fact]
    public void Read_ContractRequest_IsRead()
    {
        var request = LogsHub.Read(Json("""{"containers":["kobofe-nginx-1"],"tail":100,"follow":true,"filter":"error","files":true,"regex":false,"matchCase":false}"""), Api);

        Assert.Equal(["kobofe-nginx-1"], request.Containers);
        Assert.Equal((100, "error", true), (request.Tail, request.Filter, request.Follow));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
