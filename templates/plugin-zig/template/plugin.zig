//! {{name}}: {{description}}

const std = @import("std");
const c = @import("build/bindings.zig");

/// A trap, not a message: printing one would need WASI's stderr, which
/// workbench does not grant.
pub const panic = std.debug.no_panic;

const Str = c.{{snakecase role}}_plugin_string_t;

fn bytes(s: Str) []const u8 {
    return if (s.len == 0) "" else s.ptr[0..s.len];
}

fn dup(out: *Str, text: []const u8) void {
    c.{{snakecase role}}_plugin_string_dup_n(out, text.ptr, text.len);
}

/// Returned memory must come from malloc: the bindings free it with free.
fn alloc(comptime T: type, count: usize) [*]T {
    const raw = std.c.malloc(@max(count * @sizeOf(T), 1)) orelse @trap();
    return @ptrCast(@alignCast(raw));
}

export fn exports_workbench_plugin_meta_info(ret: *c.exports_workbench_plugin_meta_plugin_info_t) void {
    dup(&ret.name, "{{name}}");
    dup(&ret.version, "0.1.0");
    dup(&ret.description, {{json description}});
    ret.options_schema.is_some = false;
}
{{#if (eq role "lint-check")}}

// A lint check: flags `TODO` comments that name no owner (`TODO(ana):` is
// fine, a bare `TODO:` is not). Change RULE and check to your rule.
const RULE = "{{name}}/todo-owner";
const PATTERNS = [_][]const u8{ "**/*.zig", "**/*.md", "**/Makefile" };
const Diagnostic = c.exports_workbench_plugin_lint_check_diagnostic_t;
const Diagnostics = c.exports_workbench_plugin_lint_check_list_diagnostic_t;

export fn exports_workbench_plugin_lint_check_describe(ret: *c.exports_workbench_plugin_lint_check_checker_info_t) void {
    const patterns = alloc(Str, PATTERNS.len);
    for (PATTERNS, 0..) |pattern, i| dup(&patterns[i], pattern);
    const rules = alloc(c.exports_workbench_plugin_lint_check_rule_info_t, 1);
    dup(&rules[0].id, RULE);
    rules[0].default_severity = c.WORKBENCH_PLUGIN_TYPES_SEVERITY_WARNING;
    dup(&rules[0].summary, "a TODO names no owner");
    dup(&rules[0].explanation, "A TODO without an owner is nobody's job. Write `TODO(name): ...`.");
    rules[0].fixable = false;
    ret.* = .{ .patterns = .{ .ptr = patterns, .len = PATTERNS.len }, .rules = .{ .ptr = rules, .len = 1 } };
}

fn push(list: *Diagnostics) *Diagnostic {
    const raw = std.c.realloc(list.ptr, (list.len + 1) * @sizeOf(Diagnostic)) orelse @trap();
    const grown: [*]Diagnostic = @ptrCast(@alignCast(raw));
    grown[list.len] = std.mem.zeroes(Diagnostic);
    list.ptr = grown;
    list.len += 1;
    return &grown[list.len - 1];
}

export fn exports_workbench_plugin_lint_check_check(
    files: *c.exports_workbench_plugin_lint_check_list_file_t,
    options: *Str,
    ret: *Diagnostics,
    err: *c.exports_workbench_plugin_lint_check_error_t,
) bool {
    _ = err;
    ret.* = .{ .ptr = null, .len = 0 };
    const list: []const c.workbench_plugin_types_file_t = if (files.len == 0) &.{} else files.ptr[0..files.len];
    for (list) |file| {
        const text: []const u8 = if (file.contents.len == 0) "" else file.contents.ptr[0..file.contents.len];
        var line: u32 = 1;
        var column: u32 = 1;
        for (text, 0..) |byte, at| {
            if (std.mem.startsWith(u8, text[at..], "TODO:")) {
                const found = push(ret);
                dup(&found.rule, RULE);
                found.severity = c.WORKBENCH_PLUGIN_TYPES_SEVERITY_WARNING;
                dup(&found.message, "this TODO names no owner");
                dup(&found.path, bytes(file.path));
                found.span.is_some = true;
                found.span.val = .{ .start = @intCast(at), .end = @intCast(at + 4), .line = line, .column = column };
                found.help.is_some = true;
                dup(&found.help.val, "write `TODO(name):`");
            }
            if (byte == '\n') {
                line += 1;
                column = 1;
            } else if (byte & 0xC0 != 0x80) {
                column += 1; // columns count characters, not UTF-8 continuation bytes
            }
        }
    }
    c.exports_workbench_plugin_lint_check_list_file_free(files);
    c.{{snakecase role}}_plugin_string_free(options);
    return true;
}
{{/if}}
{{#if (eq role "template-helper")}}

// A template helper: `initials` gives the initials of a name
// ("Ada Lovelace" -> "AL"). Change helpers and call.
const Value = c.exports_workbench_plugin_template_helper_value_t;
const Outcome = c.exports_workbench_plugin_template_helper_result_value_error_t;

export fn exports_workbench_plugin_template_helper_helpers(ret: *c.exports_workbench_plugin_template_helper_list_helper_info_t) void {
    const infos = alloc(c.exports_workbench_plugin_template_helper_helper_info_t, 1);
    dup(&infos[0].name, "initials");
    dup(&infos[0].description, "The initials of a name: Ada Lovelace -> AL.");
    ret.* = .{ .ptr = infos, .len = 1 };
}

fn fail(out: *Outcome, message: []const u8) void {
    out.is_err = true;
    out.val.err.tag = c.WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_INPUT;
    dup(&out.val.err.val.invalid_input, message);
}

fn call(helper: []const u8, args: []const Value, out: *Outcome) void {
    if (!std.mem.eql(u8, helper, "initials")) return fail(out, "no such helper; this plugin has `initials`");
    if (args.len != 1 or args[0].tag != c.EXPORTS_WORKBENCH_PLUGIN_TEMPLATE_HELPER_VALUE_TEXT) {
        return fail(out, "`initials` takes one text");
    }
    const name = bytes(args[0].val.text);
    const initials = alloc(u8, name.len);
    var len: usize = 0;
    var words = std.mem.tokenizeAny(u8, name, " \t\n");
    while (words.next()) |word| {
        initials[len] = std.ascii.toUpper(word[0]);
        len += 1;
    }
    out.is_err = false;
    out.val.ok.tag = c.EXPORTS_WORKBENCH_PLUGIN_TEMPLATE_HELPER_VALUE_TEXT;
    out.val.ok.val.text = .{ .ptr = initials, .len = len };
}

export fn exports_workbench_plugin_template_helper_call_many(
    calls: *c.exports_workbench_plugin_template_helper_list_call_t,
    ret: *c.exports_workbench_plugin_template_helper_list_result_value_error_t,
) void {
    const results = alloc(Outcome, calls.len);
    const list: []const c.exports_workbench_plugin_template_helper_call_t = if (calls.len == 0) &.{} else calls.ptr[0..calls.len];
    for (list, 0..) |one, i| {
        const args: []const Value = if (one.args.len == 0) &.{} else one.args.ptr[0..one.args.len];
        call(bytes(one.helper), args, &results[i]);
    }
    ret.* = .{ .ptr = results, .len = calls.len };
    c.exports_workbench_plugin_template_helper_list_call_free(calls);
}
{{/if}}
