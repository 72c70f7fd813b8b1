/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-watch-view.c: the engine's watch list (Var.Watch) as a table: expression | value, the
 * error (dim) beside a value that could not be had, a value that changed at the last halt
 * marked. The rows are the engine's HsWatch items, updated in place after each halt: a cell
 * follows its item's notifications, so nothing here is rebuilt at a halt.
 */
#define G_LOG_DOMAIN "hs-watch-view"

#include "config.h"

#include "hs-watch-view.h"

struct _HsWatchView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *box;
  GtkScrolledWindow *scroller;
  GtkColumnView *columns;
  GtkColumnViewColumn *expression_column;
  GtkColumnViewColumn *value_column;
  GtkEntry *entry;

  /* Owned */
  HsEngine *engine;
  GtkSingleSelection *selection;
  GHashTable *cells;            /* HsWatch -> its bound value cell (borrowed, while bound) */
};

G_DEFINE_FINAL_TYPE (HsWatchView, hs_watch_view, GTK_TYPE_WIDGET)

/* ---- cells ------------------------------------------------------------------------------- */

static void
on_setup_expression (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 12);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 20);
  gtk_list_item_set_child (item, inscription);
}

static void
on_bind_expression (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  HsWatch *watch = gtk_list_item_get_item (item);
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  guint machine = hs_watch_get_machine (watch);
  g_autofree char *text = NULL;

  /* The expression never changes: a pinned one shows its machine as it was typed. */
  if (machine != HS_WATCH_CURRENT_MACHINE)
    text = g_strdup_printf ("%u:::%s", machine, hs_watch_get_expression (watch));
  gtk_inscription_set_text (inscription, text ? text : hs_watch_get_expression (watch));
}

/* The value cell: an inscription (ellipsized; the whole text as its tooltip) and the error. */
static void
on_setup_value (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *value = gtk_inscription_new (NULL);
  GtkWidget *error = gtk_label_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (value),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (value), 8);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (value), 30);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (error), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_widget_set_hexpand (error, TRUE);
  gtk_widget_add_css_class (error, "dim-label");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), error);
  gtk_list_item_set_child (item, box);
}

static void
update_value_cell (HsWatch    *watch,
                   GParamSpec *pspec,
                   GtkWidget  *box)
{
  GtkWidget *value = gtk_widget_get_first_child (box);
  GtkWidget *error_label = gtk_widget_get_next_sibling (value);
  const char *text = hs_watch_get_value (watch);
  const char *error = hs_watch_get_error (watch);

  gtk_inscription_set_text (GTK_INSCRIPTION (value), text);
  /* Setting a tooltip re-queries it; only a new text is worth that. */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (value), *text ? text : NULL) != 0)
    gtk_widget_set_tooltip_text (value, *text ? text : NULL);
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (error_label)), error ? error : "") != 0)
    {
      gtk_label_set_label (GTK_LABEL (error_label), error ? error : "");
      gtk_widget_set_tooltip_text (error_label, error);
    }
  /* A failed evaluation has no value: its reason takes the cell. */
  gtk_widget_set_visible (value, error == NULL);
  gtk_widget_set_visible (error_label, error != NULL);
  if (hs_watch_get_changed (watch))
    gtk_widget_add_css_class (value, "hs-changed");
  else
    gtk_widget_remove_css_class (value, "hs-changed");
}

static void
on_bind_value (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               HsWatchView              *self)
{
  HsWatch *watch = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);

  update_value_cell (watch, NULL, box);
  g_signal_connect_object (watch, "notify", G_CALLBACK (update_value_cell), box, 0);
  g_hash_table_insert (self->cells, watch, box);
}

static void
on_unbind_value (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 HsWatchView              *self)
{
  HsWatch *watch = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);

  g_signal_handlers_disconnect_by_func (watch, update_value_cell, box);
  if (g_hash_table_lookup (self->cells, watch) == box)
    g_hash_table_remove (self->cells, watch);
}

/* ---- adding and removing ------------------------------------------------------------------ */

gboolean
hs_watch_view_add (HsWatchView  *self,
                   const char   *text,
                   GError      **error)
{
  g_auto(HsAddressSpec) spec = { 0 };
  guint machine = HS_WATCH_CURRENT_MACHINE;

  g_return_val_if_fail (HS_IS_WATCH_VIEW (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  /* The same rules as Var.Watch's: a machine may be named, a process space not. */
  if (!hs_address_spec_parse (text, &spec, error))
    return FALSE;
  if (spec.access != HS_ACCESS_VIRTUAL || spec.has_space || *g_strstrip (spec.expression) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "expected [machine:::]expression");
      return FALSE;
    }
  if (spec.has_machine)
    {
      if (!hs_engine_check_machine (self->engine, spec.machine, error))
        return FALSE;
      machine = spec.machine;
    }
  hs_engine_add_watch (self->engine, spec.expression, machine);
  return TRUE;
}

static void
on_entry_activate (HsWatchView *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (*text == 0)
    return;
  if (!hs_watch_view_add (self, text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

static void
delete_selected (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HsWatchView *self = HS_WATCH_VIEW (widget);
  HsWatch *watch = gtk_single_selection_get_selected_item (self->selection);

  if (watch != NULL)
    hs_engine_remove_watch (self->engine, hs_watch_get_expression (watch));
}

/* ---- for tests ---------------------------------------------------------------------------- */

static GtkWidget *
cell_at (HsWatchView *self,
         guint        position)
{
  g_autoptr(HsWatch) watch = g_list_model_get_item (hs_engine_get_watches (self->engine),
                                                    position);

  return watch ? g_hash_table_lookup (self->cells, watch) : NULL;
}

const char *
hs_watch_view_get_shown_value (HsWatchView *self,
                               guint        position)
{
  GtkWidget *box;

  g_return_val_if_fail (HS_IS_WATCH_VIEW (self), NULL);
  box = cell_at (self, position);
  return box ? gtk_inscription_get_text (GTK_INSCRIPTION (gtk_widget_get_first_child (box)))
             : NULL;
}

gboolean
hs_watch_view_is_marked (HsWatchView *self,
                         guint        position)
{
  GtkWidget *box;

  g_return_val_if_fail (HS_IS_WATCH_VIEW (self), FALSE);
  box = cell_at (self, position);
  return box != NULL && gtk_widget_has_css_class (gtk_widget_get_first_child (box), "hs-changed");
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
hs_watch_view_dispose (GObject *object)
{
  HsWatchView *self = HS_WATCH_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_WATCH_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->cells, g_hash_table_unref);
  G_OBJECT_CLASS (hs_watch_view_parent_class)->dispose (object);
}

static void
hs_watch_view_class_init (HsWatchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_watch_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-watch-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, box);
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, scroller);
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, columns);
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, expression_column);
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, value_column);
  gtk_widget_class_bind_template_child (widget_class, HsWatchView, entry);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_expression);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_expression);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_value);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_value);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_value);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);

  gtk_widget_class_install_action (widget_class, "watch.delete", NULL, delete_selected);
  /* In the entry, Delete edits the text: the entry takes the key before this binding. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "watch.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "watch.delete",
                                       NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-watch-view");
}

static void
hs_watch_view_init (HsWatchView *self)
{
  self->cells = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hs_watch_view_new (HsEngine *engine)
{
  HsWatchView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  self = g_object_new (HS_TYPE_WATCH_VIEW, NULL);
  self->engine = g_object_ref (engine);
  self->selection = gtk_single_selection_new (g_object_ref (hs_engine_get_watches (engine)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->columns, GTK_SELECTION_MODEL (self->selection));
  return GTK_WIDGET (self);
}
