/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hs-breakpoint.h"

struct _HsBreakpoint
{
  GObject parent_instance;

  guint id;
  HsAddress address;
  char *location;
  char *symbol;
  HsBreakpointType kind;
  gint machine_scope;
  gint task_pid;
  char *task_name;
  gboolean enabled;
  guint hits;
  guint filtered_hits;
  guint count;                  /* stop at every count-th pass; 0 or 1: every pass */
  guint passes;                 /* passes since the last stop, toward count */
  char *condition;
  char *file;                   /* its source line, as DWARF names the file; NULL: none known */
  guint line;
};

/**
 * HsBreakpoint:
 *
 * One breakpoint, with its scope (a machine, a task), counts of the stops it
 * caused and of the hits outside its scope that were stepped past. Owned by the
 * debugger's engine (main thread); set and removed through
 * [method@Hyperscope.Debugger.add_breakpoint] and
 * [method@Hyperscope.Debugger.remove_breakpoint].
 */
G_DEFINE_FINAL_TYPE (HsBreakpoint, hs_breakpoint, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ENABLED,
  PROP_HITS,
  PROP_FILTERED_HITS,
  PROP_LINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hs_breakpoint_finalize (GObject *object)
{
  HsBreakpoint *self = HS_BREAKPOINT (object);

  g_free (self->location);
  g_free (self->symbol);
  g_free (self->task_name);
  g_free (self->condition);
  g_free (self->file);
  G_OBJECT_CLASS (hs_breakpoint_parent_class)->finalize (object);
}

static void
hs_breakpoint_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HsBreakpoint *self = HS_BREAKPOINT (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_HITS:
      g_value_set_uint (value, self->hits);
      break;
    case PROP_FILTERED_HITS:
      g_value_set_uint (value, self->filtered_hits);
      break;
    case PROP_LINE:
      g_value_set_uint (value, self->line);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_breakpoint_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HsBreakpoint *self = HS_BREAKPOINT (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      hs_breakpoint_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static guint hit_signal;

static void
hs_breakpoint_class_init (HsBreakpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_breakpoint_finalize;
  object_class->get_property = hs_breakpoint_get_property;
  object_class->set_property = hs_breakpoint_set_property;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HITS] =
    g_param_spec_uint ("hits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTERED_HITS] =
    g_param_spec_uint ("filtered-hits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * HsBreakpoint:line:
   *
   * The source line it is on (with hs_breakpoint_get_file()), once the engine has looked it up
   * off the GUI thread; 0 until then, or when the address has no line.
   */
  properties[PROP_LINE] =
    g_param_spec_uint ("line", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsBreakpoint::hit:
   * @breakpoint: the breakpoint
   * @task: (nullable): the task that hit it (NULL: the hypervisor, or a guest whose tasks
   *   are not known)
   *
   * The target halted at this breakpoint, in its scope. Emitted by the
   * [class@Hyperscope.Debugger] that set it, right after its
   * [signal@Hyperscope.Debugger::breakpoint-hit], from the main context (never from
   * inside another handler): a handler may resume the target or wait for the next halt. It
   * is emitted for the hit even when a breakpoint-hit handler has removed the breakpoint.
   */
  hit_signal = g_signal_new ("hit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                             NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_TASK);
}

void
hs_breakpoint_emit_hit (HsBreakpoint *self,
                        HsTask       *task)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));
  g_return_if_fail (task == NULL || HS_IS_TASK (task));
  g_signal_emit (self, hit_signal, 0, task);
}

static void
hs_breakpoint_init (HsBreakpoint *self)
{
  self->enabled = TRUE;
  self->machine_scope = -1;
  self->task_pid = -1;
}

HsBreakpoint *
hs_breakpoint_new (guint             id,
                   const HsAddress  *address,
                   const char       *location,
                   const char       *symbol,
                   HsBreakpointType  kind,
                   gint              machine_scope,
                   gint              task_pid,
                   const char       *task_name)
{
  HsBreakpoint *self = g_object_new (HS_TYPE_BREAKPOINT, NULL);

  self->id = id;
  self->address = *address;
  self->location = g_strdup (location);
  self->symbol = g_strdup (symbol);
  self->kind = kind;
  self->machine_scope = machine_scope;
  self->task_pid = task_pid;
  self->task_name = g_strdup (task_name);
  return self;
}

void
hs_breakpoint_add_hits (HsBreakpoint *self,
                        guint         hits,
                        guint         filtered)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));

  if (filtered > 0)
    {
      self->filtered_hits += filtered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERED_HITS]);
    }
  if (hits > 0)
    {
      self->hits += hits;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HITS]);
    }
}

/**
 * hs_breakpoint_get_id:
 * @self: a breakpoint
 *
 * Returns: its number in `Break.List`, unique for the session
 */
guint
hs_breakpoint_get_id (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->id;
}

const HsAddress *
hs_breakpoint_get_address (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return &self->address;
}

/**
 * hs_breakpoint_get_location:
 * @self: a breakpoint
 *
 * Returns: where it is, as the user wrote it ("2:::do_nanosleep")
 */
const char *
hs_breakpoint_get_location (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return self->location;
}

/**
 * hs_breakpoint_get_symbol:
 * @self: a breakpoint
 *
 * Returns: (nullable): where it is, as the engine names it ("do_nanosleep+0x0")
 */
const char *
hs_breakpoint_get_symbol (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return self->symbol;
}

HsBreakpointType
hs_breakpoint_get_kind (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), HS_BREAKPOINT_SOFTWARE);
  return self->kind;
}

/**
 * hs_breakpoint_get_machine_scope:
 * @self: a breakpoint
 *
 * Returns: the machine it stops in, or -1 for any
 */
gint
hs_breakpoint_get_machine_scope (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), -1);
  return self->machine_scope;
}

/**
 * hs_breakpoint_get_task_pid:
 * @self: a breakpoint
 *
 * Returns: the pid of the task it stops in, or -1 (not scoped by pid)
 */
gint
hs_breakpoint_get_task_pid (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), -1);
  return self->task_pid;
}

/**
 * hs_breakpoint_get_task_name:
 * @self: a breakpoint
 *
 * Returns: (nullable): the name of the task it stops in, or %NULL
 */
const char *
hs_breakpoint_get_task_name (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return self->task_name;
}

/**
 * hs_breakpoint_get_enabled:
 * @self: a breakpoint
 *
 * Returns: whether it is planted when the target runs
 */
gboolean
hs_breakpoint_get_enabled (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), FALSE);
  return self->enabled;
}

/**
 * hs_breakpoint_set_enabled:
 * @self: a breakpoint
 * @enabled: whether to plant it
 *
 * Enables or disables it; disabled, it stays in the list but never stops the target.
 */
void
hs_breakpoint_set_enabled (HsBreakpoint *self,
                           gboolean      enabled)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/**
 * hs_breakpoint_get_hits:
 * @self: a breakpoint
 *
 * Returns: how many stops it caused
 */
guint
hs_breakpoint_get_hits (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->hits;
}

/**
 * hs_breakpoint_get_filtered_hits:
 * @self: a breakpoint
 *
 * Returns: how many hits outside its scope were stepped past
 */
guint
hs_breakpoint_get_filtered_hits (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->filtered_hits;
}

/**
 * hs_breakpoint_describe_scope:
 * @self: a breakpoint
 *
 * Returns: (transfer full): "machine 2, task sleep (pid 91)" or "any machine, any task"
 */
char *
hs_breakpoint_describe_scope (HsBreakpoint *self)
{
  g_autofree char *machine = NULL;
  g_autofree char *task = NULL;

  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);

  machine = self->machine_scope >= 0 ? g_strdup_printf ("machine %d", self->machine_scope)
                                     : g_strdup ("any machine");
  if (self->task_pid >= 0 && self->task_name != NULL)
    task = g_strdup_printf ("task %s (pid %d)", self->task_name, self->task_pid);
  else if (self->task_pid >= 0)
    task = g_strdup_printf ("task pid %d", self->task_pid);
  else if (self->task_name != NULL)
    task = g_strdup_printf ("task %s", self->task_name);
  else
    task = g_strdup ("any task");
  return g_strdup_printf ("%s, %s", machine, task);
}

/**
 * hs_breakpoint_get_count:
 * @self: a breakpoint
 *
 * Returns: n when it stops at every n-th pass in its scope (`/COUNT n`), 0 for every pass
 */
guint
hs_breakpoint_get_count (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->count;
}

/**
 * hs_breakpoint_get_passes:
 * @self: a breakpoint
 *
 * Returns: the passes in its scope so far
 */
guint
hs_breakpoint_get_passes (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->passes;
}

/**
 * hs_breakpoint_set_count:
 * @self: a breakpoint
 * @count: stop at every @count-th pass in scope; 0 for every pass
 *
 * Sets `/COUNT`.
 */
void
hs_breakpoint_set_count (HsBreakpoint *self,
                         guint         count)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));
  self->count = count;
  self->passes = 0;
}

void
hs_breakpoint_add_passes (HsBreakpoint *self,
                          guint         passes,
                          gboolean      stopped)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));
  self->passes = stopped ? 0 : self->passes + passes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HITS]);
}

/**
 * hs_breakpoint_get_condition:
 * @self: a breakpoint
 *
 * Returns: (nullable): the condition that must hold for it to stop (`/CONDition`), or %NULL
 */
const char *
hs_breakpoint_get_condition (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return self->condition;
}

/**
 * hs_breakpoint_set_condition:
 * @self: a breakpoint
 * @condition: (nullable): an expression ("Register(x1)==1"), or %NULL for none
 *
 * Sets `/CONDition`: it stops only when @condition holds.
 */
void
hs_breakpoint_set_condition (HsBreakpoint *self,
                             const char   *condition)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));
  g_free (self->condition);
  self->condition = condition && *condition ? g_strdup (condition) : NULL;
}

/* The file as DWARF names it (resolve it with the source path map), or NULL. */
/**
 * hs_breakpoint_get_file:
 * @self: a breakpoint
 *
 * Returns: (nullable): the source file it is in, once looked up, or %NULL
 */
const char *
hs_breakpoint_get_file (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), NULL);
  return self->file;
}

/**
 * hs_breakpoint_get_line:
 * @self: a breakpoint
 *
 * Returns: the source line it is on, 0 until looked up or without a line
 */
guint
hs_breakpoint_get_line (HsBreakpoint *self)
{
  g_return_val_if_fail (HS_IS_BREAKPOINT (self), 0);
  return self->line;
}

void
hs_breakpoint_set_source (HsBreakpoint *self,
                          const char   *file,
                          guint         line)
{
  g_return_if_fail (HS_IS_BREAKPOINT (self));

  if (g_strcmp0 (self->file, file) == 0 && self->line == line)
    return;
  g_free (self->file);
  self->file = g_strdup (file);
  self->line = line;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE]);
}
