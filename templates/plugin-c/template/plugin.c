// {{name}}: {{description}}
#include <stdlib.h>
#include <string.h>

#include "{{snakecase role}}_plugin.h"

typedef {{snakecase role}}_plugin_string_t string_t;
#define string_dup {{snakecase role}}_plugin_string_dup

void exports_workbench_plugin_meta_info(exports_workbench_plugin_meta_plugin_info_t *ret) {
  string_dup(&ret->name, "{{name}}");
  string_dup(&ret->version, "0.1.0");
  string_dup(&ret->description, {{json description}});
  ret->options_schema.is_some = false;
}
{{#if (eq role "lint-check")}}

// A lint check: flags `TODO` comments that name no owner (`TODO(ana):` is
// fine, a bare `TODO:` is not). Change RULE and the check to your rule.
static const char RULE[] = "{{name}}/todo-owner";
static const char *PATTERNS[] = {"**/*.c", "**/*.h", "**/*.md", "**/Makefile"};

typedef exports_workbench_plugin_lint_check_diagnostic_t diagnostic_t;
typedef exports_workbench_plugin_lint_check_list_diagnostic_t diagnostics_t;

void exports_workbench_plugin_lint_check_describe(exports_workbench_plugin_lint_check_checker_info_t *ret) {
  size_t count = sizeof PATTERNS / sizeof PATTERNS[0];
  ret->patterns.ptr = calloc(count, sizeof(string_t));
  ret->patterns.len = count;
  for (size_t i = 0; i < count; i++) string_dup(&ret->patterns.ptr[i], PATTERNS[i]);
  ret->rules.ptr = calloc(1, sizeof *ret->rules.ptr);
  ret->rules.len = 1;
  string_dup(&ret->rules.ptr[0].id, RULE);
  ret->rules.ptr[0].default_severity = WORKBENCH_PLUGIN_TYPES_SEVERITY_WARNING;
  string_dup(&ret->rules.ptr[0].summary, "a TODO names no owner");
  string_dup(&ret->rules.ptr[0].explanation, "A TODO without an owner is nobody's job. Write `TODO(name): ...`.");
  ret->rules.ptr[0].fixable = false;
}

static diagnostic_t *push(diagnostics_t *list) {
  diagnostic_t *grown = realloc(list->ptr, (list->len + 1) * sizeof *grown);
  if (grown == NULL) abort();
  list->ptr = grown;
  memset(&grown[list->len], 0, sizeof *grown);
  return &grown[list->len++];
}

bool exports_workbench_plugin_lint_check_check(exports_workbench_plugin_lint_check_list_file_t *files,
                                               string_t *options, diagnostics_t *ret,
                                               exports_workbench_plugin_lint_check_error_t *err) {
  (void)err;
  ret->ptr = NULL;
  ret->len = 0;
  for (size_t f = 0; f < files->len; f++) {
    const workbench_plugin_types_file_t *file = &files->ptr[f];
    const uint8_t *text = file->contents.ptr;
    size_t len = file->contents.len;
    uint32_t line = 1, column = 1;
    for (size_t at = 0; at < len; at++) {
      if (len - at >= 5 && memcmp(text + at, "TODO:", 5) == 0) {
        diagnostic_t *found = push(ret);
        string_dup(&found->rule, RULE);
        found->severity = WORKBENCH_PLUGIN_TYPES_SEVERITY_WARNING;
        string_dup(&found->message, "this TODO names no owner");
        {{snakecase role}}_plugin_string_dup_n(&found->path, (const char *)file->path.ptr, file->path.len);
        found->span.is_some = true;
        found->span.val = (exports_workbench_plugin_lint_check_span_t){(uint32_t)at, (uint32_t)at + 4, line, column};
        found->help.is_some = true;
        string_dup(&found->help.val, "write `TODO(name):`");
      }
      if (text[at] == '\n') {
        line++;
        column = 1;
      } else if ((text[at] & 0xC0) != 0x80) {
        column++;  // columns count characters, not UTF-8 continuation bytes
      }
    }
  }
  exports_workbench_plugin_lint_check_list_file_free(files);
  {{snakecase role}}_plugin_string_free(options);
  return true;
}
{{/if}}
{{#if (eq role "site-step")}}

// A site step: adds `reading-minutes` (words / 200, at least 1) to the
// metadata of every Markdown page. Change describe and run.
#include <stdio.h>

typedef exports_workbench_plugin_site_step_error_t error_t;

// `words-per-minute` from the options object: the default when absent, 0
// when it is not a positive whole number.
static long words_per_minute(const string_t *options) {
  static const char KEY[] = "\"words-per-minute\"";
  const char *text = (const char *)options->ptr;
  const char *end = text + options->len;
  for (const char *at = text; at + sizeof KEY - 1 <= end; at++) {
    if (memcmp(at, KEY, sizeof KEY - 1) != 0) continue;
    at += sizeof KEY - 1;
    while (at < end && (*at == ' ' || *at == ':')) at++;
    long value = 0;
    while (at < end && *at >= '0' && *at <= '9' && value < 1000000) value = value * 10 + (*at++ - '0');
    return value;
  }
  return 200;
}

static bool fail(error_t *err, uint8_t tag, const char *message) {
  err->tag = tag;
  string_dup(&err->val.other, message);  // every case of `error` holds one string
  return false;
}

bool exports_workbench_plugin_site_step_describe(string_t *options, exports_workbench_plugin_site_step_step_info_t *ret,
                                                 error_t *err) {
  (void)err;
  {{snakecase role}}_plugin_string_free(options);
  memset(ret, 0, sizeof *ret);
  ret->per_file = true;
  ret->patterns.is_some = true;
  ret->patterns.val.ptr = calloc(1, sizeof(string_t));
  ret->patterns.val.len = 1;
  string_dup(&ret->patterns.val.ptr[0], "**/*.md");
  return true;
}

bool exports_workbench_plugin_site_step_run(exports_workbench_plugin_site_step_site_t *input, string_t *options,
                                            exports_workbench_plugin_site_step_site_t *ret, error_t *err) {
  long per_minute = words_per_minute(options);
  {{snakecase role}}_plugin_string_free(options);
  if (per_minute < 1) {
    exports_workbench_plugin_site_step_site_free(input);
    return fail(err, WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_OPTIONS, "`words-per-minute` must be a positive integer");
  }
  for (size_t i = 0; i < input->files.len; i++) {
    exports_workbench_plugin_site_step_site_file_t *file = &input->files.ptr[i];
    long words = 0;
    int in_word = 0;
    for (size_t at = 0; at < file->contents.len; at++) {
      uint8_t byte = file->contents.ptr[at];
      int space = byte == ' ' || byte == '\n' || byte == '\t' || byte == '\r';
      words += !space && !in_word;
      in_word = !space;
    }
    long minutes = words == 0 ? 1 : (words + per_minute - 1) / per_minute;
    // The metadata is a JSON object's text: the key goes in before its `}`.
    string_t *metadata = &file->metadata;
    size_t close = metadata->len;
    while (close > 0 && metadata->ptr[close - 1] != '}') close--;
    if (close == 0) {
      exports_workbench_plugin_site_step_site_free(input);
      return fail(err, WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_INPUT, "metadata is not a JSON object");
    }
    size_t open = 0;
    while (open < close && metadata->ptr[open] != '{') open++;
    int empty = 1;
    for (size_t at = open + 1; at + 1 < close; at++) empty &= metadata->ptr[at] == ' ' || metadata->ptr[at] == '\n';
    char key[64];
    int key_len = snprintf(key, sizeof key, "%s\"reading-minutes\":%ld}", empty ? "" : ",", minutes);
    uint8_t *joined = malloc(close - 1 + (size_t)key_len);
    if (joined == NULL) abort();
    memcpy(joined, metadata->ptr, close - 1);
    memcpy(joined + close - 1, key, (size_t)key_len);
    {{snakecase role}}_plugin_string_free(metadata);
    metadata->ptr = joined;
    metadata->len = close - 1 + (size_t)key_len;
  }
  *ret = *input;
  return true;
}
{{/if}}
