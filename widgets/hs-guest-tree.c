/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-guest-tree.c: the machines of the target as a tree.
 *
 * A GtkTreeListModel over the engine's machine model. Every level is a model
 * of the engine's own stable objects, so a halt updates rows in place and
 * what is expanded stays expanded:
 *
 *   machine 0 (Xen)     the engine's cores (HsCore): its physical CPUs
 *   a guest             [ "vCPUs" group, its processes ..., "Kernel threads" group,
 *                       "Modules" group ]: a flatten model over one-item group stores and a
 *                       filter of the engine's global task model (thread-group leaders
 *                       with an mm)
 *   "vCPUs"             hs_machine_get_vcpus() (HsVcpu)
 *   "Modules"           hs_machine_get_modules() (HsModule): its kernel modules
 *   "Kernel threads"    a filter: the guest's kernel threads (and zombies: no mm) that
 *                       lead their group, so user processes are not lost among them
 *   a process           a filter: the other threads of its group
 *
 * The filters look at facts a task keeps (machine, pid, tgid, whether it has
 * an mm), so a halt filters only the tasks it added; a process that becomes
 * a zombie stays where it was. Cells follow their object's
 * notifications; facts derived from several objects (which machine a core
 * runs) are recomputed for the rows on screen at each halt.
 */
#define G_LOG_DOMAIN "hs-guest-tree"

#include "config.h"

#include "hs-guest-tree.h"

enum {
  COLUMN_NAME,
  COLUMN_STATE,
  COLUMN_DETAILS,
  N_COLUMNS
};

/* ---- group rows ------------------------------------------------------------------------- */

typedef enum
{
  GROUP_VCPUS,
  GROUP_KERNEL_THREADS,
  GROUP_MODULES,
} GroupKind;

#define HS_TYPE_GUEST_GROUP (hs_guest_group_get_type ())
G_DECLARE_FINAL_TYPE (HsGuestGroup, hs_guest_group, HS, GUEST_GROUP, GObject)

/* A row that only gathers other rows: its children and their count. */
struct _HsGuestGroup
{
  GObject parent_instance;

  GListModel *model;
  GroupKind kind;
  guint n_items;
};

G_DEFINE_FINAL_TYPE (HsGuestGroup, hs_guest_group, G_TYPE_OBJECT)

enum {
  GROUP_PROP_0,
  GROUP_PROP_N_ITEMS,
  GROUP_N_PROPS
};

static GParamSpec *group_properties[GROUP_N_PROPS];

static void
hs_guest_group_finalize (GObject *object)
{
  HsGuestGroup *self = HS_GUEST_GROUP (object);

  g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (hs_guest_group_parent_class)->finalize (object);
}

static void
hs_guest_group_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case GROUP_PROP_N_ITEMS:
      g_value_set_uint (value, HS_GUEST_GROUP (object)->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_guest_group_class_init (HsGuestGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_guest_group_finalize;
  object_class->get_property = hs_guest_group_get_property;
  group_properties[GROUP_PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, GROUP_N_PROPS, group_properties);
}

static void
hs_guest_group_init (HsGuestGroup *self)
{
}

static void
group_items_changed (GListModel   *model,
                     guint         position,
                     guint         removed,
                     guint         added,
                     HsGuestGroup *self)
{
  guint n = g_list_model_get_n_items (model);

  if (n == self->n_items)
    return;
  self->n_items = n;
  g_object_notify_by_pspec (G_OBJECT (self), group_properties[GROUP_PROP_N_ITEMS]);
}

/* Takes @model. */
static HsGuestGroup *
hs_guest_group_new (GroupKind   kind,
                    GListModel *model)
{
  HsGuestGroup *self = g_object_new (HS_TYPE_GUEST_GROUP, NULL);

  self->kind = kind;
  self->model = model;
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (group_items_changed), self);
  return self;
}

/* ---- which tasks go where --------------------------------------------------------------- */

typedef enum
{
  PICK_PROCESSES,               /* user processes: leaders of their thread group */
  PICK_KERNEL_THREADS,          /* leaders without an mm */
  PICK_THREADS,                 /* the other threads of one group */
} Pick;

typedef struct
{
  Pick pick;
  guint machine;
  gint tgid;
} TaskFilter;

static gboolean
task_matches (gpointer item,
              gpointer data)
{
  HsTask *task = item;
  const TaskFilter *f = data;
  gboolean leader = hs_task_get_pid (task) == hs_task_get_tgid (task);

  if (hs_task_get_machine (task) != f->machine)
    return FALSE;
  switch (f->pick)
    {
    case PICK_PROCESSES: return leader && !hs_task_is_kernel_thread (task);
    case PICK_KERNEL_THREADS: return leader && hs_task_is_kernel_thread (task);
    case PICK_THREADS: return !leader && hs_task_get_tgid (task) == f->tgid;
    default: return FALSE;
    }
}

static GListModel *
filter_tasks (GListModel *tasks,
              Pick        pick,
              guint       machine,
              gint        tgid)
{
  TaskFilter *f = g_new0 (TaskFilter, 1);

  f->pick = pick;
  f->machine = machine;
  f->tgid = tgid;
  return G_LIST_MODEL (gtk_filter_list_model_new (
    g_object_ref (tasks), GTK_FILTER (gtk_custom_filter_new (task_matches, f, g_free))));
}

/* ---- the widget ------------------------------------------------------------------------- */

struct _HsGuestTree
{
  GtkWidget parent_instance;

  /* Owned */
  HsEngine *engine;
  GtkWidget *scroller;
  GtkWidget *menu;              /* a GtkPopoverMenu, rebuilt for the row it opens on */
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  GPtrArray *bound;             /* of GtkListItem*: the cells on screen */

  /* Borrowed: the scroller's */
  GtkColumnView *view;
};

G_DEFINE_FINAL_TYPE (HsGuestTree, hs_guest_tree, GTK_TYPE_WIDGET)

enum {
  MACHINE_ACTIVATED,
  TASK_ACTIVATED,
  VCPU_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  HsGuestTree *self = user_data;
  GListModel *tasks = hs_engine_get_tasks (self->engine);

  if (HS_IS_MACHINE (item))
    {
      HsMachine *m = item;
      guint id = hs_machine_get_id (m);
      GListStore *parts;
      GListStore *vcpus;
      GListStore *kernel;
      GListStore *modules;
      g_autoptr(HsGuestGroup) vcpu_group = NULL;
      g_autoptr(HsGuestGroup) kernel_group = NULL;
      g_autoptr(HsGuestGroup) module_group = NULL;
      g_autoptr(GListModel) processes = NULL;

      if (hs_machine_get_kind (m) == HS_MACHINE_HYPERVISOR)
        return g_object_ref (hs_engine_get_cores (self->engine));

      vcpu_group = hs_guest_group_new (GROUP_VCPUS, g_object_ref (hs_machine_get_vcpus (m)));
      vcpus = g_list_store_new (HS_TYPE_GUEST_GROUP);
      g_list_store_append (vcpus, vcpu_group);
      kernel_group = hs_guest_group_new (GROUP_KERNEL_THREADS,
                                         filter_tasks (tasks, PICK_KERNEL_THREADS, id, 0));
      kernel = g_list_store_new (HS_TYPE_GUEST_GROUP);
      g_list_store_append (kernel, kernel_group);
      processes = filter_tasks (tasks, PICK_PROCESSES, id, 0);
      module_group = hs_guest_group_new (GROUP_MODULES,
                                         g_object_ref (hs_machine_get_modules (m)));
      modules = g_list_store_new (HS_TYPE_GUEST_GROUP);
      g_list_store_append (modules, module_group);

      parts = g_list_store_new (G_TYPE_LIST_MODEL);
      g_list_store_append (parts, vcpus);
      g_list_store_append (parts, processes);
      g_list_store_append (parts, kernel);
      g_list_store_append (parts, modules);
      g_object_unref (vcpus);
      g_object_unref (kernel);
      g_object_unref (modules);
      return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
    }
  if (HS_IS_GUEST_GROUP (item))
    return g_object_ref (HS_GUEST_GROUP (item)->model);
  if (HS_IS_TASK (item) && hs_task_get_pid (item) == hs_task_get_tgid (item))
    {
      g_autoptr(GListModel) threads = filter_tasks (tasks, PICK_THREADS,
                                                    hs_task_get_machine (item),
                                                    hs_task_get_tgid (item));

      /* Only a process with threads gets an expander (GTK asks once per row). */
      return g_list_model_get_n_items (threads) ? g_steal_pointer (&threads) : NULL;
    }
  return NULL;
}

/* ---- cell texts ------------------------------------------------------------------------- */

static void
append_pc (GString    *s,
           HsEngine   *engine,
           guint       machine,
           guint64     pc,
           const char *how)
{
  g_autofree char *symbol = hs_engine_symbolize (engine, machine, 0, pc);

  g_string_append_printf (s, "%spc 0x%016" G_GINT64_MODIFIER "x", s->len ? ", " : "", pc);
  if (symbol)
    g_string_append_printf (s, " %s", symbol);
  if (how)
    g_string_append_printf (s, " (%s)", how);
}

/* The vCPU a halted core runs, by what the last halt read from Xen. */
static HsVcpu *
vcpu_on_core (HsEngine *engine,
              guint     core)
{
  GListModel *machines = hs_engine_get_machines (engine);
  guint n = g_list_model_get_n_items (machines);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      GListModel *vcpus = hs_machine_get_vcpus (m);

      for (guint k = 0; k < g_list_model_get_n_items (vcpus); k++)
        {
          g_autoptr(HsVcpu) v = g_list_model_get_item (vcpus, k);

          if (hs_vcpu_get_core (v) == (gint) core)
            return v;  /* the machine's store keeps it */
        }
    }
  return NULL;
}

static void
machine_texts (HsGuestTree *self,
               HsMachine   *m,
               char        *texts[N_COLUMNS])
{
  guint id = hs_machine_get_id (m);
  GString *details = g_string_new (NULL);

  texts[COLUMN_STATE] = g_strdup (hs_machine_state_to_string (hs_machine_get_state (m)));
  if (hs_machine_get_kind (m) == HS_MACHINE_HYPERVISOR)
    {
      guint n = hs_engine_get_n_cores (self->engine);

      texts[COLUMN_NAME] = g_strdup_printf ("%u Hypervisor (Xen)", id);
      g_string_append_printf (details, "%u pCPU%s", n, n == 1 ? "" : "s");
    }
  else
    {
      guint n = hs_machine_get_n_vcpus (m);

      texts[COLUMN_NAME] = g_strdup_printf ("%u %s", id, hs_machine_get_name (m));
      if (hs_machine_get_domain_id (m) >= 0)
        g_string_append_printf (details, "%u vCPU%s, domain %d, VMID %u, "
                                "VTTBR 0x%016" G_GINT64_MODIFIER "x", n, n == 1 ? "" : "s",
                                hs_machine_get_domain_id (m), hs_machine_get_vmid (m),
                                hs_machine_get_vttbr (m));
    }
  texts[COLUMN_DETAILS] = g_string_free (details, FALSE);
}

static void
core_texts (HsGuestTree *self,
            HsCore      *core,
            char        *texts[N_COLUMNS])
{
  guint index = hs_core_get_index (core);
  int el = hs_core_get_exception_level (core);
  const char *state = hs_core_state_to_string (hs_core_get_state (core));
  GString *details = g_string_new (NULL);
  guint64 pc;

  texts[COLUMN_NAME] = g_strdup_printf ("pCPU %u", index);
  texts[COLUMN_STATE] = el >= 0 ? g_strdup_printf ("%s EL%d", state, el) : g_strdup (state);
  if (hs_core_get_state (core) == HS_CORE_STATE_HALTED)
    {
      guint machine = hs_engine_get_core_machine (self->engine, index);
      HsVcpu *vcpu = vcpu_on_core (self->engine, index);

      if (vcpu != NULL)
        {
          HsMachine *m = hs_engine_get_machine (self->engine, hs_vcpu_get_machine (vcpu));

          g_string_append_printf (details, "%s machine %u (%s) vCPU %u",
                                  machine == 0 ? "in Xen for" : "runs",
                                  hs_vcpu_get_machine (vcpu),
                                  m ? hs_machine_get_name (m) : "?", hs_vcpu_get_id (vcpu));
        }
      else if (machine != 0)
        {
          HsMachine *m = hs_engine_get_machine (self->engine, machine);

          g_string_append_printf (details, "runs machine %u (%s)", machine,
                                  m ? hs_machine_get_name (m) : "?");
        }
      else
        g_string_append (details, "in Xen");
      if (hs_core_get_pc (core, &pc))
        append_pc (details, self->engine, machine, pc, NULL);
    }
  texts[COLUMN_DETAILS] = g_string_free (details, FALSE);
}

static void
vcpu_texts (HsGuestTree *self,
            HsVcpu      *vcpu,
            char        *texts[N_COLUMNS])
{
  GString *details = g_string_new (NULL);
  guint64 pc;

  texts[COLUMN_NAME] = g_strdup_printf ("vCPU %u", hs_vcpu_get_id (vcpu));
  texts[COLUMN_STATE] = g_strdup (hs_vcpu_get_state_text (vcpu));
  if (hs_vcpu_get_pcpu (vcpu) >= 0)
    g_string_append_printf (details, "pCPU %d", hs_vcpu_get_pcpu (vcpu));
  if (hs_vcpu_get_core (vcpu) >= 0)
    g_string_append_printf (details, "%son halted core %d", details->len ? ", " : "",
                            hs_vcpu_get_core (vcpu));
  if (hs_vcpu_get_pc (vcpu, &pc))
    append_pc (details, self->engine, hs_vcpu_get_machine (vcpu), pc,
               hs_vcpu_is_pc_live (vcpu) ? "live" : "saved by Xen");
  if (hs_vcpu_get_task_name (vcpu))
    g_string_append_printf (details, "%stask %s", details->len ? ", " : "",
                            hs_vcpu_get_task_name (vcpu));
  texts[COLUMN_DETAILS] = g_string_free (details, FALSE);
}

static void
task_texts (HsTask *task,
            char   *texts[N_COLUMNS])
{
  GString *details = g_string_new (NULL);

  texts[COLUMN_NAME] = g_strdup_printf ("%d %s", hs_task_get_pid (task), hs_task_get_name (task));
  texts[COLUMN_STATE] = hs_task_is_corrupt (task)
                        ? g_strdup_printf ("corrupt: %s", hs_task_get_corrupt_reason (task))
                        : g_strdup (hs_task_get_state_text (task));
  if (hs_task_get_cpu (task) >= 0)
    g_string_append_printf (details, "CPU %d", hs_task_get_cpu (task));
  if (hs_task_get_current_vcpu (task) >= 0)
    {
      g_string_append_printf (details, "%scurrent on vCPU %d", details->len ? ", " : "",
                              hs_task_get_current_vcpu (task));
      if (hs_task_get_core (task) >= 0)
        g_string_append_printf (details, " (halted core %d)", hs_task_get_core (task));
    }
  texts[COLUMN_DETAILS] = g_string_free (details, FALSE);
}

static void
module_texts (HsModule *mod,
              char     *texts[N_COLUMNS])
{
  const char *symbols = hs_module_get_symbols (mod);
  g_autofree char *file = symbols ? g_path_get_basename (symbols) : NULL;
  guint64 text, text_size, data, data_size;

  hs_module_get_text (mod, &text, &text_size);
  hs_module_get_data (mod, &data, &data_size);
  texts[COLUMN_NAME] = g_strdup (hs_module_get_name (mod));
  texts[COLUMN_STATE] = g_strdup (hs_module_get_state (mod));
  texts[COLUMN_DETAILS] = g_strdup_printf ("code 0x%016" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT
                                           " bytes), data 0x%016" G_GINT64_MODIFIER "x, %s%s",
                                           text, text_size, data,
                                           file ? "symbols from " : "no symbols",
                                           file ? file : "");
}

static void
row_texts (HsGuestTree *self,
           GObject     *item,
           char        *texts[N_COLUMNS])
{
  if (HS_IS_MACHINE (item))
    machine_texts (self, HS_MACHINE (item), texts);
  else if (HS_IS_CORE (item))
    core_texts (self, HS_CORE (item), texts);
  else if (HS_IS_VCPU (item))
    vcpu_texts (self, HS_VCPU (item), texts);
  else if (HS_IS_TASK (item))
    task_texts (HS_TASK (item), texts);
  else if (HS_IS_MODULE (item))
    module_texts (HS_MODULE (item), texts);
  else if (HS_IS_GUEST_GROUP (item))
    {
      HsGuestGroup *group = HS_GUEST_GROUP (item);

      texts[COLUMN_NAME] = g_strdup (group->kind == GROUP_VCPUS ? "vCPUs"
                                     : group->kind == GROUP_MODULES ? "Modules"
                                     : "Kernel threads");
      texts[COLUMN_STATE] = g_strdup ("");
      texts[COLUMN_DETAILS] = g_strdup_printf ("%u", group->n_items);
    }
  else
    for (guint i = 0; i < N_COLUMNS; i++)
      texts[i] = g_strdup ("");
}

static const char *
state_style (GObject *item)
{
  const char *state = NULL;

  if (HS_IS_CORE (item))
    return hs_core_get_state (HS_CORE (item)) == HS_CORE_STATE_RUNNING ? "hs-running"
           : hs_core_get_state (HS_CORE (item)) == HS_CORE_STATE_HALTED ? "hs-halted" : NULL;
  if (HS_IS_VCPU (item))
    state = hs_vcpu_get_state_text (HS_VCPU (item));
  else if (HS_IS_TASK (item))
    return hs_task_is_corrupt (HS_TASK (item)) ? "hs-error"
           : hs_task_get_current_vcpu (HS_TASK (item)) >= 0 ? "hs-running" : NULL;
  return g_strcmp0 (state, "running") == 0 ? "hs-running" : NULL;
}

/* ---- cells ------------------------------------------------------------------------------ */

static GtkWidget *
cell_label (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    return gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
  return child;
}

static void
update_cell (HsGuestTree *self,
             GtkListItem *item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "hs-column"));
  GtkWidget *label = cell_label (item);
  g_autoptr(GObject) object = NULL;
  char *texts[N_COLUMNS] = { NULL };

  if (row == NULL || label == NULL || (object = gtk_tree_list_row_get_item (row)) == NULL)
    return;
  row_texts (self, object, texts);
  gtk_inscription_set_text (GTK_INSCRIPTION (label), texts[column]);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_free (texts[i]);

  if (column == COLUMN_STATE)
    {
      const char *old_class = g_object_get_data (G_OBJECT (label), "hs-class");
      const char *new_class = state_style (object);

      if (g_strcmp0 (old_class, new_class) != 0)
        {
          if (old_class)
            gtk_widget_remove_css_class (label, old_class);
          if (new_class)
            gtk_widget_add_css_class (label, new_class);
          /* Static strings: kept by pointer. */
          g_object_set_data (G_OBJECT (label), "hs-class", (gpointer) new_class);
        }
    }
}

static void
refresh (HsGuestTree *self)
{
  for (guint i = 0; i < self->bound->len; i++)
    update_cell (self, g_ptr_array_index (self->bound, i));
}

static void
object_notify (GObject     *object,
               GParamSpec  *pspec,
               GtkListItem *item)
{
  HsGuestTree *self = g_object_get_data (G_OBJECT (item), "hs-guest-tree");

  update_cell (self, item);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_inscription_new (NULL);
  GtkWidget *child = label;

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label),
                                 column == COLUMN_NAME ? 22 : column == COLUMN_STATE ? 12 : 30);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label),
                                 column == COLUMN_NAME ? 26 : column == COLUMN_STATE ? 14 : 70);
  if (column == COLUMN_DETAILS)
    gtk_widget_add_css_class (label, "hs-mono");
  if (column == COLUMN_NAME)
    {
      child = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (child), label);
    }
  /* Right clicks find their row through this. */
  g_object_set_data (G_OBJECT (child), "hs-list-item", item);
  g_object_set_data (G_OBJECT (item), "hs-column", user_data);
  gtk_list_item_set_child (item, child);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           HsGuestTree              *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);
  gulong id;

  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), row);
  /* Borrowed: the widget outlives its factories' items. */
  g_object_set_data (G_OBJECT (item), "hs-guest-tree", self);
  /* GTK 4.8 can bind a row whose item has just left the model (a halt removed it while the
   * view was catching up): an empty cell until the next bind. */
  if (object == NULL)
    {
      GtkWidget *label = cell_label (item);

      if (label != NULL)
        gtk_inscription_set_text (GTK_INSCRIPTION (label), NULL);
      return;
    }
  id = g_signal_connect_object (object, "notify", G_CALLBACK (object_notify), item, 0);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", GSIZE_TO_POINTER (id));
  g_object_set_data_full (G_OBJECT (item), "hs-object", g_steal_pointer (&object),
                          g_object_unref);
  g_ptr_array_add (self->bound, item);
  update_cell (self, item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             HsGuestTree              *self)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  GObject *object = g_object_get_data (G_OBJECT (item), "hs-object");
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hs-notify-id"));

  if (object && id)
    g_signal_handler_disconnect (object, id);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", NULL);
  g_object_set_data (G_OBJECT (item), "hs-object", NULL);
  if (GTK_IS_TREE_EXPANDER (child))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), NULL);
  if (self->bound)
    g_ptr_array_remove_fast (self->bound, item);
}

static void
add_column (HsGuestTree *self,
            const char  *title,
            guint        column,
            gboolean     expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) c = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (column));
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, 0);
  c = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_append_column (self->view, c);
}

/* ---- rows, activation and the context menu --------------------------------------------- */

static GtkTreeListRow *
get_row (HsGuestTree *self,
         guint        position)
{
  return gtk_tree_list_model_get_row (self->tree, position);
}

static GtkTreeListRow *
selected_row (HsGuestTree *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  return position == GTK_INVALID_LIST_POSITION ? NULL : get_row (self, position);
}

static void
activate_row (HsGuestTree    *self,
              GtkTreeListRow *row)
{
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

  if (HS_IS_MACHINE (item))
    g_signal_emit (self, signals[MACHINE_ACTIVATED], 0, hs_machine_get_id (HS_MACHINE (item)));
  else if (HS_IS_TASK (item))
    g_signal_emit (self, signals[TASK_ACTIVATED], 0, item);
  else if (HS_IS_VCPU (item))
    g_signal_emit (self, signals[VCPU_ACTIVATED], 0, item);
  else if (HS_IS_CORE (item))
    hs_engine_set_current_core (self->engine, hs_core_get_index (HS_CORE (item)));
  else if (gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
on_activate (GtkColumnView *view,
             guint          position,
             HsGuestTree   *self)
{
  g_autoptr(GtkTreeListRow) row = get_row (self, position);

  if (row)
    activate_row (self, row);
}

/* Opens the context menu of the row at @position, pointing at @at (self's coordinates) or, when
 * @at is NULL, at the row's first cell if it is on screen. */
static void
popup_menu (HsGuestTree        *self,
            guint               position,
            const GdkRectangle *at)
{
  g_autoptr(GtkTreeListRow) row = get_row (self, position);
  g_autoptr(GObject) item = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  GdkRectangle rect = { 0, 0, 1, 1 };

  if (row == NULL)
    return;
  item = gtk_tree_list_row_get_item (row);
  if (HS_IS_MACHINE (item))
    {
      g_autoptr(GMenuItem) open = g_menu_item_new ("Open register window", NULL);

      g_menu_item_set_action_and_target_value (
        open, "win.open-registers", g_variant_new_uint32 (hs_machine_get_id (HS_MACHINE (item))));
      g_menu_append_item (menu, open);
    }
  else if (HS_IS_TASK (item))
    g_menu_append (menu, "Make current", "guest-tree.make-current");
  else
    return;

  gtk_single_selection_set_selected (self->selection, position);
  if (at)
    rect = *at;
  else
    for (guint i = 0; i < self->bound->len; i++)
      {
        GtkListItem *li = g_ptr_array_index (self->bound, i);
        graphene_rect_t bounds;

        if (gtk_list_item_get_position (li) == position
            && GTK_IS_TREE_EXPANDER (gtk_list_item_get_child (li))
            && gtk_widget_compute_bounds (gtk_list_item_get_child (li), GTK_WIDGET (self),
                                          &bounds))
          {
            rect.x = (int) bounds.origin.x + 24;
            rect.y = (int) bounds.origin.y;
            rect.height = (int) bounds.size.height;
            break;
          }
      }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_right_click (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                HsGuestTree     *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->view), x, y, GTK_PICK_DEFAULT);
  graphene_point_t point;
  GdkRectangle rect;

  for (; picked != NULL && picked != GTK_WIDGET (self->view);
       picked = gtk_widget_get_parent (picked))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (picked), "hs-list-item");

      if (item == NULL || gtk_list_item_get_position (item) == GTK_INVALID_LIST_POSITION)
        continue;
      if (!gtk_widget_compute_point (GTK_WIDGET (self->view), GTK_WIDGET (self),
                                     &GRAPHENE_POINT_INIT (x, y), &point))
        point = GRAPHENE_POINT_INIT (x, y);
      rect = (GdkRectangle) { (int) point.x, (int) point.y, 1, 1 };
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      popup_menu (self, gtk_list_item_get_position (item), &rect);
      return;
    }
}

static void
popup_menu_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HsGuestTree *self = HS_GUEST_TREE (widget);
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position != GTK_INVALID_LIST_POSITION)
    popup_menu (self, position, NULL);
}

static void
make_current_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HsGuestTree *self = HS_GUEST_TREE (widget);
  g_autoptr(GtkTreeListRow) row = selected_row (self);
  g_autoptr(GObject) item = row ? gtk_tree_list_row_get_item (row) : NULL;

  if (HS_IS_TASK (item))
    g_signal_emit (self, signals[TASK_ACTIVATED], 0, item);
}

static void
expand_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HsGuestTree *self = HS_GUEST_TREE (widget);
  g_autoptr(GtkTreeListRow) row = selected_row (self);

  if (row && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, g_str_equal (action_name, "guest-tree.expand"));
}

/* ---- public ----------------------------------------------------------------------------- */

void
hs_guest_tree_expand_all (HsGuestTree *self)
{
  g_return_if_fail (HS_IS_GUEST_TREE (self));

  /* Expanding a row inserts its children after it: they are visited next. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = get_row (self, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (HS_IS_MACHINE (item)
          || (HS_IS_GUEST_GROUP (item) && HS_GUEST_GROUP (item)->kind != GROUP_KERNEL_THREADS))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

guint
hs_guest_tree_get_n_rows (HsGuestTree *self)
{
  g_return_val_if_fail (HS_IS_GUEST_TREE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tree));
}

char *
hs_guest_tree_get_row_text (HsGuestTree *self,
                            guint        row)
{
  g_autoptr(GtkTreeListRow) tree_row = NULL;
  g_autoptr(GObject) item = NULL;
  char *texts[N_COLUMNS] = { NULL };
  GString *s;

  g_return_val_if_fail (HS_IS_GUEST_TREE (self), NULL);

  if ((tree_row = get_row (self, row)) == NULL)
    return NULL;
  item = gtk_tree_list_row_get_item (tree_row);
  row_texts (self, item, texts);
  s = g_string_new (NULL);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (texts[i][0])
        g_string_append_printf (s, "%s%s", s->len ? " " : "", texts[i]);
      g_free (texts[i]);
    }
  return g_string_free (s, FALSE);
}

static void
hs_guest_tree_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  gtk_widget_measure (HS_GUEST_TREE (widget)->scroller, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
hs_guest_tree_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  HsGuestTree *self = HS_GUEST_TREE (widget);

  gtk_widget_allocate (self->scroller, width, height, baseline, NULL);
  if (gtk_widget_get_visible (self->menu))
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
hs_guest_tree_dispose (GObject *object)
{
  HsGuestTree *self = HS_GUEST_TREE (object);

  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_guest_tree_parent_class)->dispose (object);
}

static void
hs_guest_tree_class_init (HsGuestTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_guest_tree_dispose;
  widget_class->measure = hs_guest_tree_measure;
  widget_class->size_allocate = hs_guest_tree_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "hs-guest-tree");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  /**
   * HsGuestTree::machine-activated:
   * @machine: the machine's id
   */
  signals[MACHINE_ACTIVATED] =
    g_signal_new ("machine-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * HsGuestTree::task-activated:
   * @task: the #HsTask the user wants to look at (double-click, Enter, "Make current")
   */
  signals[TASK_ACTIVATED] =
    g_signal_new ("task-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_TASK);
  /**
   * HsGuestTree::vcpu-activated:
   * @vcpu: the #HsVcpu
   */
  signals[VCPU_ACTIVATED] =
    g_signal_new ("vcpu-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_VCPU);

  gtk_widget_class_install_action (widget_class, "guest-tree.popup-menu", NULL,
                                   popup_menu_action);
  gtk_widget_class_install_action (widget_class, "guest-tree.make-current", NULL,
                                   make_current_action);
  gtk_widget_class_install_action (widget_class, "guest-tree.expand", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "guest-tree.collapse", NULL, expand_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "guest-tree.popup-menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "guest-tree.popup-menu", NULL);
}

static void
add_key (GtkShortcutController *keys,
         guint                  keyval,
         const char            *action)
{
  gtk_shortcut_controller_add_shortcut (keys,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, 0),
                                                          gtk_named_action_new (action)));
}

static void
hs_guest_tree_init (HsGuestTree *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->bound = g_ptr_array_new ();
  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Machines, vCPUs and tasks", -1);
  g_signal_connect (self->view, "activate", G_CALLBACK (on_activate), self);

  self->menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  /* Before the list's own arrow keys: Right and Left open and close rows, like a tree view. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Right, "guest-tree.expand");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_plus, "guest-tree.expand");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_KP_Add, "guest-tree.expand");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Left, "guest-tree.collapse");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_minus, "guest-tree.collapse");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_KP_Subtract, "guest-tree.collapse");
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), GTK_EVENT_CONTROLLER (click));

  add_column (self, "Machine / task", COLUMN_NAME, FALSE);
  add_column (self, "State", COLUMN_STATE, FALSE);
  add_column (self, "Details", COLUMN_DETAILS, TRUE);
}

GtkWidget *
hs_guest_tree_new (HsEngine *engine)
{
  HsGuestTree *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  self = g_object_new (HS_TYPE_GUEST_TREE, NULL);
  self->engine = g_object_ref (engine);
  self->tree = gtk_tree_list_model_new (g_object_ref (hs_engine_get_machines (engine)), FALSE,
                                        FALSE, create_children, self, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));

  /* What one row shows may depend on other objects (the vCPU a core runs): recompute the rows
   * on screen when a halt has updated them all. */
  g_signal_connect_swapped (engine, "halted", G_CALLBACK (refresh), self);
  g_signal_connect_swapped (engine, "machines-changed", G_CALLBACK (refresh), self);
  g_signal_connect_swapped (engine, "notify::state", G_CALLBACK (refresh), self);
  return GTK_WIDGET (self);
}
