//! zig-helpers: template helpers for `workbench scaffold`, written in Zig.
//!
//!   {{slug name}}                "My Great App!" -> "my-great-app"
//!   {{plural count "file"}}      3 -> "3 files", 1 -> "1 file"
//!   {{plural count "child" "children"}}
//!   {{truncate summary 40}}      at most 40 characters, ending in "…" when cut
//!
//! The C bindings come from `wit-bindgen c` (world template-helper-plugin)
//! and `zig translate-c`; the generated C glue lifts and lowers the values.
//! Memory crosses the boundary as malloc'd buffers, because the glue's
//! post-return code frees what we return with `free`.

const std = @import("std");
const c = @import("build/bindings.zig");

const Str = c.template_helper_plugin_string_t;
const Value = c.exports_workbench_plugin_template_helper_value_t;
const Call = c.exports_workbench_plugin_template_helper_call_t;
const Outcome = c.exports_workbench_plugin_template_helper_result_value_error_t;
const Info = c.exports_workbench_plugin_template_helper_helper_info_t;

const TEXT = c.EXPORTS_WORKBENCH_PLUGIN_TEMPLATE_HELPER_VALUE_TEXT;
const INTEGER = c.EXPORTS_WORKBENCH_PLUGIN_TEMPLATE_HELPER_VALUE_INTEGER;
const NUMBER = c.EXPORTS_WORKBENCH_PLUGIN_TEMPLATE_HELPER_VALUE_NUMBER;

/// A trap, not a message: printing one would need WASI's stderr, which a
/// plugin is not granted.
pub const panic = std.debug.no_panic;

const HELPERS = [_][2][]const u8{
    .{ "slug", "lowercase ASCII words joined by `-`: {{slug name}}" },
    .{ "plural", "a count and a noun in agreement: {{plural n \"file\"}}, {{plural n \"child\" \"children\"}}" },
    .{ "truncate", "at most N characters, ending in … when cut: {{truncate text 40}}" },
};

fn bytes(s: Str) []const u8 {
    return if (s.len == 0) "" else s.ptr[0..s.len];
}

fn alloc(len: usize) [*]u8 {
    const raw = std.c.malloc(@max(len, 1)) orelse @trap();
    return @ptrCast(raw);
}

fn text_value(out: *Outcome, parts: []const []const u8) void {
    var len: usize = 0;
    for (parts) |part| len += part.len;
    const buffer = alloc(len);
    var at: usize = 0;
    for (parts) |part| {
        @memcpy(buffer[at .. at + part.len], part);
        at += part.len;
    }
    out.is_err = false;
    out.val.ok.tag = TEXT;
    out.val.ok.val.text = .{ .ptr = buffer, .len = len };
}

fn fail(out: *Outcome, message: []const u8) void {
    out.is_err = true;
    out.val.err.tag = c.WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_INPUT;
    c.template_helper_plugin_string_dup_n(&out.val.err.val.invalid_input, message.ptr, message.len);
}

fn text_arg(args: []const Value, index: usize) ?[]const u8 {
    if (index >= args.len or args[index].tag != TEXT) return null;
    return bytes(args[index].val.text);
}

/// Templates pass numbers as integers, as floats (`3.0`) or as answers typed as text.
fn count_arg(args: []const Value, index: usize) ?i64 {
    if (index >= args.len) return null;
    const arg = args[index];
    return switch (arg.tag) {
        INTEGER => arg.val.integer,
        NUMBER => if (arg.val.number == @trunc(arg.val.number) and @abs(arg.val.number) < 1e15)
            @intFromFloat(arg.val.number)
        else
            null,
        TEXT => std.fmt.parseInt(i64, std.mem.trim(u8, bytes(arg.val.text), " "), 10) catch null,
        else => null,
    };
}

fn slug(out: *Outcome, args: []const Value) void {
    const input = text_arg(args, 0) orelse return fail(out, "slug takes one text argument: {{slug name}}");
    const buffer = alloc(input.len);
    var len: usize = 0;
    var pending_dash = false;
    for (input) |byte| {
        if (std.ascii.isAlphanumeric(byte)) {
            if (pending_dash and len > 0) {
                buffer[len] = '-';
                len += 1;
            }
            pending_dash = false;
            buffer[len] = std.ascii.toLower(byte);
            len += 1;
        } else {
            pending_dash = true;
        }
    }
    out.is_err = false;
    out.val.ok.tag = TEXT;
    out.val.ok.val.text = .{ .ptr = buffer, .len = len };
}

fn plural(out: *Outcome, args: []const Value) void {
    const usage = "plural takes a count and a noun, and optionally the plural form: {{plural n \"child\" \"children\"}}";
    const count = count_arg(args, 0) orelse return fail(out, usage);
    const singular = text_arg(args, 1) orelse return fail(out, usage);
    var digits: [24]u8 = undefined;
    const number = std.fmt.bufPrint(&digits, "{d} ", .{count}) catch unreachable;
    if (count == 1 or count == -1) return text_value(out, &.{ number, singular });
    if (text_arg(args, 2)) |form| return text_value(out, &.{ number, form });
    const suffix = if (std.mem.endsWith(u8, singular, "s") or std.mem.endsWith(u8, singular, "x") or
        std.mem.endsWith(u8, singular, "ch") or std.mem.endsWith(u8, singular, "sh")) "es" else "s";
    text_value(out, &.{ number, singular, suffix });
}

fn truncate(out: *Outcome, args: []const Value) void {
    const usage = "truncate takes text and a maximum number of characters: {{truncate text 40}}";
    const input = text_arg(args, 0) orelse return fail(out, usage);
    const limit = count_arg(args, 1) orelse return fail(out, usage);
    if (limit < 1) return fail(out, "truncate needs a maximum of at least 1 character");
    const ellipsis = text_arg(args, 2) orelse "…";
    // Characters, not bytes: a cut never splits a UTF-8 sequence.
    var characters: i64 = 0;
    var index: usize = 0;
    var keep: usize = 0;
    while (index < input.len) : (characters += 1) {
        if (characters == limit - 1) keep = index;
        const width = std.unicode.utf8ByteSequenceLength(input[index]) catch 1;
        index = @min(index + width, input.len);
    }
    if (characters <= limit) return text_value(out, &.{input});
    text_value(out, &.{ input[0..keep], ellipsis });
}

fn call_one(call: *const Call, out: *Outcome) void {
    const name = bytes(call.helper);
    const args: []const Value = if (call.args.len == 0) &.{} else call.args.ptr[0..call.args.len];
    if (std.mem.eql(u8, name, "slug")) return slug(out, args);
    if (std.mem.eql(u8, name, "plural")) return plural(out, args);
    if (std.mem.eql(u8, name, "truncate")) return truncate(out, args);
    var message: [200]u8 = undefined;
    const text = std.fmt.bufPrint(&message, "no helper `{s}`; known: slug, plural, truncate", .{name[0..@min(name.len, 100)]}) catch unreachable;
    fail(out, text);
}

export fn exports_workbench_plugin_meta_info(ret: *c.exports_workbench_plugin_meta_plugin_info_t) void {
    c.template_helper_plugin_string_dup(&ret.name, "zig-helpers");
    c.template_helper_plugin_string_dup(&ret.version, "0.1.0");
    c.template_helper_plugin_string_dup(&ret.description, "slug, plural and truncate for templates (a Zig plugin).");
    ret.options_schema.is_some = false;
}

export fn exports_workbench_plugin_template_helper_helpers(ret: *c.exports_workbench_plugin_template_helper_list_helper_info_t) void {
    const infos: [*]Info = @ptrCast(@alignCast(alloc(HELPERS.len * @sizeOf(Info))));
    for (HELPERS, 0..) |helper, i| {
        c.template_helper_plugin_string_dup_n(&infos[i].name, helper[0].ptr, helper[0].len);
        c.template_helper_plugin_string_dup_n(&infos[i].description, helper[1].ptr, helper[1].len);
    }
    ret.* = .{ .ptr = infos, .len = HELPERS.len };
}

export fn exports_workbench_plugin_template_helper_call_many(
    calls: *c.exports_workbench_plugin_template_helper_list_call_t,
    ret: *c.exports_workbench_plugin_template_helper_list_result_value_error_t,
) void {
    const results: [*]Outcome = @ptrCast(@alignCast(alloc(calls.len * @sizeOf(Outcome))));
    const list: []const Call = if (calls.len == 0) &.{} else calls.ptr[0..calls.len];
    for (list, 0..) |*call, i| call_one(call, &results[i]);
    ret.* = .{ .ptr = results, .len = calls.len };
    c.exports_workbench_plugin_template_helper_list_call_free(calls);
}
