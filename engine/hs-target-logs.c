/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-logs.c: a machine's kernel log, read at a halt: Xen's console ring for machine 0,
 * a guest's printk ring for the others (through its own stage 1 and stage 2, so a guest no core
 * runs reads as well as one a core does).
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h): the printk
 * layouts it looks up once per vmlinux are the worker's (HsTarget.printk_layouts), and the
 * HsLog it makes is the main thread's once returned.
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"
#include "hs-xen-console.h"

static const HsLinuxPrintkLayout *
printk_layout_for (HsTarget      *self,
                   HsSymbolFile  *vmlinux,
                   GError       **error)
{
  HsLinuxPrintkLayout *layout = g_hash_table_lookup (self->printk_layouts, vmlinux);

  if (layout != NULL)
    return layout;
  /* A file still being indexed is waited for: the user asked for this log. */
  layout = hs_linux_printk_layout_new (vmlinux, error);
  if (layout == NULL)
    return NULL;
  g_hash_table_insert (self->printk_layouts, g_object_ref (vmlinux), layout);
  return layout;
}

static HsLog *
read_xen_log (HsTarget               *self,
              const HsSymbolBinding  *b,
              GuestReader            *reader,
              GError                **error)
{
  g_autoptr(GArray) lines = hs_log_lines_new ();
  g_autofree char *path = g_path_get_basename (hs_symbol_file_get_path (b->file));
  HsXenConsoleInfo info;
  g_autofree char *warning = NULL;
  g_autofree char *source = NULL;

  if (!hs_xen_console_read (b->file, b->offset, hs_target_read_guest, reader, lines, &info,
                            error))
    return NULL;
  /* Xen's default ring (16 KiB) wraps during a guest's boot: say what is gone. */
  if (info.start != 0)
    warning = g_strdup_printf ("the ring holds Xen's last %u KiB: the first %u bytes it wrote "
                               "(its boot banner among them) are %s", info.size / 1024,
                               info.start, info.wrapped
                               ? "overwritten (conring_size= on Xen's command line keeps more)"
                               : "consumed (read and cleared, as xl dmesg -c does)");
  source = g_strdup_printf ("Xen's console ring, %u KiB at 0x%" G_GINT64_MODIFIER "x (%s: "
                            "conring)", info.size / 1024, info.ring, path);
  return hs_log_new (0, TRUE, g_steal_pointer (&lines), G_MAXUINT, source, warning);
}

static HsLog *
read_linux_log (HsTarget               *self,
                guint                   machine,
                const HsSymbolBinding  *b,
                GuestReader            *reader,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr(GArray) lines = hs_log_lines_new ();
  g_autofree char *path = g_path_get_basename (hs_symbol_file_get_path (b->file));
  const HsLinuxPrintkLayout *layout = printk_layout_for (self, b->file, error);
  HsLinuxReader walk = {
    .read = hs_target_read_guest,
    .readv = hs_target_read_guest_v,
    .user_data = reader,
    .cancellable = cancellable,
  };
  g_autofree char *warning = NULL;
  g_autofree char *source = NULL;

  if (layout == NULL
      || !hs_linux_printk_read (layout, b->file, b->offset, &walk, lines, &warning, error))
    return NULL;
  source = g_strdup_printf ("%s (%s)",
                            hs_linux_printk_layout_get_kind (layout)
                            == HS_LINUX_PRINTK_RINGBUFFER ? "the printk ring prb points to"
                                                          : "log_buf's records", path);
  return hs_log_new (machine, FALSE, g_steal_pointer (&lines), G_MAXUINT, source, warning);
}

void
hs_target_read_log_job (gpointer  owner,
                        HsJob    *job)
{
  HsTarget *self = owner;
  guint machine = GPOINTER_TO_UINT (hs_job_get_data (job));
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, machine);
  const HsSymbolBinding *b = hs_target_kernel_binding (bindings);
  GuestReader reader = { self, machine, FALSE };
  GError *error = NULL;
  HsLog *log;

  if (self->probe == NULL)
    {
      hs_job_return_new_error (job, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                               "not attached to a target");
      return;
    }
  if (b == NULL)
    {
      if (machine == 0)
        hs_job_return_new_error (job, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                 "machine 0 has no symbols: load Xen's xen-syms with "
                                 "Data.LOAD.Elf (its console ring is found by them)");
      else
        hs_job_return_new_error (job, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                 "machine %u has no symbols: load its vmlinux with "
                                 "Data.LOAD.Elf (its printk ring is found by them)", machine);
      return;
    }
  if (machine == 0)
    log = read_xen_log (self, b, &reader, &error);
  else
    log = read_linux_log (self, machine, b, &reader, hs_job_get_cancellable (job), &error);
  /* A lost probe is the engine's to notice as such, whatever the reader made of the failed
   * read ("prb points outside the guest's kernel memory"); anything else is about this log. */
  if (reader.lost)
    {
      g_clear_pointer (&log, hs_log_unref);
      g_clear_error (&error);
      error = self->lost != NULL
              ? g_error_copy (self->lost)
              : g_error_new (HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
                             "lost the connection to the probe while reading machine %u's log",
                             machine);
    }
  if (log == NULL)
    {
      if (!hs_engine_is_connection_error (error))
        g_prefix_error (&error, "cannot read machine %u's %s: ", machine,
                        machine == 0 ? "console ring" : "kernel log");
      hs_job_return_error (job, error);
      return;
    }
  hs_job_return_pointer (job, log, (GDestroyNotify) hs_log_unref);
}
