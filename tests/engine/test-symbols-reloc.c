/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-symbols-reloc.c: relocatable files (kernel modules) loaded with
 * hs_symbol_file_load_relocated() as if placed at given section addresses,
 * on reloc-sample.c compiled -c by the test build, and on broken copies of it
 * made here.
 *
 * Every expected address is worked out from the unrelocated file: a symbol's
 * section-relative value (what a plain load of the object answers) plus the
 * address its section was given. Two placements that move .text and
 * .init.text by different amounts show each section is relocated on its own.
 *
 * The samples (paths in the environment, set by tests/engine/meson.build):
 *   HS_RELOC_SAMPLE_DWARF4, HS_RELOC_SAMPLE_DWARF5  reloc-sample.c, -c -O2, DWARF 4 / 5
 *   HS_RELOC_SAMPLE_SOURCE     reloc-sample.c itself, to find marked lines
 *   HS_SYMBOLS_SAMPLE_DWARF5   a linked program (ET_EXEC), for the linked-file cases
 */
#define G_LOG_DOMAIN "test-symbols-reloc"

#include "config.h"

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

#include <elf.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define TEXT_A  G_GUINT64_CONSTANT (0xffff800001230000)
#define INIT_A  G_GUINT64_CONSTANT (0xffff800001300000)
#define DATA_A  G_GUINT64_CONSTANT (0xffff800001400000)
#define BSS_A   G_GUINT64_CONSTANT (0xffff800001410000)
#define RODATA_A G_GUINT64_CONSTANT (0xffff800001420000)
#define RELOC_A G_GUINT64_CONSTANT (0xffff800001430000)

/* .text moves by one amount, .init.text by another, the data the other way. */
#define TEXT_B  G_GUINT64_CONSTANT (0xffff80000a000000)
#define INIT_B  G_GUINT64_CONSTANT (0xffff800009000000)
#define DATA_B  G_GUINT64_CONSTANT (0xffff800000100000)
#define BSS_B   G_GUINT64_CONSTANT (0xffff800000180000)
#define RODATA_B G_GUINT64_CONSTANT (0xffff800000200000)
#define RELOC_B G_GUINT64_CONSTANT (0xffff800000300000)

static const HsSectionAddress placement_a[] = {
  { ".text", TEXT_A }, { ".init.text", INIT_A }, { ".data", DATA_A }, { ".bss", BSS_A },
  { ".rodata", RODATA_A }, { ".data.rel.local", RELOC_A },
  /* As sysfs lists a module's sections: some the object file does not have. */
  { ".gnu.linkonce.this_module", G_GUINT64_CONSTANT (0xffff800001440000) },
};

static const HsSectionAddress placement_b[] = {
  { ".text", TEXT_B }, { ".init.text", INIT_B }, { ".data", DATA_B }, { ".bss", BSS_B },
  { ".rodata", RODATA_B }, { ".data.rel.local", RELOC_B },
};

typedef struct
{
  const char *label;
  const char *env;
} Sample;

static const Sample dwarf4 = { "dwarf4", "HS_RELOC_SAMPLE_DWARF4" };
static const Sample dwarf5 = { "dwarf5", "HS_RELOC_SAMPLE_DWARF5" };

static const char *
sample_path (const char *env)
{
  const char *path = g_getenv (env);

  if (path == NULL)
    g_test_skip ("the AArch64 sample was not built (no aarch64-linux-gnu-gcc?)");
  return path;
}

/* The number of the first line of reloc-sample.c that contains @marker. */
static guint
source_line (const char *marker)
{
  const char *path = g_getenv ("HS_RELOC_SAMPLE_SOURCE");
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

/* A symbol's value in the unrelocated file: its offset in its section. */
static guint64
offset_in_section (HsSymbolFile *plain,
                   const char   *name)
{
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (plain, name, &sym));
  g_assert_cmpuint (sym.address, <, 0x1000);
  return sym.address;
}

/* ------------------------------------------------------------------------------------------ */
/* A placed module                                                                            */

typedef struct
{
  guint64 text, init, data, bss, rodata, reloc;
} Bases;

static void
check_symbols (HsSymbolFile *file,
               HsSymbolFile *plain,
               const Bases  *at)
{
  HsSymbol sym;
  guint64 offset = 0;
  guint64 probe = at->text + offset_in_section (plain, "reloc_probe");
  guint64 init = at->init + offset_in_section (plain, "reloc_init");
  HsSymbol init_sym;

  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", &sym));
  g_assert_cmphex (sym.address, ==, probe);
  g_assert_cmpuint (sym.kind, ==, HS_SYMBOL_FUNCTION);
  g_assert_true (sym.is_global);
  g_assert_true (hs_symbol_file_lookup_address (file, probe + 8, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "reloc_probe");
  g_assert_cmpuint (offset, ==, 8);

  /* A file-local function, in the same section. */
  g_assert_true (hs_symbol_file_lookup (file, "reloc_helper", &sym));
  g_assert_cmphex (sym.address, ==, at->text + offset_in_section (plain, "reloc_helper"));
  g_assert_false (sym.is_global);

  /* .init.text has an address of its own: not .text's. */
  g_assert_true (hs_symbol_file_lookup (file, "reloc_init", &init_sym));
  g_assert_cmphex (init_sym.address, ==, init);
  g_assert_true (hs_symbol_file_lookup_address (file, init + 4, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "reloc_init");
  g_assert_true (init < at->text || init >= at->text + 0x1000);

  /* .exit.text was given no address: its function is not in the symbol table. */
  g_assert_false (hs_symbol_file_lookup (file, "reloc_exit", NULL));

  g_assert_true (hs_symbol_file_lookup (file, "reloc_counter", &sym));
  g_assert_cmphex (sym.address, ==, at->bss + offset_in_section (plain, "reloc_counter"));
  g_assert_true (hs_symbol_file_lookup (file, "reloc_calls", &sym));
  g_assert_cmphex (sym.address, ==, at->data + offset_in_section (plain, "reloc_calls"));
  g_assert_true (hs_symbol_file_lookup (file, "reloc_devices", &sym));
  g_assert_cmphex (sym.address, ==, at->reloc);
  g_assert_true (hs_symbol_file_lookup_address (file, at->reloc + 40, &sym, &offset));
  g_assert_cmpstr (sym.name, ==, "reloc_devices");
  g_assert_cmpuint (offset, ==, 40);

  /* A section-relative address is nothing any more. */
  g_assert_false (hs_symbol_file_lookup_address (file, offset_in_section (plain, "reloc_probe"),
                                                 NULL, NULL));
}

static void
check_info (HsSymbolFile *file,
            HsSymbolFile *plain,
            const Bases  *at)
{
  g_autoptr(GError) error = NULL;
  g_auto(HsSymbolInfo) probe = { 0 };
  g_auto(HsSymbolInfo) init = { 0 };
  g_auto(HsSymbolInfo) exit = { 0 };
  g_auto(HsSymbolInfo) counter = { 0 };
  g_auto(HsSymbolInfo) calls = { 0 };
  g_auto(HsSymbolInfo) devices = { 0 };
  g_auto(HsMember) member = { 0 };
  guint64 size = 0;
  HsSymbol sym;

  g_assert_true (hs_symbol_file_get_function (file, "reloc_probe", &probe, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", &sym));
  g_assert_true (probe.has_address);
  g_assert_cmphex (probe.address, ==, sym.address);
  g_assert_cmpuint (probe.size, ==, sym.size);
  g_assert_cmpstr (probe.type_name, ==, "int (struct reloc_device *)");
  g_assert_true (g_str_has_suffix (probe.decl_file, "reloc-sample.c"));
  g_assert_cmpuint (probe.decl_line, ==, source_line ("reloc_probe (struct reloc_device"));

  g_assert_true (hs_symbol_file_get_function (file, "reloc_init", &init, &error));
  g_assert_no_error (error);
  g_assert_cmphex (init.address, ==, at->init + offset_in_section (plain, "reloc_init"));
  g_assert_cmpstr (init.type_name, ==, "int (void)");

  /* Its DWARF is there, but it was given no address. */
  g_assert_true (hs_symbol_file_get_function (file, "reloc_exit", &exit, &error));
  g_assert_no_error (error);
  g_assert_false (exit.has_address);
  g_assert_cmpstr (exit.type_name, ==, "void (void)");

  g_assert_true (hs_symbol_file_get_variable (file, "reloc_counter", &counter, &error));
  g_assert_no_error (error);
  g_assert_cmphex (counter.address, ==, at->bss + offset_in_section (plain, "reloc_counter"));
  g_assert_cmpstr (counter.type_name, ==, "long unsigned int");
  g_assert_cmpuint (counter.size, ==, 8);
  g_assert_cmpuint (counter.decl_line, ==, source_line ("unsigned long reloc_counter;"));

  g_assert_true (hs_symbol_file_get_variable (file, "reloc_calls", &calls, &error));
  g_assert_no_error (error);
  g_assert_cmphex (calls.address, ==, at->data + offset_in_section (plain, "reloc_calls"));
  g_assert_cmpstr (calls.type_name, ==, "int");

  g_assert_true (hs_symbol_file_get_variable (file, "reloc_devices", &devices, &error));
  g_assert_no_error (error);
  g_assert_cmphex (devices.address, ==, at->reloc);
  g_assert_cmpstr (devices.type_name, ==, "struct reloc_device[2]");
  g_assert_cmpuint (devices.size, ==, 64);

  g_assert_true (hs_symbol_file_get_type_size (file, "struct reloc_device", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 32);
  g_assert_true (hs_symbol_file_member_full (file, "reloc_device", "next", &member, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (member.offset, ==, 24);
  g_assert_cmpstr (member.type_name, ==, "struct reloc_device *");
}

static void
check_lines (HsSymbolFile *file,
             const Bases  *at)
{
  g_autoptr(GError) error = NULL;
  HsSymbol probe, init;
  guint64 address = 0;
  guint line = 0, actual = 0;

  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", &probe));
  g_assert_true (hs_symbol_file_lookup (file, "reloc_init", &init));

  /* Both ways, with .debug_aranges and then through the unit's own ranges. */
  for (guint pass = 0; pass < 2; pass++)
    {
      hs_symbol_file_set_use_aranges (file, pass == 0);

      g_assert_true (hs_symbol_file_line_to_address (file, "reloc-sample.c",
                                                     source_line ("@line-probe-call"),
                                                     &address, &actual, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (actual, ==, source_line ("@line-probe-call"));
      g_assert_cmphex (address, >=, probe.address);
      g_assert_cmphex (address, <, probe.address + probe.size);
      {
        g_autofree char *file_name = NULL;

        g_assert_true (hs_symbol_file_address_to_line (file, address, &file_name, &line, &error));
        g_assert_no_error (error);
        g_assert_true (g_str_has_suffix (file_name, "reloc-sample.c"));
        g_assert_cmpuint (line, ==, source_line ("@line-probe-call"));
      }

      g_assert_true (hs_symbol_file_line_to_address (file, "reloc-sample.c",
                                                     source_line ("@line-init-link"),
                                                     &address, &actual, &error));
      g_assert_no_error (error);
      g_assert_cmphex (address, >=, at->init);
      g_assert_cmphex (address, <, init.address + init.size);
      g_assert_true (hs_symbol_file_address_to_line (file, init.address + 4, NULL, &line,
                                                     &error));
      g_assert_no_error (error);
      g_assert_cmpuint (line, >=, source_line ("reloc_init (void)"));
      g_assert_cmpuint (line, <, source_line ("reloc_exit (void)"));

      /* Between the placed sections there is no code. */
      g_assert_false (hs_symbol_file_address_to_line (file, at->text - 0x10000, NULL, &line,
                                                      &error));
      g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  hs_symbol_file_set_use_aranges (file, TRUE);
}

/* The relocated CFI, row by row, is the plain load's (every section at 0) moved to .text's
 * address. */
static void
check_frames (HsSymbolFile *file,
              HsSymbolFile *plain,
              const Bases  *at)
{
  g_autoptr(GError) error = NULL;
  HsSymbol probe, init;
  gboolean saw_frame = FALSE;
  HsFrameRule rule;

  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", &probe));
  g_assert_true (hs_symbol_file_lookup (file, "reloc_init", &init));

  for (guint64 k = 0; k < probe.size; k += 4)
    {
      guint64 relative = offset_in_section (plain, "reloc_probe") + k;
      HsFrameRule expected;

      g_assert_true (hs_symbol_file_get_frame_rule (plain, relative, &expected, &error));
      g_assert_no_error (error);
      g_assert_true (hs_symbol_file_get_frame_rule (file, probe.address + k, &rule, &error));
      g_assert_no_error (error);
      g_assert_cmphex (rule.function_start, ==, probe.address);
      g_assert_cmphex (rule.function_end, ==, probe.address + probe.size);
      g_assert_cmphex (rule.row_address - at->text, ==, expected.row_address);
      g_assert_cmpuint (rule.cfa_reg, ==, expected.cfa_reg);
      g_assert_cmpint (rule.cfa_offset, ==, expected.cfa_offset);
      g_assert_cmpuint (rule.lr.kind, ==, expected.lr.kind);
      g_assert_cmpint (rule.lr.offset, ==, expected.lr.offset);
      g_assert_cmpuint (rule.fp.kind, ==, expected.fp.kind);
      if (rule.cfa_offset > 0 && rule.lr.kind == HS_REG_RULE_OFFSET)
        saw_frame = TRUE;
    }
  g_assert_true (saw_frame);

  g_assert_true (hs_symbol_file_get_frame_rule (file, init.address + init.size - 4, &rule,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmphex (rule.function_start, ==, init.address);
  g_assert_cmphex (rule.function_end, ==, init.address + init.size);
  g_assert_cmpuint (rule.return_address_reg, ==, 30);
}

static HsSymbolFile *
load_placed (const char             *path,
             const HsSectionAddress *placement,
             guint                   n)
{
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file = hs_symbol_file_load_relocated (path, placement, n, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static void
test_placed (gconstpointer data)
{
  const Sample *sample = data;
  const char *path = sample_path (sample->env);
  g_autoptr(HsSymbolFile) plain = NULL;
  g_autoptr(HsSymbolFile) a = NULL;
  g_autoptr(HsSymbolFile) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const Bases at_a = { TEXT_A, INIT_A, DATA_A, BSS_A, RODATA_A, RELOC_A };
  const Bases at_b = { TEXT_B, INIT_B, DATA_B, BSS_B, RODATA_B, RELOC_B };
  const HsElfRelocCounts *counts;
  HsSymbol sym_a, sym_b;

  if (path == NULL)
    return;
  plain = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);

  a = load_placed (path, placement_a, G_N_ELEMENTS (placement_a));
  b = load_placed (path, placement_b, G_N_ELEMENTS (placement_b));
  g_assert_cmpstr (hs_symbol_file_get_path (a), ==, path);
  g_assert_true (hs_symbol_file_has_dwarf (a));

  text = hs_symbol_file_describe (a);
  g_test_message ("%s", text);
  expected = g_strdup_printf (".text at 0x%" G_GINT64_MODIFIER "x", TEXT_A);
  g_assert_nonnull (strstr (text, expected));
  g_assert_nonnull (strstr (text, "relocatable object"));
  g_assert_nonnull (strstr (text, "no address (their symbols are left out): .exit.text"));
  g_assert_nonnull (strstr (text, "(ignored): .gnu.linkonce.this_module"));
  /* .exit.text's function, line table and FDE refer to it: those could not be applied. */
  g_assert_nonnull (strstr (text, "could not be applied"));
  counts = _hs_elf_reloc_get_counts (a->reloc);
  g_assert_cmpuint (counts->applied, >, 40);
  g_assert_cmpuint (counts->unplaced, >, 0);
  g_assert_cmpuint (counts->undefined + counts->out_of_range + counts->unsupported
                    + counts->compressed, ==, 0);

  check_symbols (a, plain, &at_a);
  check_symbols (b, plain, &at_b);
  check_info (a, plain, &at_a);
  check_info (b, plain, &at_b);
  check_lines (a, &at_a);
  check_lines (b, &at_b);
  check_frames (a, plain, &at_a);
  check_frames (b, plain, &at_b);

  g_assert_true (hs_symbol_file_lookup (a, "reloc_init", &sym_a));
  g_assert_true (hs_symbol_file_lookup (b, "reloc_init", &sym_b));
  g_assert_cmphex (sym_b.address - sym_a.address, ==, INIT_B - INIT_A);
  g_assert_true (hs_symbol_file_lookup (a, "reloc_probe", &sym_a));
  g_assert_true (hs_symbol_file_lookup (b, "reloc_probe", &sym_b));
  g_assert_cmphex (sym_b.address - sym_a.address, ==, TEXT_B - TEXT_A);

  /* Loaded plainly, the same object answers with offsets in its sections, which the placed
   * one does not know. */
  {
    g_auto(HsSymbolInfo) info = { 0 };
    g_autofree char *plain_text = hs_symbol_file_describe (plain);
    guint line = 0;

    g_assert_nonnull (strstr (plain_text, "not placed: addresses are offsets"));
    g_assert_true (hs_symbol_file_get_function (plain, "reloc_probe", &info, &error));
    g_assert_no_error (error);
    g_assert_cmphex (info.address, ==, offset_in_section (plain, "reloc_probe"));
    g_assert_true (hs_symbol_file_address_to_line (plain, info.address + 4, NULL, &line,
                                                   &error));
    g_assert_no_error (error);
    g_assert_false (hs_symbol_file_address_to_line (a, info.address + 4, NULL, &line, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

/* With only .text placed, the rest keeps no address. */
static void
test_text_only (void)
{
  const char *path = sample_path ("HS_RELOC_SAMPLE_DWARF5");
  static const HsSectionAddress only_text[] = { { ".text", TEXT_A } };
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(HsSymbolInfo) info = { 0 };
  g_autofree char *text = NULL;
  HsSymbol sym;

  if (path == NULL)
    return;
  file = load_placed (path, only_text, G_N_ELEMENTS (only_text));
  text = hs_symbol_file_describe (file);
  g_assert_nonnull (strstr (text, ".init.text"));
  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", &sym));
  g_assert_cmphex (sym.address & ~G_GUINT64_CONSTANT (0xfff), ==, TEXT_A);
  g_assert_false (hs_symbol_file_lookup (file, "reloc_init", NULL));
  g_assert_false (hs_symbol_file_lookup (file, "reloc_counter", NULL));
  g_assert_true (hs_symbol_file_get_variable (file, "reloc_counter", &info, &error));
  g_assert_no_error (error);
  g_assert_false (info.has_address);
  g_assert_cmpuint (_hs_elf_reloc_get_counts (file->reloc)->symbols_dropped, >=, 6);
}

/* A linked file: loaded as the plain loader does without a map, refused with one. */
static void
test_linked (void)
{
  const char *path = sample_path ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(HsSymbolFile) plain = NULL;
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  HsSymbol a, b;

  if (path == NULL)
    return;
  plain = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  file = hs_symbol_file_load_relocated (path, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_null (file->reloc);
  g_assert_cmpuint (hs_symbol_file_get_n_symbols (file), ==,
                    hs_symbol_file_get_n_symbols (plain));
  g_assert_true (hs_symbol_file_lookup (plain, "sample_add", &a));
  g_assert_true (hs_symbol_file_lookup (file, "sample_add", &b));
  g_assert_cmphex (a.address, ==, b.address);

  g_assert_null (hs_symbol_file_load_relocated (path, placement_a, 1, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a relocatable object"));
  g_clear_error (&error);

  g_assert_null (hs_symbol_file_load_relocated ("/nonexistent.ko", placement_a, 1, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_null (hs_symbol_file_load_relocated (g_getenv ("HS_RELOC_SAMPLE_SOURCE"),
                                                placement_a, 1, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_ELF);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (void)
{
  const char *path = sample_path ("HS_RELOC_SAMPLE_DWARF5");
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  HsSectionAddress *map;
  HsSymbol sym;

  if (path == NULL)
    return;
  /* The map is copied: the caller's may be gone before the worker reads it. */
  map = g_new (HsSectionAddress, 1);
  map[0].name = g_strdup (".init.text");
  map[0].address = INIT_B;
  hs_symbol_file_load_relocated_async (path, map, 1, NULL, on_loaded, &result);
  g_free ((char *) map[0].name);
  g_free (map);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  file = hs_symbol_file_load_relocated_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (hs_symbol_file_lookup (file, "reloc_init", &sym));
  g_assert_cmphex (sym.address & ~G_GUINT64_CONSTANT (0xfff), ==, INIT_B);

  hs_symbol_file_load_relocated_async ("/nonexistent.ko", NULL, 0, NULL, on_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hs_symbol_file_load_relocated_finish (result, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN);
  g_clear_object (&result);
}

/* ------------------------------------------------------------------------------------------ */
/* Hostile copies                                                                             */

typedef struct
{
  guint8 *bytes;
  gsize size;
  char *dir;
  char *path;
} Copy;

static gboolean
copy_init (Copy *copy)
{
  const char *path = sample_path ("HS_RELOC_SAMPLE_DWARF5");
  g_autoptr(GError) error = NULL;

  memset (copy, 0, sizeof *copy);
  if (path == NULL)
    return FALSE;
  g_file_get_contents (path, (char **) &copy->bytes, &copy->size, &error);
  g_assert_no_error (error);
  copy->dir = g_dir_make_tmp ("test-symbols-reloc-XXXXXX", &error);
  g_assert_no_error (error);
  copy->path = g_build_filename (copy->dir, "hostile.ko", NULL);
  return TRUE;
}

static void
copy_clear (Copy *copy)
{
  if (copy->path != NULL)
    g_unlink (copy->path);
  if (copy->dir != NULL)
    g_rmdir (copy->dir);
  g_free (copy->path);
  g_free (copy->dir);
  g_free (copy->bytes);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Copy, copy_clear)

static Elf64_Shdr *
shdr (Copy *copy,
      guint index)
{
  const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *) copy->bytes;

  g_assert_cmpuint (index, <, ehdr->e_shnum);
  return (Elf64_Shdr *) (copy->bytes + ehdr->e_shoff + (gsize) index * sizeof (Elf64_Shdr));
}

static guint
section (Copy       *copy,
         const char *name)
{
  const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *) copy->bytes;
  const char *names = (const char *) copy->bytes + shdr (copy, ehdr->e_shstrndx)->sh_offset;

  for (guint i = 1; i < ehdr->e_shnum; i++)
    if (strcmp (names + shdr (copy, i)->sh_name, name) == 0)
      return i;
  g_error ("no section %s", name);
  return 0;
}

static Elf64_Rela *
rela (Copy       *copy,
      const char *name,
      guint       index)
{
  Elf64_Shdr *sh = shdr (copy, section (copy, name));

  g_assert_cmpuint (index, <, sh->sh_size / sizeof (Elf64_Rela));
  return (Elf64_Rela *) (copy->bytes + sh->sh_offset) + index;
}

/* Loads @copy as it is now (its first @size bytes, or all with 0) at placement A. */
static HsSymbolFile *
copy_load (Copy    *copy,
           gsize    size,
           GError **error)
{
  g_autoptr(GError) local_error = NULL;

  g_file_set_contents (copy->path, (const char *) copy->bytes, size ? size : copy->size,
                       &local_error);
  g_assert_no_error (local_error);
  return hs_symbol_file_load_relocated (copy->path, placement_a, G_N_ELEMENTS (placement_a),
                                        error);
}

static void
expect_error (Copy       *copy,
              gint        code,
              const char *message)
{
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = copy_load (copy, 0, &error);
  g_assert_null (file);
  g_assert_error (error, HS_SYMBOLS_ERROR, code);
  if (strstr (error->message, message) == NULL)
    g_error ("'%s' does not say '%s'", error->message, message);
}

static void
test_hostile_offset (void)
{
  g_auto(Copy) copy;

  if (!copy_init (&copy))
    return;
  rela (&copy, ".rela.debug_info", 12)->r_offset =
    shdr (&copy, section (&copy, ".debug_info"))->sh_size - 2;
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "hostile.ko: relocation 12 of .rela.debug_info "
                "writes past the end of .debug_info");
  rela (&copy, ".rela.debug_info", 12)->r_offset = G_MAXUINT64 - 1;
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "writes past the end of .debug_info");
}

static void
test_hostile_symbol (void)
{
  g_auto(Copy) copy;
  Elf64_Rela *r;

  if (!copy_init (&copy))
    return;
  r = rela (&copy, ".rela.debug_line", 0);
  r->r_info = ELF64_R_INFO (0xffffff, ELF64_R_TYPE (r->r_info));
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "relocation 0 of .rela.debug_line names "
                "symbol 16777215");
}

static void
test_hostile_sections (void)
{
  g_auto(Copy) copy;
  Elf64_Shdr *sh;
  guint64 saved;

  if (!copy_init (&copy))
    return;
  sh = shdr (&copy, section (&copy, ".rela.debug_info"));
  saved = sh->sh_info;
  sh->sh_info = 999;
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, ".rela.debug_info relocates section 999");
  sh->sh_info = saved;

  saved = sh->sh_entsize;
  sh->sh_entsize = 16;
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "has entries of 16 bytes");
  sh->sh_entsize = saved;

  saved = sh->sh_link;
  sh->sh_link = section (&copy, ".strtab");
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "as its symbol table");
  sh->sh_link = saved;

  /* A name table that says it is nothing, far outside the file: its names are not read. */
  {
    Elf64_Ehdr *ehdr = (Elf64_Ehdr *) copy.bytes;
    Elf64_Shdr *names = shdr (&copy, ehdr->e_shstrndx);
    Elf64_Shdr saved_names = *names;

    names->sh_type = SHT_NULL;
    names->sh_offset = G_MAXUINT64 - 8;
    expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "section name table");
    *names = saved_names;
  }

  /* Relocation sections that overlap, to multiply the work. */
  saved = sh->sh_size;
  sh->sh_offset = 0;
  sh->sh_size = copy.size / 24 * 24;
  expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "relocation sections add up to");
  sh->sh_size = saved;

  /* A symbol in a section that does not exist. */
  {
    Elf64_Rela *r = rela (&copy, ".rela.debug_line", 0);
    Elf64_Shdr *symtab = shdr (&copy, section (&copy, ".symtab"));
    Elf64_Sym *sym = (Elf64_Sym *) (copy.bytes + symtab->sh_offset) + ELF64_R_SYM (r->r_info);

    sh = shdr (&copy, section (&copy, ".rela.debug_info"));
    sh->sh_offset = shdr (&copy, section (&copy, ".rela.debug_line"))->sh_offset;
    sh->sh_size = 0;
    sym->st_shndx = 999;
    expect_error (&copy, HS_SYMBOLS_ERROR_CORRUPT, "is in section 999");
  }
}

/* Values that do not fit their field, and types this does not do, are counted and skipped. */
static void
test_hostile_counted (void)
{
  g_auto(Copy) copy;
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const HsElfRelocCounts *counts;
  Elf64_Rela *r;
  guint found = 0;

  if (!copy_init (&copy))
    return;
  /* The line program's first DW_LNE_set_address: an ABS64 against .text, made ABS32 and
   * ABS16 (0xffff8000... fits neither), and a type no DWARF uses. */
  for (guint i = 0; found < 3; i++)
    {
      r = rela (&copy, ".rela.debug_line", i);
      if (ELF64_R_TYPE (r->r_info) != R_AARCH64_ABS64)
        continue;
      r->r_info = ELF64_R_INFO (ELF64_R_SYM (r->r_info),
                                found == 0 ? R_AARCH64_ABS32
                                : found == 1 ? R_AARCH64_ABS16 : R_AARCH64_CALL26);
      found++;
    }
  file = copy_load (&copy, 0, &error);
  g_assert_no_error (error);
  counts = _hs_elf_reloc_get_counts (file->reloc);
  text = hs_symbol_file_describe (file);
  g_test_message ("%s", text);
  g_assert_cmpuint (counts->out_of_range, ==, 2);
  g_assert_cmpuint (counts->unsupported, ==, 1);
  g_assert_nonnull (strstr (text, "2 whose value does not fit"));
  g_assert_nonnull (strstr (text, "1 of types not handled"));
  /* The rest still answers. */
  g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", NULL));
  g_clear_object (&file);

  /* A symbol whose section address plus value wraps: the relocation is skipped and the
   * symbol left out. */
  {
    Elf64_Shdr *symtab = shdr (&copy, section (&copy, ".symtab"));
    Elf64_Sym *syms = (Elf64_Sym *) (copy.bytes + symtab->sh_offset);
    guint n = symtab->sh_size / sizeof (Elf64_Sym);
    g_auto(HsSymbolInfo) info = { 0 };

    for (guint i = 0; i < n; i++)
      if (ELF64_ST_TYPE (syms[i].st_info) == STT_SECTION
          && syms[i].st_shndx == section (&copy, ".text"))
        syms[i].st_value = G_MAXUINT64 - 0x10;
    for (guint i = 0; i < n; i++)
      if (ELF64_ST_TYPE (syms[i].st_info) == STT_FUNC
          && syms[i].st_shndx == section (&copy, ".text"))
        syms[i].st_value = G_MAXUINT64 - 0x10;
    file = copy_load (&copy, 0, &error);
    g_assert_no_error (error);
    counts = _hs_elf_reloc_get_counts (file->reloc);
    g_assert_cmpuint (counts->out_of_range, >, 2);
    g_assert_false (hs_symbol_file_lookup (file, "reloc_probe", NULL));
    hs_symbol_file_get_function (file, "reloc_probe", &info, NULL);
  }
}

static void
test_hostile_map (void)
{
  const char *path = sample_path ("HS_RELOC_SAMPLE_DWARF5");
  static const HsSectionAddress top[] = { { ".text", G_GUINT64_CONSTANT (0xffffffffffffff80) } };
  static const HsSectionAddress twice[] = { { ".text", TEXT_A }, { ".text", TEXT_B } };
  static const HsSectionAddress unnamed[] = { { ".text", TEXT_A }, { NULL, TEXT_B } };
  static const HsSectionAddress debug[] = { { ".debug_info", TEXT_A }, { ".symtab", 1 } };
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    return;
  g_assert_null (hs_symbol_file_load_relocated (path, top, 1, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "past the top of the address space"));
  g_clear_error (&error);
  g_assert_null (hs_symbol_file_load_relocated (path, twice, 2, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "gives .text two addresses"));
  g_clear_error (&error);
  g_assert_null (hs_symbol_file_load_relocated (path, unnamed, 2, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
  g_clear_error (&error);

  /* Sections that are not allocated are not placed: the map cannot move the DWARF. */
  file = hs_symbol_file_load_relocated (path, debug, 2, &error);
  g_assert_no_error (error);
  text = hs_symbol_file_describe (file);
  g_assert_nonnull (strstr (text, "(ignored): .debug_info, .symtab"));
  g_assert_true (hs_symbol_file_get_type_size (file, "struct reloc_device", NULL, &error));
  g_assert_no_error (error);
}

/* A relocation that writes over a range list header (what fuzz-elf found): libdwarf must not
 * see the header, neither in the plain load, nor placed. */
static void
test_hostile_list_header (void)
{
  g_auto(Copy) copy;
  Elf64_Rela *r;

  if (!copy_init (&copy))
    return;
  r = rela (&copy, ".rela.debug_rnglists", 0);
  g_assert_cmpuint (ELF64_R_TYPE (r->r_info), ==, R_AARCH64_ABS64);
  r->r_offset = 0;
  for (guint placed = 0; placed < 2; placed++)
    {
      g_autoptr(HsSymbolFile) file = NULL;
      g_autoptr(GError) error = NULL;

      g_file_set_contents (copy.path, (const char *) copy.bytes, copy.size, &error);
      g_assert_no_error (error);
      file = placed ? hs_symbol_file_load_relocated (copy.path, placement_a,
                                                     G_N_ELEMENTS (placement_a), &error)
                    : hs_symbol_file_load (copy.path, &error);
      g_assert_no_error (error);
      g_assert_false (hs_symbol_file_index (file, NULL, NULL, NULL, &error));
      g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
      g_test_message ("%s", error->message);
      /* Symbols still answer. */
      g_assert_true (hs_symbol_file_lookup (file, "reloc_probe", NULL));
    }
}

/* Every kind of prefix of the file: an error or a load, never a crash. */
static void
test_hostile_truncated (void)
{
  g_auto(Copy) copy;
  gsize sizes[] = { 1, 4, 17, 63, 64, 65, 200, 0, 0, 0, 0 };

  if (!copy_init (&copy))
    return;
  sizes[7] = copy.size / 2;
  sizes[8] = ((const Elf64_Ehdr *) copy.bytes)->e_shoff + 10;
  sizes[9] = copy.size - 1;
  sizes[10] = shdr (&copy, section (&copy, ".rela.debug_info"))->sh_offset + 30;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(HsSymbolFile) file = NULL;
      g_autoptr(GError) error = NULL;

      file = copy_load (&copy, sizes[i], &error);
      g_assert_true ((file == NULL) != (error == NULL));
      if (file != NULL)
        {
          g_autofree char *text = hs_symbol_file_describe (file);
          g_auto(HsSymbolInfo) info = { 0 };

          hs_symbol_file_get_function (file, "reloc_probe", &info, NULL);
        }
      else
        g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", sizes[i], error->message);
      if (sizes[i] < copy.size / 2)
        g_assert_null (file);
    }
}

/* A file too big to copy into memory is refused before anything is read. */
static void
test_too_big (void)
{
  g_auto(Copy) copy;
  g_autoptr(GError) error = NULL;
  int fd;

  if (!copy_init (&copy))
    return;
  g_file_set_contents (copy.path, (const char *) copy.bytes, copy.size, &error);
  g_assert_no_error (error);
  fd = g_open (copy.path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 600 << 20), ==, 0);   /* sparse */
  close (fd);
  g_assert_null (hs_symbol_file_load_relocated (copy.path, placement_a, 1, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "600 MiB"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Each case indexes afresh: no cache file written by one is read by another. */
  g_setenv ("HYPERSCOPE_NO_INDEX_CACHE", "1", TRUE);

  g_test_add_data_func ("/Hs/Symbols/relocated/dwarf4", &dwarf4, test_placed);
  g_test_add_data_func ("/Hs/Symbols/relocated/dwarf5", &dwarf5, test_placed);
  g_test_add_func ("/Hs/Symbols/relocated/text-only", test_text_only);
  g_test_add_func ("/Hs/Symbols/relocated/linked", test_linked);
  g_test_add_func ("/Hs/Symbols/relocated/async", test_async);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/offset", test_hostile_offset);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/symbol", test_hostile_symbol);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/sections", test_hostile_sections);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/counted", test_hostile_counted);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/map", test_hostile_map);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/list-header", test_hostile_list_header);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/truncated", test_hostile_truncated);
  g_test_add_func ("/Hs/Symbols/relocated/hostile/too-big", test_too_big);

  return g_test_run ();
}
