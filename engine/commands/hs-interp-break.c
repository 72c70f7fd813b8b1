/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-break.c: Break.Set, Break.List, Break.Delete, Break.Enable and
 * Break.Disable.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

/* An address names its machine (2:::func); /MACHINE n lends its machine to one that does not. */
static gboolean
resolve_location (Call       *call,
                  const char *text,
                  HsAddress  *address)
{
  const char *machine = hs_call_option (call, "MACHINE");
  g_autofree char *scoped = NULL;
  GError *error = NULL;

  if (machine != NULL && strstr (text, ":::") == NULL
      && g_ascii_strncasecmp (text, "A:", 2) != 0)
    {
      guint64 v;

      if (!hs_call_eval_number (call, machine, "/MACHINE", &v))
        return FALSE;
      text = scoped = g_strdup_printf ("%" G_GUINT64_FORMAT ":::%s", v, text);
    }
  if (!hs_interp_resolve_address_in (call->interp, call->memory, text, address, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

static char *
format_breakpoint (HsBreakpoint *bp)
{
  g_autofree char *where = hs_address_format (hs_breakpoint_get_address (bp));
  g_autofree char *scope = hs_breakpoint_describe_scope (bp);
  const char *symbol = hs_breakpoint_get_symbol (bp);

  g_autofree char *count = hs_breakpoint_get_count (bp) > 1
    ? g_strdup_printf (", count %u/%u", hs_breakpoint_get_passes (bp), hs_breakpoint_get_count (bp))
    : g_strdup ("");

  g_autofree char *cond = hs_breakpoint_get_condition (bp)
    ? g_strdup_printf (", if %s", hs_breakpoint_get_condition (bp)) : g_strdup ("");

  return g_strdup_printf ("%3u %-3s %-8s %s%s%s  [%s%s]  hits %u, filtered %u%s",
                          hs_breakpoint_get_id (bp),
                          hs_breakpoint_get_enabled (bp) ? "on" : "off",
                          hs_breakpoint_get_kind (bp) == HS_BREAKPOINT_HARDWARE ? "onchip"
                                                                                : "program",
                          where, symbol ? "  " : "", symbol ? symbol : "", scope, cond,
                          hs_breakpoint_get_hits (bp), hs_breakpoint_get_filtered_hits (bp),
                          count);
}

static void
cmd_break_set (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  const char *text = g_ptr_array_index (call->args, 0);
  const char *task_text = hs_call_option (call, "TASK");
  HsBreakpointType kind = hs_call_option (call, "Onchip") ? HS_BREAKPOINT_HARDWARE
                                                          : HS_BREAKPOINT_SOFTWARE;
  HsAddress address;
  HsTask *task = NULL;
  HsBreakpoint *bp;
  GError *error = NULL;
  gint machine_scope = -1;
  gint task_pid = -1;
  const char *task_name = NULL;
  guint64 count = 0;
  const char *condition;
  g_autofree char *line = NULL;

  if (hs_call_option (call, "Onchip") && hs_call_option (call, "Program"))
    {
      hs_call_fail (call, "Break.Set: /Program and /Onchip exclude each other");
      return;
    }
  if (!resolve_location (call, text, &address))
    return;
  if (hs_call_option (call, "MACHINE") != NULL)
    {
      guint machine;
      gboolean given;

      if (!hs_call_get_machine_option (call, &machine, &given))
        return;
      machine_scope = (gint) machine;
    }
  if (task_text != NULL)
    {
      /* Tasks are known from the last halt's walk; before it (a restored session), the task
       * is kept as given and matched when the breakpoint hits. */
      if (g_list_model_get_n_items (hs_engine_get_tasks (engine)) == 0)
        {
          guint64 pid;

          if (g_ascii_isdigit (task_text[0]))
            {
              if (!hs_call_eval_number (call, task_text, "/TASK", &pid))
                return;
              if (pid > G_MAXINT)
                {
                  hs_call_fail (call, "Break.Set: /TASK %s is not a pid", task_text);
                  return;
                }
              task_pid = (gint) pid;
            }
          else
            task_name = task_text;
        }
      else
        {
          /* The task is one of the address's machine, unless /MACHINE names another. */
          task = hs_engine_find_task (engine, machine_scope >= 0 ? (guint) machine_scope
                                                                 : address.machine,
                                      task_text, &error);
          if (task == NULL)
            {
              g_prefix_error (&error, "Break.Set: ");
              hs_call_return (call, error);
              return;
            }
          task_pid = hs_task_get_pid (task);
          task_name = hs_task_get_name (task);
          if (machine_scope >= 0 && (guint) machine_scope != hs_task_get_machine (task))
            {
              hs_call_fail (call, "Break.Set: task %s runs in machine %u, not %d", task_name,
                            hs_task_get_machine (task), machine_scope);
              return;
            }
          machine_scope = (gint) hs_task_get_machine (task);
        }
    }
  if (hs_call_option (call, "COUNT") != NULL)
    {
      if (!hs_call_eval_number (call, hs_call_option (call, "COUNT"), "/COUNT", &count))
        return;
      if (count == 0 || count > G_MAXUINT)
        {
          hs_call_fail (call, "Break.Set: /COUNT must be 1 or more");
          return;
        }
    }
  condition = hs_call_option (call, "CONDition");
  if (condition != NULL
      && !hs_engine_check_condition (engine, machine_scope >= 0 ? (guint) machine_scope
                                                                : address.machine,
                                     condition, &error))
    {
      g_prefix_error (&error, "Break.Set: /CONDition %s: ", condition);
      hs_call_return (call, error);
      return;
    }
  bp = hs_engine_add_breakpoint (engine, &address, text, kind, machine_scope, task_pid, task_name,
                                 &error);
  if (bp == NULL)
    {
      g_prefix_error (&error, "Break.Set: ");
      hs_call_return (call, error);
      return;
    }
  hs_breakpoint_set_count (bp, (guint) count);
  hs_breakpoint_set_condition (bp, condition);
  line = format_breakpoint (bp);
  g_string_append_printf (call->out, "breakpoint %s\n", line);
  if (hs_engine_get_state (engine) == HS_ENGINE_STATE_RUNNING)
    g_string_append (call->out, "(planted while the target runs)\n");
  hs_call_return (call, NULL);
}

static void
cmd_break_list (Call *call)
{
  GListModel *bps = hs_engine_get_breakpoints (hs_call_engine (call));
  guint n = g_list_model_get_n_items (bps);

  if (n == 0)
    g_string_append (call->out, "no breakpoints\n");
  else
    g_string_append (call->out, " id     type     address  symbol  [scope]  hits\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      g_autofree char *line = format_breakpoint (bp);

      g_string_append_printf (call->out, "%s\n", line);
    }
  hs_call_return (call, NULL);
}

/* The breakpoints a command names: /Id n, an address, or (with neither) all of them. */
static GPtrArray *
select_breakpoints (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *bps = hs_engine_get_breakpoints (engine);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);
  const char *id_text = hs_call_option (call, "Id");
  gboolean have_address = call->args->len > 0;
  HsAddress address = { 0 };
  guint64 id = 0;

  if (id_text != NULL && !hs_call_eval_number (call, id_text, "/Id", &id))
    goto fail;
  if (have_address && !resolve_location (call, g_ptr_array_index (call->args, 0), &address))
    goto fail;
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      if (id_text != NULL && hs_breakpoint_get_id (bp) != id)
        continue;
      if (have_address && (a->offset != address.offset || a->machine != address.machine))
        continue;
      g_ptr_array_add (found, g_steal_pointer (&bp));
    }
  if (found->len == 0 && (id_text != NULL || have_address))
    {
      hs_call_fail (call, "%s: no breakpoint %s%s", call->spec->name,
                    id_text ? "with id " : "at ",
                    id_text ? id_text : (const char *) g_ptr_array_index (call->args, 0));
      goto fail;
    }
  return found;

fail:
  g_ptr_array_unref (found);
  return NULL;
}

static void
cmd_break_delete (Call *call)
{
  g_autoptr(GPtrArray) found = select_breakpoints (call);

  if (found == NULL)
    return;
  for (guint i = 0; i < found->len; i++)
    hs_engine_remove_breakpoint (hs_call_engine (call), g_ptr_array_index (found, i));
  g_string_append_printf (call->out, "%u breakpoint%s deleted\n", found->len,
                          found->len == 1 ? "" : "s");
  hs_call_return (call, NULL);
}

static void
set_enabled (Call     *call,
             gboolean  enabled)
{
  g_autoptr(GPtrArray) found = select_breakpoints (call);

  if (found == NULL)
    return;
  for (guint i = 0; i < found->len; i++)
    hs_breakpoint_set_enabled (g_ptr_array_index (found, i), enabled);
  g_string_append_printf (call->out, "%u breakpoint%s %s\n", found->len,
                          found->len == 1 ? "" : "s", enabled ? "enabled" : "disabled");
  hs_call_return (call, NULL);
}

static void
cmd_break_enable (Call *call)
{
  set_enabled (call, TRUE);
}

static void
cmd_break_disable (Call *call)
{
  set_enabled (call, FALSE);
}

static const OptionSpec break_set_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE, TRUE },
                                                { "Program", FALSE }, { "Onchip", FALSE },
                                                { "COUNT", TRUE }, { "CONDition", TRUE },
                                                { NULL } };
static const OptionSpec break_select_options[] = { { "Id", TRUE }, { "MACHINE", TRUE },
                                                   { NULL } };

const CommandSpec hs_break_commands[] = {
  { "Break.Set",
    "Break.Set address [/MACHINE n] [/TASK name|pid] [/Program|/Onchip] [/COUNT n] "
    "[/CONDition expr]",
    "a breakpoint at any address form, for one machine or one task", 1, 1, break_set_options,
    cmd_break_set, .needs_tasks = TRUE },
  { "Break.List", "Break.List", "the breakpoints, their scopes and hits", 0, 0, NULL,
    cmd_break_list },
  { "Break.Delete", "Break.Delete [address] [/Id n]",
    "delete breakpoints (all of them without an address or id)", 0, 1, break_select_options,
    cmd_break_delete },
  { "Break.ENable", "Break.ENable [address] [/Id n]", "enable breakpoints", 0, 1,
    break_select_options, cmd_break_enable },
  { "Break.DISable", "Break.DISable [address] [/Id n]", "disable breakpoints", 0, 1,
    break_select_options, cmd_break_disable },
  { NULL }
};
