/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-session.c: the session as a script of commands.
 *
 * A saved session is what the user did, written in the command language:
 * the symbol files bound to each machine, the source path translations and
 * the breakpoints. Running it (DO) brings a new Hyperscope to the same
 * place; a person can read and edit it, as TRACE32's STOre files.
 */
#include "config.h"

#include "hs-engine-private.h"

static char *
quote (const char *text)
{
  GString *out = g_string_new ("\"");

  /* The tokenizer has no escapes: a path with a quote in it cannot be written. */
  for (const char *p = text; *p; p++)
    if (*p != '"')
      g_string_append_c (out, *p);
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
hs_engine_save_session (HsEngine *self)
{
  GString *out;
  GListModel *machines;
  GListModel *bps;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "; Hyperscope session, saved %s. Run it with DO.\n", when);
  /* A symbol file that has gone must not cost the breakpoints after it. */
  g_string_append (out, "ON ERROR CONTinue\n");

  machines = hs_engine_get_machines (self);
  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      guint id = hs_machine_get_id (m);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), id);

      for (guint k = 0, written = 0; k < bindings->len; k++)
        {
          const HsSymbolBinding *b = g_ptr_array_index (bindings, k);
          g_autofree char *path = NULL;

          /* A module's file is bound where the guest placed it this boot: autoload binds it
           * again from the search path below, wherever the next boot puts it. */
          if (b->module != NULL)
            continue;
          path = quote (hs_symbol_file_get_path (b->file));
          /* A KASLR slide found at a halt changes at every boot: only the user's is kept. */
          g_string_append_printf (out, "Data.LOAD.Elf %s %u:::0x%" G_GINT64_MODIFIER "x::0x%"
                                  G_GINT64_MODIFIER "x /NoCODE", path, id, b->space,
                                  b->user_offset ? b->offset : 0);
          if (written++ == 0 && hs_machine_get_name (m) != NULL)
            g_string_append_printf (out, " /Name %s", hs_machine_get_name (m));
          g_string_append_c (out, '\n');
        }
    }
  {
    g_auto(GStrv) module_paths = hs_engine_get_module_paths_for_session (self);

    for (guint i = 0; module_paths[i]; i++)
      g_string_append_printf (out, "%s\n", module_paths[i]);
    if (!hs_engine_get_module_autoload (self))
      g_string_append (out, "sYmbol.AutoLOAD.OFF\n");
  }

  paths = hs_source_path_map_to_strv (hs_symbol_scope_get_source_paths (self->symbols));
  for (guint i = 0; paths[i]; i++)
    {
      /* Entries are "from=to" with '=' and '\' escaped; split at the first bare '='. */
      GString *from = g_string_new (NULL);
      const char *p = paths[i];
      g_autofree char *qfrom = NULL;
      g_autofree char *qto = NULL;
      GString *to = g_string_new (NULL);
      gboolean in_to = FALSE;

      for (; *p; p++)
        {
          if (*p == '\\' && p[1])
            g_string_append_c (in_to ? to : from, *++p);
          else if (*p == '=' && !in_to)
            in_to = TRUE;
          else
            g_string_append_c (in_to ? to : from, *p);
        }
      qfrom = quote (from->str);
      qto = quote (to->str);
      g_string_append_printf (out, "sYmbol.SourcePATH.Translate %s %s\n", qfrom, qto);
      g_string_free (from, TRUE);
      g_string_free (to, TRUE);
    }

  bps = hs_breakpoint_list_get_model (self->breakpoints);
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      /* By address, not by the name typed: the name may have meant another machine then. */
      g_string_append_printf (out, "Break.Set %u:::0x%" G_GINT64_MODIFIER "x::0x%"
                              G_GINT64_MODIFIER "x", a->machine, a->space, a->offset);
      if (hs_breakpoint_get_machine_scope (bp) >= 0)
        g_string_append_printf (out, " /MACHINE %d.", hs_breakpoint_get_machine_scope (bp));
      /* A name outlives a restart of the guest; a pid does not. */
      if (hs_breakpoint_get_task_name (bp) != NULL)
        g_string_append_printf (out, " /TASK %s", hs_breakpoint_get_task_name (bp));
      else if (hs_breakpoint_get_task_pid (bp) >= 0)
        g_string_append_printf (out, " /TASK %d.", hs_breakpoint_get_task_pid (bp));
      if (hs_breakpoint_get_kind (bp) == HS_BREAKPOINT_HARDWARE)
        g_string_append (out, " /Onchip");
      if (hs_breakpoint_get_count (bp) > 1)
        g_string_append_printf (out, " /COUNT %u.", hs_breakpoint_get_count (bp));
      if (hs_breakpoint_get_condition (bp) != NULL)
        g_string_append_printf (out, " /CONDition %s", hs_breakpoint_get_condition (bp));
      g_string_append_c (out, '\n');
      if (!hs_breakpoint_get_enabled (bp))
        g_string_append_printf (out, "Break.DISable %u:::0x%" G_GINT64_MODIFIER "x\n",
                                a->machine, a->offset);
    }
  return g_string_free (out, FALSE);
}
