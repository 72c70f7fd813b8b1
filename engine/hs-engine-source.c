/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-source.c: addresses to source lines and back, in a machine's
 * symbols, and where those sources are on this computer.
 */
#include "config.h"

#include "hs-engine-private.h"

#include <string.h>

HsSourcePathMap *
hs_engine_get_source_path_map (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->source_paths;
}

gboolean
hs_engine_lookup_line (HsEngine  *self,
                       guint      machine,
                       guint64    space,
                       guint64    address,
                       char     **file,
                       guint     *line)
{
  g_autoptr(GPtrArray) bindings = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  /* The process's own file first, then the kernel's. */
  bindings = hs_engine_get_bindings (self, machine);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < bindings->len; i++)
      {
        const HsBinding *b = g_ptr_array_index (bindings, i);

        if (b->space != (pass == 0 ? space : 0) || (pass == 1 && space == 0))
          continue;
        if (address >= b->offset
            && hs_symbol_file_address_to_line (b->file, address - b->offset, file, line, NULL))
          return TRUE;
      }
  return FALSE;
}

/* Where the function @name of @machine is declared (its DW_AT_decl_file and decl_line): the
 * line a listing starts the function with. Blocking (DWARF). */
gboolean
hs_engine_lookup_function_line (HsEngine    *self,
                                guint        machine,
                                guint64      space,
                                const char  *name,
                                char       **file,
                                guint       *line)
{
  g_autoptr(GPtrArray) bindings = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  bindings = hs_engine_get_bindings (self, machine);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < bindings->len; i++)
      {
        const HsBinding *b = g_ptr_array_index (bindings, i);
        g_auto(HsSymbolInfo) info = { 0 };

        if (b->space != (pass == 0 ? space : 0) || (pass == 1 && space == 0))
          continue;
        if (hs_symbol_file_get_function (b->file, name, &info, NULL) && info.decl_file != NULL
            && info.decl_line > 0)
          {
            *file = g_steal_pointer (&info.decl_file);
            *line = info.decl_line;
            return TRUE;
          }
      }
  return FALSE;
}

gboolean
hs_engine_line_to_address (HsEngine    *self,
                           guint        machine,
                           const char  *file,
                           guint        line,
                           guint64     *address,
                           guint       *actual_line,
                           GError     **error)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GError) first = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  bindings = hs_engine_get_bindings (self, machine);
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsBinding *b = g_ptr_array_index (bindings, i);
      g_autoptr(GError) local = NULL;
      guint64 a;

      if (hs_symbol_file_line_to_address (b->file, file, line, &a, actual_line, &local))
        {
          *address = a + b->offset;
          return TRUE;
        }
      if (first == NULL)
        first = g_steal_pointer (&local);
    }
  if (first != NULL)
    g_propagate_error (error, g_steal_pointer (&first));
  else
    g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                 "machine %u has no symbols to find %s:%u in", machine, file, line);
  return FALSE;
}

GStrv
hs_engine_complete_function (HsEngine   *self,
                             guint       machine,
                             const char *prefix,
                             guint       max)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *pattern = NULL;
  guint added = 0;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  /* The pattern language's own wildcards are not part of a name being typed. */
  if (prefix == NULL || strpbrk (prefix, "*?") != NULL)
    return g_strv_builder_end (builder);
  pattern = g_strconcat (prefix, "*", NULL);
  bindings = hs_engine_get_bindings (self, machine);
  for (guint i = 0; i < bindings->len && added < max; i++)
    {
      const HsBinding *b = g_ptr_array_index (bindings, i);
      guint n = 0;
      g_autoptr(GArray) found = hs_symbol_file_match (b->file, pattern, max, &n);

      for (guint k = 0; found && k < found->len && added < max; k++)
        {
          const HsSymbol *sym = &g_array_index (found, HsSymbol, k);

          if (sym->kind == HS_SYMBOL_FUNCTION)
            {
              g_strv_builder_add (builder, sym->name);
              added++;
            }
        }
    }
  return g_strv_builder_end (builder);
}
