/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-listing.c: instructions mixed with function names and source lines.
 *
 * Runs in whatever thread calls it (a view's render thread, a command's
 * GTask thread); everything it uses is safe there: symbol lookups and the
 * source path map lock for themselves, and the files it reads are its own.
 */
#define G_LOG_DOMAIN "hs-listing"

#include "config.h"

#include "hs-listing.h"

#include "hs-source-path.h"

#include <glib/gstdio.h>
#include <string.h>

/* A source file bigger than this is not a C file anyone wrote by hand. */
#define MAX_SOURCE_BYTES (16u << 20)
/* A jump forward this short in one file shows the lines in between. */
#define MAX_GAP_LINES 6u

void
hs_listing_line_clear (HsListingLine *line)
{
  g_clear_pointer (&line->text, g_free);
  g_clear_pointer (&line->file, g_free);
  g_clear_pointer (&line->symbol, g_free);
  g_clear_pointer (&line->target, g_free);
  if (line->kind == HS_LISTING_INSTRUCTION && line->readable)
    hs_instruction_clear (&line->insn);
}

/* The lines of @file as DWARF names it, read once per listing; NULL if it is not here. */
static GStrv
source_file (HsEngine   *engine,
             GHashTable *files,
             const char *file)
{
  GStrv lines = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;

  if (g_hash_table_lookup_extended (files, file, NULL, (gpointer *) &lines))
    return lines;
  path = hs_source_path_map_resolve (hs_engine_get_source_path_map (engine), NULL, file, NULL);
  if (path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode)
      && st.st_size <= MAX_SOURCE_BYTES && g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (contents, -1);

      lines = g_strsplit (valid, "\n", -1);
    }
  g_hash_table_insert (files, g_strdup (file), lines);
  return lines;
}

static void
add_source (HsEngine   *engine,
            GHashTable *files,
            GArray     *out,
            guint64     address,
            const char *file,
            guint       line)
{
  GStrv lines = source_file (engine, files, file);
  HsListingLine l = { HS_LISTING_SOURCE, address };

  l.file = g_strdup (file);
  l.line = line;
  l.text = lines != NULL && line > 0 && line <= g_strv_length (lines)
    ? g_strstrip (g_strdup (lines[line - 1])) : g_strdup ("");
  g_array_append_val (out, l);
}

/* Whether two names the compiler gave one file agree (a decl_file may be spelt longer). */
static gboolean
same_file (const char *a,
           const char *b)
{
  gsize la, lb;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  if (la < lb)
    return same_file (b, a);
  return strcmp (a + la - lb, b) == 0 && (la == lb || a[la - lb - 1] == '/');
}

GArray *
hs_listing_build (HsEngine      *engine,
                  guint          machine,
                  guint64        space,
                  guint64        base,
                  const guint8  *code,
                  const guint8  *valid,
                  gsize          len,
                  gboolean       mix,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GArray) insns = NULL;
  g_autoptr(GArray) out = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *last_file = NULL;
  guint last_line = 0;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  insns = hs_disasm_arm64 (code, len, base, error);
  if (insns == NULL)
    return NULL;
  out = g_array_new (FALSE, TRUE, sizeof (HsListingLine));
  g_array_set_clear_func (out, (GDestroyNotify) hs_listing_line_clear);
  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);

  for (guint i = 0; i < insns->len; i++)
    {
      HsInstruction *insn = &g_array_index (insns, HsInstruction, i);
      gsize at = insn->address - base;
      g_autofree char *file = NULL;
      guint line = 0;
      HsListingLine l = { HS_LISTING_INSTRUCTION, insn->address };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      l.symbol = hs_engine_symbolize (engine, machine, space, insn->address);
      /* A function's first instruction gets its name as a label; mixed, the source starts
       * where the function is declared, as its first line (the "{") says nothing. */
      if (l.symbol != NULL && strchr (l.symbol, '+') == NULL)
        {
          HsListingLine label = { HS_LISTING_SYMBOL, insn->address };
          g_autofree char *decl_file = NULL;
          guint decl_line = 0;

          label.text = g_strdup (l.symbol);
          g_array_append_val (out, label);
          if (mix && hs_engine_lookup_function_line (engine, machine, space, l.symbol,
                                                     &decl_file, &decl_line))
            {
              g_free (last_file);
              last_file = g_steal_pointer (&decl_file);
              last_line = decl_line;
              add_source (engine, files, out, insn->address, last_file, last_line);
              g_hash_table_add (shown, g_strdup_printf ("%u:%s", last_line, last_file));
            }
        }
      if (mix && hs_engine_lookup_line (engine, machine, space, insn->address, &file, &line)
          && (line != last_line || !same_file (file, last_file)))
        {
          /* Lines a little further on in the same file: show the ones between too (the rest
           * of a declaration, a comment), as gdb's disassemble /s does. */
          guint from = same_file (file, last_file) && line > last_line
                       && line - last_line <= MAX_GAP_LINES ? last_line + 1 : line;

          for (guint n = from; n <= line; n++)
            {
              g_autofree char *key = g_strdup_printf ("%u:%s", n, file);

              /* In-between lines once; the line the code is on every time it comes back. */
              if (n == line || !g_hash_table_contains (shown, key))
                add_source (engine, files, out, insn->address, file, n);
              g_hash_table_add (shown, g_steal_pointer (&key));
            }
          g_free (last_file);
          last_file = g_strdup (file);
          last_line = line;
        }
      l.readable = at + 4 <= len && valid[at] && valid[at + 1] && valid[at + 2] && valid[at + 3];
      if (l.readable)
        {
          if (insn->is_branch)
            l.target = hs_engine_symbolize (engine, machine, space, insn->target);
          /* The line takes the instruction's strings from the array. */
          l.insn = *insn;
          insn->mnemonic = insn->operands = NULL;
        }
      g_array_append_val (out, l);
    }
  return g_steal_pointer (&out);
}
