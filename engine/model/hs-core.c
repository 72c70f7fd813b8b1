/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-core"

#include "config.h"

#include "hs-core.h"

#include <string.h>

struct _HsCore
{
  GObject parent_instance;

  /* Borrowed: the engine's register infos outlive every core */
  GPtrArray *infos;

  /* Owned */
  guint64 *values;
  guint64 *previous;
  gboolean *valid;
  gboolean *previous_valid;
  gboolean has_snapshot;
  gboolean has_previous;

  guint index;
  HsCoreState state;
  HsStopReason reason;
  int pc_index;
  int cpsr_index;
};

/**
 * HsCore:
 *
 * One physical core of the target, as the engine last saw it: its state, and
 * a snapshot of its registers taken at each halt. Owned by the debugger's
 * engine (main thread); see [method@Hyperscope.Debugger.get_cores].
 */
G_DEFINE_FINAL_TYPE (HsCore, hs_core, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_STATE,
  PROP_EXCEPTION_LEVEL,
  PROP_PC,
  N_PROPS
};

enum {
  REGISTERS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
hs_core_finalize (GObject *object)
{
  HsCore *self = HS_CORE (object);

  g_free (self->values);
  g_free (self->previous);
  g_free (self->valid);
  g_free (self->previous_valid);
  g_clear_pointer (&self->infos, g_ptr_array_unref);

  G_OBJECT_CLASS (hs_core_parent_class)->finalize (object);
}

static void
hs_core_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HsCore *self = HS_CORE (object);
  guint64 pc = 0;

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_EXCEPTION_LEVEL:
      g_value_set_int (value, hs_core_get_exception_level (self));
      break;
    case PROP_PC:
      hs_core_get_pc (self, &pc);
      g_value_set_uint64 (value, pc);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_core_class_init (HsCoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_core_finalize;
  object_class->get_property = hs_core_get_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HS_TYPE_CORE_STATE, HS_CORE_STATE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EXCEPTION_LEVEL] =
    g_param_spec_int ("exception-level", NULL, NULL, -1, 3, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PC] =
    g_param_spec_uint64 ("pc", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after each new snapshot, once for all registers. */
  signals[REGISTERS_CHANGED] =
    g_signal_new ("registers-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_core_init (HsCore *self)
{
  self->pc_index = -1;
  self->cpsr_index = -1;
}

HsCore *
hs_core_new (guint      index,
             GPtrArray *register_infos)
{
  HsCore *self = g_object_new (HS_TYPE_CORE, NULL);
  guint n = register_infos->len;

  self->index = index;
  self->infos = g_ptr_array_ref (register_infos);
  self->values = g_new0 (guint64, n);
  self->previous = g_new0 (guint64, n);
  self->valid = g_new0 (gboolean, n);
  self->previous_valid = g_new0 (gboolean, n);
  self->pc_index = hs_core_lookup_register (self, "pc");
  self->cpsr_index = hs_core_lookup_register (self, "cpsr");
  return self;
}

gint
hs_core_lookup_register (HsCore     *self,
                         const char *name)
{
  for (guint i = 0; i < self->infos->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (self->infos, i);

      if (g_ascii_strcasecmp (info->name, name) == 0)
        return (gint) i;
    }
  return -1;
}

void
hs_core_set_state (HsCore      *self,
                   HsCoreState  state)
{
  g_return_if_fail (HS_IS_CORE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTION_LEVEL]);
}

void
hs_core_set_snapshot (HsCore         *self,
                      const guint64  *values,
                      const gboolean *valid,
                      HsStopReason    reason)
{
  guint n = self->infos->len;
  guint64 old_pc = 0;
  int old_el = hs_core_get_exception_level (self);
  guint64 new_pc = 0;

  g_return_if_fail (HS_IS_CORE (self));

  hs_core_get_pc (self, &old_pc);
  if (self->has_snapshot)
    {
      memcpy (self->previous, self->values, n * sizeof (guint64));
      memcpy (self->previous_valid, self->valid, n * sizeof (gboolean));
      self->has_previous = TRUE;
    }
  memcpy (self->values, values, n * sizeof (guint64));
  memcpy (self->valid, valid, n * sizeof (gboolean));
  self->has_snapshot = TRUE;
  self->reason = reason;

  g_object_freeze_notify (G_OBJECT (self));
  hs_core_set_state (self, HS_CORE_STATE_HALTED);
  hs_core_get_pc (self, &new_pc);
  if (new_pc != old_pc)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PC]);
  if (hs_core_get_exception_level (self) != old_el)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTION_LEVEL]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[REGISTERS_CHANGED], 0);
}

void
hs_core_fill_registers (HsCore         *self,
                        const guint64  *values,
                        const gboolean *valid)
{
  g_return_if_fail (HS_IS_CORE (self));

  for (guint i = 0; i < self->infos->len; i++)
    if (!self->valid[i] && valid[i])
      {
        self->values[i] = values[i];
        self->valid[i] = TRUE;
        /* Nothing to compare with: not "changed". */
        self->previous[i] = values[i];
        self->previous_valid[i] = TRUE;
      }
}

/**
 * hs_core_get_index:
 * @self: a core
 *
 * Returns: its number, from 0
 */
guint
hs_core_get_index (HsCore *self)
{
  g_return_val_if_fail (HS_IS_CORE (self), 0);
  return self->index;
}

/**
 * hs_core_get_state:
 * @self: a core
 *
 * Returns: running, halted or unknown
 */
HsCoreState
hs_core_get_state (HsCore *self)
{
  g_return_val_if_fail (HS_IS_CORE (self), HS_CORE_STATE_UNKNOWN);
  return self->state;
}

/**
 * hs_core_state_to_string:
 * @state: a core state
 *
 * Returns: "running", "halted" or "unknown"
 */
const char *
hs_core_state_to_string (HsCoreState state)
{
  switch (state)
    {
    case HS_CORE_STATE_RUNNING: return "running";
    case HS_CORE_STATE_HALTED: return "halted";
    case HS_CORE_STATE_UNKNOWN:
    default: return "unknown";
    }
}

/**
 * hs_core_get_exception_level:
 * @self: a core
 *
 * Returns: its exception level at the last halt (0-3), or -1 while unknown
 */
int
hs_core_get_exception_level (HsCore *self)
{
  g_return_val_if_fail (HS_IS_CORE (self), -1);

  if (self->state != HS_CORE_STATE_HALTED || self->cpsr_index < 0
      || !self->valid[self->cpsr_index])
    return -1;
  /* AArch64 PSTATE.EL: the stub has no CurrentEL register. */
  return (int) ((self->values[self->cpsr_index] >> 2) & 3);
}

/**
 * hs_core_get_pc:
 * @self: a core
 * @pc: (out): its pc at the last halt
 *
 * Returns: whether the pc is known
 */
gboolean
hs_core_get_pc (HsCore  *self,
                guint64 *pc)
{
  g_return_val_if_fail (HS_IS_CORE (self), FALSE);
  return hs_core_get_register (self, self->pc_index < 0 ? G_MAXUINT : (guint) self->pc_index, pc);
}

HsStopReason
hs_core_get_stop_reason (HsCore *self)
{
  g_return_val_if_fail (HS_IS_CORE (self), HS_STOP_REASON_NONE);
  return self->reason;
}

/**
 * hs_core_get_n_registers:
 * @self: a core
 *
 * Returns: how many registers the snapshot has
 */
guint
hs_core_get_n_registers (HsCore *self)
{
  g_return_val_if_fail (HS_IS_CORE (self), 0);
  return self->infos->len;
}

/**
 * hs_core_get_register:
 * @self: a core
 * @index: the register's index
 * @value: (out): its value at the last halt
 *
 * Returns: whether it was read
 */
gboolean
hs_core_get_register (HsCore  *self,
                      guint    index,
                      guint64 *value)
{
  g_return_val_if_fail (HS_IS_CORE (self), FALSE);

  *value = 0;
  if (index >= self->infos->len || !self->has_snapshot || !self->valid[index])
    return FALSE;
  *value = self->values[index];
  return TRUE;
}

/**
 * hs_core_get_register_by_name:
 * @self: a core
 * @name: a register's name ("x0", "pc", "VTTBR_EL2"; any case)
 * @value: (out): its value at the last halt
 *
 * Returns: whether the core has it and it was read
 */
gboolean
hs_core_get_register_by_name (HsCore     *self,
                              const char *name,
                              guint64    *value)
{
  gint index;

  g_return_val_if_fail (HS_IS_CORE (self), FALSE);
  index = hs_core_lookup_register (self, name);
  *value = 0;
  return index >= 0 && hs_core_get_register (self, index, value);
}

/**
 * hs_core_register_changed:
 * @self: a core
 * @index: the register's index
 *
 * Returns: whether it differs from the halt before
 */
gboolean
hs_core_register_changed (HsCore *self,
                          guint   index)
{
  g_return_val_if_fail (HS_IS_CORE (self), FALSE);

  if (index >= self->infos->len || !self->has_previous)
    return FALSE;
  return self->valid[index] != self->previous_valid[index]
         || self->values[index] != self->previous[index];
}

/**
 * hs_core_describe:
 * @self: a core
 *
 * Returns: (transfer full): the core in one line, as the cores view shows it
 */
char *
hs_core_describe (HsCore *self)
{
  guint64 pc;
  int el;

  g_return_val_if_fail (HS_IS_CORE (self), NULL);

  el = hs_core_get_exception_level (self);
  if (self->state != HS_CORE_STATE_HALTED || !hs_core_get_pc (self, &pc))
    return g_strdup_printf ("core %u: %s", self->index, hs_core_state_to_string (self->state));
  return g_strdup_printf ("core %u: halted at EL%d, pc 0x%016" G_GINT64_MODIFIER "x",
                          self->index, el, pc);
}

/* "EL2", or words when nobody knows: a running core's level changes all the time. */
/**
 * hs_core_describe_exception_level:
 * @self: a core
 *
 * Returns: (transfer full): its exception level in words ("EL2 (Xen)", "EL1 (guest kernel)")
 */
char *
hs_core_describe_exception_level (HsCore *self)
{
  int el;

  g_return_val_if_fail (HS_IS_CORE (self), NULL);

  el = hs_core_get_exception_level (self);
  if (el < 0)
    return g_strdup (self->state == HS_CORE_STATE_RUNNING ? "exception level unknown while "
                                                            "running"
                                                          : "exception level unknown");
  return g_strdup_printf ("EL%d", el);
}

/* A value the user wrote: it stands until the next halt's snapshot. */
void
hs_core_set_register (HsCore  *self,
                      guint    index,
                      guint64  value)
{
  g_return_if_fail (HS_IS_CORE (self));
  g_return_if_fail (index < self->infos->len);

  self->values[index] = value;
  self->valid[index] = TRUE;
}
