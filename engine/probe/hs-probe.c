/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-probe"

#include "config.h"

#include "hs-probe.h"

G_DEFINE_QUARK (hs-probe-error-quark, hs_probe_error)
G_DEFINE_INTERFACE (HsProbe, hs_probe, G_TYPE_OBJECT)

static void
hs_probe_default_init (HsProbeInterface *iface)
{
}

const char *
hs_stop_reason_to_string (HsStopReason reason)
{
  switch (reason)
    {
    case HS_STOP_REASON_NONE: return "none";
    case HS_STOP_REASON_ATTACH: return "attached";
    case HS_STOP_REASON_HALT_REQUEST: return "break";
    case HS_STOP_REASON_BREAKPOINT: return "breakpoint";
    case HS_STOP_REASON_WATCHPOINT: return "watchpoint";
    case HS_STOP_REASON_STEP: return "step";
    case HS_STOP_REASON_SIGNAL: return "signal";
    case HS_STOP_REASON_EXITED: return "target exited";
    default: return "unknown";
    }
}

void
hs_register_info_free (HsRegisterInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

#define IFACE(self) HS_PROBE_GET_IFACE (self)

/* Optional methods answer NOT_SUPPORTED, so a probe that cannot do something says so. */
static gboolean
not_supported (HsProbe     *self,
               const char  *what,
               GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "%s: this probe cannot %s", G_OBJECT_TYPE_NAME (self), what);
  return FALSE;
}

gboolean
hs_probe_connect (HsProbe       *self,
                  gboolean      *was_running,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gboolean dummy;

  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  return IFACE (self)->connect (self, was_running ? was_running : &dummy, cancellable, error);
}

void
hs_probe_disconnect (HsProbe *self)
{
  g_return_if_fail (HS_IS_PROBE (self));
  IFACE (self)->disconnect (self);
}

/**
 * hs_probe_detach:
 * @outcome: (out): how the target was left running
 * @note: (out) (transfer full) (nullable): what the user should know about it, or %NULL
 *
 * Removes every breakpoint the probe planted, lets the target run and closes the connection
 * (which is closed even on failure). Needs a halted target.
 *
 * Returns: %TRUE if the target was left running
 */
gboolean
hs_probe_detach (HsProbe          *self,
                 HsDetachOutcome  *outcome,
                 char            **note,
                 GError          **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  g_return_val_if_fail (outcome != NULL && note != NULL, FALSE);
  return IFACE (self)->detach (self, outcome, note, error);
}

gboolean
hs_probe_is_connected (HsProbe *self)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  return IFACE (self)->is_connected (self);
}

char *
hs_probe_describe (HsProbe *self)
{
  g_return_val_if_fail (HS_IS_PROBE (self), NULL);
  return IFACE (self)->describe (self);
}

guint
hs_probe_get_n_cores (HsProbe *self)
{
  g_return_val_if_fail (HS_IS_PROBE (self), 0);
  return IFACE (self)->get_n_cores (self);
}

/**
 * hs_probe_get_registers:
 *
 * Returns: (transfer none) (element-type HsRegisterInfo): the registers every
 *   core has, stable from connect to disconnect.
 */
GPtrArray *
hs_probe_get_registers (HsProbe *self)
{
  g_return_val_if_fail (HS_IS_PROBE (self), NULL);
  return IFACE (self)->get_registers (self);
}

gboolean
hs_probe_read_registers (HsProbe      *self,
                         guint         core,
                         const guint  *indexes,
                         guint         n_indexes,
                         guint64      *values,
                         gboolean     *valid,
                         GError      **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  g_return_val_if_fail (n_indexes == 0 || (indexes && values && valid), FALSE);
  return IFACE (self)->read_registers (self, core, indexes, n_indexes, values, valid, error);
}

gboolean
hs_probe_write_register (HsProbe  *self,
                         guint     core,
                         guint     index,
                         guint64   value,
                         GError  **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  if (IFACE (self)->write_register == NULL)
    return not_supported (self, "write registers", error);
  return IFACE (self)->write_register (self, core, index, value, error);
}

gboolean
hs_probe_read_memory (HsProbe  *self,
                      guint64   phys,
                      guint8   *buf,
                      gsize     len,
                      GError  **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  return IFACE (self)->read_memory (self, phys, buf, len, error);
}

gboolean
hs_probe_read_memory_v (HsProbe      *self,
                        HsProbeRead  *reads,
                        guint         n_reads,
                        GError      **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  g_return_val_if_fail (reads != NULL || n_reads == 0, FALSE);

  if (IFACE (self)->read_memory_v != NULL)
    return IFACE (self)->read_memory_v (self, reads, n_reads, error);
  for (guint i = 0; i < n_reads; i++)
    {
      g_autoptr(GError) local_error = NULL;

      reads[i].ok = IFACE (self)->read_memory (self, reads[i].phys, reads[i].buf, reads[i].len,
                                               &local_error);
      /* Nothing at that address is the piece's problem; anything else is the probe's. */
      if (!reads[i].ok && !g_error_matches (local_error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
hs_probe_steps_alone (HsProbe *self)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  return IFACE (self)->steps_alone != NULL && IFACE (self)->steps_alone (self);
}

gboolean
hs_probe_write_memory (HsProbe       *self,
                       guint64        phys,
                       const guint8  *buf,
                       gsize          len,
                       GError       **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  if (IFACE (self)->write_memory == NULL)
    return not_supported (self, "write memory", error);
  return IFACE (self)->write_memory (self, phys, buf, len, error);
}

gboolean
hs_probe_resume (HsProbe  *self,
                 GError  **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  return IFACE (self)->resume (self, error);
}

gboolean
hs_probe_step (HsProbe  *self,
               guint     core,
               GError  **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  if (IFACE (self)->step == NULL)
    return not_supported (self, "single-step", error);
  return IFACE (self)->step (self, core, error);
}

gboolean
hs_probe_interrupt (HsProbe  *self,
                    GError  **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  return IFACE (self)->interrupt (self, error);
}

gboolean
hs_probe_wait_stop (HsProbe       *self,
                    guint          timeout_ms,
                    HsStopEvent   *event,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  return IFACE (self)->wait_stop (self, timeout_ms, event, cancellable, error);
}

gboolean
hs_probe_insert_breakpoint (HsProbe          *self,
                            HsBreakpointType  type,
                            guint64           address,
                            GError          **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  if (IFACE (self)->insert_breakpoint == NULL)
    return not_supported (self, "set breakpoints", error);
  return IFACE (self)->insert_breakpoint (self, type, address, error);
}

gboolean
hs_probe_remove_breakpoint (HsProbe          *self,
                            HsBreakpointType  type,
                            guint64           address,
                            GError          **error)
{
  g_return_val_if_fail (HS_IS_PROBE (self), FALSE);
  if (IFACE (self)->remove_breakpoint == NULL)
    return not_supported (self, "remove breakpoints", error);
  return IFACE (self)->remove_breakpoint (self, type, address, error);
}
