/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe.h: what the engine asks of a debug probe.
 *
 * A probe knows cores, registers, physical memory and breakpoints, and
 * nothing else. Every method blocks on the wire, so the engine calls them
 * from its worker thread only; implementations are thread-safe so that
 * hs_probe_interrupt() can be called from any thread while another one
 * waits in hs_probe_wait_stop().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HS_PROBE_ERROR (hs_probe_error_quark ())

typedef enum
{
  HS_PROBE_ERROR_FAILED = 1,
  HS_PROBE_ERROR_NOT_CONNECTED,
  HS_PROBE_ERROR_RUNNING,         /* the target must be halted for this */
  HS_PROBE_ERROR_PROTOCOL,        /* the stub said something we cannot parse */
  HS_PROBE_ERROR_STUB,            /* the stub answered with an error (E nn) */
  HS_PROBE_ERROR_CONNECTION_LOST,
  HS_PROBE_ERROR_NO_SUCH_REGISTER,
  HS_PROBE_ERROR_NO_SUCH_CORE,
} HsProbeError;

GQuark hs_probe_error_quark (void);

typedef enum
{
  HS_STOP_REASON_NONE,
  HS_STOP_REASON_ATTACH,          /* stopped because we connected */
  HS_STOP_REASON_HALT_REQUEST,    /* the user asked (Break) */
  HS_STOP_REASON_BREAKPOINT,
  HS_STOP_REASON_WATCHPOINT,
  HS_STOP_REASON_STEP,
  HS_STOP_REASON_SIGNAL,          /* any other stop the stub reported */
  HS_STOP_REASON_EXITED,          /* the target went away (e.g. QEMU quit) */
} HsStopReason;

const char *hs_stop_reason_to_string (HsStopReason reason);

typedef struct
{
  guint core;
  HsStopReason reason;
  guint signal;
  guint64 address;                /* watchpoint address, if any */
} HsStopEvent;

typedef enum
{
  HS_REGISTER_CLASS_CORE,         /* general purpose, sp, pc, pstate */
  HS_REGISTER_CLASS_FPU,
  HS_REGISTER_CLASS_SYSTEM,
} HsRegisterClass;

typedef struct
{
  char *name;
  guint index;                    /* position in hs_probe_get_registers() */
  guint regnum;                   /* the probe's own number */
  guint bitsize;
  HsRegisterClass klass;
} HsRegisterInfo;

typedef enum
{
  HS_BREAKPOINT_SOFTWARE,
  HS_BREAKPOINT_HARDWARE,
} HsBreakpointType;

/* How a detach left the target: running either way. */
typedef enum
{
  HS_DETACH_RELEASED,             /* the stub took the detach and lets the target run */
  HS_DETACH_RESUMED,              /* the stub refused it: the probe resumed the target itself */
} HsDetachOutcome;

/* One piece of a vectored physical read (hs_probe_read_memory_v). */
typedef struct
{
  guint64 phys;
  guint8 *buf;
  gsize len;
  gboolean ok;                    /* out: TRUE when all @len bytes were read */
} HsProbeRead;

#define HS_TYPE_PROBE (hs_probe_get_type ())
G_DECLARE_INTERFACE (HsProbe, hs_probe, HS, PROBE, GObject)

struct _HsProbeInterface
{
  GTypeInterface parent_iface;

  gboolean   (*connect)            (HsProbe       *self,
                                    gboolean      *was_running,
                                    GCancellable  *cancellable,
                                    GError       **error);
  void       (*disconnect)         (HsProbe       *self);
  gboolean   (*detach)             (HsProbe       *self,
                                    HsDetachOutcome *outcome,
                                    char         **note,
                                    GError       **error);
  gboolean   (*is_connected)       (HsProbe       *self);
  char      *(*describe)           (HsProbe       *self);
  guint      (*get_n_cores)        (HsProbe       *self);
  GPtrArray *(*get_registers)      (HsProbe       *self);
  gboolean   (*read_registers)     (HsProbe       *self,
                                    guint          core,
                                    const guint   *indexes,
                                    guint          n_indexes,
                                    guint64       *values,
                                    gboolean      *valid,
                                    GError       **error);
  gboolean   (*write_register)     (HsProbe       *self,
                                    guint          core,
                                    guint          index,
                                    guint64        value,
                                    GError       **error);
  gboolean   (*read_memory)        (HsProbe       *self,
                                    guint64        phys,
                                    guint8        *buf,
                                    gsize          len,
                                    GError       **error);
  /* Optional: many reads at the cost of few round trips. */
  gboolean   (*read_memory_v)      (HsProbe       *self,
                                    HsProbeRead   *reads,
                                    guint          n_reads,
                                    GError       **error);
  gboolean   (*write_memory)       (HsProbe       *self,
                                    guint64        phys,
                                    const guint8  *buf,
                                    gsize          len,
                                    GError       **error);
  gboolean   (*resume)             (HsProbe       *self,
                                    GError       **error);
  gboolean   (*step)               (HsProbe       *self,
                                    guint          core,
                                    GError       **error);
  /* Optional: whether a step runs only the core it names (the others stay stopped). */
  gboolean   (*steps_alone)        (HsProbe       *self);
  gboolean   (*interrupt)          (HsProbe       *self,
                                    GError       **error);
  gboolean   (*wait_stop)          (HsProbe       *self,
                                    guint          timeout_ms,
                                    HsStopEvent   *event,
                                    GCancellable  *cancellable,
                                    GError       **error);
  gboolean   (*insert_breakpoint)  (HsProbe       *self,
                                    HsBreakpointType type,
                                    guint64        address,
                                    GError       **error);
  gboolean   (*remove_breakpoint)  (HsProbe       *self,
                                    HsBreakpointType type,
                                    guint64        address,
                                    GError       **error);
};

gboolean   hs_probe_connect            (HsProbe       *self,
                                        gboolean      *was_running,
                                        GCancellable  *cancellable,
                                        GError       **error);
void       hs_probe_disconnect         (HsProbe       *self);
gboolean   hs_probe_detach             (HsProbe       *self,
                                        HsDetachOutcome *outcome,
                                        char         **note,
                                        GError       **error);
gboolean   hs_probe_is_connected       (HsProbe       *self);
char      *hs_probe_describe           (HsProbe       *self);
guint      hs_probe_get_n_cores        (HsProbe       *self);
GPtrArray *hs_probe_get_registers      (HsProbe       *self);
gboolean   hs_probe_read_registers     (HsProbe       *self,
                                        guint          core,
                                        const guint   *indexes,
                                        guint          n_indexes,
                                        guint64       *values,
                                        gboolean      *valid,
                                        GError       **error);
gboolean   hs_probe_write_register     (HsProbe       *self,
                                        guint          core,
                                        guint          index,
                                        guint64        value,
                                        GError       **error);
gboolean   hs_probe_read_memory        (HsProbe       *self,
                                        guint64        phys,
                                        guint8        *buf,
                                        gsize          len,
                                        GError       **error);
/* Reads every piece it can: a piece the target has nothing at (the stub refuses it) only gets
 * ok = FALSE; FALSE and @error when the probe itself fails (not halted, connection lost). */
gboolean   hs_probe_read_memory_v      (HsProbe       *self,
                                        HsProbeRead   *reads,
                                        guint          n_reads,
                                        GError       **error);
gboolean   hs_probe_write_memory       (HsProbe       *self,
                                        guint64        phys,
                                        const guint8  *buf,
                                        gsize          len,
                                        GError       **error);
gboolean   hs_probe_resume             (HsProbe       *self,
                                        GError       **error);
gboolean   hs_probe_step               (HsProbe       *self,
                                        guint          core,
                                        GError       **error);
/* FALSE when the probe cannot say: then a step may have run the other cores too. */
gboolean   hs_probe_steps_alone        (HsProbe       *self);
gboolean   hs_probe_interrupt          (HsProbe       *self,
                                        GError       **error);
gboolean   hs_probe_wait_stop          (HsProbe       *self,
                                        guint          timeout_ms,
                                        HsStopEvent   *event,
                                        GCancellable  *cancellable,
                                        GError       **error);
gboolean   hs_probe_insert_breakpoint  (HsProbe       *self,
                                        HsBreakpointType type,
                                        guint64        address,
                                        GError       **error);
gboolean   hs_probe_remove_breakpoint  (HsProbe       *self,
                                        HsBreakpointType type,
                                        guint64        address,
                                        GError       **error);

void       hs_register_info_free       (HsRegisterInfo *info);

/* A probe for @location: a gdbstub's "HOST:PORT" ("[v6addr]:PORT", ":PORT" for the local
 * host). Not connected yet. */
HsProbe   *hs_probe_new_for_location   (const char     *location,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsRegisterInfo, hs_register_info_free)

G_END_DECLS

#include "hs-probe-enums.h"
