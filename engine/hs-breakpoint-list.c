/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-breakpoint-list.c: the breakpoints, their ids and their tallies.
 *
 * Main thread only. A line lookup runs in a thread with its own copy of the
 * address; its answer comes back to the main thread and is stored on the
 * breakpoint, which the thread never touches.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-breakpoint-list.h"

#include "hs-engine.h"
#include "hs-sync.h"

struct _HsBreakpointList
{
  GObject parent_instance;

  HsSymbolScope *symbols;
  GListStore *store;            /* of HsBreakpoint */
  guint next_id;
  HsBreakpoint *last;           /* the one the last stop came from */
};

G_DEFINE_FINAL_TYPE (HsBreakpointList, hs_breakpoint_list, G_TYPE_OBJECT)

enum {
  CHANGED,
  LINE_FOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GListModel *
hs_breakpoint_list_get_model (HsBreakpointList *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT_LIST (self), NULL);
  return G_LIST_MODEL (self->store);
}

HsBreakpoint *
hs_breakpoint_list_find (HsBreakpointList *self,
                         guint             id)
{
  GListModel *model;

  g_return_val_if_fail (HS_IS_BREAKPOINT_LIST (self), NULL);

  model = G_LIST_MODEL (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);

      if (hs_breakpoint_get_id (bp) == id)
        return bp;  /* the store keeps it */
    }
  return NULL;
}

static void
changed (HsBreakpointList *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- source lines, off the GUI thread --------------------------------------------------- */

/* The list and the breakpoint, for the callback. */
typedef struct
{
  HsBreakpointList *list;
  HsBreakpoint *bp;
} LineTarget;

static void
line_found (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  LineTarget *target = user_data;
  g_autofree char *file = NULL;
  guint line = 0;

  if (hs_symbol_scope_lookup_line_finish (HS_SYMBOL_SCOPE (object), result, &file, &line, NULL))
    {
      hs_breakpoint_set_source (target->bp, file, line);
      g_signal_emit (target->list, signals[LINE_FOUND], 0, target->bp);
    }
  g_object_unref (target->list);
  g_object_unref (target->bp);
  g_free (target);
}

/* A DWARF line lookup may wait for the index another thread is building: in a worker. */
static void
look_up_line (HsBreakpointList *self,
              HsBreakpoint     *bp)
{
  const HsAddress *a = hs_breakpoint_get_address (bp);
  LineTarget *target = g_new0 (LineTarget, 1);

  target->list = g_object_ref (self);
  target->bp = g_object_ref (bp);
  hs_symbol_scope_lookup_line_async (self->symbols, a->machine, a->space, a->offset, NULL,
                                     line_found, target);
}

/* ---- adding and removing ---------------------------------------------------------------- */

HsBreakpoint *
hs_breakpoint_list_add (HsBreakpointList  *self,
                        const HsAddress   *address,
                        const char        *location,
                        HsBreakpointType   kind,
                        gint               machine_scope,
                        gint               task_pid,
                        const char        *task_name,
                        GError           **error)
{
  g_autoptr(HsBreakpoint) bp = NULL;
  g_autofree char *symbol = NULL;
  GListModel *model;

  g_return_val_if_fail (HS_IS_BREAKPOINT_LIST (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (address->access == HS_ACCESS_PHYSICAL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "a breakpoint needs a virtual address: QEMU's stub compares the program "
                   "counter, not physical addresses (drop the A: and name the machine, "
                   "e.g. 2:::function)");
      return NULL;
    }
  model = G_LIST_MODEL (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) other = g_list_model_get_item (model, i);
      const HsAddress *a = hs_breakpoint_get_address (other);

      if (a->offset == address->offset && a->machine == address->machine
          && hs_breakpoint_get_machine_scope (other) == machine_scope
          && hs_breakpoint_get_task_pid (other) == task_pid
          && g_strcmp0 (hs_breakpoint_get_task_name (other), task_name) == 0)
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "breakpoint %u is already at %s with that scope",
                       hs_breakpoint_get_id (other), hs_breakpoint_get_location (other));
          return NULL;
        }
    }

  symbol = hs_symbol_scope_symbolize (self->symbols, address->machine, address->space,
                                      address->offset);
  bp = hs_breakpoint_new (++self->next_id, address, location, symbol, kind, machine_scope,
                          task_pid, task_name);
  g_signal_connect_object (bp, "notify::enabled", G_CALLBACK (changed), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (self->store, bp);
  look_up_line (self, bp);
  changed (self);
  return bp;
}

void
hs_breakpoint_list_remove (HsBreakpointList *self,
                           HsBreakpoint     *breakpoint)
{
  guint position;

  g_return_if_fail (HS_IS_BREAKPOINT_LIST (self));
  g_return_if_fail (HS_IS_BREAKPOINT (breakpoint));

  if (!g_list_store_find (self->store, breakpoint, &position))
    return;
  g_signal_handlers_disconnect_by_data (breakpoint, self);
  if (self->last == breakpoint)
    g_clear_object (&self->last);
  g_list_store_remove (self->store, position);
  changed (self);
}

void
hs_breakpoint_list_remove_all (HsBreakpointList *self)
{
  GListModel *model;

  g_return_if_fail (HS_IS_BREAKPOINT_LIST (self));

  model = G_LIST_MODEL (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);

      g_signal_handlers_disconnect_by_data (bp, self);
    }
  g_clear_object (&self->last);
  g_list_store_remove_all (self->store);
  changed (self);
}

/* ---- stops ------------------------------------------------------------------------------ */

HsBreakpoint *
hs_breakpoint_list_get_last (HsBreakpointList *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT_LIST (self), NULL);
  return self->last;
}

static void
count_each (HsBreakpointList *self,
            GHashTable       *counts,
            gboolean          passes)
{
  GHashTableIter iter;
  gpointer id, count;

  if (counts == NULL)
    return;
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &id, &count))
    {
      HsBreakpoint *bp = hs_breakpoint_list_find (self, GPOINTER_TO_UINT (id));

      if (bp == NULL)
        continue;
      if (passes)
        hs_breakpoint_add_passes (bp, GPOINTER_TO_UINT (count), FALSE);
      else
        hs_breakpoint_add_hits (bp, 0, GPOINTER_TO_UINT (count));
    }
}

void
hs_breakpoint_list_count_stop (HsBreakpointList *self,
                               GHashTable       *filtered,
                               GHashTable       *passed,
                               gboolean          breakpoint_stop,
                               guint             hit_id)
{
  g_return_if_fail (HS_IS_BREAKPOINT_LIST (self));

  g_clear_object (&self->last);
  count_each (self, filtered, FALSE);
  count_each (self, passed, TRUE);
  /* The worker knows which breakpoint's scope the hit matched; a temporary one is none. */
  if (!breakpoint_stop || hit_id == 0)
    return;
  g_set_object (&self->last, hs_breakpoint_list_find (self, hit_id));
  if (self->last != NULL)
    {
      hs_breakpoint_add_hits (self->last, 1, 0);
      hs_breakpoint_add_passes (self->last, 0, TRUE);
    }
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_breakpoint_list_finalize (GObject *object)
{
  HsBreakpointList *self = HS_BREAKPOINT_LIST (object);

  g_clear_object (&self->last);
  g_clear_object (&self->store);
  g_clear_object (&self->symbols);
  G_OBJECT_CLASS (hs_breakpoint_list_parent_class)->finalize (object);
}

static void
hs_breakpoint_list_class_init (HsBreakpointListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_breakpoint_list_finalize;

  /**
   * HsBreakpointList::changed:
   *
   * A breakpoint was added, removed, enabled or disabled: what to plant changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * HsBreakpointList::line-found:
   * @breakpoint: the breakpoint whose source line is now known
   *
   * For source views that mark breakpoints on their lines.
   */
  signals[LINE_FOUND] =
    g_signal_new ("line-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HS_TYPE_BREAKPOINT);
}

static void
hs_breakpoint_list_init (HsBreakpointList *self)
{
  self->store = g_list_store_new (HS_TYPE_BREAKPOINT);
}

HsBreakpointList *
hs_breakpoint_list_new (HsSymbolScope *symbols)
{
  HsBreakpointList *self = g_object_new (HS_TYPE_BREAKPOINT_LIST, NULL);

  self->symbols = g_object_ref (symbols);
  return self;
}
