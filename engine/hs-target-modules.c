/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-modules.c: each guest's kernel modules, read on the worker with its task lists.
 *
 * Worker only, like the rest of HsTarget: @module_layouts and @last_modules (what the next walk
 * reuses). The snapshot hands the main thread a copy of its own: GLib's reference counts are not
 * seen by ThreadSanitizer, and a few modules cost nothing to copy.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-target-private.h"

GArray *
hs_target_modules_array (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (HsLinuxModule));

  g_array_set_clear_func (a, (GDestroyNotify) hs_linux_module_clear);
  return a;
}

static const HsLinuxModuleLayout *
module_layout_for (HsTarget      *self,
                   HsSymbolFile  *vmlinux,
                   GError       **error)
{
  HsLinuxModuleLayout *layout = g_hash_table_lookup (self->module_layouts, vmlinux);

  if (layout != NULL)
    return layout;
  layout = hs_linux_module_layout_new (vmlinux, error);
  if (layout == NULL)
    return NULL;
  g_hash_table_insert (self->module_layouts, g_object_ref (vmlinux), layout);
  return layout;
}

static GArray *
copy_modules (const GArray *modules)
{
  GArray *copy = hs_target_modules_array ();

  g_array_set_size (copy, modules->len);
  for (guint i = 0; i < modules->len; i++)
    hs_linux_module_copy (&g_array_index (copy, HsLinuxModule, i),
                          &g_array_index (modules, HsLinuxModule, i));
  return copy;
}

static void
snap_note (Snapshot   *snap,
           guint       machine,
           const char *message)
{
  if (snap->module_notes == NULL)
    snap->module_notes = g_string_new (NULL);
  g_string_append_printf (snap->module_notes, "machine %u: %s\n", machine, message);
}

static void
snap_take (Snapshot *snap,
           guint     machine,
           GArray   *modules)
{
  if (snap->modules == NULL)
    snap->modules = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                           (GDestroyNotify) g_array_unref);
  g_hash_table_replace (snap->modules, GUINT_TO_POINTER (machine), modules);
}

/* Worker: @machine's modules into @snap. @reuse: the guest has not run since its last walk,
 * whose modules still hold. The layout is looked up only once vmlinux is indexed (the task walk
 * before this needed it too). */
void
hs_target_read_modules (HsTarget      *self,
                        Snapshot      *snap,
                        guint          machine,
                        HsSymbolFile  *vmlinux,
                        guint64        offset,
                        GuestReader   *reader,
                        gboolean       reuse,
                        GCancellable  *cancellable)
{
  GArray *last = g_hash_table_lookup (self->last_modules, GUINT_TO_POINTER (machine));
  g_autoptr(GArray) modules = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  const HsLinuxModuleLayout *layout;
  HsLinuxReader walk;

  if (reuse)
    {
      if (last != NULL)
        snap_take (snap, machine, copy_modules (last));
      return;
    }
  if ((layout = module_layout_for (self, vmlinux, &error)) == NULL)
    {
      snap_note (snap, machine, error->message);
      return;
    }
  walk = (HsLinuxReader) {
    .read = hs_target_read_guest,
    .readv = hs_target_read_guest_v,
    .user_data = reader,
    .cancellable = cancellable,
  };
  modules = hs_target_modules_array ();
  if (!hs_linux_read_modules (layout, vmlinux, offset, &walk, last, modules, &warning, &error))
    {
      g_hash_table_remove (self->last_modules, GUINT_TO_POINTER (machine));
      snap_note (snap, machine, error->message);
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    return;
  if (warning != NULL)
    snap_note (snap, machine, warning);
  snap_take (snap, machine, copy_modules (modules));
  g_hash_table_replace (self->last_modules, GUINT_TO_POINTER (machine),
                        g_steal_pointer (&modules));
}
