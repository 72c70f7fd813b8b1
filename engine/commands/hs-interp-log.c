/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-log.c: the kernel logs: TASK.DMESG.
 *
 * A guest's lines are printed as `dmesg -r` prints them, which is what its console printed with
 * the syslog priority in front: "<6>[    1.234567] text" (<facility * 8 + level>: <6> is
 * KERN_INFO from the kernel, <14> a line user space wrote to /dev/kmsg). Each line of a record
 * that holds several gets the record's prefix, as on the console. Machine 0 prints Xen's console
 * ring as Xen wrote it: "(XEN) ...", the guests' console output through Xen included
 * ("(XEN) DOM2: ..."). The lines added since the log was read at an earlier halt follow one
 * marker line; what could not be read is said first.
 *
 * Main thread only, like the rest of the interpreter.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#define NEW_MARKER "── new since the last halt ──"

typedef struct
{
  guint64 last;                 /* /Last n: at most this many lines; 0: all */
} Dmesg;

static void
log_ready (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  Dmesg *d = call->state;
  GError *error = NULL;
  g_autoptr(HsLog) log = hs_engine_read_log_finish (HS_ENGINE (object), result, &error);
  guint n, first, first_new;

  if (log == NULL)
    {
      hs_call_return (call, error);
      return;
    }
  n = hs_log_get_n_lines (log);
  first = d->last != 0 && d->last < n ? n - (guint) d->last : 0;
  first_new = hs_log_get_first_new (log);
  if (hs_log_get_warning (log) != NULL)
    g_string_append_printf (call->out, "note: %s\n", hs_log_get_warning (log));
  if (n == 0)
    g_string_append_printf (call->out, "(%s is empty: %s)\n",
                            hs_log_is_hypervisor (log) ? "Xen's console ring"
                                                       : "the kernel log",
                            hs_log_get_source (log));
  for (guint i = first; i < n; i++)
    {
      g_autofree char *text = hs_log_format_line (log, i);

      if (i == first_new)
        g_string_append (call->out, NEW_MARKER "\n");
      g_string_append_printf (call->out, "%s\n", text);
    }
  hs_call_return (call, NULL);
}

static void
cmd_task_dmesg (Call *call)
{
  const char *last = hs_call_option (call, "Last");
  Dmesg *d;
  guint machine;
  gboolean given;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_machine_option (call, &machine, &given))
    return;
  d = hs_call_new_state (call, Dmesg, NULL);
  if (last != NULL)
    {
      if (!hs_call_eval_number (call, last, "/Last", &d->last))
        return;
      if (d->last == 0)
        {
          hs_call_fail (call, "TASK.DMESG: /Last %s shows nothing; give a number of lines", last);
          return;
        }
    }
  hs_engine_read_log_async (hs_call_engine (call), machine, g_task_get_cancellable (call->task),
                            log_ready, call);
}

static const OptionSpec dmesg_options[] = { { "MACHINE", TRUE }, { "Last", TRUE }, { NULL } };

const CommandSpec hs_log_commands[] = {
  { "TASK.DMESG", "TASK.DMESG [/MACHINE n] [/Last n]",
    "a guest's kernel log (its printk ring, as dmesg -r), or Xen's console ring for machine 0; "
    "lines new since the last halt follow a marker", 0, 0, dmesg_options, cmd_task_dmesg,
    .needs_tasks = TRUE },
  { NULL }
};
