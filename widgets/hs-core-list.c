/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-core-list.c: the board's cores, their run state, exception level,
 * the machine each is in, and the PC with its symbol.
 *
 * A table over the engine's core model (cells follow each core's
 * notifications); selecting a row makes that core the current one.
 */
#define G_LOG_DOMAIN "hs-core-list"

#include "config.h"

#include "hs-core-list.h"
#include "hs-table.h"

struct _HsCoreList
{
  GtkWidget parent_instance;

  /* Owned */
  HsEngine *engine;
  GtkWidget *table;

  /* Borrowed: the table's */
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (HsCoreList, hs_core_list, GTK_TYPE_WIDGET)

static char *
core_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%u", hs_core_get_index (HS_CORE (item)));
}

static char *
state_text (GObject *item, gpointer data)
{
  return g_strdup (hs_core_state_to_string (hs_core_get_state (HS_CORE (item))));
}

static const char *
state_style (GObject *item, gpointer data)
{
  switch (hs_core_get_state (HS_CORE (item)))
    {
    case HS_CORE_STATE_RUNNING: return "hs-running";
    case HS_CORE_STATE_HALTED: return "hs-halted";
    case HS_CORE_STATE_UNKNOWN:
    default: return NULL;
    }
}

static char *
el_text (GObject *item, gpointer data)
{
  int el = hs_core_get_exception_level (HS_CORE (item));

  return el >= 0 ? g_strdup_printf ("EL%d", el) : g_strdup ("—");
}

static char *
machine_text (GObject *item, gpointer engine)
{
  HsCore *core = HS_CORE (item);

  if (hs_core_get_state (core) != HS_CORE_STATE_HALTED)
    return g_strdup ("—");
  return g_strdup_printf ("%u", hs_engine_get_core_machine (engine, hs_core_get_index (core)));
}

static char *
pc_text (GObject *item, gpointer engine)
{
  HsCore *core = HS_CORE (item);
  g_autofree char *symbol = NULL;
  guint64 pc;

  if (hs_core_get_state (core) != HS_CORE_STATE_HALTED || !hs_core_get_pc (core, &pc))
    return g_strdup ("—");
  symbol = hs_engine_symbolize (engine, hs_engine_get_core_machine (engine,
                                                                     hs_core_get_index (core)),
                                0, pc);
  return g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x%s%s", pc, symbol ? " " : "",
                          symbol ? symbol : "");
}

static void
on_selected (HsCoreList *self)
{
  guint pos = gtk_single_selection_get_selected (self->selection);

  if (pos != GTK_INVALID_LIST_POSITION)
    hs_engine_set_current_core (self->engine, pos);
}

static void
on_current_core (HsCoreList *self)
{
  guint core = hs_engine_get_current_core (self->engine);

  if (gtk_single_selection_get_selected (self->selection) != core
      && core < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    gtk_single_selection_set_selected (self->selection, core);
}

static void
hs_core_list_dispose (GObject *object)
{
  HsCoreList *self = HS_CORE_LIST (object);

  g_clear_pointer (&self->table, gtk_widget_unparent);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_core_list_parent_class)->dispose (object);
}

static void
hs_core_list_class_init (HsCoreListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hs_core_list_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "hs-core-list");
}

static void
hs_core_list_init (HsCoreList *self)
{
}

GtkWidget *
hs_core_list_new (HsEngine *engine)
{
  HsCoreList *self;
  HsTable *table;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  self = g_object_new (HS_TYPE_CORE_LIST, NULL);
  self->engine = g_object_ref (engine);
  self->table = hs_table_new (hs_engine_get_cores (engine), "Cores");
  gtk_widget_set_parent (self->table, GTK_WIDGET (self));
  table = HS_TABLE (self->table);
  hs_table_add_column (table, "Core", core_text, NULL, 3, FALSE);
  hs_table_add_styled_column (table, "State", state_text, state_style, NULL, 8, FALSE);
  hs_table_add_column (table, "EL", el_text, NULL, 3, FALSE);
  hs_table_add_column (table, "Machine", machine_text, engine, 3, FALSE);
  hs_table_add_column (table, "PC", pc_text, engine, 40, TRUE);

  self->selection = hs_table_use_single_selection (table);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selected), self);
  g_signal_connect_object (engine, "notify::current-core", G_CALLBACK (on_current_core), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_cores (engine), "items-changed",
                           G_CALLBACK (on_current_core), self, G_CONNECT_SWAPPED);
  on_current_core (self);
  return GTK_WIDGET (self);
}
