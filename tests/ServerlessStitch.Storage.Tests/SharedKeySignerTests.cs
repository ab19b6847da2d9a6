using System.Net.Http.Headers;

namespace ServerlessStitch.Storage.Tests;

public sealed class SharedKeySignerTests
{
    [Fact]
    public void StringToSign_BlockUploadWithOddName_FollowsTheSharedKeyFormat()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/jobs/with%20space/a%2Bb.bin?comp=block&blockid=AB%2BC%2F%3D%3D")
        {
            Content = new ByteArrayContent([1, 2, 3]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("x-ms-version", "2021-12-02");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 00:00:00 GMT");
        request.Headers.Add("X-MS-Meta-Stage", "  pti ");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0x1\"");

        string stringToSign = new SharedKeySigner(StorageSharedKeyCredential.DevelopmentStorage).StringToSign(request);

        // Verb, 11 standard headers (Content-Length 3, Content-Type, If-Match set), x-ms-* headers lower-cased,
        // trimmed and sorted, then /account + the encoded path, then the query decoded and sorted by name.
        Assert.Equal(
            "PUT\n\n\n3\n\napplication/octet-stream\n\n\n\"0x1\"\n\n\n\n" +
            "x-ms-date:Sun, 22 Nov 2026 00:00:00 GMT\nx-ms-meta-stage:pti\nx-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/jobs/with%20space/a%2Bb.bin\nblockid:AB+C/==\ncomp:block",
            stringToSign);
    }

    [Fact]
    public void StringToSign_EmptyBodyGet_LeavesContentLengthEmpty()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10000/devstoreaccount1/jobs?restype=container&comp=list&prefix=a%2Fb");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 00:00:00 GMT");

        string stringToSign = new SharedKeySigner(StorageSharedKeyCredential.DevelopmentStorage).StringToSign(request);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sun, 22 Nov 2026 00:00:00 GMT\n/devstoreaccount1/devstoreaccount1/jobs\ncomp:list\nprefix:a/b\nrestype:container",
            stringToSign);
    }

    [Fact]
    public void Sign_AddsDateAndSharedKeyAuthorization()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "https://account.blob.core.windows.net/jobs/a.bin");
        var credential = new StorageSharedKeyCredential("account", Convert.ToBase64String(new byte[32]));

        new SharedKeySigner(credential).Sign(request);

        Assert.True(request.Headers.Contains("x-ms-date"));
        Assert.Equal("SharedKey", request.Headers.Authorization!.Scheme);
        string expected = credential.ComputeSignature(new SharedKeySigner(credential).StringToSign(request));
        Assert.Equal($"account:{expected}", request.Headers.Authorization.Parameter);
    }
}
