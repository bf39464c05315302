// reading-time: a site step written in C. For every Markdown or HTML file it
// counts the words of the text (tags left out) and adds `word_count` and
// `reading_minutes` to the file's metadata, for layouts to show
// ("4 min read"). Option: `words-per-minute` (default 200).
//
// The bindings come from `wit-bindgen c` over ../../wit (world
// site-step-plugin). Ownership follows them: arguments belong to us, and
// what we return is freed by the generated post-return code, so the files
// travel from input to output without copies and only metadata is rebuilt.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site_step_plugin.h"

typedef site_step_plugin_string_t string_t;
typedef exports_workbench_plugin_site_step_site_file_t site_file_t;

static const char *PATTERNS[] = {"**/*.md", "**/*.markdown", "**/*.html", "**/*.htm"};
static const long DEFAULT_WORDS_PER_MINUTE = 200;

static void fail(exports_workbench_plugin_site_step_error_t *err, uint8_t tag, const char *message) {
  err->tag = tag;
  // Every case of `error` holds one string, at the same place in the union.
  site_step_plugin_string_dup(&err->val.other, message);
}

// `words-per-minute` from the options object, or the default; 0 when invalid.
static long words_per_minute(const string_t *options) {
  static const char KEY[] = "\"words-per-minute\"";
  const char *text = (const char *)options->ptr;
  const char *end = text + options->len;
  const char *found = NULL;
  for (const char *at = text; at + sizeof KEY - 1 <= end; at++) {
    if (memcmp(at, KEY, sizeof KEY - 1) == 0) {
      found = at + sizeof KEY - 1;
      break;
    }
  }
  if (found == NULL) return DEFAULT_WORDS_PER_MINUTE;
  while (found < end && (*found == ' ' || *found == ':')) found++;
  long value = 0;
  const char *digits = found;
  while (found < end && *found >= '0' && *found <= '9' && value < 100000) value = value * 10 + (*found++ - '0');
  int ends_number = found == end || *found == ',' || *found == '}' || *found == ' ' || *found == '\n';
  return found > digits && ends_number && value > 0 && value < 100000 ? value : 0;
}

static int is_space(uint8_t byte) { return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r' || byte == '\f'; }

// A word is a run of non-space bytes outside tags holding a letter or digit
// (any non-ASCII byte counts as a letter), so Markdown's `#`, `-` and `*`
// are not words.
static unsigned long count_words(const uint8_t *text, size_t len) {
  unsigned long words = 0;
  int in_tag = 0, in_word = 0, word_has_letter = 0;
  for (size_t i = 0; i <= len; i++) {
    uint8_t byte = i < len ? text[i] : ' ';
    if (in_tag) {
      if (byte == '>') in_tag = 0;
      continue;
    }
    if (byte == '<' || is_space(byte)) {
      if (in_word && word_has_letter) words++;
      in_word = word_has_letter = 0;
      in_tag = byte == '<';
      continue;
    }
    in_word = 1;
    if ((byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z') || byte >= 0x80)
      word_has_letter = 1;
  }
  return words;
}

// Adds the two keys to a JSON object's text; 0 when it is not an object.
static int add_keys(string_t *metadata, unsigned long words, unsigned long minutes) {
  size_t len = metadata->len;
  const uint8_t *text = metadata->ptr;
  while (len > 0 && is_space(text[len - 1])) len--;
  size_t open = 0;
  while (open < len && is_space(text[open])) open++;
  if (len < 2 || text[open] != '{' || text[len - 1] != '}') return 0;
  size_t first = open + 1;
  while (first < len && is_space(text[first])) first++;
  int empty = first == len - 1;

  char keys[80];
  int keys_len = snprintf(keys, sizeof keys, "%s\"word_count\":%lu,\"reading_minutes\":%lu}", empty ? "" : ",",
                          words, minutes);
  size_t total = (len - 1) + (size_t)keys_len;
  uint8_t *joined = malloc(total);
  if (joined == NULL) return 0;
  memcpy(joined, text, len - 1);
  memcpy(joined + len - 1, keys, (size_t)keys_len);
  site_step_plugin_string_free(metadata);
  metadata->ptr = joined;
  metadata->len = total;
  return 1;
}

void exports_workbench_plugin_meta_info(exports_workbench_plugin_meta_plugin_info_t *ret) {
  site_step_plugin_string_dup(&ret->name, "reading-time");
  site_step_plugin_string_dup(&ret->version, "0.1.0");
  site_step_plugin_string_dup(&ret->description,
                              "Adds word_count and reading_minutes to Markdown and HTML files (a C plugin).");
  ret->options_schema.is_some = true;
  site_step_plugin_string_dup(
      &ret->options_schema.val,
      "{\"type\":\"object\",\"properties\":{\"words-per-minute\":{\"type\":\"integer\",\"minimum\":1}}}");
}

bool exports_workbench_plugin_site_step_describe(string_t *options, exports_workbench_plugin_site_step_step_info_t *ret,
                                                 exports_workbench_plugin_site_step_error_t *err) {
  long speed = words_per_minute(options);
  site_step_plugin_string_free(options);
  if (speed == 0) {
    fail(err, WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_OPTIONS, "`words-per-minute` must be a whole number from 1 to 99999");
    return false;
  }
  size_t count = sizeof PATTERNS / sizeof PATTERNS[0];
  memset(ret, 0, sizeof *ret);
  ret->per_file = true;
  ret->patterns.is_some = true;
  ret->patterns.val.ptr = calloc(count, sizeof(string_t));
  ret->patterns.val.len = count;
  for (size_t i = 0; i < count; i++) site_step_plugin_string_dup(&ret->patterns.val.ptr[i], PATTERNS[i]);
  return true;
}

bool exports_workbench_plugin_site_step_run(exports_workbench_plugin_site_step_site_t *input, string_t *options,
                                            exports_workbench_plugin_site_step_site_t *ret,
                                            exports_workbench_plugin_site_step_error_t *err) {
  long speed = words_per_minute(options);
  site_step_plugin_string_free(options);
  if (speed == 0) {
    exports_workbench_plugin_site_step_site_free(input);
    fail(err, WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_OPTIONS, "`words-per-minute` must be a whole number from 1 to 99999");
    return false;
  }
  for (size_t i = 0; i < input->files.len; i++) {
    site_file_t *file = &input->files.ptr[i];
    unsigned long words = count_words(file->contents.ptr, file->contents.len);
    unsigned long minutes = words == 0 ? 0 : (words + (unsigned long)speed - 1) / (unsigned long)speed;
    if (!add_keys(&file->metadata, words, minutes)) {
      char message[160];
      snprintf(message, sizeof message, "%.*s: metadata is not a JSON object", (int)(file->path.len > 100 ? 100 : file->path.len),
               (const char *)file->path.ptr);
      exports_workbench_plugin_site_step_site_free(input);
      fail(err, WORKBENCH_PLUGIN_TYPES_ERROR_INVALID_INPUT, message);
      return false;
    }
  }
  *ret = *input;
  return true;
}
