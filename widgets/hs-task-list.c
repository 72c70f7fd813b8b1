/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-list.c: the global task list.
 *
 *   tasks (the engine's store) → shown (a GListStore of the same tasks, one splice per halt)
 *         → GtkFilterListModel (text, machine, state)
 *         → GtkSortListModel (the column view's sorter) → GtkSingleSelection → GtkColumnView
 *
 * The engine updates its tasks in place at each halt, so the cells follow
 * their task's notifications (bound in bind, dropped in unbind) and nothing
 * is rebuilt. To know about every task and not only those on screen, the
 * list keeps a mirror of the store (@watched) with one notify handler per
 * task; the mirror also counts tasks per machine for the machine drop-down.
 *
 * A halt reaches the views once, from one idle before the next frame: the
 * engine inserts and removes tasks one at a time, and GTK 4.8's list view
 * rebinds its whole window of ~200 rows for each change above it, so the
 * changes are gathered in the mirror and given to @shown as one splice of the
 * span that changed. Filter and sort results are cached by GTK; when a task
 * notified a property the active filter or sort reads, the splice covers
 * every task, so the same one change refilters and resorts.
 */
#define G_LOG_DOMAIN "hs-task-list"

#include "config.h"

#include "hs-task-list-private.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (HsTaskList, hs_task_list, GTK_TYPE_WIDGET)

enum {
  TASK_ACTIVATED,
  BREAKPOINT_REQUESTED,
  SHOW_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- filtering -------------------------------------------------------------------------- */

static void
query_clear (Query *q)
{
  g_clear_pointer (&q->text, g_free);
  g_clear_pointer (&q->needle, g_free);
  q->machine = -1;
  q->pid = -1;
  q->pid_or_name = FALSE;
}

static gboolean
parse_number (const char *s,
              gint       *out)
{
  guint64 v;

  if (s[0] == 0 || !g_ascii_isdigit (s[0])
      || !g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT, &v, NULL))
    return FALSE;
  *out = (gint) v;
  return TRUE;
}

static void
query_parse (Query      *q,
             const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  const char *colon = strchr (stripped, ':');
  gint n;

  query_clear (q);
  if (stripped[0] == 0)
    return;
  q->text = g_strdup (stripped);
  if (colon != NULL)
    {
      g_autofree char *head = g_strndup (stripped, colon - stripped);
      const char *rest = colon + 1;

      if (parse_number (head, &n))
        {
          /* "1:95": that pid of machine 1; "1:sh": names in it; "1:": all of it. */
          q->machine = n;
          if (parse_number (rest, &n))
            q->pid = n;
          else if (rest[0] != 0)
            q->needle = g_ascii_strdown (rest, -1);
          return;
        }
    }
  if (parse_number (stripped, &n))
    {
      q->pid = n;
      q->pid_or_name = TRUE;
    }
  q->needle = g_ascii_strdown (stripped, -1);
}

static gboolean
name_contains (HsTask     *task,
               const char *needle)
{
  const char *name = hs_task_get_name (task);
  char lower[64];
  gsize i;

  /* comm is at most 16 bytes; anything longer is compared as it is. */
  for (i = 0; name[i] != 0 && i < sizeof lower - 1; i++)
    lower[i] = g_ascii_tolower (name[i]);
  lower[i] = 0;
  return strstr (lower, needle) != NULL;
}

static gboolean
filter_task (gpointer item,
             gpointer user_data)
{
  HsTaskList *self = user_data;
  HsTask *task = item;
  const Query *q = &self->query;

  if (self->machine_filter >= 0 && hs_task_get_machine (task) != (guint) self->machine_filter)
    return FALSE;
  if (self->state_filter != 0 && hs_task_get_state_text (task)[0] != self->state_filter)
    return FALSE;
  if (q->text == NULL)
    return TRUE;
  if (q->machine >= 0 && hs_task_get_machine (task) != (guint) q->machine)
    return FALSE;
  if (q->pid_or_name)
    return hs_task_get_pid (task) == q->pid || name_contains (task, q->needle);
  if (q->pid >= 0 && hs_task_get_pid (task) != q->pid)
    return FALSE;
  return q->needle == NULL || name_contains (task, q->needle);
}

static guint
filter_deps (HsTaskList *self)
{
  return (self->state_filter != 0 ? DEP_STATE : 0) | (self->query.needle != NULL ? DEP_NAME : 0);
}

/* ---- after a halt: one change for the views ------------------------------------------- */

static gboolean
is_shown_at (HsTaskList *self,
             guint       position,
             gpointer    task)
{
  g_autoptr(HsTask) item = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  return item == task;
}

/* Brings @shown up to @watched in one splice; every task if the filter or sort may differ. */
static void
flush (HsTaskList *self)
{
  guint n_old, n_new, prefix = 0, suffix = 0;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (!self->need_sync && !self->need_refilter && !self->need_resort)
    return;
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  n_new = self->watched->len;
  if (!self->need_refilter && !self->need_resort)
    {
      /* The engine never reorders: what changed lies between an equal head and tail. */
      while (prefix < MIN (n_old, n_new)
             && is_shown_at (self, prefix, g_ptr_array_index (self->watched, prefix)))
        prefix++;
      while (suffix < MIN (n_old, n_new) - prefix
             && is_shown_at (self, n_old - 1 - suffix,
                             g_ptr_array_index (self->watched, n_new - 1 - suffix)))
        suffix++;
    }
  self->need_sync = self->need_refilter = self->need_resort = FALSE;
  if (n_old - prefix - suffix == 0 && n_new - prefix - suffix == 0)
    return;
  g_list_store_splice (self->shown, prefix, n_old - prefix - suffix,
                       n_new > prefix + suffix ? self->watched->pdata + prefix : NULL,
                       n_new - prefix - suffix);
}

/* The filter changed: first what the engine changed, then the filter over everything. */
static void
refilter (HsTaskList *self)
{
  flush (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static gboolean
refresh_idle (gpointer data)
{
  HsTaskList *self = data;

  self->refresh_id = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (HsTaskList *self)
{
  /* Before the next frame is drawn (GDK's redraw runs at HIGH_IDLE + 20). */
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, refresh_idle, self, NULL);
}

static void
on_task_notify (HsTask     *task,
                GParamSpec *pspec,
                HsTaskList *self)
{
  guint dep;
  gboolean refilter_now, resort_now;

  /* Interned names: pointer comparisons. */
  if (pspec->name == g_intern_static_string ("state"))
    dep = DEP_STATE;
  else if (pspec->name == g_intern_static_string ("name"))
    dep = DEP_NAME;
  else if (pspec->name == g_intern_static_string ("current-vcpu"))
    dep = DEP_CURRENT;
  else
    return;

  refilter_now = (filter_deps (self) & dep) != 0;
  resort_now = (_hs_task_list_get_sort_deps (self) & dep) != 0;
  if (!refilter_now && !resort_now)
    return;
  self->need_refilter |= refilter_now;
  self->need_resort |= resort_now;
  schedule_flush (self);
}

/* ---- machines --------------------------------------------------------------------------- */

static guint
machine_index (HsTaskList *self,
               gint        machine,
               gboolean   *found)
{
  guint lo = 0, hi = self->machines->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->machines, gint, mid) < machine)
        lo = mid + 1;
      else
        hi = mid;
    }
  *found = lo < self->machines->len && g_array_index (self->machines, gint, lo) == machine;
  return lo;
}

/* Adds @machine to the drop-down (after "All machines", in order) unless it is there. */
static void
machine_show (HsTaskList *self,
              gint        machine)
{
  g_autofree char *name = NULL;
  const char *names[2] = { NULL, NULL };
  gboolean found;
  guint i = machine_index (self, machine, &found);

  if (found)
    return;
  name = g_strdup_printf ("Machine %d", machine);
  names[0] = name;
  /* The array first: the drop-down's "selected" follows the splice and is read back. */
  g_array_insert_val (self->machines, i, machine);
  gtk_string_list_splice (self->machine_names, i + 1, 0, names);
}

/* Removes @machine from the drop-down unless it still has tasks or is the one shown. */
static void
machine_hide (HsTaskList *self,
              gint        machine)
{
  gboolean found;
  guint i = machine_index (self, machine, &found);

  if (!found || machine == self->machine_filter
      || g_hash_table_contains (self->machine_counts, GINT_TO_POINTER (machine)))
    return;
  g_array_remove_index (self->machines, i);
  gtk_string_list_remove (self->machine_names, i + 1);
}

static void
machine_count (HsTaskList *self,
               gint        machine,
               gint        delta)
{
  gpointer key = GINT_TO_POINTER (machine);
  gint n = GPOINTER_TO_INT (g_hash_table_lookup (self->machine_counts, key)) + delta;

  if (n > 0)
    g_hash_table_insert (self->machine_counts, key, GINT_TO_POINTER (n));
  else
    g_hash_table_remove (self->machine_counts, key);
  if (n == delta && delta > 0)
    machine_show (self, machine);
  else if (n <= 0)
    machine_hide (self, machine);
}

static void
on_tasks_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  HsTaskList *self)
{
  for (guint i = 0; i < removed; i++)
    {
      HsTask *task = g_ptr_array_index (self->watched, position + i);

      g_signal_handlers_disconnect_by_func (task, on_task_notify, self);
      machine_count (self, (gint) hs_task_get_machine (task), -1);
    }
  g_ptr_array_remove_range (self->watched, position, removed);
  for (guint i = 0; i < added; i++)
    {
      HsTask *task = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (self->watched, position + i, task);  /* takes the reference */
      g_signal_connect (task, "notify", G_CALLBACK (on_task_notify), self);
      machine_count (self, (gint) hs_task_get_machine (task), +1);
    }
  if (self->shown != NULL)
    {
      self->need_sync = TRUE;
      schedule_flush (self);
    }
}

/* ---- template callbacks ----------------------------------------------------------------- */

static void
on_search_changed (HsTaskList *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->setting_text)
    return;
  if (g_strcmp0 (stripped[0] ? stripped : NULL, self->query.text) == 0)
    return;
  query_parse (&self->query, text);
  refilter (self);
}

static void
on_search_activate (HsTaskList *self)
{
  /* Enter in the search entry: to the list, on the first match. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0)
    return;
  if (gtk_single_selection_get_selected_item (self->selection) == NULL)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
on_search_stop (HsTaskList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
}

static void
on_machine_selected (HsTaskList *self)
{
  guint i = gtk_drop_down_get_selected (self->machine_drop);
  gint machine;

  if (i == GTK_INVALID_LIST_POSITION || self->machines == NULL || self->syncing_machines)
    return;
  machine = i == 0 ? -1 : g_array_index (self->machines, gint, i - 1);
  hs_task_list_set_machine_filter (self, machine);
}

static void
on_state_selected (HsTaskList *self)
{
  guint i = gtk_drop_down_get_selected (self->state_drop);
  GListModel *states = gtk_drop_down_get_model (self->state_drop);
  const char *s;

  if (i == GTK_INVALID_LIST_POSITION || states == NULL)
    return;
  s = gtk_string_list_get_string (GTK_STRING_LIST (states), i);
  hs_task_list_set_state_filter (self, i == 0 || s == NULL ? 0 : s[0]);
}

static void
on_view_activate (HsTaskList *self,
                  guint       position)
{
  hs_task_list_activate_row (self, position);
}

/* ---- actions and the context menu ------------------------------------------------------- */

static void
update_actions (HsTaskList *self)
{
  gboolean has = gtk_single_selection_get_selected_item (self->selection) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task-list.activate", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task-list.set-breakpoint", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task-list.show", has);
}

static void
action_activate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HsTaskList *self = HS_TASK_LIST (widget);
  HsTask *task = hs_task_list_get_selected (self);

  if (task != NULL)
    g_signal_emit (self, signals[TASK_ACTIVATED], 0, task);
}

static void
action_set_breakpoint (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HsTaskList *self = HS_TASK_LIST (widget);
  HsTask *task = hs_task_list_get_selected (self);

  if (task != NULL)
    g_signal_emit (self, signals[BREAKPOINT_REQUESTED], 0, task);
}

static void
action_show (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsTaskList *self = HS_TASK_LIST (widget);
  HsTask *task = hs_task_list_get_selected (self);
  const char *what = g_variant_get_string (parameter, NULL);

  if (task == NULL)
    return;
  if (g_strcmp0 (what, "registers") != 0 && g_strcmp0 (what, "stack") != 0
      && g_strcmp0 (what, "memory") != 0)
    {
      g_warning ("task-list.show: no view \"%s\" (registers, stack or memory)", what);
      return;
    }
  g_signal_emit (self, signals[SHOW_REQUESTED], 0, task, what);
}

static void
popup_at (HsTaskList *self,
          double      x,
          double      y)
{
  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

/* The Menu key and Shift+F10: below the focused row, or at the top of the list. */
static void
action_popup_menu (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HsTaskList *self = HS_TASK_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  graphene_rect_t bounds;
  double x = 24, y = 24;

  if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->view))
      && gtk_widget_compute_bounds (focus, widget, &bounds))
    {
      x = bounds.origin.x + 24;
      y = bounds.origin.y + bounds.size.height;
    }
  else if (gtk_widget_compute_bounds (GTK_WIDGET (self->view), widget, &bounds))
    {
      x = bounds.origin.x + 24;
      y = bounds.origin.y + 24;
    }
  popup_at (self, x, y);
}

/* Right click: select the row under the pointer, then the menu there. */
static void
on_right_click (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                HsTaskList      *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->view), x, y, GTK_PICK_DEFAULT);
  double sx, sy;

  for (; picked != NULL && picked != GTK_WIDGET (self->view);
       picked = gtk_widget_get_parent (picked))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (picked), "hs-list-item");

      if (item != NULL && gtk_list_item_get_item (item) != NULL)
        {
          gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
          break;
        }
    }
  if (hs_task_list_get_selected (self) == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self->view), GTK_WIDGET (self), x, y, &sx,
                                         &sy))
    sx = x, sy = y;
  popup_at (self, sx, sy);
}

/* ---- the widget ------------------------------------------------------------------------- */

static void
hs_task_list_dispose (GObject *object)
{
  HsTaskList *self = HS_TASK_LIST (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->tasks)
    g_signal_handlers_disconnect_by_func (self->tasks, on_tasks_changed, self);
  for (guint i = 0; self->watched && i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i), on_task_notify,
                                          self);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_TASK_LIST);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->machine_counts, g_hash_table_unref);
  g_clear_pointer (&self->machines, g_array_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->shown);
  g_clear_object (&self->machine_names);
  g_clear_object (&self->current);
  g_clear_object (&self->probes[0]);
  g_clear_object (&self->probes[1]);
  g_clear_object (&self->tasks);
  query_clear (&self->query);
  G_OBJECT_CLASS (hs_task_list_parent_class)->dispose (object);
}

static void
hs_task_list_class_init (HsTaskListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_task_list_dispose;

  /**
   * HsTaskList::task-activated:
   * @task: the row's task
   *
   * A double-click or Enter on a row.
   */
  signals[TASK_ACTIVATED] =
    g_signal_new ("task-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HS_TYPE_TASK);
  signals[BREAKPOINT_REQUESTED] =
    g_signal_new ("breakpoint-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_TASK);
  /* @what: "registers", "stack" or "memory". */
  signals[SHOW_REQUESTED] =
    g_signal_new ("show-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, HS_TYPE_TASK, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_install_action (widget_class, "task-list.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "task-list.set-breakpoint", NULL,
                                   action_set_breakpoint);
  gtk_widget_class_install_action (widget_class, "task-list.show", "s", action_show);
  gtk_widget_class_install_action (widget_class, "task-list.popup-menu", NULL, action_popup_menu);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-task-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, box);
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, search);
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, machine_drop);
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, state_drop);
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, view);
  gtk_widget_class_bind_template_child (widget_class, HsTaskList, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_machine_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_state_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_view_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-task-list");
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  key,
              GdkModifierType        mods,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, mods),
                                                          gtk_named_action_new (action)));
}

static void
hs_task_list_init (HsTaskList *self)
{
  GtkEventController *shortcuts;
  GtkGesture *click;

  self->machine_filter = -1;
  query_clear (&self->query);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->bound = g_hash_table_new (NULL, NULL);
  self->machine_counts = g_hash_table_new (NULL, NULL);
  self->machines = g_array_new (FALSE, FALSE, sizeof (gint));
  self->probes[0] = g_object_new (HS_TYPE_TASK, NULL);
  self->probes[1] = g_object_new (HS_TYPE_TASK, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->machine_names = gtk_string_list_new ((const char * const[]) { "All machines", NULL });
  gtk_drop_down_set_model (self->machine_drop, G_LIST_MODEL (self->machine_names));
  gtk_search_entry_set_key_capture_widget (self->search, GTK_WIDGET (self->view));

  _hs_task_list_add_columns (self);

  /* Widget-scope shortcuts on the list itself (the entry keeps its own keys). */
  shortcuts = gtk_shortcut_controller_new ();
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_b, GDK_CONTROL_MASK,
                "task-list.set-breakpoint");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Menu, 0, "task-list.popup-menu");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_F10, GDK_SHIFT_MASK,
                "task-list.popup-menu");
  gtk_widget_add_controller (GTK_WIDGET (self->view), shortcuts);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
hs_task_list_new (GListModel *tasks)
{
  HsTaskList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (tasks), NULL);
  g_return_val_if_fail (g_type_is_a (g_list_model_get_item_type (tasks), HS_TYPE_TASK), NULL);

  self = g_object_new (HS_TYPE_TASK_LIST, NULL);
  self->tasks = g_object_ref (tasks);
  g_signal_connect (tasks, "items-changed", G_CALLBACK (on_tasks_changed), self);
  on_tasks_changed (tasks, 0, 0, g_list_model_get_n_items (tasks), self);
  self->shown = g_list_store_new (HS_TYPE_TASK);
  g_list_store_splice (self->shown, 0, 0, self->watched->pdata, self->watched->len);

  self->filter = gtk_custom_filter_new (filter_task, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->shown)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  gtk_filter_list_model_set_incremental (self->filtered, FALSE);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  gtk_sort_list_model_set_incremental (self->sorted, FALSE);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  update_actions (self);
  return GTK_WIDGET (self);
}

/* ---- public API ------------------------------------------------------------------------- */

void
hs_task_list_focus_search (HsTaskList *self)
{
  g_return_if_fail (HS_IS_TASK_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search));
  gtk_editable_select_region (GTK_EDITABLE (self->search), 0, -1);
}

void
hs_task_list_set_filter_text (HsTaskList *self,
                              const char *text)
{
  g_return_if_fail (HS_IS_TASK_LIST (self));

  /* The entry says "search-changed" at once for the empty text set_text() passes through: not
   * listened to here. */
  self->setting_text = TRUE;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search)), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search), text ? text : "");
  self->setting_text = FALSE;
  /* Now, not after the entry's typing delay; its search-changed then finds nothing new. */
  query_parse (&self->query, text);
  refilter (self);
}

void
hs_task_list_set_machine_filter (HsTaskList *self,
                                 gint        machine)
{
  gboolean found;
  guint i;

  g_return_if_fail (HS_IS_TASK_LIST (self));

  machine = MAX (machine, -1);
  if (machine == self->machine_filter)
    return;
  self->machine_filter = machine;
  self->syncing_machines = TRUE;
  if (machine >= 0)
    machine_show (self, machine);
  i = machine >= 0 ? machine_index (self, machine, &found) + 1 : 0;
  if (gtk_drop_down_get_selected (self->machine_drop) != i)
    gtk_drop_down_set_selected (self->machine_drop, i);
  /* The machine shown before may have no tasks left. */
  for (guint k = 0; k < self->machines->len; k++)
    if (!g_hash_table_contains (self->machine_counts,
                                GINT_TO_POINTER (g_array_index (self->machines, gint, k)))
        && g_array_index (self->machines, gint, k) != machine)
      {
        machine_hide (self, g_array_index (self->machines, gint, k));
        break;
      }
  self->syncing_machines = FALSE;
  refilter (self);
}

void
hs_task_list_set_state_filter (HsTaskList *self,
                               char        state)
{
  GListModel *states;
  guint index = 0;

  g_return_if_fail (HS_IS_TASK_LIST (self));

  states = gtk_drop_down_get_model (self->state_drop);
  for (guint i = 1; state != 0 && i < g_list_model_get_n_items (states); i++)
    if (gtk_string_list_get_string (GTK_STRING_LIST (states), i)[0] == state)
      index = i;
  g_return_if_fail (state == 0 || index != 0);

  if (state == self->state_filter)
    return;
  self->state_filter = state;
  if (gtk_drop_down_get_selected (self->state_drop) != index)
    gtk_drop_down_set_selected (self->state_drop, index);
  refilter (self);
}

HsTask *
hs_task_list_get_selected (HsTaskList *self)
{
  g_return_val_if_fail (HS_IS_TASK_LIST (self), NULL);

  flush (self);
  return gtk_single_selection_get_selected_item (self->selection);
}

static GtkWidget *
inner_list_view (HsTaskList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

gboolean
hs_task_list_select (HsTaskList *self,
                     HsTask     *task)
{
  GListModel *rows;
  guint n;

  g_return_val_if_fail (HS_IS_TASK_LIST (self), FALSE);
  g_return_val_if_fail (HS_IS_TASK (task), FALSE);

  flush (self);

  rows = G_LIST_MODEL (self->sorted);
  n = g_list_model_get_n_items (rows);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTask) row = g_list_model_get_item (rows, i);
      GtkWidget *list;

      if (row != task)
        continue;
      gtk_single_selection_set_selected (self->selection, i);
      /* GTK 4.8 has no gtk_column_view_scroll_to(); its inner list view has this action. */
      list = inner_list_view (self);
      if (list != NULL)
        gtk_widget_activate_action (list, "list.scroll-to-item", "u", i);
      return TRUE;
    }
  return FALSE;
}

void
hs_task_list_set_current (HsTaskList *self,
                          HsTask     *task)
{
  g_autoptr(HsTask) old = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (HS_IS_TASK_LIST (self));
  g_return_if_fail (task == NULL || HS_IS_TASK (task));

  if (task == self->current)
    return;
  old = g_steal_pointer (&self->current);
  self->current = task ? g_object_ref (task) : NULL;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GtkListItem *item = key;
      gpointer object = gtk_list_item_get_item (item);

      if (object != NULL && (object == old || object == task))
        _hs_task_list_update_cell (item);
    }
}

guint
hs_task_list_get_n_rows (HsTaskList *self)
{
  g_return_val_if_fail (HS_IS_TASK_LIST (self), 0);

  flush (self);
  return g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

char *
hs_task_list_get_text (HsTaskList *self,
                       guint       row,
                       guint       column)
{
  g_autoptr(HsTask) task = NULL;

  g_return_val_if_fail (HS_IS_TASK_LIST (self), NULL);

  flush (self);

  if (column >= HS_TASK_LIST_N_COLUMNS)
    return NULL;
  task = g_list_model_get_item (G_LIST_MODEL (self->sorted), row);
  if (task == NULL)
    return NULL;
  return _hs_task_list_cell_text (self, task, column);
}

void
hs_task_list_activate_row (HsTaskList *self,
                           guint       row)
{
  g_autoptr(HsTask) task = NULL;

  g_return_if_fail (HS_IS_TASK_LIST (self));

  flush (self);

  task = g_list_model_get_item (G_LIST_MODEL (self->sorted), row);
  if (task == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, row);
  g_signal_emit (self, signals[TASK_ACTIVATED], 0, task);
}

void
hs_task_list_sort_by (HsTaskList       *self,
                      HsTaskListColumn  column,
                      GtkSortType       order)
{
  g_autoptr(GtkColumnViewColumn) c = NULL;

  g_return_if_fail (HS_IS_TASK_LIST (self));
  g_return_if_fail (column < HS_TASK_LIST_N_COLUMNS);

  flush (self);

  c = g_list_model_get_item (gtk_column_view_get_columns (self->view), column);
  gtk_column_view_sort_by_column (self->view, c, order);
}

GtkColumnView *
hs_task_list_get_view (HsTaskList *self)
{
  g_return_val_if_fail (HS_IS_TASK_LIST (self), NULL);

  return self->view;
}
