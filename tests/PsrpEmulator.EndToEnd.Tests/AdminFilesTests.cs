using System.Net;
using System.Text.Json;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// The admin API's view of the computers' disks (<c>/_emulator/files</c>): what a test puts there a remote command
/// reads, what a command writes the test reads, each computer its own; reset gives a new disk.
/// </summary>
public class AdminFilesTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options) => options.Computers["Server02"] = new ComputerOptions();

    protected override string? ScenarioYaml => """
        files:
          - path: 'C:\seeded\hello.txt'
            content: "hello from the world\r\n"
        """;

    private HttpClient Admin() => new() { BaseAddress = Emulator.BaseUri };

    private static string Query(string path, string? computer = null) =>
        "/_emulator/files?path=" + Uri.EscapeDataString(path) + (computer is null ? string.Empty : "&computer=" + computer);

    [Test]
    public async Task A_file_put_through_the_admin_API_is_read_by_a_remote_command_and_what_it_writes_is_read_back()
    {
        using var admin = Admin();
        using (var body = new ByteArrayContent("input\r\n"u8.ToArray()))
        using (var put = await admin.PutAsync(Query(@"C:\jobs\in\input.txt"), body))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var events = await pool.InvokeAsync(@"Get-Content C:\jobs\in\input.txt; Get-Content C:\seeded\hello.txt; Set-Content C:\jobs\out.txt 'done'");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "input", "hello from the world" }));
        using var got = await admin.GetAsync(Query(@"C:\jobs\out.txt"));
        Assert.That(got.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(got.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
        Assert.That(await got.Content.ReadAsByteArrayAsync(), Is.EqualTo("done\r\n"u8.ToArray()));
    }

    /// <summary>Windows' program files are listed with their sizes; their bytes, which the emulator does not hold, are a 409, and they are not removed.</summary>
    [Test]
    public async Task A_program_file_of_Windows_is_listed_but_its_bytes_are_a_conflict_and_it_is_not_removed()
    {
        using var admin = Admin();

        using var listed = await admin.GetAsync(Query(@"C:\Windows\System32"));
        var names = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        using var read = await admin.GetAsync(Query(@"C:\Windows\System32\cmd.exe"));
        using var deleted = await admin.DeleteAsync(Query(@"C:\Windows\System32\cmd.exe"));
        using var still = await admin.GetAsync(Query(@"C:\Windows\System32"));

        Assert.That(names, Does.Contain("cmd.exe").And.Contain("drivers"));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await read.Content.ReadAsStringAsync(), Does.Contain("is not emulated"));
        Assert.That(deleted.IsSuccessStatusCode, Is.False);
        Assert.That(await still.Content.ReadAsStringAsync(), Does.Contain("cmd.exe"));
    }

    [Test]
    public async Task A_folder_is_listed_as_json_and_a_delete_removes_it_with_what_it_holds()
    {
        using var admin = Admin();
        using (var body = new ByteArrayContent([1, 2, 3]))
        using (await admin.PutAsync(Query(@"C:\out\sub\a.bin"), body)) { }

        using var listed = await admin.GetAsync(Query(@"C:\out"));
        var items = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement;
        Assert.That(items.EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("isDirectory").GetBoolean())), Is.EqualTo(new[] { ("sub", true) }));

        using var deleted = await admin.DeleteAsync(Query(@"C:\out"));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await admin.GetAsync(Query(@"C:\out\sub\a.bin"));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var again = await admin.DeleteAsync(Query(@"C:\out"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Each_computer_has_its_own_disk_and_reset_gives_every_one_a_new_disk()
    {
        using var admin = Admin();
        using (var body = new ByteArrayContent("2"u8.ToArray()))
        using (await admin.PutAsync(Query(@"C:\only-here.txt", "Server02"), body)) { }

        using (var there = await admin.GetAsync(Query(@"C:\only-here.txt", "server02")))
        using (var notHere = await admin.GetAsync(Query(@"C:\only-here.txt")))
        {
            Assert.That(there.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(notHere.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        using (await admin.PostAsync("/_emulator/reset", null)) { }

        using var afterReset = await admin.GetAsync(Query(@"C:\only-here.txt", "Server02"));
        using var seeded = await admin.GetAsync(Query(@"C:\seeded\hello.txt", "Server02"));
        Assert.That(afterReset.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(seeded.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a new disk has the scenario's files again");
    }

    [TestCase(null)]
    [TestCase("relative\\x.txt")]
    [TestCase("D:\\x.txt")]
    [TestCase("C:\\a|b")]
    public async Task A_path_that_is_not_an_absolute_one_on_C_is_refused_with_400(string? path)
    {
        using var admin = Admin();

        using var response = await admin.GetAsync(path is null ? "/_emulator/files" : Query(path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("path"));
    }
}
