/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-core-list.c: the board's cores, their run state, exception level and PC.
 *
 * Bound to the engine's core model; each cell follows its core's property
 * notifications. Selecting a row makes that core the current one.
 */
#define G_LOG_DOMAIN "hs-core-list"

#include "config.h"

#include "hs-core-list.h"

struct _HsCoreList
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkColumnView *column_view;
  GtkColumnViewColumn *core_column;
  GtkColumnViewColumn *state_column;
  GtkColumnViewColumn *el_column;
  GtkColumnViewColumn *machine_column;
  GtkColumnViewColumn *pc_column;

  /* Owned */
  HsEngine *engine;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (HsCoreList, hs_core_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  CELL_CORE,
  CELL_STATE,
  CELL_EL,
  CELL_MACHINE,
  CELL_PC,
} CellKind;

static void
update_cell (GtkListItem *item)
{
  HsCore *core = gtk_list_item_get_item (item);
  GtkWidget *cell = gtk_list_item_get_child (item);
  CellKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "hs-cell-kind"));
  HsEngine *engine = g_object_get_data (G_OBJECT (item), "hs-engine");
  g_autofree char *text = NULL;
  HsCoreState state;
  guint64 pc;
  int el;

  if (core == NULL || cell == NULL)
    return;
  state = hs_core_get_state (core);
  switch (kind)
    {
    case CELL_CORE:
      text = g_strdup_printf ("%u", hs_core_get_index (core));
      break;
    case CELL_STATE:
      text = g_strdup (hs_core_state_to_string (state));
      gtk_widget_remove_css_class (cell, "hs-running");
      gtk_widget_remove_css_class (cell, "hs-halted");
      if (state == HS_CORE_STATE_RUNNING)
        gtk_widget_add_css_class (cell, "hs-running");
      else if (state == HS_CORE_STATE_HALTED)
        gtk_widget_add_css_class (cell, "hs-halted");
      break;
    case CELL_EL:
      el = hs_core_get_exception_level (core);
      text = el >= 0 ? g_strdup_printf ("EL%d", el) : g_strdup ("—");
      break;
    case CELL_MACHINE:
      text = state == HS_CORE_STATE_HALTED
             ? g_strdup_printf ("%u", hs_engine_get_core_machine (engine,
                                                                   hs_core_get_index (core)))
             : g_strdup ("—");
      break;
    case CELL_PC:
    default:
      if (state == HS_CORE_STATE_HALTED && hs_core_get_pc (core, &pc))
        {
          guint machine = hs_engine_get_core_machine (engine, hs_core_get_index (core));
          g_autofree char *symbol = hs_engine_symbolize (engine, machine, 0, pc);

          text = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x%s%s", pc, symbol ? " " : "",
                                  symbol ? symbol : "");
        }
      else
        text = g_strdup ("—");
      break;
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  kind)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  g_object_set_data (G_OBJECT (item), "hs-engine", g_object_get_data (G_OBJECT (factory),
                                                                      "hs-engine"));

  static const guint min_chars[] = { [CELL_CORE] = 3, [CELL_STATE] = 8, [CELL_EL] = 3,
                                     [CELL_MACHINE] = 3, [CELL_PC] = 18 };

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), min_chars[GPOINTER_TO_INT (kind)]);
  /* An inscription is as wide as its chars, not its text: leave room for "pc  symbol+0x1c". */
  if (GPOINTER_TO_INT (kind) == CELL_PC)
    {
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 48);
      /* Inscriptions wrap by default: a long symbol would vanish onto a clipped second line. */
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
    }
  gtk_widget_add_css_class (cell, "hs-mono");
  g_object_set_data (G_OBJECT (item), "hs-cell-kind", kind);
  gtk_list_item_set_child (item, cell);
}

static void
core_notify (GObject    *core,
             GParamSpec *pspec,
             gpointer    item)
{
  update_cell (item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  kind)
{
  GObject *core = gtk_list_item_get_item (item);
  gulong id = g_signal_connect_object (core, "notify", G_CALLBACK (core_notify), item, 0);

  g_object_set_data (G_OBJECT (item), "hs-notify-id", GSIZE_TO_POINTER (id));
  update_cell (item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  kind)
{
  GObject *core = gtk_list_item_get_item (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hs-notify-id"));

  if (core && id)
    g_signal_handler_disconnect (core, id);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", NULL);
}

static void
set_factory (HsCoreList          *self,
             GtkColumnViewColumn *column,
             CellKind             kind)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  /* Borrowed: the list holds the engine for as long as its columns live. */
  g_object_set_data (G_OBJECT (factory), "hs-engine", self->engine);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), GINT_TO_POINTER (kind));
  gtk_column_view_column_set_factory (column, factory);
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
hs_core_list_constructed (GObject *object)
{
  HsCoreList *self = HS_CORE_LIST (object);

  G_OBJECT_CLASS (hs_core_list_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_ENGINE (self->engine));
  set_factory (self, self->core_column, CELL_CORE);
  set_factory (self, self->state_column, CELL_STATE);
  set_factory (self, self->el_column, CELL_EL);
  set_factory (self, self->machine_column, CELL_MACHINE);
  set_factory (self, self->pc_column, CELL_PC);
  self->selection = gtk_single_selection_new (g_object_ref (hs_engine_get_cores (self->engine)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selected), self);
  g_signal_connect_object (self->engine, "notify::current-core", G_CALLBACK (on_current_core),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_cores (self->engine), "items-changed",
                           G_CALLBACK (on_current_core), self, G_CONNECT_SWAPPED);
  on_current_core (self);
}

static void
hs_core_list_dispose (GObject *object)
{
  HsCoreList *self = HS_CORE_LIST (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_CORE_LIST);
  /* The template's root box is not a bound child, so it is not unparented for us. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_core_list_parent_class)->dispose (object);
}

static void
hs_core_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HsCoreList *self = HS_CORE_LIST (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_core_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  HsCoreList *self = HS_CORE_LIST (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_core_list_class_init (HsCoreListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hs_core_list_constructed;
  object_class->dispose = hs_core_list_dispose;
  object_class->get_property = hs_core_list_get_property;
  object_class->set_property = hs_core_list_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HS_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-core-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, column_view);
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, core_column);
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, state_column);
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, el_column);
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, machine_column);
  gtk_widget_class_bind_template_child (widget_class, HsCoreList, pc_column);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-core-list");
}

static void
hs_core_list_init (HsCoreList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hs_core_list_new (HsEngine *engine)
{
  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  return g_object_new (HS_TYPE_CORE_LIST, "engine", engine, NULL);
}
