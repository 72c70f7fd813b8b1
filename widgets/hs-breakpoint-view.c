/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-breakpoint-view.c: the breakpoint list. GUI thread only; the
 * breakpoints are the engine's objects and notify their own changes
 * (hits, enabled), which the table's cells follow.
 */
#define G_LOG_DOMAIN "hs-breakpoint-view"

#include "config.h"

#include "hs-breakpoint-view.h"
#include "hs-table.h"

struct _HsBreakpointView
{
  GtkWidget parent_instance;

  GtkWidget *box;               /* owned: the only child */
  GtkWidget *table;             /* borrowed, in @box */
  GtkSingleSelection *selection;  /* the table's */
};

G_DEFINE_FINAL_TYPE (HsBreakpointView, hs_breakpoint_view, GTK_TYPE_WIDGET)

enum {
  TOGGLE_REQUESTED,
  DELETE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
id_text (GObject  *item,
         gpointer  data)
{
  return g_strdup_printf ("%u", hs_breakpoint_get_id (HS_BREAKPOINT (item)));
}

static char *
enabled_text (GObject  *item,
              gpointer  data)
{
  return g_strdup (hs_breakpoint_get_enabled (HS_BREAKPOINT (item)) ? "on" : "off");
}

static char *
address_text (GObject  *item,
              gpointer  data)
{
  return hs_address_format (hs_breakpoint_get_address (HS_BREAKPOINT (item)));
}

static char *
symbol_text (GObject  *item,
             gpointer  data)
{
  return g_strdup (hs_breakpoint_get_symbol (HS_BREAKPOINT (item)));
}

/* Where the breakpoint is in the source, once its line has been looked up (off the GUI
 * thread, by the breakpoint list). */
static char *
line_text (GObject  *item,
           gpointer  data)
{
  HsBreakpoint *bp = HS_BREAKPOINT (item);
  g_autofree char *base = NULL;

  if (hs_breakpoint_get_file (bp) == NULL)
    return g_strdup ("");
  base = g_path_get_basename (hs_breakpoint_get_file (bp));
  return g_strdup_printf ("%s:%u", base, hs_breakpoint_get_line (bp));
}

static char *
scope_text (GObject  *item,
            gpointer  data)
{
  return hs_breakpoint_describe_scope (HS_BREAKPOINT (item));
}

static char *
hits_text (GObject  *item,
           gpointer  data)
{
  return g_strdup_printf ("%u (%u filtered)", hs_breakpoint_get_hits (HS_BREAKPOINT (item)),
                          hs_breakpoint_get_filtered_hits (HS_BREAKPOINT (item)));
}

static void
request (HsBreakpointView *self,
         guint             signal)
{
  HsBreakpoint *bp = hs_breakpoint_view_get_selected (self);

  if (bp != NULL)
    g_signal_emit (self, signals[signal], 0, bp);
}

static void
on_toggle_clicked (HsBreakpointView *self)
{
  request (self, TOGGLE_REQUESTED);
}

static void
on_delete_clicked (HsBreakpointView *self)
{
  request (self, DELETE_REQUESTED);
}

static void
hs_breakpoint_view_dispose (GObject *object)
{
  HsBreakpointView *self = HS_BREAKPOINT_VIEW (object);

  self->table = NULL;
  self->selection = NULL;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (hs_breakpoint_view_parent_class)->dispose (object);
}

static void
hs_breakpoint_view_class_init (HsBreakpointViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_breakpoint_view_dispose;

  /**
   * HsBreakpointView::toggle-requested:
   * @breakpoint: the selected breakpoint
   *
   * The user asked to enable a disabled breakpoint or disable an enabled one.
   */
  signals[TOGGLE_REQUESTED] =
    g_signal_new ("toggle-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_BREAKPOINT);
  /**
   * HsBreakpointView::delete-requested:
   * @breakpoint: the selected breakpoint
   */
  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_BREAKPOINT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-breakpoint-view");
}

static void
hs_breakpoint_view_init (HsBreakpointView *self)
{
}

GtkWidget *
hs_breakpoint_view_new (GListModel *breakpoints)
{
  HsBreakpointView *self;
  GtkWidget *buttons, *toggle, *delete;

  g_return_val_if_fail (G_IS_LIST_MODEL (breakpoints), NULL);

  self = g_object_new (HS_TYPE_BREAKPOINT_VIEW, NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->table = hs_table_new (breakpoints, "Breakpoints");
  hs_table_add_column (HS_TABLE (self->table), "#", id_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (self->table), "On", enabled_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (self->table), "Address", address_text, NULL, 22, FALSE);
  hs_table_add_column (HS_TABLE (self->table), "Symbol", symbol_text, NULL, 18, FALSE);
  hs_table_add_column (HS_TABLE (self->table), "Line", line_text, NULL, 14, FALSE);
  hs_table_add_column (HS_TABLE (self->table), "Scope", scope_text, NULL, 20, TRUE);
  hs_table_add_column (HS_TABLE (self->table), "Hits", hits_text, NULL, 10, FALSE);
  self->selection = hs_table_use_single_selection (HS_TABLE (self->table));
  gtk_widget_set_vexpand (self->table, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->table);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  toggle = gtk_button_new_with_mnemonic ("_Enable/Disable");
  delete = gtk_button_new_with_mnemonic ("_Delete");
  g_signal_connect_swapped (toggle, "clicked", G_CALLBACK (on_toggle_clicked), self);
  g_signal_connect_swapped (delete, "clicked", G_CALLBACK (on_delete_clicked), self);
  gtk_widget_set_margin_top (buttons, 4);
  gtk_widget_set_margin_bottom (buttons, 4);
  gtk_widget_set_margin_start (buttons, 4);
  gtk_box_append (GTK_BOX (buttons), toggle);
  gtk_box_append (GTK_BOX (buttons), delete);
  gtk_box_append (GTK_BOX (self->box), buttons);
  return GTK_WIDGET (self);
}

HsBreakpoint *
hs_breakpoint_view_get_selected (HsBreakpointView *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT_VIEW (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

void
hs_breakpoint_view_select (HsBreakpointView *self,
                           guint             position)
{
  g_return_if_fail (HS_IS_BREAKPOINT_VIEW (self));
  gtk_single_selection_set_selected (self->selection, position);
}

GtkWidget *
hs_breakpoint_view_get_table (HsBreakpointView *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT_VIEW (self), NULL);
  return self->table;
}
