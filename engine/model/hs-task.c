/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-task"

#include "config.h"

#include "hs-task.h"

#include <string.h>

struct _HsTask
{
  GObject parent_instance;

  HsTaskRecord record;
};

/**
 * HsTask:
 *
 * One task (process or thread) of one guest's Linux, as read at the last halt.
 * The same task keeps its object from halt to halt, updated in place. Owned by
 * the debugger's engine (main thread); see
 * [method@Hyperscope.Debugger.get_tasks]; its registers and frames:
 * [method@Hyperscope.Debugger.task_registers_sync],
 * [method@Hyperscope.Debugger.task_frames_sync].
 */
G_DEFINE_FINAL_TYPE (HsTask, hs_task, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  PROP_CURRENT,
  PROP_CPU,
  PROP_CORRUPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
hs_task_record_clear (gpointer record)
{
  HsTaskRecord *r = record;

  hs_linux_task_clear (&r->info);
}

static void
copy_record (HsTaskRecord       *dst,
             const HsTaskRecord *src)
{
  *dst = *src;
  dst->info.corrupt_reason = g_strdup (src->info.corrupt_reason);
}

static void
hs_task_finalize (GObject *object)
{
  HsTask *self = HS_TASK (object);

  hs_task_record_clear (&self->record);
  G_OBJECT_CLASS (hs_task_parent_class)->finalize (object);
}

static void
hs_task_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HsTask *self = HS_TASK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->record.info.comm);
      break;
    case PROP_STATE:
      g_value_set_string (value, hs_task_get_state_text (self));
      break;
    case PROP_CURRENT:
      g_value_set_int (value, self->record.current_vcpu);
      break;
    case PROP_CPU:
      g_value_set_int (value, hs_task_get_cpu (self));
      break;
    case PROP_CORRUPT:
      g_value_set_boolean (value, self->record.info.corrupt);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_task_class_init (HsTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_task_finalize;
  object_class->get_property = hs_task_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_CURRENT] = g_param_spec_int ("current-vcpu", NULL, NULL, -1, G_MAXINT, -1,
                                               flags);
  properties[PROP_CPU] = g_param_spec_int ("cpu", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_CORRUPT] = g_param_spec_boolean ("corrupt", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_task_init (HsTask *self)
{
  self->record.current_vcpu = -1;
  self->record.core = -1;
}

HsTask *
hs_task_new (const HsTaskRecord *record)
{
  HsTask *self = g_object_new (HS_TYPE_TASK, NULL);

  copy_record (&self->record, record);
  return self;
}

gboolean
hs_task_update (HsTask             *self,
                const HsTaskRecord *record)
{
  HsTaskRecord old = self->record;
  gboolean changed;

  g_return_val_if_fail (HS_IS_TASK (self), FALSE);

  copy_record (&self->record, record);
  changed = strcmp (old.info.comm, record->info.comm) != 0
            || old.info.state != record->info.state || old.current_vcpu != record->current_vcpu
            || old.core != record->core || old.info.cpu != record->info.cpu
            || old.info.corrupt != record->info.corrupt;
  g_object_freeze_notify (G_OBJECT (self));
  if (strcmp (old.info.comm, record->info.comm) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (old.info.state != record->info.state)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (old.current_vcpu != record->current_vcpu || old.core != record->core)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
  if (old.info.cpu != record->info.cpu)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU]);
  if (old.info.corrupt != record->info.corrupt)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CORRUPT]);
  g_object_thaw_notify (G_OBJECT (self));
  hs_task_record_clear (&old);
  return changed;
}

const HsTaskRecord *
hs_task_get_record (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), NULL);
  return &self->record;
}

/**
 * hs_task_get_machine:
 * @self: a task
 *
 * Returns: the machine (guest) it runs in
 */
guint
hs_task_get_machine (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), 0);
  return self->record.machine;
}

/**
 * hs_task_get_address:
 * @self: a task
 *
 * Returns: the address of its task_struct
 */
guint64
hs_task_get_address (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), 0);
  return self->record.info.task;
}

/**
 * hs_task_get_pid:
 * @self: a task
 *
 * Returns: its pid (thread id)
 */
gint
hs_task_get_pid (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.info.pid;
}

/**
 * hs_task_get_tgid:
 * @self: a task
 *
 * Returns: its thread group id (the process's pid)
 */
gint
hs_task_get_tgid (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.info.tgid;
}

/**
 * hs_task_get_ppid:
 * @self: a task
 *
 * Returns: its parent's pid
 */
gint
hs_task_get_ppid (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.info.ppid;
}

/**
 * hs_task_get_space:
 * @self: a task
 *
 * Returns: its address-space id: the tgid of a user process, 0 for the kernel
 */
guint64
hs_task_get_space (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), 0);
  return self->record.info.kernel_thread ? 0 : (guint64) MAX (self->record.info.tgid, 0);
}

/**
 * hs_task_get_name:
 * @self: a task
 *
 * Returns: its name (comm), as ps shows it
 */
const char *
hs_task_get_name (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), NULL);
  return self->record.info.comm;
}

/* The kernel's TASK_* bits, as fs/proc/array.c names them. */
/**
 * hs_task_get_state_text:
 * @self: a task
 *
 * Returns: its state as ps spells it: "R (running)", "S (sleeping)", ...
 */
const char *
hs_task_get_state_text (HsTask *self)
{
  guint64 s;

  g_return_val_if_fail (HS_IS_TASK (self), NULL);

  s = self->record.info.state;
  if (s == 0)
    return "R (running)";
  /* TASK_IDLE is TASK_UNINTERRUPTIBLE | TASK_NOLOAD: test it before D. */
  if ((s & 0x402) == 0x402)
    return "I (idle)";
  if (s & 0x1)
    return "S (sleeping)";
  if (s & 0x2)
    return "D (disk sleep)";
  if (s & 0x4)
    return "T (stopped)";
  if (s & 0x8)
    return "t (tracing stop)";
  if (s & 0x10)
    return "X (dead)";
  if (s & 0x20)
    return "Z (zombie)";
  if (s & 0x200)
    return "W (waking)";
  if (s & 0x800)
    return "N (new)";
  if (s & 0x8000)
    return "F (frozen)";
  /* Bits this kernel adds that ps has no letter for, or a task caught changing state. */
  return "? (other)";
}

/**
 * hs_task_is_kernel_thread:
 * @self: a task
 *
 * Returns: whether it is a kernel thread
 */
gboolean
hs_task_is_kernel_thread (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), FALSE);
  return self->record.info.kernel_thread;
}

/**
 * hs_task_is_thread:
 * @self: a task
 *
 * Returns: whether it is a thread other than its process's first
 */
gboolean
hs_task_is_thread (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), FALSE);
  return self->record.info.is_thread;
}

/**
 * hs_task_get_cpu:
 * @self: a task
 *
 * Returns: the (guest) CPU it runs or last ran on
 */
gint
hs_task_get_cpu (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.info.cpu;
}

/**
 * hs_task_get_current_vcpu:
 * @self: a task
 *
 * Returns: the vCPU it is current on, or -1
 */
gint
hs_task_get_current_vcpu (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.current_vcpu;
}

/**
 * hs_task_get_core:
 * @self: a task
 *
 * Returns: the halted core running it, or -1
 */
gint
hs_task_get_core (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), -1);
  return self->record.core;
}

/**
 * hs_task_is_corrupt:
 * @self: a task
 *
 * Returns: whether what the guest's memory says of it is impossible
 */
gboolean
hs_task_is_corrupt (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), FALSE);
  return self->record.info.corrupt;
}

/**
 * hs_task_get_corrupt_reason:
 * @self: a task
 *
 * Returns: (nullable): why it is marked corrupt, or %NULL
 */
const char *
hs_task_get_corrupt_reason (HsTask *self)
{
  g_return_val_if_fail (HS_IS_TASK (self), NULL);
  return self->record.info.corrupt_reason;
}
