/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-symbols.c: HsSymbolFile (engine/symbols/) on small AArch64 programs the
 * test build compiles from symbols-sample.c, on broken files made here, and on
 * the demo board's real vmlinux and xen-syms when they have been built.
 *
 * The samples (paths in the environment, set by tests/engine/meson.build):
 *   HS_SYMBOLS_SAMPLE_DWARF5   -gdwarf-5, .eh_frame, CU with DW_AT_ranges (rnglists)
 *   HS_SYMBOLS_SAMPLE_DWARF4   -gdwarf-4, .debug_frame, .debug_ranges
 *   HS_SYMBOLS_SAMPLE_NODEBUG  no -g: a symbol table but no DWARF
 *   HS_SYMBOLS_SAMPLE_STRIPPED linked with -s: no symbol table at all
 *   HS_SYMBOLS_SAMPLE_SOURCE   symbols-sample.c itself, to find marked lines
 *   HS_SYMBOLS_SAMPLE_HOSTILE  symbols-hostile.c: 2^29 anonymous paths, a 6 GB array type
 *   HS_SYMBOLS_SAMPLE_OVERFLOW symbols-overflow.S: DWARF whose sizes and offsets overflow
 */
#define G_LOG_DOMAIN "test-symbols"

#include "config.h"

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

#include <gelf.h>
#include <libelf.h>

#include <glib/gstdio.h>
#include <stddef.h>
#include <string.h>

#include "symbols-sample.h"

/* The layout of struct sample in AAPCS64, worked out by hand: int 4/4, pointers and long long
 * 8/8, short 2/2; a struct is aligned to its most aligned member and padded to a multiple of
 * that; bit-fields fill their declared type's container from bit 0 up. The host (LP64) agrees
 * for these types, which the static assertions check, so the same numbers come from two
 * compilers and from the DWARF. */
#define OFF_ID      0
#define OFF_FLAGS   8    /* anonymous union { u32; void * }: aligned to 8 after id */
#define OFF_TAG     16   /* anonymous struct { char; int }: 8 bytes */
#define OFF_LEVEL   20
#define OFF_NAME    24
#define OFF_INNER   40   /* struct sample_inner: 16 bytes, aligned to 8 */
#define OFF_BITS    56   /* mode:3, ready:1, level2:12 share one unsigned int */
#define OFF_MATRIX  60   /* int[2][3]: 24 bytes */
#define OFF_NEXT    88
#define SIZE_SAMPLE 96

G_STATIC_ASSERT (offsetof (struct sample, id) == OFF_ID);
G_STATIC_ASSERT (offsetof (struct sample, flags) == OFF_FLAGS);
G_STATIC_ASSERT (offsetof (struct sample, cookie) == OFF_FLAGS);
G_STATIC_ASSERT (offsetof (struct sample, tag) == OFF_TAG);
G_STATIC_ASSERT (offsetof (struct sample, level) == OFF_LEVEL);
G_STATIC_ASSERT (offsetof (struct sample, name) == OFF_NAME);
G_STATIC_ASSERT (offsetof (struct sample, inner) == OFF_INNER);
G_STATIC_ASSERT (offsetof (struct sample, matrix) == OFF_MATRIX);
G_STATIC_ASSERT (offsetof (struct sample, next) == OFF_NEXT);
G_STATIC_ASSERT (sizeof (struct sample) == SIZE_SAMPLE);
G_STATIC_ASSERT (sizeof (struct sample_inner) == 16);

typedef struct
{
  const char *label;
  const char *env;
} Sample;

static const Sample dwarf5 = { "dwarf5", "HS_SYMBOLS_SAMPLE_DWARF5" };
static const Sample dwarf4 = { "dwarf4", "HS_SYMBOLS_SAMPLE_DWARF4" };

/* Loads @env's sample, or skips the test when the build did not make it. */
static HsSymbolFile *
load_sample (const char *env)
{
  const char *path = g_getenv (env);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built (no aarch64-linux-gnu-gcc?)");
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

/* The number of the first line of symbols-sample.c that contains @marker. */
static guint
source_line (const char *marker)
{
  const char *path = g_getenv ("HS_SYMBOLS_SAMPLE_SOURCE");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (path);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], marker) != NULL)
      return i + 1;
  g_error ("no line with '%s' in %s", marker, path);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The symbol table                                                                           */

static void
test_load (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (file == NULL)
    return;
  g_assert_cmpuint (hs_symbol_file_get_n_symbols (file), >, 10);
  g_assert_true (hs_symbol_file_has_dwarf (file));
  g_assert_false (hs_symbol_file_is_indexed (file));
  before = hs_symbol_file_describe (file);
  g_assert_nonnull (strstr (before, "AArch64"));
  g_assert_nonnull (strstr (before, "not indexed yet"));

  g_assert_true (hs_symbol_file_index (file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_is_indexed (file));
  after = hs_symbol_file_describe (file);
  g_assert_nonnull (strstr (after, "indexed: 1 compilation units"));
  g_assert_nonnull (strstr (after, sample == &dwarf4 ? ".debug_frame" : ".eh_frame"));
}

static void
test_lookup (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "sample_global", &sym));
  g_assert_cmpstr (sym.name, ==, "sample_global");
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_OBJECT);
  g_assert_cmpuint (sym.size, ==, SIZE_SAMPLE);
  g_assert_true (sym.is_global);
  g_assert_cmpuint (sym.address, !=, 0);

  g_assert_true (hs_symbol_file_lookup (file, "sample_add", &sym));
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_FUNCTION);
  g_assert_cmpuint (sym.size, >, 0);

  g_assert_true (hs_symbol_file_lookup (file, "sample_static", &sym));
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_OBJECT);
  g_assert_false (sym.is_global);

  g_assert_true (hs_symbol_file_lookup (file, "__bss_start", &sym));
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_OTHER);

  /* Mapping symbols are markers, not names. */
  g_assert_false (hs_symbol_file_lookup (file, "$x", NULL));
  g_assert_false (hs_symbol_file_lookup (file, "$d", NULL));
  g_assert_false (hs_symbol_file_lookup (file, "no_such_symbol", NULL));
}

static void
test_lookup_address (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  HsSymbol add, global, pointer, sym;
  guint64 offset = 0;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "sample_add", &add));
  g_assert_true (hs_symbol_file_lookup (file, "sample_global", &global));
  g_assert_true (hs_symbol_file_lookup (file, "sample_pointer", &pointer));

  g_assert_true (hs_symbol_file_lookup_address (file, add.address, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "sample_add");
  g_assert_cmpuint (offset, ==, 0);
  g_assert_true (hs_symbol_file_lookup_address (file, add.address + 8, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "sample_add");
  g_assert_cmpuint (offset, ==, 8);
  g_assert_true (hs_symbol_file_lookup_address (file, add.address + add.size - 1, &sym,
                                                &offset));
  g_assert_cmpstr (sym.name, ==, "sample_add");
  g_assert_cmpuint (offset, ==, add.size - 1);

  g_assert_true (hs_symbol_file_lookup_address (file, global.address + OFF_INNER, &sym,
                                                &offset));
  g_assert_cmpstr (sym.name, ==, "sample_global");
  g_assert_cmpuint (offset, ==, OFF_INNER);

  /* __bss_start is a label at the same address as sample_pointer: the object wins. */
  g_assert_true (hs_symbol_file_lookup_address (file, pointer.address, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "sample_pointer");

  g_assert_false (hs_symbol_file_lookup_address (file, 0, &sym, &offset));
  g_assert_false (hs_symbol_file_lookup_address (file, G_MAXUINT64, &sym, &offset));
}

static void
test_match (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) two = NULL;
  g_autoptr(GArray) one = NULL;
  g_autoptr(GArray) sub = NULL;
  g_autoptr(GArray) none = NULL;
  static const char *expected[] = {
    "sample_add", "sample_buffer", "sample_counter", "sample_global", "sample_leaf",
    "sample_other", "sample_pointer", "sample_static",
  };
  guint n = 0;

  if (file == NULL)
    return;
  all = hs_symbol_file_match (file, "sample_*", 0, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (g_array_index (all, HsSymbol, i).name, ==, expected[i]);

  two = hs_symbol_file_match (file, "sample_*", 2, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpstr (g_array_index (two, HsSymbol, 1).name, ==, "sample_buffer");

  one = hs_symbol_file_match (file, "sample_?dd", 0, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (g_array_index (one, HsSymbol, 0).name, ==, "sample_add");

  /* No wildcard: a substring. */
  sub = hs_symbol_file_match (file, "bss_start", 0, &n);
  g_assert_cmpuint (n, ==, 2);   /* __bss_start, __bss_start__ */

  none = hs_symbol_file_match (file, "Sample_*", 0, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */

static void
assert_size (HsSymbolFile *file,
             const char   *type,
             guint64       expected)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_true (hs_symbol_file_get_type_size (file, type, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, expected);
}

static void
test_type_size (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  if (file == NULL)
    return;
  assert_size (file, "struct sample", sizeof (struct sample));
  assert_size (file, "sample", SIZE_SAMPLE);
  assert_size (file, "  struct   sample ", SIZE_SAMPLE);
  assert_size (file, "sample_t", SIZE_SAMPLE);
  assert_size (file, "sample_cv_t", SIZE_SAMPLE);
  assert_size (file, "struct sample_inner", sizeof (struct sample_inner));
  assert_size (file, "sample_u32", 4);
  assert_size (file, "int", 4);

  g_assert_false (hs_symbol_file_get_type_size (file, "union sample", &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (hs_symbol_file_get_type_size (file, "struct sampel", &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "did you mean 'sample'?"));
  g_clear_error (&error);

  g_assert_false (hs_symbol_file_get_type_size (file, "struct ", &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
}

static void
assert_member (HsSymbolFile *file,
               const char   *type,
               const char   *path,
               guint64       offset,
               guint64       size,
               const char   *type_name)
{
  g_auto(HsMember) member = { 0 };
  g_autoptr(GError) error = NULL;
  guint64 o = 0, s = 0;

  g_assert_true (hs_symbol_file_member_full (file, type, path, &member, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (member.offset, ==, offset);
  g_assert_cmpuint (member.size, ==, size);
  g_assert_cmpuint (member.bit_size, ==, 0);
  if (type_name != NULL)
    g_assert_cmpstr (member.type_name, ==, type_name);

  g_assert_true (hs_symbol_file_member (file, type, path, &o, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o, ==, offset);
  g_assert_cmpuint (s, ==, size);
}

static void
test_member_offset (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);

  if (file == NULL)
    return;
  assert_member (file, "struct sample", "id", OFF_ID, 4, "int");
  /* Through the anonymous union and the anonymous struct. */
  assert_member (file, "sample", "flags", offsetof (struct sample, flags), 4, "sample_u32");
  assert_member (file, "sample", "cookie", OFF_FLAGS, 8, "void *");
  assert_member (file, "sample", "tag", offsetof (struct sample, tag), 1, "char");
  assert_member (file, "sample", "level", offsetof (struct sample, level), 4, "int");
  /* Arrays, whole and indexed. */
  assert_member (file, "sample", "name", OFF_NAME, 16, "char[16]");
  assert_member (file, "sample", "name[3]", OFF_NAME + 3, 1, "char");
  assert_member (file, "sample", "matrix", OFF_MATRIX, 24, "int[2][3]");
  assert_member (file, "sample", "matrix[1]", OFF_MATRIX + 12, 12, "int[3]");
  assert_member (file, "sample", "matrix[1][2]", offsetof (struct sample, matrix[1][2]), 4,
                 "int");
  /* Nested structs. */
  assert_member (file, "sample", "inner", OFF_INNER, 16, "struct sample_inner");
  assert_member (file, "sample", "inner.a", offsetof (struct sample, inner.a), 8, "long long int");
  assert_member (file, "sample", "inner.b", offsetof (struct sample, inner.b), 2, "short int");
  assert_member (file, "sample", "next", OFF_NEXT, 8, "struct sample *");
  /* Through typedefs and qualifiers. */
  assert_member (file, "sample_t", "inner.b", OFF_INNER + 8, 2, NULL);
  assert_member (file, "sample_cv_t", "level", OFF_LEVEL, 4, NULL);
}

static void
test_bit_fields (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  static const struct { const char *name; guint offset, bit_offset, bit_size, size; } fields[] = {
    { "mode", OFF_BITS, 0, 3, 1 },
    { "ready", OFF_BITS, 3, 1, 1 },
    { "level2", OFF_BITS, 4, 12, 2 },   /* bits 4..15: two bytes from OFF_BITS */
  };

  if (file == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_auto(HsMember) member = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (hs_symbol_file_member_full (file, "sample", fields[i].name, &member,
                                                 &error));
      g_assert_no_error (error);
      g_assert_cmpuint (member.offset, ==, fields[i].offset);
      g_assert_cmpuint (member.bit_offset, ==, fields[i].bit_offset);
      g_assert_cmpuint (member.bit_size, ==, fields[i].bit_size);
      g_assert_cmpuint (member.size, ==, fields[i].size);
      g_assert_cmpstr (member.type_name, ==, "unsigned int");
    }
}

static void
assert_member_error (HsSymbolFile *file,
                     const char   *type,
                     const char   *path,
                     int           code,
                     const char   *message_part)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = 0, size = 0;

  g_assert_false (hs_symbol_file_member (file, type, path, &offset, &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, message_part);
}

static void
test_member_errors (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);

  if (file == NULL)
    return;
  assert_member_error (file, "sample", "idd", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "sample has no member 'idd'; did you mean 'id'?");
  /* The suggestion looks inside anonymous members too. */
  assert_member_error (file, "sample", "cokie", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "did you mean 'cookie'?");
  assert_member_error (file, "sample", "inner.c", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "sample.inner has no member 'c'");
  assert_member_error (file, "sample", "zzzzzz", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "sample has no member 'zzzzzz'");
  assert_member_error (file, "sample", "next.id", HS_SYMBOLS_ERROR_INVALID,
                       "sample.next is a pointer (struct sample *)");
  assert_member_error (file, "sample", "id.x", HS_SYMBOLS_ERROR_INVALID,
                       "sample.id is int, not a struct or union");
  assert_member_error (file, "sample", "name[16]", HS_SYMBOLS_ERROR_INVALID,
                       "index 16 is out of bounds: sample.name has 16 elements");
  assert_member_error (file, "sample", "id[0]", HS_SYMBOLS_ERROR_INVALID, "not an array");
  assert_member_error (file, "sample", "matrix.x", HS_SYMBOLS_ERROR_INVALID,
                       "sample.matrix is int[2][3], not a struct or union");
  assert_member_error (file, "sample", "matrix[1].x", HS_SYMBOLS_ERROR_INVALID,
                       "sample.matrix[1] is still an array");
  assert_member_error (file, "sample", "matrix[2]", HS_SYMBOLS_ERROR_INVALID,
                       "index 2 is out of bounds: sample.matrix has 2 elements");
  assert_member_error (file, "sample", "matrix[1][3]", HS_SYMBOLS_ERROR_INVALID,
                       "index 3 is out of bounds: sample.matrix[1] has 3 elements");
  assert_member_error (file, "sample", "inner..a", HS_SYMBOLS_ERROR_INVALID,
                       "is not a member path");
  assert_member_error (file, "sample", "", HS_SYMBOLS_ERROR_INVALID, "is not a member path");
  assert_member_error (file, "sample", "name[x]", HS_SYMBOLS_ERROR_INVALID,
                       "is not a member path");
  assert_member_error (file, "no_such_type", "id", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "has no type 'no_such_type'");
}

/* ------------------------------------------------------------------------------------------ */
/* Variables and functions                                                                    */

static void
test_variable (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_get_variable (file, "sample_global", &info, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "sample_global", &sym));
  g_assert_cmpstr (info.name, ==, "sample_global");
  g_assert_cmpuint (info.kind, ==, HS_SYMBOL_OBJECT);
  g_assert_true (info.has_address);
  g_assert_cmpuint (info.address, ==, sym.address);
  g_assert_cmpuint (info.size, ==, SIZE_SAMPLE);
  g_assert_cmpstr (info.type_name, ==, "struct sample");
  g_assert_true (g_str_has_suffix (info.decl_file, "symbols-sample.c"));
  g_assert_cmpuint (info.decl_line, ==, source_line ("struct sample sample_global"));
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_variable (file, "sample_counter", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.type_name, ==, "sample_u32");
  g_assert_cmpuint (info.size, ==, 4);
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_variable (file, "sample_pointer", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.type_name, ==, "sample_cv_t *");
  g_assert_cmpuint (info.size, ==, 8);
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_variable (file, "sample_buffer", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.type_name, ==, "char[32]");
  g_assert_cmpuint (info.size, ==, 32);
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_variable (file, "sample_static", &info, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "sample_static", &sym));
  g_assert_cmpuint (info.address, ==, sym.address);
  hs_symbol_info_clear (&info);

  g_assert_false (hs_symbol_file_get_variable (file, "sample_globl", &info, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "did you mean 'sample_global'?"));
}

static void
test_function (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_get_function (file, "sample_add", &info, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "sample_add", &sym));
  g_assert_cmpuint (info.kind, ==, HS_SYMBOL_FUNCTION);
  g_assert_cmpuint (info.address, ==, sym.address);
  g_assert_cmpuint (info.size, ==, sym.size);
  g_assert_cmpstr (info.type_name, ==, "int (int, int)");
  g_assert_true (g_str_has_suffix (info.decl_file, "symbols-sample.c"));
  g_assert_cmpuint (info.decl_line, ==, source_line ("sample_add (int a,"));
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_function (file, "main", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.type_name, ==, "int (void)");
  hs_symbol_info_clear (&info);

  /* A variable is not a function, and the other way round. */
  g_assert_false (hs_symbol_file_get_function (file, "sample_global", &info, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_get_variable (file, "sample_add", &info, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------------------------------------ */
/* Lines                                                                                      */

static void
check_lines (HsSymbolFile *file)
{
  static const struct { const char *marker; const char *function; } marks[] = {
    { "@line-add-call", "sample_add" },
    { "@line-add-return", "sample_add" },
    { "@line-other", "sample_other" },   /* in .text.other: a second CU range */
    { "@line-main", "main" },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      guint line = source_line (marks[i].marker), actual = 0, back = 0;
      g_autofree char *path = NULL;
      guint64 address = 0, offset = 0;
      HsSymbol sym;

      g_assert_true (hs_symbol_file_line_to_address (file, "symbols-sample.c", line, &address,
                                                     &actual, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (actual, ==, line);
      g_assert_true (hs_symbol_file_lookup_address (file, address, &sym, &offset));
      g_assert_cmpstr (sym.name, ==, marks[i].function);

      g_assert_true (hs_symbol_file_address_to_line (file, address, &path, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (back, ==, line);
      g_assert_true (g_str_has_suffix (path, "/symbols-sample.c"));
    }

  /* A path suffix must end at a '/'. */
  {
    guint64 address = 0;

    g_assert_true (hs_symbol_file_line_to_address (file, "engine/symbols-sample.c",
                                                   source_line ("@line-main"), &address, NULL,
                                                   &error));
    g_assert_no_error (error);
    g_assert_false (hs_symbol_file_line_to_address (file, "ymbols-sample.c", 1, &address, NULL,
                                                    &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* A comment line has no code: the next line with code is used. */
  {
    guint comment = source_line ("In a section of its own"), actual = 0;
    guint64 address = 0;

    g_assert_true (hs_symbol_file_line_to_address (file, "symbols-sample.c", comment, &address,
                                                   &actual, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (actual, >, comment);
  }

  {
    g_autofree char *path = NULL;
    guint64 address = 0;
    guint line = 0;

    g_assert_false (hs_symbol_file_line_to_address (file, "nothing.c", 1, &address, NULL,
                                                    &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (hs_symbol_file_line_to_address (file, "symbols-sample.c", 100000, &address,
                                                    NULL, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (hs_symbol_file_address_to_line (file, 0x10, &path, &line, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static void
test_lines (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);

  if (file == NULL)
    return;
  check_lines (file);
}

/* The same without .debug_aranges: the CU's DW_AT_ranges must be read (rnglists in DWARF 5,
 * .debug_ranges in DWARF 4). */
static void
test_lines_without_aranges (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);

  if (file == NULL)
    return;
  hs_symbol_file_set_use_aranges (file, FALSE);
  check_lines (file);
}

/* ------------------------------------------------------------------------------------------ */
/* Call-frame information                                                                     */

static void
test_frame_rule (gconstpointer data)
{
  const Sample *sample = data;
  g_autoptr(HsSymbolFile) file = load_sample (sample->env);
  g_autoptr(GError) error = NULL;
  HsFrameRule rule;
  HsSymbol add;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "sample_add", &add));

  /* At the entry: nothing pushed yet. */
  g_assert_true (hs_symbol_file_get_frame_rule (file, add.address, &rule, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rule.function_start, ==, add.address);
  g_assert_cmpuint (rule.function_end, ==, add.address + add.size);
  g_assert_cmpuint (rule.row_address, ==, add.address);
  g_assert_false (rule.cfa_is_expression);
  g_assert_cmpuint (rule.cfa_reg, ==, 31);
  g_assert_cmpint (rule.cfa_offset, ==, 0);
  g_assert_cmpuint (rule.return_address_reg, ==, 30);
  g_assert_cmpuint (rule.fp.kind, ==, HS_REG_RULE_SAME_VALUE);
  g_assert_cmpuint (rule.lr.kind, ==, HS_REG_RULE_SAME_VALUE);

  /* After "stp x29, x30, [sp, #-48]!": both saved at the bottom of the 48-byte frame. */
  g_assert_true (hs_symbol_file_get_frame_rule (file, add.address + 8, &rule, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rule.row_address, ==, add.address + 4);
  g_assert_cmpuint (rule.cfa_reg, ==, 31);
  g_assert_cmpint (rule.cfa_offset, ==, 48);
  g_assert_cmpuint (rule.fp.kind, ==, HS_REG_RULE_OFFSET);
  g_assert_cmpint (rule.fp.offset, ==, -48);
  g_assert_cmpuint (rule.lr.kind, ==, HS_REG_RULE_OFFSET);
  g_assert_cmpint (rule.lr.offset, ==, -40);

  g_assert_false (hs_symbol_file_get_frame_rule (file, 0x10, &rule, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------------------------------------ */
/* Files that are not what they should be                                                      */

static void
assert_load_error (const char *path,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSymbolFile) file = hs_symbol_file_load (path, &error);

  g_assert_null (file);
  g_assert_error (error, HS_SYMBOLS_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  if (strstr (error->message, message_part) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, message_part);
}

static char *
write_temp (const char *name,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-symbols-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_error_missing (void)
{
  assert_load_error ("/nonexistent/hyperscope/vmlinux", HS_SYMBOLS_ERROR_OPEN,
                     "No such file or directory");
  assert_load_error ("/", HS_SYMBOLS_ERROR_OPEN, "not a regular file");
}

static void
test_error_not_elf (void)
{
  static const char garbage[] = "This is not an ELF file, it is a text file that is long "
                                "enough to have a header's worth of bytes in it.\n";
  g_autofree char *path = write_temp ("garbage", garbage, sizeof garbage);
  g_autofree char *empty = write_temp ("empty", "", 0);

  assert_load_error (path, HS_SYMBOLS_ERROR_NOT_ELF, "is not an ELF file");
  assert_load_error (empty, HS_SYMBOLS_ERROR_NOT_ELF, "is not an ELF file");
  remove_temp (path);
  remove_temp (empty);
}

static void
test_error_truncated (void)
{
  const char *sample = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  gsize cuts[] = { 200, 20, 64 };

  if (sample == NULL)
    {
      g_test_skip ("the AArch64 sample was not built");
      return;
    }
  g_file_get_contents (sample, &contents, &len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *path = write_temp ("truncated", contents, cuts[i]);

      assert_load_error (path, HS_SYMBOLS_ERROR_CORRUPT, "truncated or corrupt");
      remove_temp (path);
    }
  /* Everything but the section headers at the end. */
  {
    g_autofree char *path = write_temp ("truncated", contents, len - 100);

    assert_load_error (path, HS_SYMBOLS_ERROR_CORRUPT, "truncated or corrupt");
    remove_temp (path);
  }
}

static void
test_error_wrong_arch (void)
{
#if defined(__aarch64__)
  g_test_skip ("this test uses the host's own x86 executable");
#else
  assert_load_error ("/proc/self/exe", HS_SYMBOLS_ERROR_WRONG_ARCH, "not AArch64");
#endif
}

static void
test_error_stripped (void)
{
  const char *path = g_getenv ("HS_SYMBOLS_SAMPLE_STRIPPED");

  if (path == NULL)
    {
      g_test_skip ("the stripped sample was not built");
      return;
    }
  assert_load_error (path, HS_SYMBOLS_ERROR_NO_SYMTAB, "has no symbol table");
}

static void
test_no_dwarf (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_SYMBOLS_SAMPLE_NODEBUG");
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  guint64 size = 0;
  guint line = 0;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_false (hs_symbol_file_has_dwarf (file));
  text = hs_symbol_file_describe (file);
  g_assert_nonnull (strstr (text, "DWARF: none"));

  g_assert_false (hs_symbol_file_get_type_size (file, "sample", &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF);
  g_assert_nonnull (strstr (error->message, "-g"));
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_address_to_line (file, 0x400000, &path, &line, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF);
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_index (file, NULL, NULL, NULL, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF);
  g_clear_error (&error);

  /* sYmbol.INFO still works from the symbol table. */
  g_assert_true (hs_symbol_file_get_variable (file, "sample_global", &info, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "sample_global", &sym));
  g_assert_cmpuint (info.address, ==, sym.address);
  g_assert_cmpuint (info.size, ==, SIZE_SAMPLE);
  g_assert_null (info.type_name);
  hs_symbol_info_clear (&info);
  g_assert_true (hs_symbol_file_get_function (file, "sample_add", &info, &error));
  g_assert_no_error (error);
}

/* Corrupt DWARF must give errors, never a crash or a hang: scribble over the debug sections of
 * a copy of the sample and run every query. Any answer is acceptable except a crash. */
static void
run_every_query (HsSymbolFile *file)
{
  g_auto(HsMember) member = { 0 };
  g_auto(HsSymbolInfo) info = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  guint64 value = 0;
  guint line = 0;
  HsFrameRule rule;
  HsSymbol add = { 0 };

  hs_symbol_file_lookup (file, "sample_add", &add);
  hs_symbol_file_index (file, NULL, NULL, NULL, NULL);
  hs_symbol_file_get_type_size (file, "sample", &value, NULL);
  if (hs_symbol_file_member_full (file, "sample", "inner.b", &member, NULL))
    hs_member_clear (&member);
  if (hs_symbol_file_member_full (file, "sample", "level", &member, NULL))
    hs_member_clear (&member);
  if (hs_symbol_file_member_full (file, "sample", "matrix[1][2]", &member, NULL))
    hs_member_clear (&member);
  if (hs_symbol_file_member_full (file, "sample", "ready", &member, NULL))
    hs_member_clear (&member);
  if (hs_symbol_file_get_variable (file, "sample_pointer", &info, NULL))
    hs_symbol_info_clear (&info);
  if (hs_symbol_file_get_function (file, "sample_add", &info, NULL))
    hs_symbol_info_clear (&info);
  if (hs_symbol_file_address_to_line (file, add.address + 8, &path, &line, NULL))
    g_clear_pointer (&path, g_free);
  hs_symbol_file_line_to_address (file, "symbols-sample.c", 30, &value, NULL, NULL);
  hs_symbol_file_get_frame_rule (file, add.address + 8, &rule, NULL);
  text = hs_symbol_file_describe (file);
}

static void
test_corrupt_dwarf (gconstpointer data)
{
  const Sample *sample = data;
  const char *sample_path = g_getenv (sample->env);
  static const char *sections[] = {
    ".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_aranges",
    ".debug_rnglists", ".debug_ranges", ".debug_frame", ".eh_frame", ".debug_line_str",
  };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand;
  gsize len = 0;
  guint runs = 0;

  if (sample_path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built");
      return;
    }
  g_file_get_contents (sample_path, &contents, &len, &error);
  g_assert_no_error (error);

  rand = g_rand_new_with_seed (20240517);
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      guint64 start = 0, size = 0;
      Elf *elf;
      Elf_Scn *scn = NULL;
      size_t shstrndx;

      elf_version (EV_CURRENT);
      elf = elf_memory (contents, len);
      g_assert_nonnull (elf);
      g_assert_cmpint (elf_getshdrstrndx (elf, &shstrndx), ==, 0);
      while ((scn = elf_nextscn (elf, scn)) != NULL)
        {
          GElf_Shdr shdr;
          const char *name;

          gelf_getshdr (scn, &shdr);
          name = elf_strptr (elf, shstrndx, shdr.sh_name);
          if (name != NULL && strcmp (name, sections[s]) == 0)
            {
              start = shdr.sh_offset;
              size = shdr.sh_size;
            }
        }
      elf_end (elf);
      if (size == 0)
        continue;

      for (guint round = 0; round < 40; round++)
        {
          g_autofree char *copy = g_memdup2 (contents, len);
          g_autofree char *path = NULL;
          g_autoptr(HsSymbolFile) file = NULL;
          guint n = 1 + g_rand_int_range (rand, 0, 8);

          /* A few random bytes, or a run of 0xff (huge lengths and offsets). */
          for (guint i = 0; i < n; i++)
            {
              guint64 at = start + g_rand_int_range (rand, 0, size);

              if (round % 4 == 0)
                memset (copy + at, 0xff, MIN (8, start + size - at));
              else
                copy[at] = g_rand_int_range (rand, 0, 256);
            }
          path = write_temp ("corrupt", copy, len);
          file = hs_symbol_file_load (path, NULL);
          if (file != NULL)
            run_every_query (file);
          remove_temp (path);
          runs++;
        }
    }
  g_rand_free (rand);
  g_test_message ("%u corrupted copies survived", runs);
  g_assert_cmpuint (runs, >, 100);
}

/* ------------------------------------------------------------------------------------------ */
/* Hostile shapes                                                                             */

/*
 * struct L1 holds two anonymous struct L2, each two anonymous L3, ... down to L30: 30 small
 * structs, 2^29 paths through them. A search that walked every path ran for minutes (the test's
 * timeout fails it); each struct is searched once now. Members that exist are still found, at
 * the right offset, past the wide part and through an anonymous member.
 */
static void
test_wide_anonymous (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_SYMBOLS_SAMPLE_HOSTILE");
  g_autoptr(GError) error = NULL;
  guint64 size = 1;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_get_type_size (file, "struct L1", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 0);   /* empty structs all the way down (GNU C) */

  assert_member_error (file, "struct L1", "nothing", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "struct L1 has no member 'nothing'");
  assert_member_error (file, "struct wide", "nothing", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "struct wide has no member 'nothing'");
  assert_member_error (file, "struct wide", "tall", HS_SYMBOLS_ERROR_NOT_FOUND,
                       "did you mean 'tail'?");
  /* head (4 bytes), two empty L2, then the anonymous struct pair { x, y }, then tail. */
  assert_member (file, "struct wide", "head", 0, 4, "int");
  assert_member (file, "struct wide", "y", 8, 4, "int");
  assert_member (file, "struct wide", "tail", 12, 4, "int");
  /* And again, now that the answers may be remembered. */
  assert_member (file, "struct wide", "y", 8, 4, "int");
}

/*
 * Sizes and offsets past 32 bits are right, and past 64 bits are errors, never wrapped values:
 * the 6 439 567 360-byte int[5][65536][17][17][17], a huge index into a flexible array, and
 * (symbols-overflow.S, hand-written DWARF) arrays larger than 2^64 bytes and members more than
 * 2^64 bytes into their struct, which before were sizes and offsets that had wrapped to small
 * numbers, given as answers.
 */
static void
test_overflow (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_SYMBOLS_SAMPLE_HOSTILE");
  g_autoptr(HsSymbolFile) crafted = load_sample ("HS_SYMBOLS_SAMPLE_OVERFLOW");
  static const char * const too_large[] = { "huge_t", "huge2_t" };
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  if (file == NULL || crafted == NULL)
    return;

  g_assert_true (hs_symbol_file_get_type_size (file, "big_array_t", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, G_GUINT64_CONSTANT (5) * 65536 * 17 * 17 * 17 * 4);
  assert_member (file, "struct big", "a", 8, size, "big_array_t");
  assert_member (file, "struct big", "a[4][65535][16][16][16]", 8 + size - 4, 4, "int");
  assert_member (file, "struct big", "a[1]", 8 + size / 5, size / 5, "int[65536][17][17][17]");
  assert_member (file, "struct big", "tail", 8 + size, 4, "int");
  assert_member (file, "struct flex", "items[3]", 8 + 3 * 4, 4, "int");
  /* 2^62 × 4 bytes is 2^64: the offset would wrap to 8. */
  assert_member_error (file, "struct flex", "items[4611686018427387904]",
                       HS_SYMBOLS_ERROR_INVALID, "does not fit in 64 bits");

  for (guint i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_assert_false (hs_symbol_file_get_type_size (crafted, too_large[i], &size, &error));
      g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "larger than 2^64 bytes"));
      g_clear_error (&error);
    }
  assert_member (crafted, "struct far", "a", G_GUINT64_CONSTANT (0xfffffffffffffff0), 4, "int");
  assert_member (crafted, "struct inner", "x", 32, 4, "int");
  /* 4 bytes at 2^64 - 2, and x at 32 in an anonymous member at 2^64 - 16. */
  assert_member_error (crafted, "struct far", "b", HS_SYMBOLS_ERROR_CORRUPT,
                       "ends past 2^64 bytes");
  assert_member_error (crafted, "struct far", "x", HS_SYMBOLS_ERROR_CORRUPT,
                       "more than 2^64 bytes into");
}

/*
 * Empty parts (symbols-overflow.S): a unit whose abbreviations have no attributes is indexed, a
 * variable whose location is an empty exprloc has no address, and a member whose location is
 * an empty block is an expression not evaluated. Found by fuzz-elf: an empty block's bytes and
 * an empty table's operations are NULL, and the scan and both lookups computed NULL + 0
 * (undefined behaviour, which -fsanitize=undefined reports) before looking at the length.
 */
static void
test_empty_parts (void)
{
  g_autoptr(HsSymbolFile) crafted = load_sample ("HS_SYMBOLS_SAMPLE_OVERFLOW");
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  if (crafted == NULL)
    return;
  g_assert_true (hs_symbol_file_index (crafted, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_get_variable (crafted, "optimised_out", &info, &error));
  g_assert_no_error (error);
  g_assert_false (info.has_address);
  g_assert_cmpstr (info.type_name, ==, "int");
  g_assert_cmpuint (info.size, ==, 4);
  assert_member_error (crafted, "struct no_offset", "x", HS_SYMBOLS_ERROR_UNSUPPORTED,
                       "does not evaluate");
}

/* ------------------------------------------------------------------------------------------ */
/* Threads, async, cancellation                                                               */

static gpointer
query_thread (gpointer data)
{
  HsSymbolFile *file = data;

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      guint64 offset = 0, size = 0, address = 0;
      guint line = 0;
      HsSymbol add;

      g_assert_true (hs_symbol_file_member (file, "sample", "inner.b", &offset, &size, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (offset, ==, OFF_INNER + 8);
      g_assert_true (hs_symbol_file_lookup (file, "sample_add", &add));
      g_assert_true (hs_symbol_file_address_to_line (file, add.address + 8, &path, &line,
                                                     &error));
      g_assert_no_error (error);
      g_assert_true (hs_symbol_file_line_to_address (file, "symbols-sample.c", line, &address,
                                                     NULL, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_SYMBOLS_SAMPLE_DWARF5");
  GThread *threads[4];

  if (file == NULL)
    return;
  /* Nobody has indexed yet: the threads race to do it. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("query", query_thread, file);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_true (hs_symbol_file_is_indexed (file));
}

typedef struct
{
  GAsyncResult *result;
  guint n_progress;
  double last_fraction;
  gboolean progress_after_done;
  char *what;
} AsyncState;

static void
on_progress (double      fraction,
             const char *what,
             gpointer    user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (state->result != NULL)
    state->progress_after_done = TRUE;
  g_assert_cmpfloat (fraction, >=, state->last_fraction);
  state->last_fraction = fraction;
  state->n_progress++;
  g_free (state->what);
  state->what = g_strdup (what);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncState *state = user_data;

  state->result = g_object_ref (result);
}

static void
test_async (void)
{
  const char *path = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  AsyncState state = { 0 };

  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built");
      return;
    }

  hs_symbol_file_load_async (path, NULL, on_done, &state);
  while (state.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  file = hs_symbol_file_load_finish (state.result, &error);
  g_assert_no_error (error);
  g_assert_true (HS_IS_SYMBOL_FILE (file));
  g_clear_object (&state.result);

  hs_symbol_file_index_async (file, on_progress, &state, NULL, on_done, &state);
  while (state.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hs_symbol_file_index_finish (file, state.result, &error));
  g_assert_no_error (error);
  g_clear_object (&state.result);
  /* Let any queued progress run: it must not be delivered after completion. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (state.progress_after_done);
  g_assert_cmpuint (state.n_progress, >=, 1);
  g_assert_true (g_str_has_prefix (state.what, "indexing DWARF of "));
  g_assert_true (hs_symbol_file_is_indexed (file));
  g_free (state.what);

  hs_symbol_file_load_async ("/nonexistent", NULL, on_done, &state);
  while (state.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hs_symbol_file_load_finish (state.result, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN);
  g_clear_object (&state.result);
}

static void
test_cancel (void)
{
  g_autoptr(HsSymbolFile) file = load_sample ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  if (file == NULL)
    return;
  g_cancellable_cancel (cancellable);
  g_assert_false (hs_symbol_file_index (file, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_is_indexed (file));

  /* Cancelling is not failing: the next query indexes from scratch. */
  g_assert_true (hs_symbol_file_get_type_size (file, "sample", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, SIZE_SAMPLE);
}

/* ------------------------------------------------------------------------------------------ */
/* The demo board's real images                                                               */

static HsSymbolFile *
load_board_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "hyperscope", "board",
                                            "out", name, NULL);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: build the board first", path);

      g_test_skip (message);
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

static void
test_vmlinux (void)
{
  g_autoptr(HsSymbolFile) file = load_board_file ("vmlinux");
  g_auto(HsSymbolInfo) info = { 0 };
  g_auto(HsMember) member = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 size = 0, offset = 0, tasks = 0;
  guint line = 0;
  HsFrameRule rule;
  HsSymbol sym;

  if (file == NULL)
    return;

  g_assert_true (hs_symbol_file_lookup (file, "init_task", &sym));
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_OBJECT);
  g_assert_cmphex (sym.address & 0xffff800000000000, ==, 0xffff800000000000);
  g_assert_true (hs_symbol_file_lookup (file, "linux_banner", &sym));

  g_assert_true (hs_symbol_file_get_type_size (file, "task_struct", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 4160);

  g_assert_true (hs_symbol_file_member (file, "struct task_struct", "tasks", &tasks, &size,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tasks, >, 0);
  g_assert_cmpuint (size, ==, 16);
  g_assert_true (hs_symbol_file_member (file, "task_struct", "tasks.next", &offset, &size,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, tasks);
  g_assert_cmpuint (size, ==, 8);
  g_assert_true (hs_symbol_file_member (file, "task_struct", "tasks.prev", &offset, NULL,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, tasks + 8);

  g_assert_true (hs_symbol_file_member_full (file, "task_struct", "comm", &member, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (member.size, ==, 16);
  g_assert_cmpstr (member.type_name, ==, "char[16]");
  hs_member_clear (&member);

  /* In an anonymous union: union { refcount_t rcu_users; struct rcu_head rcu; }. */
  g_assert_true (hs_symbol_file_member (file, "task_struct", "rcu_users", &offset, &size,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 4);
  g_assert_true (hs_symbol_file_member (file, "task_struct", "thread.cpu_context.x19", &offset,
                                        &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 8);
  g_assert_true (hs_symbol_file_member (file, "task_struct", "mm", &offset, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 8);

  g_assert_false (hs_symbol_file_member (file, "task_struct", "taks", &offset, &size, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "did you mean 'tasks'?"));
  g_clear_error (&error);

  g_assert_true (hs_symbol_file_get_variable (file, "init_task", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.type_name, ==, "struct task_struct");
  g_assert_cmpuint (info.size, ==, 4160);
  g_assert_true (g_str_has_suffix (info.decl_file, ".h") || g_str_has_suffix (info.decl_file,
                                                                             ".c"));
  g_assert_cmpuint (info.decl_line, >, 0);
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_get_function (file, "schedule", &info, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "schedule", &sym));
  g_assert_cmpuint (info.address, ==, sym.address);
  hs_symbol_info_clear (&info);

  g_assert_true (hs_symbol_file_address_to_line (file, sym.address, &path, &line, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "kernel/sched/core.c"));
  g_assert_cmpuint (line, >, 0);

  /* vmlinux keeps .debug_frame. */
  g_assert_true (hs_symbol_file_get_frame_rule (file, sym.address, &rule, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rule.function_start, ==, sym.address);
  g_assert_cmpuint (rule.cfa_reg, ==, 31);
}

static void
test_xen_syms (void)
{
  g_autoptr(HsSymbolFile) file = load_board_file ("xen-syms");
  static const char *domain_members[] = {
    "domain_id", "vcpu", "next_in_list", "arch.p2m.vmid", "arch.p2m.vttbr",
  };
  static const char *vcpu_members[] = {
    "arch.ttbr0", "arch.ttbr1", "arch.ttbcr", "arch.sctlr",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 offset = 0, size = 0, address = 0;
  guint line = 0, back = 0;
  HsFrameRule rule;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "domain_list", &sym));
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_OBJECT);

  for (guint i = 0; i < G_N_ELEMENTS (domain_members); i++)
    {
      g_assert_true (hs_symbol_file_member (file, "struct domain", domain_members[i], &offset,
                                            &size, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (size, >, 0);
    }
  g_assert_true (hs_symbol_file_member (file, "domain", "arch.p2m.vttbr", &offset, &size,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 8);
  for (guint i = 0; i < G_N_ELEMENTS (vcpu_members); i++)
    {
      g_assert_true (hs_symbol_file_member (file, "struct vcpu", vcpu_members[i], &offset,
                                            &size, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (size, ==, 8);
    }

  g_assert_true (hs_symbol_file_lookup (file, "do_domctl", &sym));
  g_assert_true (hs_symbol_file_address_to_line (file, sym.address, &path, &line, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, ".c"));
  g_assert_true (hs_symbol_file_line_to_address (file, "common/domctl.c", line, &address, NULL,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmphex (address, ==, sym.address);
  g_clear_pointer (&path, g_free);
  g_assert_true (hs_symbol_file_address_to_line (file, address, &path, &back, &error));
  g_assert_cmpuint (back, ==, line);

  /* No .debug_frame and no .eh_frame in Xen: the unwinder must use frame pointers. */
  g_assert_false (hs_symbol_file_get_frame_rule (file, sym.address, &rule, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "frame pointers"));
}

/* ------------------------------------------------------------------------------------------ */

static void
add_sample_tests (const Sample *sample)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "load", test_load },
    { "lookup", test_lookup },
    { "lookup-address", test_lookup_address },
    { "match", test_match },
    { "type-size", test_type_size },
    { "member-offset", test_member_offset },
    { "bit-fields", test_bit_fields },
    { "member-errors", test_member_errors },
    { "variable", test_variable },
    { "function", test_function },
    { "lines", test_lines },
    { "lines-without-aranges", test_lines_without_aranges },
    { "frame-rule", test_frame_rule },
    { "corrupt-dwarf", test_corrupt_dwarf },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Hs/Symbols/%s/%s", sample->label,
                                               tests[i].name);

      g_test_add_data_func (path, sample, tests[i].func);
    }
}

/* A DWARF 4 line table header: @dir is the one file's directory index. */
static GByteArray *
line_header_v4 (guint8 dir,
                guint8 line_range)
{
  static const guint8 body[] = {
    4, 0,                       /* version */
    0, 0, 0, 0,                 /* header_length, patched */
    1, 1, 1, 0xfb, 0, 13,       /* min_inst, max_ops, is_stmt, line_base, line_range, op_base */
    0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,
    '/', 's', 'r', 'c', 0, 0,   /* one directory */
    'a', '.', 'c', 0, 0, 0, 0,  /* one file: name, dir (patched), mtime, length */
    0,
    0x00, 0x01, 0x01,           /* a program: end_sequence */
  };
  GByteArray *b = g_byte_array_new ();
  guint32 length = sizeof body, header_length = sizeof body - 2 - 4 - 3;

  g_byte_array_append (b, (const guint8 *) &length, 4);
  g_byte_array_append (b, body, sizeof body);
  memcpy (b->data + 4 + 2, &header_length, 4);
  b->data[4 + 2 + 4 + 4] = line_range;
  b->data[4 + sizeof body - 3 - 4] = dir;
  return b;
}

/* What libdwarf 20210528 would follow blindly in a line table header is checked first: fuzz-elf
 * made dwarf_srcfiles() strlen() garbage through a directory index past the directories. */
static void
test_line_header (void)
{
  g_autoptr(GError) error = NULL;
  GByteArray *b;

  b = line_header_v4 (1, 14);
  g_assert_true (_hs_dwarf_line_header_check (b->data, b->len, 0, 0, 0, &error));
  g_assert_no_error (error);
  /* Cut short anywhere: an error, not a read past the end. */
  for (guint len = 0; len < b->len - 3; len++)
    {
      g_assert_false (_hs_dwarf_line_header_check (b->data, len, 0, 0, 0, &error));
      g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
      g_clear_error (&error);
    }
  g_byte_array_unref (b);

  b = line_header_v4 (2, 14);
  g_assert_false (_hs_dwarf_line_header_check (b->data, b->len, 0, 0, 0, &error));
  g_assert_nonnull (strstr (error->message, "directory it does not list"));
  g_clear_error (&error);
  g_byte_array_unref (b);

  b = line_header_v4 (1, 0);
  g_assert_false (_hs_dwarf_line_header_check (b->data, b->len, 0, 0, 0, &error));
  g_assert_nonnull (strstr (error->message, "line_range"));
  g_clear_error (&error);
  g_assert_false (_hs_dwarf_line_header_check (b->data, b->len, b->len, 0, 0, &error));
  g_clear_error (&error);
  g_byte_array_unref (b);

  /* DWARF 5: a file name in .debug_line_str past its end. */
  {
    static const guint8 v5[] = {
      0, 0, 0, 0,               /* unit_length, patched */
      5, 0, 8, 0,               /* version, address_size, segment_selector_size */
      0, 0, 0, 0,               /* header_length, patched */
      1, 1, 1, 0xfb, 14, 13,
      0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,
      1, DW_LNCT_path, DW_FORM_line_strp, 1, 0, 0, 0, 0,
      2, DW_LNCT_path, DW_FORM_line_strp, DW_LNCT_directory_index, DW_FORM_udata,
      1, 0x10, 0, 0, 0, 0,
    };
    guint8 copy[sizeof v5];
    guint32 length = sizeof v5 - 4, header_length = sizeof v5 - 12;

    memcpy (copy, v5, sizeof v5);
    memcpy (copy, &length, 4);
    memcpy (copy + 8, &header_length, 4);
    g_assert_true (_hs_dwarf_line_header_check (copy, sizeof copy, 0, 0, 0x20, &error));
    g_assert_no_error (error);
    g_assert_false (_hs_dwarf_line_header_check (copy, sizeof copy, 0, 0, 0x10, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
    g_clear_error (&error);
    copy[sizeof copy - 1] = 1;  /* directory 1 of 1 */
    g_assert_false (_hs_dwarf_line_header_check (copy, sizeof copy, 0, 0, 0x20, &error));
    g_clear_error (&error);
  }
}

int
main (int   argc,
      char *argv[])
{
  gboolean board = FALSE;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    board |= g_strcmp0 (argv[i], "--board") == 0;

  add_sample_tests (&dwarf5);
  add_sample_tests (&dwarf4);
  g_test_add_func ("/Hs/Symbols/error-missing", test_error_missing);
  g_test_add_func ("/Hs/Symbols/error-not-elf", test_error_not_elf);
  g_test_add_func ("/Hs/Symbols/error-truncated", test_error_truncated);
  g_test_add_func ("/Hs/Symbols/error-wrong-arch", test_error_wrong_arch);
  g_test_add_func ("/Hs/Symbols/error-stripped", test_error_stripped);
  g_test_add_func ("/Hs/Symbols/no-dwarf", test_no_dwarf);
  g_test_add_func ("/Hs/Symbols/wide-anonymous", test_wide_anonymous);
  g_test_add_func ("/Hs/Symbols/overflow", test_overflow);
  g_test_add_func ("/Hs/Symbols/empty-parts", test_empty_parts);
  g_test_add_func ("/Hs/Symbols/line-header", test_line_header);
  g_test_add_func ("/Hs/Symbols/threads", test_threads);
  g_test_add_func ("/Hs/Symbols/async", test_async);
  g_test_add_func ("/Hs/Symbols/cancel", test_cancel);
  /* The board's own files: with the board's tests (--board), which run once it is built. */
  if (board)
    {
      g_test_add_func ("/Hs/Symbols/vmlinux", test_vmlinux);
      g_test_add_func ("/Hs/Symbols/xen-syms", test_xen_syms);
    }

  return g_test_run ();
}
