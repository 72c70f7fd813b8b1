/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-elf.c: the ELF and DWARF loader on a file the input is, then every
 * query a session makes of one: symbols by name and by address, type sizes,
 * member paths, variables and functions (whose types are spelled), lines
 * both ways, with and without .debug_aranges, and call-frame rules. The
 * names asked for are those of symbols-sample.c and linux-sample.c, which
 * the seeds are built from, and those the input's own symbol table holds.
 *
 * Each input is loaded twice: as a plain file, and as a relocatable one (a
 * kernel module) placed at a fixed section map, which relocates a copy of
 * it first (hs-elf-reloc.c) and then asks the same questions of that. An
 * input that is not ET_REL is refused by the second quickly; the module
 * seeds (module-dwarf4, module-dwarf5: tests/engine/reloc-sample.c built
 * -c) are what reach the relocation.
 *
 * A symbol file loads from a path, so each input is written to a memfd and
 * loaded as /proc/self/fd/N. The on-disk index cache is turned off: it
 * would write a file per input, and it is input of its own.
 */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hs-symbol-file.h"

/* Bounds per input, so that a symbol table of thousands of names stays a quick run. */
#define MAX_SYMBOLS 48
#define MAX_TYPE_NAMES 64

static const char *const type_names[] = {
  "sample", "struct sample", "sample_t", "sample_cv_t", "struct sample_inner", "sample_u32",
  "union sample", "int", "char", "task_struct", "struct list_head", "mm_struct", "pid_t",
  "struct ", "", "enum sample", "hostile",
};

static const struct { const char *type, *path; } members[] = {
  { "sample", "id" },
  { "sample", "flags" },
  { "sample", "cookie" },
  { "sample", "level" },
  { "sample", "name[3]" },
  { "sample", "inner.b" },
  { "sample", "ready" },
  { "sample", "level2" },
  { "sample", "matrix[1][2]" },
  { "sample", "next" },
  { "sample_cv_t", "inner.a" },
  { "sample", "inner..b" },
  { "sample", "matrix[9]" },
  { "task_struct", "tasks.next" },
  { "task_struct", "comm[3]" },
  { "task_struct", "thread.cpu_context.pc" },
  { "task_struct", "thread_info.cpu" },
  { "mm_struct", "context.id" },
};

static void
progress (double      fraction,
          const char *what,
          gpointer    user_data)
{
}

/* Sizes of the type a variable or function is spelled with, and of what it points at. */
static void
ask_type (HsSymbolFile *file,
          const char   *type_name,
          GHashTable   *asked)
{
  guint64 size;

  if (type_name == NULL || g_hash_table_size (asked) >= MAX_TYPE_NAMES
      || !g_hash_table_add (asked, g_strdup (type_name)))
    return;
  hs_symbol_file_get_type_size (file, type_name, &size, NULL);
}

static void
ask_symbol (HsSymbolFile   *file,
            const HsSymbol *sym,
            GHashTable     *asked)
{
  g_auto(HsSymbolInfo) info = { 0 };
  g_autofree char *path = NULL;
  HsFrameRule rule;
  HsSymbol found;
  guint64 offset;
  guint line;

  hs_symbol_file_lookup (file, sym->name, &found);
  hs_symbol_file_lookup_address (file, sym->address, &found, &offset);
  if (sym->size > 0)
    hs_symbol_file_lookup_address (file, sym->address + sym->size - 1, &found, &offset);
  if (sym->kind == HS_SYMBOL_FUNCTION
      ? hs_symbol_file_get_function (file, sym->name, &info, NULL)
      : hs_symbol_file_get_variable (file, sym->name, &info, NULL))
    ask_type (file, info.type_name, asked);
  if (hs_symbol_file_address_to_line (file, sym->address, &path, &line, NULL))
    {
      guint64 address;
      guint actual;

      hs_symbol_file_line_to_address (file, path, line, &address, &actual, NULL);
    }
  if (sym->kind == HS_SYMBOL_FUNCTION)
    {
      hs_symbol_file_get_frame_rule (file, sym->address, &rule, NULL);
      hs_symbol_file_get_frame_rule (file, sym->address + 8, &rule, NULL);
    }
}

/* Where the second load places a module's sections: .bss near the top of the address space,
 * so that a size the fuzzer grows runs into the check that it does not wrap. */
static const HsSectionAddress placement[] = {
  { ".text", G_GUINT64_CONSTANT (0xffff800001000000) },
  { ".init.text", G_GUINT64_CONSTANT (0xffff800001100000) },
  { ".data", G_GUINT64_CONSTANT (0xffff800001200000) },
  { ".rodata", G_GUINT64_CONSTANT (0xffff800001300000) },
  { ".data.rel.local", G_GUINT64_CONSTANT (0xffff800001400000) },
  { ".eh_frame", G_GUINT64_CONSTANT (0xffff800001500000) },
  { ".bss", G_GUINT64_CONSTANT (0xffffffffffff0000) },
};

static void
explore (HsSymbolFile *file)
{
  g_autoptr(GHashTable) asked = NULL;
  g_autoptr(GArray) symbols = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  text = hs_symbol_file_describe (file);
  hs_symbol_file_index (file, progress, NULL, NULL, NULL);
  asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  symbols = hs_symbol_file_match (file, "*", MAX_SYMBOLS, &n);
  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    ask_symbol (file, &g_array_index (symbols, HsSymbol, i), asked);
  hs_symbol_file_lookup_address (file, 0, NULL, NULL);
  hs_symbol_file_lookup_address (file, G_MAXUINT64, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    ask_type (file, type_names[i], asked);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_auto(HsMember) member = { 0 };

      if (hs_symbol_file_member_full (file, members[i].type, members[i].path, &member, NULL))
        ask_type (file, member.type_name, asked);
    }

  for (guint line = 1; line <= 50; line += 7)
    {
      guint64 address;
      guint actual;

      hs_symbol_file_line_to_address (file, "symbols-sample.c", line, &address, &actual, NULL);
      hs_symbol_file_line_to_address (file, "reloc-sample.c", line, &address, &actual, NULL);
    }

  /* The same lines found through each unit's own ranges. */
  hs_symbol_file_set_use_aranges (file, FALSE);
  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    {
      g_autofree char *source = NULL;
      guint line;

      hs_symbol_file_address_to_line (file, g_array_index (symbols, HsSymbol, i).address,
                                      &source, &line, NULL);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(HsSymbolFile) file = NULL;
  g_autofree char *path = NULL;
  gsize written = 0;
  int fd;

  g_setenv ("HYPERSCOPE_NO_INDEX_CACHE", "1", TRUE);
  fd = memfd_create ("fuzz-elf", MFD_CLOEXEC);
  if (fd < 0)
    g_error ("memfd_create: %s", g_strerror (errno));
  while (written < size)
    {
      ssize_t w = write (fd, data + written, size - written);

      if (w <= 0)
        g_error ("write: %s", g_strerror (errno));
      written += (gsize) w;
    }
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  file = hs_symbol_file_load (path, NULL);
  if (file != NULL)
    explore (file);
  g_clear_object (&file);

  file = hs_symbol_file_load_relocated (path, placement, G_N_ELEMENTS (placement), NULL);
  if (file != NULL)
    explore (file);
  g_clear_object (&file);
  close (fd);
  return 0;
}
