/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-breakpoint-dialog.c: a breakpoint for one task. GUI thread only;
 * completions come from the machine's ELF symbol table (a sorted search,
 * never DWARF), a few dozen at most.
 */
#define G_LOG_DOMAIN "hs-task-breakpoint-dialog"

#include "config.h"

#include "hs-task-breakpoint-dialog.h"

#include <string.h>

#define MAX_COMPLETIONS 40

struct _HsTaskBreakpointDialog
{
  GtkWindow parent_instance;

  HsEngine *engine;             /* owned */
  HsTask *task;                 /* owned */
  GtkEntry *entry;
  GtkStringList *completions;   /* owned: functions starting with what was typed */
  gboolean done;
};

G_DEFINE_FINAL_TYPE (HsTaskBreakpointDialog, hs_task_breakpoint_dialog, GTK_TYPE_WINDOW)

enum {
  SET_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_text_changed (HsTaskBreakpointDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_auto(GStrv) names = NULL;

  if (strlen (text) >= 3 && strpbrk (text, ":*? ") == NULL)
    names = hs_engine_complete_function (self->engine, hs_task_get_machine (self->task), text,
                                         MAX_COMPLETIONS);
  gtk_string_list_splice (self->completions, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->completions)),
                          (const char * const *) names);
}

/* A click on a suggested function takes it. */
static void
on_completion_activate (HsTaskBreakpointDialog *self,
                        guint                   position)
{
  const char *name = gtk_string_list_get_string (self->completions, position);

  if (name == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), name);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
setup_completion (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "hs-mono");
  gtk_list_item_set_child (item, label);
}

static void
bind_completion (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static void
finish (HsTaskBreakpointDialog *self,
        gboolean                set)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  guint machine = hs_task_get_machine (self->task);

  if (self->done)
    return;
  self->done = TRUE;
  if (set && *text != 0)
    {
      /* An address form names its machine itself; a bare function is the task's machine's. */
      g_autofree char *prefix = strstr (text, ":::") ? g_strdup ("")
                                                     : g_strdup_printf ("%u:::", machine);
      g_autofree char *command = g_strdup_printf ("Break.Set %s%s /MACHINE %u. /TASK %d.",
                                                  prefix, text, machine,
                                                  hs_task_get_pid (self->task));

      g_signal_emit (self, signals[SET_REQUESTED], 0, command);
    }
  /* Destroying the entry must not look for completions in a dialog being torn down. */
  g_signal_handlers_disconnect_by_data (self->entry, self);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_set (HsTaskBreakpointDialog *self)
{
  finish (self, TRUE);
}

static void
on_cancel (HsTaskBreakpointDialog *self)
{
  finish (self, FALSE);
}

static void
hs_task_breakpoint_dialog_dispose (GObject *object)
{
  HsTaskBreakpointDialog *self = HS_TASK_BREAKPOINT_DIALOG (object);

  /* The entry goes after this (with the window's children): it must not call back into a
   * dialog half torn down, whichever way the dialog was closed. */
  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  g_clear_object (&self->completions);
  g_clear_object (&self->task);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_task_breakpoint_dialog_parent_class)->dispose (object);
}

static void
hs_task_breakpoint_dialog_class_init (HsTaskBreakpointDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hs_task_breakpoint_dialog_dispose;

  /**
   * HsTaskBreakpointDialog::set-requested:
   * @command: the Break.Set line, scoped to the task's machine and pid
   */
  signals[SET_REQUESTED] =
    g_signal_new ("set-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hs_task_breakpoint_dialog_init (HsTaskBreakpointDialog *self)
{
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 460, -1);
}

static GtkWidget *
new_completion_list (HsTaskBreakpointDialog *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *list, *scroller;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_completion), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_completion), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (
                              g_object_ref (G_LIST_MODEL (self->completions)))),
                            factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Matching functions", -1);
  g_signal_connect_swapped (list, "activate", G_CALLBACK (on_completion_activate), self);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  return scroller;
}

GtkWidget *
hs_task_breakpoint_dialog_new (HsEngine  *engine,
                               HsTask    *task,
                               GtkWindow *parent)
{
  HsTaskBreakpointDialog *self;
  GtkWidget *box, *label, *buttons, *cancel, *set;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  title = g_strdup_printf ("Breakpoint for %s", hs_task_get_name (task));
  self = g_object_new (HS_TYPE_TASK_BREAKPOINT_DIALOG, "title", title, "transient-for", parent,
                       NULL);
  self->engine = g_object_ref (engine);
  self->task = g_object_ref (task);
  self->completions = gtk_string_list_new (NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  text = g_strdup_printf ("Stop only when task %s (pid %d) of machine %u reaches:",
                          hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_machine (task));
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->entry, "function, or an address form");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Function or address", -1);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_text_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_set), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));
  /* The functions that start with what was typed, under the entry: a click takes one. */
  gtk_box_append (GTK_BOX (box), new_completion_list (self));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic ("_Cancel");
  set = gtk_button_new_with_mnemonic ("_Set Breakpoint");
  gtk_widget_add_css_class (set, "suggested-action");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (on_cancel), self);
  g_signal_connect_swapped (set, "clicked", G_CALLBACK (on_set), self);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), set);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (self), box);
  return GTK_WIDGET (self);
}

HsTask *
hs_task_breakpoint_dialog_get_task (HsTaskBreakpointDialog *self)
{
  g_return_val_if_fail (HS_IS_TASK_BREAKPOINT_DIALOG (self), NULL);
  return self->task;
}
