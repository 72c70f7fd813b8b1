/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-run.c: the GDB remote probe's run control: vCont, the stop reply, interrupt, Z0/Z1 breakpoints.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb-private.h"

#include <string.h>

static gboolean
hs_probe_gdb_resume (HsProbe  *probe,
                     GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  _hs_gdb_invalidate_caches (self);
  self->step_pending = FALSE;
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  ok = _hs_gdb_send_packet (self, "vCont;c", _hs_gdb_deadline (self, self->reply_timeout_ms),
                            error);
  if (ok)
    g_atomic_int_set (&self->running, TRUE);
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_step (HsProbe  *probe,
                   guint     core,
                   GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autofree char *thread = NULL;
  g_autofree char *pkt = NULL;
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !_hs_gdb_check_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  _hs_gdb_invalidate_caches (self);
  thread = _hs_gdb_format_thread (self, core);
  pkt = g_strdup_printf ("vCont;s:%s", thread);
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  ok = _hs_gdb_send_packet (self, pkt, _hs_gdb_deadline (self, self->reply_timeout_ms), error);
  if (ok)
    {
      self->step_pending = TRUE;
      g_atomic_int_set (&self->running, TRUE);
    }
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_interrupt (HsProbe  *probe,
                        GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  static const guint8 ctrl_c = 0x03;

  if (!g_atomic_int_get (&self->connected))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED,
                   "not connected to a gdbstub");
      return FALSE;
    }
  if (!g_atomic_int_get (&self->running))
    return TRUE;
  g_atomic_int_set (&self->interrupt_sent, TRUE);
  return _hs_gdb_send_raw (self, &ctrl_c, 1, error);
}

static gboolean
hs_probe_gdb_wait_stop (HsProbe       *probe,
                        guint          timeout_ms,
                        HsStopEvent   *event,
                        GCancellable  *cancellable,
                        GError       **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autofree char *reply = NULL;
  HsRspStop stop;
  gint core;

  memset (event, 0, sizeof *event);
  hs_mutex_lock (&self->io_lock);
  if (!g_atomic_int_get (&self->connected))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED,
                   "not connected to a gdbstub");
      return FALSE;
    }
  if (!g_atomic_int_get (&self->running))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_FAILED, "the target is not running");
      return FALSE;
    }

  self->cancellable = cancellable;
  reply = _hs_gdb_read_reply (self, TRUE, _hs_gdb_deadline (self, timeout_ms), NULL, error);
  self->cancellable = NULL;
  if (reply == NULL)
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  g_atomic_int_set (&self->running, FALSE);
  _hs_gdb_invalidate_caches (self);

  if (!hs_rsp_parse_stop (reply, &stop))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "bad stop reply from the gdbstub: '%.40s'", reply);
      return FALSE;
    }

  event->signal = stop.signal;
  if (stop.kind != HS_RSP_STOP_SIGNAL)
    {
      event->reason = HS_STOP_REASON_EXITED;
      _hs_gdb_mark_lost (self);
      hs_mutex_unlock (&self->io_lock);
      return TRUE;
    }

  core = stop.has_thread ? _hs_gdb_core_for_thread (self, stop.pid, stop.tid) : -1;
  event->core = core < 0 ? 0 : (guint) core;
  if (stop.has_watch)
    {
      event->reason = HS_STOP_REASON_WATCHPOINT;
      event->address = stop.watch_addr;
    }
  else if (self->step_pending && stop.signal == 5)
    event->reason = HS_STOP_REASON_STEP;
  else if (stop.swbreak || stop.hwbreak)
    event->reason = HS_STOP_REASON_BREAKPOINT;
  else if (g_atomic_int_get (&self->interrupt_sent) && (stop.signal == 2 || stop.signal == 0))
    event->reason = HS_STOP_REASON_HALT_REQUEST;
  else if (stop.signal == 5 && g_hash_table_size (self->breakpoints) > 0)
    event->reason = HS_STOP_REASON_BREAKPOINT;
  else
    event->reason = HS_STOP_REASON_SIGNAL;
  self->step_pending = FALSE;
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

static gboolean
change_breakpoint (HsProbeGdb        *self,
                   gboolean           insert,
                   HsBreakpointType   type,
                   guint64            address,
                   GError           **error)
{
  int z = type == HS_BREAKPOINT_HARDWARE ? 1 : 0;
  g_autofree char *pkt = g_strdup_printf ("%c%d,%" G_GINT64_MODIFIER "x,4", insert ? 'Z' : 'z',
                                          z, address);
  g_autofree char *what = g_strdup_printf ("%s breakpoint at 0x%" G_GINT64_MODIFIER "x",
                                           insert ? "set" : "remove", address);
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  ok = _hs_gdb_request_ok (self, pkt, what, error);
  if (ok && insert)
    {
      guint64 *key = g_new (guint64, 1);

      *key = address;
      g_hash_table_insert (self->breakpoints, key, GINT_TO_POINTER (z + 1));
    }
  else if (ok)
    g_hash_table_remove (self->breakpoints, &address);
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_insert_breakpoint (HsProbe           *probe,
                                HsBreakpointType   type,
                                guint64            address,
                                GError           **error)
{
  return change_breakpoint (HS_PROBE_GDB (probe), TRUE, type, address, error);
}

static gboolean
hs_probe_gdb_remove_breakpoint (HsProbe           *probe,
                                HsBreakpointType   type,
                                guint64            address,
                                GError           **error)
{
  return change_breakpoint (HS_PROBE_GDB (probe), FALSE, type, address, error);
}

void
_hs_gdb_run_iface_init (HsProbeInterface *iface)
{
  iface->resume = hs_probe_gdb_resume;
  iface->step = hs_probe_gdb_step;
  iface->interrupt = hs_probe_gdb_interrupt;
  iface->wait_stop = hs_probe_gdb_wait_stop;
  iface->insert_breakpoint = hs_probe_gdb_insert_breakpoint;
  iface->remove_breakpoint = hs_probe_gdb_remove_breakpoint;
}
