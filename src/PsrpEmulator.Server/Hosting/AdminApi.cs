using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Server.Shells;

using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Hosting;

/// <summary>
/// The admin API under <c>/_emulator</c> (JSON): health, shells and pipelines, the journal, the virtual clock,
/// faults and redirects, reset. It is separate from WS-Man's users: a bearer token (<c>AdminToken</c>) when one
/// is configured, otherwise loopback clients only.
/// </summary>
internal static class AdminApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Handlers take the HttpContext and nothing else: parameter binding (and an endpoint filter) would have
        // ASP.NET compile expression trees for every endpoint of every emulator started, a JIT cost per test host.
        var admin = new Admin(endpoints);
        admin.Get("/health", _ => Results.Text("Healthy"));

        admin.Get("/shells", context => Results.Json(Service<ShellRegistry>(context).Shells.OrderBy(s => s.CreatedAt).Select(s => new
        {
            s.ComputerName,
            s.ShellId,
            s.Name,
            s.ConfigurationName,
            s.Owner,
            State = s.State.ToString(),
            PoolState = s.PoolState.ToString(),
            BufferMode = s.BufferMode.ToString(),
            s.IdleTimeout,
            s.LastActivity,
            s.DisconnectedAt,
            Pipelines = s.Pipelines.Select(p => new
            {
                p.CommandId,
                p.CommandLine,
                Lifecycle = p.Lifecycle.ToString(),
                State = p.State.ToString(),
                Buffered = p.Output.BufferedCount,
                Capacity = s.OutputBufferCapacity,
                Dropped = p.DroppedCount,
            }),
        })));

        admin.Get("/journal", context =>
        {
            var (computer, shell, action, format) = (Query(context, "computer"), Query(context, "shell"), Query(context, "action"), Query(context, "format"));
            var entries = Service<Journal>(context).Snapshot().Where(e =>
                (computer is null || string.Equals(e.Computer, computer, StringComparison.OrdinalIgnoreCase)) &&
                (shell is null || string.Equals(e.ShellId, shell, StringComparison.OrdinalIgnoreCase)) &&
                (action is null || string.Equals(e.Action, action, StringComparison.OrdinalIgnoreCase))).ToList();
            if (string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
            {
                return Results.Text(string.Join('\n', entries) + '\n');
            }

            return Results.Json(entries.Select(e => new
            {
                e.Sequence, e.Time, e.Computer, e.User, e.Action, e.ResourceUri, e.ShellId, e.CommandId,
                RequestMessages = e.RequestMessages.Select(m => m.ToString()),
                ResponseMessages = e.ResponseMessages.Select(m => m.ToString()),
                e.HttpStatus,
                Fault = e.Fault?.ToString(),
                e.Injected,
                e.Refusal,
            }));
        });

        admin.Get("/clock", context =>
        {
            var time = Service<TimeProvider>(context);
            return Results.Json(new { Now = time.GetUtcNow(), Virtual = Advancer(time) is not null });
        });
        admin.Post("/clock/advance", async context =>
        {
            var time = Service<TimeProvider>(context);
            if (Advancer(time) is not { } advance) return NotVirtual();
            var (request, error) = await ReadJsonAsync<ClockAdvance>(context).ConfigureAwait(false);
            if (error is not null) return error;
            if (request!.Seconds is not > 0 || request.Seconds > 36_500 * 86_400.0) return Results.Problem("seconds must be positive (and at most 100 years).", statusCode: 400);
            advance(TimeSpan.FromSeconds(request.Seconds.Value));
            return Results.Json(new { Now = time.GetUtcNow() });
        });
        admin.Post("/clock/set", async context =>
        {
            var time = Service<TimeProvider>(context);
            if (Advancer(time) is not { } advance) return NotVirtual();
            var (request, error) = await ReadJsonAsync<ClockSet>(context).ConfigureAwait(false);
            if (error is not null) return error;
            if (request!.Time is not { } target || target < time.GetUtcNow()) return Results.Problem("time must be given and not in the past.", statusCode: 400);
            advance(target - time.GetUtcNow());
            return Results.Json(new { Now = time.GetUtcNow() });
        });

        admin.Get("/faults", context =>
        {
            var injector = Service<Injector>(context);
            return Results.Json(new { Faults = injector.Faults, Redirects = injector.Redirects });
        });
        admin.Post("/faults", async context =>
        {
            var injector = Service<Injector>(context);
            var (rule, error) = await ReadJsonAsync<FaultRule>(context).ConfigureAwait(false);
            if (error is not null) return error;
            if (rule!.Problem() is { } problem) return Results.Problem($"The fault rule cannot be used: {problem}.", statusCode: 400);
            injector.Add(rule);
            return Results.Json(new { Faults = injector.Faults });
        });
        admin.Post("/redirects", async context =>
        {
            var injector = Service<Injector>(context);
            var (rule, error) = await ReadJsonAsync<RedirectRule>(context).ConfigureAwait(false);
            if (error is not null) return error;
            if (string.IsNullOrEmpty(rule!.Location)) return Results.Problem("location is required.", statusCode: 400);
            injector.Add(rule);
            return Results.Json(new { Redirects = injector.Redirects });
        });
        admin.Delete("/faults", context =>
        {
            Service<Injector>(context).Clear();
            return Results.NoContent();
        });

        // A computer's disk: a file's bytes, a folder's items as JSON; PUT writes a file (making its folders), DELETE
        // removes an item and what it holds. The computer defaults to ComputerName.
        admin.Get("/files", context =>
        {
            var (services, computer, path) = (Service<ShellServices>(context), Query(context, "computer"), Query(context, "path"));
            if (DiskPath(services, computer, path, out var disk, out var full) is { } problem) return problem;
            var item = disk.Get(full);
            if (item is null) return Results.Problem($"Nothing is at '{full}' on {ComputerOf(services, computer)}.", statusCode: 404);
            if (!item.IsDirectory)
            {
                // A program file of Windows has a size but no bytes here: 409, not an empty file.
                return disk.Read(full, out var bytes) == FileSystemFailure.ContentNotHeld
                    ? Results.Problem($"The content of '{full}' (a program file of Windows) is not emulated.", statusCode: 409)
                    : Results.Bytes(bytes, "application/octet-stream");
            }

            return Results.Json(disk.List(full, includeHidden: true)!.Select(i => new { i.Name, i.FullName, i.IsDirectory, i.Length, i.LastWriteTime }));
        });
        admin.Put("/files", async context =>
        {
            var (services, computer, path) = (Service<ShellServices>(context), Query(context, "computer"), Query(context, "path"));
            if (DiskPath(services, computer, path, out var disk, out var full) is { } problem) return problem;
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            disk.CreateDirectory(VirtualFileSystem.ParentOf(full) ?? full);
            var failure = disk.Write(full, body.ToArray(), FileWriteMode.Create);
            return failure == FileSystemFailure.None ? Results.NoContent() : Results.Problem($"Cannot write '{full}': {failure}.", statusCode: failure == FileSystemFailure.DiskFull ? 507 : 409);
        });
        admin.Delete("/files", context =>
        {
            var (services, computer, path) = (Service<ShellServices>(context), Query(context, "computer"), Query(context, "path"));
            if (DiskPath(services, computer, path, out var disk, out var full) is { } problem) return problem;
            return disk.Delete(full, recurse: true) switch
            {
                FileSystemFailure.None => Results.NoContent(),
                FileSystemFailure.NotFound => Results.Problem($"Nothing is at '{full}'.", statusCode: 404),
                var failure => Results.Problem($"Cannot remove '{full}': {failure}.", statusCode: 409),
            };
        });

        admin.Post("/reset", context =>
        {
            var registry = Service<ShellRegistry>(context);
            Service<ShellServices>(context).ResetDisks();
            foreach (var shell in registry.Shells.ToList())
            {
                if (registry.Remove(shell)) shell.Close();
            }

            Service<Journal>(context).Clear();
            Service<Injector>(context).Clear();
            Service<ResponseCache>(context).Clear();
            return Results.NoContent();
        });
    }

    private static string ComputerOf(ShellServices services, string? computer) => computer is { Length: > 0 } ? computer : services.Options.ComputerName;

    // The disk and the full path a files request names; a problem for a path that is not an absolute one on C:.
    private static IResult? DiskPath(ShellServices services, string? computer, string? path, out VirtualFileSystem disk, out string full)
    {
        disk = null!;
        full = string.Empty;
        if (path is not { Length: >= 3 } || path[1] != ':' || path[2] is not ('\\' or '/')) return Results.Problem("The query's path must be an absolute path on C: (path=C:\\folder\\file).", statusCode: 400);
        if (VirtualFileSystem.FullPath(path, @"C:\", out var failure) is not { } resolved) return Results.Problem($"'{path}' is not a path on the computers' disk ({failure}).", statusCode: 400);
        disk = services.FileSystemOf(ComputerOf(services, computer), profile: null);
        full = resolved;
        return null;
    }

    /// <summary>
    /// The request's JSON body as <typeparamref name="T"/>, or a 400 problem saying what is wrong with it (the
    /// framework's own binding answers an unreadable body with an empty 400).
    /// </summary>
    private static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpContext context)
        where T : class
    {
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await context.Request.ReadFromJsonAsync<T>(options, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Results.Problem($"The body must be a JSON object ({typeof(T).Name}).", statusCode: 400)) : (value, null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, Results.Problem($"The body is not a {typeof(T).Name}: {e.Message}", statusCode: 400));
        }
        catch (InvalidOperationException e)
        {
            // Not JSON at all (no or another Content-Type).
            return (null, Results.Problem(e.Message, statusCode: 415));
        }
    }

    // The emulator's own virtual clock, or the testing fake a test host injected.
    private static Action<TimeSpan>? Advancer(TimeProvider time) => time switch
    {
        VirtualClock clock => clock.Advance,
        FakeTimeProvider fake => fake.Advance,
        _ => null,
    };

    private static IResult NotVirtual() => Results.Problem("The emulator runs on the real clock; start it with VirtualTime to move time.", statusCode: 409);

    private static T Service<T>(HttpContext context)
        where T : notnull => context.RequestServices.GetRequiredService<T>();

    // A query parameter as minimal API binding gives a string? (absent: null; repeated: the values joined by commas).
    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) ? (string?)values : null;

    // The admin API's answer to a caller it does not serve, or null to go on.
    private static IResult? Authorize(HttpContext http)
    {
        var token = Service<Microsoft.Extensions.Options.IOptions<EmulatorOptions>>(http).Value.AdminToken;
        if (token is { Length: > 0 })
        {
            var header = http.Request.Headers.Authorization.ToString();
            var expected = "Bearer " + token;
            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(header), System.Text.Encoding.UTF8.GetBytes(expected)))
            {
                return Results.Unauthorized();
            }
        }
        else if (http.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return Results.Problem("The admin API answers loopback clients only unless AdminToken is set.", statusCode: 403);
        }

        return null;
    }

    /// <summary>Maps the admin API's routes under <c>/_emulator</c> as plain request delegates, each authorized first.</summary>
    private sealed class Admin(IEndpointRouteBuilder endpoints)
    {
        public void Get(string pattern, Func<HttpContext, IResult> handler) => Map(HttpMethods.Get, pattern, c => Task.FromResult(handler(c)));

        public void Post(string pattern, Func<HttpContext, IResult> handler) => Map(HttpMethods.Post, pattern, c => Task.FromResult(handler(c)));

        public void Post(string pattern, Func<HttpContext, Task<IResult>> handler) => Map(HttpMethods.Post, pattern, handler);

        public void Put(string pattern, Func<HttpContext, Task<IResult>> handler) => Map(HttpMethods.Put, pattern, handler);

        public void Delete(string pattern, Func<HttpContext, IResult> handler) => Map(HttpMethods.Delete, pattern, c => Task.FromResult(handler(c)));

        private void Map(string method, string pattern, Func<HttpContext, Task<IResult>> handler) =>
            endpoints.MapMethods("/_emulator" + pattern, [method], async context =>
            {
                var result = Authorize(context) ?? await handler(context).ConfigureAwait(false);
                await result.ExecuteAsync(context).ConfigureAwait(false);
            });
    }

    internal sealed record ClockAdvance(double? Seconds);

    internal sealed record ClockSet(DateTimeOffset? Time);
}
