/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-fake-probe.c: a scripted HsProbe; see hs-fake-probe.h.
 *
 * Everything below the mutex is shared by the engine's worker (the probe calls) and the
 * test's main thread (scripting and inspection); the condition wakes a wait_stop() when a
 * Break, a drop or a scripted stop's time comes. Both are pthread's (hs-sync.h), which
 * ThreadSanitizer sees, unlike GLib's.
 */
#define G_LOG_DOMAIN "hs-fake-probe"

#include "config.h"

#include "hs-fake-probe.h"
#include "hs-sync.h"

#include <string.h>

#define PAGE 0x1000u

/* Core registers first, in gdb's order, then the system registers the engine reads. */
static const char * const system_names[] = {
  "VTTBR_EL2", "VTCR_EL2", "HCR_EL2", "TTBR0_EL2", "TCR_EL2", "SCTLR_EL2", "MAIR_EL2",
  "ELR_EL2", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "SCTLR", "MAIR_EL1", "ID_AA64MMFR0_EL1",
  "SP_EL0", "TPIDR_EL1", "SPSR_EL2", "ESR_EL2",
};
#define N_CORE_REGS 34   /* x0..x30, sp, pc, cpsr */
#define N_REGS (N_CORE_REGS + G_N_ELEMENTS (system_names))
#define PC 32
#define CPSR 33

typedef struct
{
  guint delay_ms;
  guint core;
  HsStopReason reason;
  guint64 pc;
} ScriptedStop;

typedef struct
{
  guint64 address;
  HsBreakpointType type;
  guint32 saved;
  gboolean wrote;
} Plant;

struct _HsFakeProbe
{
  GObject parent_instance;

  GPtrArray *registers;         /* of HsRegisterInfo, immutable after construction */
  guint n_cores;                /* immutable */

  /* Under lock */
  HsMutex lock;
  HsCond cond;
  guint64 *values;              /* n_cores x N_REGS */
  GHashTable *pages;            /* page number -> guint8[PAGE] */
  GQueue stops;                 /* of ScriptedStop*, for the resumes to come */
  ScriptedStop *armed;          /* the stop the running target is heading for */
  gint64 armed_at;              /* monotonic time it fires */
  GArray *plants;               /* of Plant */
  GHashTable *counts;           /* name -> count */
  guint halt_delay_ms;
  gint64 interrupt_at;          /* when an interrupt becomes a stop; 0: none asked */
  gboolean running;
  gboolean start_running;
  gboolean connected;
  gboolean dropped;
  gboolean refuse_detach;
  guint drop_countdown;         /* 0: never */
};

static void hs_fake_probe_iface_init (HsProbeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsFakeProbe, hs_fake_probe, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HS_TYPE_PROBE, hs_fake_probe_iface_init))

/* ---- helpers (lock held) ---------------------------------------------------------------- */

static void
count (HsFakeProbe *self,
       const char  *what)
{
  gpointer n = g_hash_table_lookup (self->counts, what);

  g_hash_table_insert (self->counts, g_strdup (what), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
}

static gint
register_index (const char *name)
{
  if (g_str_equal (name, "sp"))
    return 31;
  if (g_str_equal (name, "pc"))
    return PC;
  if (g_str_equal (name, "cpsr"))
    return CPSR;
  if (name[0] == 'x' && g_ascii_isdigit (name[1]))
    {
      guint64 n = g_ascii_strtoull (name + 1, NULL, 10);

      return n <= 30 ? (gint) n : -1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (system_names); i++)
    if (g_str_equal (name, system_names[i]))
      return (gint) (N_CORE_REGS + i);
  return -1;
}

static guint8 *
page_for (HsFakeProbe *self,
          guint64      phys,
          gboolean     create)
{
  gpointer key = GSIZE_TO_POINTER (phys / PAGE);
  guint8 *page = g_hash_table_lookup (self->pages, key);

  if (page == NULL && create)
    {
      page = g_malloc0 (PAGE);
      g_hash_table_insert (self->pages, key, page);
    }
  return page;
}

static gboolean
lost (HsFakeProbe  *self,
      GError      **error)
{
  if (self->connected && !self->dropped)
    return FALSE;
  g_set_error (error, HS_PROBE_ERROR,
               self->dropped ? HS_PROBE_ERROR_CONNECTION_LOST : HS_PROBE_ERROR_NOT_CONNECTED,
               self->dropped ? "lost the connection to the fake probe" : "not connected");
  return TRUE;
}

/* A read: counted, a memory read checked against BRKs in memory, and maybe the one that
 * drops the line. */
static gboolean
begin_read (HsFakeProbe  *self,
            gboolean      memory,
            GError      **error)
{
  if (lost (self, error))
    return FALSE;
  if (self->running)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_RUNNING, "the target is running");
      return FALSE;
    }
  count (self, "read");
  if (memory && self->plants->len > 0)
    count (self, "read-while-planted");
  if (self->drop_countdown > 0 && --self->drop_countdown == 0)
    {
      self->dropped = TRUE;
      hs_cond_broadcast (&self->cond);
      return !lost (self, error);
    }
  return TRUE;
}

static void
put_word (HsFakeProbe *self,
          guint64      phys,
          guint32      word)
{
  guint8 *page = page_for (self, phys, FALSE);

  if (page != NULL && phys % PAGE <= PAGE - 4)
    memcpy (page + phys % PAGE, &word, 4);
}

static guint32
get_word (HsFakeProbe *self,
          guint64      phys)
{
  guint8 *page = page_for (self, phys, FALSE);
  guint32 word = 0;

  if (page != NULL && phys % PAGE <= PAGE - 4)
    memcpy (&word, page + phys % PAGE, 4);
  return word;
}

/* The first core whose pc is on a BRK we planted, or -1: the core traps at once when it runs,
 * as a real one does (the cores run at EL2 with the MMU off: the pc is the physical address). */
static gint
core_on_brk (HsFakeProbe *self,
             gint         only)
{
  for (guint c = 0; c < self->n_cores; c++)
    {
      guint64 pc = self->values[c * N_REGS + PC];

      if (only >= 0 && (guint) only != c)
        continue;
      for (guint i = 0; i < self->plants->len; i++)
        {
          const Plant *p = &g_array_index (self->plants, Plant, i);

          if (p->wrote && p->address == pc && get_word (self, pc) == HS_FAKE_BRK)
            return (gint) c;
        }
    }
  return -1;
}

/* Arms an immediate stop of @core at its pc, for @reason. */
static void
arm_now (HsFakeProbe  *self,
         guint         core,
         HsStopReason  reason)
{
  g_clear_pointer (&self->armed, g_free);
  self->armed = g_new0 (ScriptedStop, 1);
  self->armed->core = core;
  self->armed->reason = reason;
  self->armed->pc = self->values[core * N_REGS + PC];
  self->armed_at = g_get_monotonic_time ();
}

/* ---- HsProbe ---------------------------------------------------------------------------- */

static gboolean
fake_connect (HsProbe       *probe,
              gboolean      *was_running,
              GCancellable  *cancellable,
              GError       **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  count (self, "connect");
  self->connected = TRUE;
  self->dropped = FALSE;
  /* Like QEMU: connecting stops a running target and says it was running. */
  *was_running = self->start_running;
  self->running = FALSE;
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static void
fake_disconnect (HsProbe *probe)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  count (self, "disconnect");
  self->connected = FALSE;
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
}

static gboolean
fake_detach (HsProbe          *probe,
             HsDetachOutcome  *outcome,
             char            **note,
             GError          **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);
  gboolean ok;

  hs_mutex_lock (&self->lock);
  count (self, "detach");
  *note = NULL;
  ok = !lost (self, error);
  if (ok)
    {
      for (guint i = self->plants->len; i-- > 0;)
        {
          Plant *p = &g_array_index (self->plants, Plant, i);

          if (p->wrote)
            put_word (self, p->address, p->saved);
        }
      g_array_set_size (self->plants, 0);
      *outcome = self->refuse_detach ? HS_DETACH_RESUMED : HS_DETACH_RELEASED;
      if (self->refuse_detach)
        *note = g_strdup ("the fake refused 'D'");
      self->running = TRUE;
    }
  self->connected = FALSE;
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
fake_is_connected (HsProbe *probe)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);
  gboolean connected;

  hs_mutex_lock (&self->lock);
  connected = self->connected && !self->dropped;
  hs_mutex_unlock (&self->lock);
  return connected;
}

static char *
fake_describe (HsProbe *probe)
{
  return g_strdup ("fake probe");
}

static guint
fake_get_n_cores (HsProbe *probe)
{
  return HS_FAKE_PROBE (probe)->n_cores;
}

static GPtrArray *
fake_get_registers (HsProbe *probe)
{
  return HS_FAKE_PROBE (probe)->registers;
}

static gboolean
fake_read_registers (HsProbe      *probe,
                     guint         core,
                     const guint  *indexes,
                     guint         n_indexes,
                     guint64      *values,
                     gboolean     *valid,
                     GError      **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (!begin_read (self, FALSE, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  for (guint i = 0; i < n_indexes; i++)
    {
      valid[i] = core < self->n_cores && indexes[i] < N_REGS;
      values[i] = valid[i] ? self->values[core * N_REGS + indexes[i]] : 0;
    }
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_write_register (HsProbe  *probe,
                     guint     core,
                     guint     index,
                     guint64   value,
                     GError  **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  if (core < self->n_cores && index < N_REGS)
    self->values[core * N_REGS + index] = value;
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_read_memory (HsProbe  *probe,
                  guint64   phys,
                  guint8   *buf,
                  gsize     len,
                  GError  **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (!begin_read (self, TRUE, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  for (gsize done = 0; done < len;)
    {
      guint8 *page = page_for (self, phys + done, FALSE);
      gsize n = MIN (len - done, PAGE - (phys + done) % PAGE);

      if (page == NULL)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB,
                       "no memory at 0x%" G_GINT64_MODIFIER "x", phys + done);
          hs_mutex_unlock (&self->lock);
          return FALSE;
        }
      memcpy (buf + done, page + (phys + done) % PAGE, n);
      done += n;
    }
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_write_memory (HsProbe       *probe,
                   guint64        phys,
                   const guint8  *buf,
                   gsize          len,
                   GError       **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    page_for (self, phys + i, TRUE)[(phys + i) % PAGE] = buf[i];
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_resume (HsProbe  *probe,
             GError  **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);
  gint core;

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  count (self, "resume");
  self->running = TRUE;
  self->interrupt_at = 0;
  g_clear_pointer (&self->armed, g_free);
  /* A core resting on one of our BRKs traps before anything scripted can happen. */
  if ((core = core_on_brk (self, -1)) >= 0)
    {
      count (self, "resume-onto-brk");
      arm_now (self, (guint) core, HS_STOP_REASON_BREAKPOINT);
      hs_cond_broadcast (&self->cond);
      hs_mutex_unlock (&self->lock);
      return TRUE;
    }
  self->armed = g_queue_pop_head (&self->stops);
  if (self->armed)
    self->armed_at = g_get_monotonic_time () + self->armed->delay_ms * G_TIME_SPAN_MILLISECOND;
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_step (HsProbe  *probe,
           guint     core,
           GError  **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  count (self, "step");
  self->running = TRUE;
  /* On one of our BRKs the step traps without moving; otherwise one instruction: the pc
   * moves on, and the step is the next stop. */
  if (core_on_brk (self, (gint) core) >= 0)
    {
      count (self, "step-onto-brk");
      arm_now (self, core, HS_STOP_REASON_BREAKPOINT);
    }
  else
    {
      self->values[core * N_REGS + PC] += 4;
      arm_now (self, core, HS_STOP_REASON_STEP);
    }
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_interrupt (HsProbe  *probe,
                GError  **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  count (self, "interrupt");
  /* A stopped target has nothing to interrupt: QEMU sends no stop for it. */
  if (!self->running)
    {
      count (self, "interrupt-while-halted");
      hs_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (self->interrupt_at == 0)
    self->interrupt_at = g_get_monotonic_time () + self->halt_delay_ms * G_TIME_SPAN_MILLISECOND;
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_wait_stop (HsProbe       *probe,
                guint          timeout_ms,
                HsStopEvent   *event,
                GCancellable  *cancellable,
                GError       **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);
  gint64 deadline = timeout_ms == G_MAXUINT ? G_MAXINT64
                    : g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean ok = FALSE;

  memset (event, 0, sizeof *event);
  hs_mutex_lock (&self->lock);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = deadline;

      if (lost (self, error))
        break;
      if (!self->running)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_FAILED, "the target is halted");
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (self->armed != NULL && now >= self->armed_at)
        {
          event->core = self->armed->core;
          event->reason = self->armed->reason;
          self->values[event->core * N_REGS + PC] = self->armed->pc;
          g_clear_pointer (&self->armed, g_free);
          ok = TRUE;
          break;
        }
      if (self->interrupt_at != 0 && now >= self->interrupt_at)
        {
          event->core = 0;
          event->reason = HS_STOP_REASON_HALT_REQUEST;
          event->signal = 2;
          ok = TRUE;
          break;
        }
      if (now >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no stop within %u ms",
                       timeout_ms);
          break;
        }
      if (self->armed != NULL)
        wake = MIN (wake, self->armed_at);
      if (self->interrupt_at != 0)
        wake = MIN (wake, self->interrupt_at);
      /* Cancellation is polled: the engine cancels by closing the line too. */
      wake = MIN (wake, now + 20 * G_TIME_SPAN_MILLISECOND);
      hs_cond_wait_until (&self->cond, &self->lock, wake);
    }
  if (ok)
    {
      self->running = FALSE;
      self->interrupt_at = 0;
      count (self, "stop");
    }
  hs_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
fake_insert_breakpoint (HsProbe           *probe,
                        HsBreakpointType   type,
                        guint64            address,
                        GError           **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);
  Plant p = { address, type, 0, FALSE };

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  count (self, "insert");
  /* Identity-mapped code gets a real BRK, the way gdbserver plants a software breakpoint; a
   * hardware one is in the core's debug registers, not in memory. */
  if (type == HS_BREAKPOINT_SOFTWARE && page_for (self, address, FALSE) != NULL)
    {
      p.saved = get_word (self, address);
      p.wrote = TRUE;
      put_word (self, address, HS_FAKE_BRK);
    }
  g_array_append_val (self->plants, p);
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
fake_remove_breakpoint (HsProbe           *probe,
                        HsBreakpointType   type,
                        guint64            address,
                        GError           **error)
{
  HsFakeProbe *self = HS_FAKE_PROBE (probe);

  hs_mutex_lock (&self->lock);
  if (lost (self, error))
    {
      hs_mutex_unlock (&self->lock);
      return FALSE;
    }
  count (self, "remove");
  for (guint i = 0; i < self->plants->len; i++)
    {
      Plant *p = &g_array_index (self->plants, Plant, i);

      if (p->address != address || p->type != type)
        continue;
      if (p->wrote)
        put_word (self, address, p->saved);
      g_array_remove_index (self->plants, i);
      break;
    }
  hs_mutex_unlock (&self->lock);
  return TRUE;
}

static void
hs_fake_probe_iface_init (HsProbeInterface *iface)
{
  iface->connect = fake_connect;
  iface->disconnect = fake_disconnect;
  iface->detach = fake_detach;
  iface->is_connected = fake_is_connected;
  iface->describe = fake_describe;
  iface->get_n_cores = fake_get_n_cores;
  iface->get_registers = fake_get_registers;
  iface->read_registers = fake_read_registers;
  iface->write_register = fake_write_register;
  iface->read_memory = fake_read_memory;
  iface->write_memory = fake_write_memory;
  iface->resume = fake_resume;
  iface->step = fake_step;
  iface->interrupt = fake_interrupt;
  iface->wait_stop = fake_wait_stop;
  iface->insert_breakpoint = fake_insert_breakpoint;
  iface->remove_breakpoint = fake_remove_breakpoint;
}

/* ---- GObject and scripting -------------------------------------------------------------- */

static void
hs_fake_probe_finalize (GObject *object)
{
  HsFakeProbe *self = HS_FAKE_PROBE (object);

  g_ptr_array_unref (self->registers);
  g_free (self->values);
  g_hash_table_unref (self->pages);
  g_queue_clear_full (&self->stops, g_free);
  g_free (self->armed);
  g_array_unref (self->plants);
  g_hash_table_unref (self->counts);
  hs_mutex_clear (&self->lock);
  hs_cond_clear (&self->cond);
  G_OBJECT_CLASS (hs_fake_probe_parent_class)->finalize (object);
}

static void
hs_fake_probe_class_init (HsFakeProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_fake_probe_finalize;
}

static void
hs_fake_probe_init (HsFakeProbe *self)
{
  hs_mutex_init (&self->lock);
  hs_cond_init (&self->cond);
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->plants = g_array_new (FALSE, FALSE, sizeof (Plant));
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->registers = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_register_info_free);
  for (guint i = 0; i < N_REGS; i++)
    {
      HsRegisterInfo *info = g_new0 (HsRegisterInfo, 1);

      info->index = i;
      info->regnum = i;
      info->bitsize = i == CPSR ? 32 : 64;
      info->klass = i < N_CORE_REGS ? HS_REGISTER_CLASS_CORE : HS_REGISTER_CLASS_SYSTEM;
      info->name = i < 31 ? g_strdup_printf ("x%u", i)
                   : i == 31 ? g_strdup ("sp")
                   : i == PC ? g_strdup ("pc")
                   : i == CPSR ? g_strdup ("cpsr")
                   : g_strdup (system_names[i - N_CORE_REGS]);
      g_ptr_array_add (self->registers, info);
    }
}

HsFakeProbe *
hs_fake_probe_new (guint n_cores)
{
  HsFakeProbe *self = g_object_new (HS_TYPE_FAKE_PROBE, NULL);

  self->n_cores = n_cores;
  self->values = g_new0 (guint64, n_cores * N_REGS);
  /* Every core in Xen (EL2h), its MMU off: machine 0's addresses are physical ones. */
  for (guint c = 0; c < n_cores; c++)
    {
      self->values[c * N_REGS + CPSR] = 0x3c9;
      self->values[c * N_REGS + PC] = 0x40001000 + 0x100 * c;
    }
  return self;
}

void
hs_fake_probe_set_running (HsFakeProbe *self,
                           gboolean     running)
{
  hs_mutex_lock (&self->lock);
  self->start_running = running;
  hs_mutex_unlock (&self->lock);
}

void
hs_fake_probe_set_register (HsFakeProbe *self,
                            guint        core,
                            const char  *name,
                            guint64      value)
{
  gint i = register_index (name);

  g_assert_true (i >= 0 && core < self->n_cores);
  hs_mutex_lock (&self->lock);
  self->values[core * N_REGS + i] = value;
  hs_mutex_unlock (&self->lock);
}

guint64
hs_fake_probe_get_register (HsFakeProbe *self,
                            guint        core,
                            const char  *name)
{
  gint i = register_index (name);
  guint64 v;

  g_assert_true (i >= 0 && core < self->n_cores);
  hs_mutex_lock (&self->lock);
  v = self->values[core * N_REGS + i];
  hs_mutex_unlock (&self->lock);
  return v;
}

void
hs_fake_probe_write (HsFakeProbe *self,
                     guint64      phys,
                     const void  *data,
                     gsize        len)
{
  hs_mutex_lock (&self->lock);
  for (gsize i = 0; i < len; i++)
    page_for (self, phys + i, TRUE)[(phys + i) % PAGE] = ((const guint8 *) data)[i];
  hs_mutex_unlock (&self->lock);
}

guint32
hs_fake_probe_read_word (HsFakeProbe *self,
                         guint64      phys)
{
  guint32 word;

  hs_mutex_lock (&self->lock);
  word = get_word (self, phys);
  hs_mutex_unlock (&self->lock);
  return word;
}

void
hs_fake_probe_queue_stop (HsFakeProbe  *self,
                          guint         delay_ms,
                          guint         core,
                          HsStopReason  reason,
                          guint64       pc)
{
  ScriptedStop *s = g_new0 (ScriptedStop, 1);

  s->delay_ms = delay_ms;
  s->core = core;
  s->reason = reason;
  s->pc = pc;
  hs_mutex_lock (&self->lock);
  g_queue_push_tail (&self->stops, s);
  hs_mutex_unlock (&self->lock);
}

void
hs_fake_probe_set_halt_delay (HsFakeProbe *self,
                              guint        delay_ms)
{
  hs_mutex_lock (&self->lock);
  self->halt_delay_ms = delay_ms;
  hs_mutex_unlock (&self->lock);
}

void
hs_fake_probe_set_refuse_detach (HsFakeProbe *self,
                                 gboolean     refuse)
{
  hs_mutex_lock (&self->lock);
  self->refuse_detach = refuse;
  hs_mutex_unlock (&self->lock);
}

void
hs_fake_probe_drop_at_read (HsFakeProbe *self,
                            guint        n)
{
  hs_mutex_lock (&self->lock);
  self->drop_countdown = n;
  hs_mutex_unlock (&self->lock);
}

void
hs_fake_probe_drop (HsFakeProbe *self)
{
  hs_mutex_lock (&self->lock);
  self->dropped = TRUE;
  hs_cond_broadcast (&self->cond);
  hs_mutex_unlock (&self->lock);
}

guint
hs_fake_probe_count (HsFakeProbe *self,
                     const char  *what)
{
  guint n;

  hs_mutex_lock (&self->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
  hs_mutex_unlock (&self->lock);
  return n;
}

gboolean
hs_fake_probe_is_running (HsFakeProbe *self)
{
  gboolean running;

  hs_mutex_lock (&self->lock);
  running = self->running;
  hs_mutex_unlock (&self->lock);
  return running;
}

gboolean
hs_fake_probe_is_connected_now (HsFakeProbe *self)
{
  return fake_is_connected (HS_PROBE (self));
}

guint
hs_fake_probe_get_n_planted (HsFakeProbe *self)
{
  guint n;

  hs_mutex_lock (&self->lock);
  n = self->plants->len;
  hs_mutex_unlock (&self->lock);
  return n;
}
